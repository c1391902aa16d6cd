package io.hotstandby.domain;

/** What the domain file names a server: the main, the backup, or neither (an inactive server). */
public enum DomainRole {
  MAIN,
  BACKUP,
  NONE
}
