package io.hotstandby.domain.sync;

/**
 * One version of the domain file in a server's history.
 *
 * @param seq the order in which this server recorded it
 * @param version the version
 * @param kind whether it was in force here, lost a conflict, or was refused
 * @param recordedMillis when this server recorded it
 * @param note why a refused or conflicting version was not put in force, "" otherwise
 */
public record HistoryEntry(
    long seq, DomainVersion version, Kind kind, long recordedMillis, String note) {

  /** What became of a version on this server. */
  public enum Kind {
    /** It was put in force here (it may have been superseded since). */
    APPLIED,
    /** It diverged from the version in force during a partition and lost to the main's. */
    CONFLICT,
    /** It was invalid and never put in force. */
    REFUSED
  }
}
