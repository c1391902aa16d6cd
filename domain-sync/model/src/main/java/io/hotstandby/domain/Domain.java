package io.hotstandby.domain;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One parsed and validated domain file: the servers of the domain, the hot-standby settings and the
 * projects the runtime runs. Immutable; a new version of the file is a new {@code Domain}.
 *
 * @param file the absolute path the domain was read from; relative paths inside resolve against its
 *     folder
 * @param name the domain's name
 * @param version monotonic version number written in the file; a newer file has a higher number
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 * @param secret the shared secret that authenticates REC heartbeats (never empty)
 * @param servers every server declared in the domain, in file order
 * @param hotStandby the redundancy settings
 * @param projects the projects the runtime loads, resolved to absolute paths
 * @param projectSync whether and how fast the project files are copied from the active
 * @param users who may log in to the servers' OPC UA endpoints, and with which role
 * @param security how the servers' OPC UA endpoints admit clients
 */
public record Domain(
    Path file,
    String name,
    long version,
    String sha256,
    byte[] secret,
    List<ServerSpec> servers,
    HotStandbySpec hotStandby,
    List<Path> projects,
    ProjectSyncSpec projectSync,
    List<UserSpec> users,
    SecuritySpec security) {

  public Domain {
    servers = List.copyOf(servers);
    projects = List.copyOf(projects);
    users = List.copyOf(users);
    secret = secret.clone();
    security = security == null ? SecuritySpec.DEFAULT : security;
  }

  /** A domain without project synchronisation and without users. */
  public Domain(
      Path file,
      String name,
      long version,
      String sha256,
      byte[] secret,
      List<ServerSpec> servers,
      HotStandbySpec hotStandby,
      List<Path> projects) {
    this(
        file,
        name,
        version,
        sha256,
        secret,
        servers,
        hotStandby,
        projects,
        ProjectSyncSpec.DISABLED,
        List.of(),
        SecuritySpec.DEFAULT);
  }

  /** The user with this name, if the domain declares one. */
  public Optional<UserSpec> user(String userName) {
    return users.stream().filter(u -> u.name().equals(userName)).findFirst();
  }

  /** The server with this name, if the domain declares one. */
  public Optional<ServerSpec> server(String serverName) {
    return servers.stream().filter(s -> s.name().equals(serverName)).findFirst();
  }

  /** Every server other than {@code serverName}. */
  public List<ServerSpec> peersOf(String serverName) {
    return servers.stream().filter(s -> !s.name().equals(serverName)).toList();
  }

  /** The role the domain gives a server: main, backup, or neither. */
  public DomainRole roleOf(String serverName) {
    if (serverName.equals(hotStandby.main())) {
      return DomainRole.MAIN;
    }
    if (serverName.equals(hotStandby.backup())) {
      return DomainRole.BACKUP;
    }
    return DomainRole.NONE;
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }
}
