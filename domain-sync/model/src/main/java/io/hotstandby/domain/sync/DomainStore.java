package io.hotstandby.domain.sync;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainFileException;
import io.hotstandby.domain.DomainFileReader;
import io.hotstandby.domain.DomainFileWriter;
import io.hotstandby.domain.Sha256;
import io.hotstandby.domain.sync.HistoryEntry.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain file of one server and its history: which version is in force, how a change made here
 * becomes the next version, and what a version received from a peer does.
 *
 * <p>A change made here ({@link #propose}, then {@link #commit}) is validated first and numbered
 * after every version this server has seen; the file is replaced atomically, so a failed write
 * (disk full, read-only folder) leaves the old file and the old version in force. A version from a
 * peer ({@link #receive}) that descends from the one in force replaces it; one that diverged (both
 * sides changed the file during a partition) is a conflict: the main server's version stays in
 * force everywhere and the other is kept in history, marked, until a later version resolves it.
 *
 * <p>Thread-safe. Changes (open, propose, commit, refuse, receive) are serialised on the store and
 * write the file and the history while they hold it; the readers ({@link #domain}, {@link
 * #current}, {@link #conflict}, {@link #wroteRecently}, the history look-ups) never wait for them:
 * what is in force is published in volatile fields, so a role thread that reads it every few
 * hundred milliseconds is never held up by a write or an fsync.
 */
public final class DomainStore {
  private static final Logger log = LoggerFactory.getLogger(DomainStore.class);
  private static final String PENDING = "diverged; waiting for the main's version";

  /** What a received version did here. */
  public enum Outcome {
    /** It is the version in force. */
    SAME,
    /** It descended from the version in force and is now in force. */
    ADOPTED,
    /** The sender is behind: this server's version descends from the one it sent. */
    SENDER_BEHIND,
    /** It diverged; this server is the main, so its own version stays in force. */
    CONFLICT_KEPT,
    /** It diverged and came from the main: it is now in force, the one it replaced in history. */
    CONFLICT_ADOPTED,
    /** It diverged and neither side is the main: kept in history until the main's arrives. */
    CONFLICT_PENDING,
    /** It is not a valid domain file here; the version in force stays. */
    REFUSED,
    /** The file could not be written; the version in force stays. */
    WRITE_FAILED
  }

  /**
   * @param outcome what happened
   * @param domain the domain in force afterwards
   * @param message one line for the event log, "" when there is nothing new to say
   */
  public record Received(Outcome outcome, Domain domain, String message) {
    /** Whether the version in force changed. */
    public boolean changed() {
      return outcome == Outcome.ADOPTED || outcome == Outcome.CONFLICT_ADOPTED;
    }
  }

  /**
   * A validated change, numbered and ready to commit.
   *
   * @param domain the domain it parses to
   * @param version the version it would become
   * @param basedOn the hash of the version in force it was made from
   */
  public record Proposal(Domain domain, DomainVersion version, String basedOn) {}

  /**
   * What opening the store found.
   *
   * @param domain the domain in force
   * @param notices what an operator should know (an edit made while stopped, a missing file)
   * @param errors what went wrong but was recovered from (an invalid edit, restored)
   */
  public record Opened(Domain domain, List<String> notices, List<String> errors) {}

  private final Path file;
  private final Path historyDir;
  private final String self;
  private final LongSupplier clock;

  private volatile DomainHistory history;
  private volatile DomainVersion current;
  private volatile Domain domain;
  private volatile String conflict = "";
  private final Map<String, Long> written = new LinkedHashMap<>();

  /**
   * @param file the domain file, at the same path on every server
   * @param historyDir where this server keeps every version (in its data folder)
   * @param self this server's name
   * @param clock epoch milliseconds
   */
  public DomainStore(Path file, Path historyDir, String self, LongSupplier clock) {
    this.file = file.toAbsolutePath().normalize();
    this.historyDir = historyDir;
    this.self = self;
    this.clock = clock;
  }

  /**
   * Reads the file and the history. The first start records the file as the first version; a file
   * changed while the server was stopped is a change made here, validated like any other: valid, it
   * becomes the next version; invalid, it is kept in history as refused and the last good version
   * is written back.
   *
   * @throws DomainFileException when there is no good version at all (first start, bad file)
   * @throws IOException when the history or the file cannot be written
   */
  public synchronized Opened open() throws DomainFileException, IOException {
    history = DomainHistory.open(historyDir);
    List<String> notices = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    HistoryEntry last = lastApplied();
    byte[] bytes = readFile();
    if (last == null) {
      if (bytes == null) {
        throw new DomainFileException(file, "file", "not found");
      }
      domain = DomainFileReader.parse(file, bytes);
      current =
          new DomainVersion(
              domain.version(), domain.sha256(), self, "local", now(), "start", List.of(), bytes);
      history.record(current, Kind.APPLIED, now(), "");
    } else {
      current = last.version();
      domain = DomainFileReader.parse(file, current.content());
      if (bytes == null) {
        write(current.content());
        notices.add(file + ": missing; " + current.label() + " written back from history");
      } else if (!Sha256.hex(bytes).equals(current.sha256())) {
        try {
          Proposal p = propose(bytes, "local", "edit while stopped");
          if (p != null) {
            commit(p);
            notices.add(file + ": edited while the server was stopped; now " + current.label());
          }
        } catch (DomainFileException e) {
          errors.add(refuse(bytes, "local", "edit while stopped", e.getMessage()));
        }
      }
    }
    conflict = unresolvedConflictInHistory();
    return new Opened(domain, notices, errors);
  }

  /** The domain in force. */
  public Domain domain() {
    return domain;
  }

  /** The version in force. */
  public DomainVersion current() {
    return current;
  }

  /** The domain file's path. */
  public Path file() {
    return file;
  }

  /** An unresolved conflict in one line, or "" when there is none. */
  public String conflict() {
    return conflict;
  }

  /** Every version this server has recorded, oldest first. */
  public List<HistoryEntry> history() {
    return history.entries();
  }

  /** Whether {@code entry} is the version in force (its latest record). */
  public boolean inForce(HistoryEntry entry) {
    return entry.kind() == Kind.APPLIED && entry == lastApplied();
  }

  /**
   * Validates {@code content} as the next version and numbers it: its own number if that is higher
   * than every version seen here, else the next one (the number in the file is rewritten).
   *
   * @return the proposal, or null when {@code content} is the version in force already
   * @throws DomainFileException naming the file, field and problem
   */
  public synchronized Proposal propose(byte[] content, String user, String source)
      throws DomainFileException {
    if (Sha256.hex(content).equals(current.sha256())) {
      return null;
    }
    Domain parsed = DomainFileReader.parse(file, content);
    long next = highestNumber() + 1;
    byte[] stamped = content;
    if (parsed.version() < next) {
      stamped = VersionStamp.write(content, next);
      parsed = DomainFileReader.parse(file, stamped);
    }
    DomainVersion v =
        new DomainVersion(
            parsed.version(),
            parsed.sha256(),
            self,
            user,
            now(),
            source,
            current.childLineage(),
            stamped);
    return new Proposal(parsed, v, current.sha256());
  }

  /**
   * Puts a proposal in force: the file is replaced atomically, then the version is recorded. Any
   * unresolved conflict is resolved by it.
   *
   * @throws IOException when the file cannot be written; the version in force is unchanged
   * @throws IllegalStateException when another version was put in force since the proposal
   */
  public synchronized DomainVersion commit(Proposal p) throws IOException {
    if (!p.basedOn().equals(current.sha256())) {
      throw new IllegalStateException(
          "the domain changed meanwhile (now " + current.label() + "); try again");
    }
    write(p.version().content());
    putInForce(p.version(), p.domain());
    conflict = "";
    return current;
  }

  /**
   * Keeps an invalid change in history as refused and, if the file on disk is not the version in
   * force, writes that version back.
   *
   * @return the one-line error for the event log
   */
  public synchronized String refuse(byte[] content, String user, String source, String why) {
    String sha = Sha256.hex(content);
    DomainVersion v =
        new DomainVersion(
            VersionStamp.read(content).orElse(0),
            sha,
            self,
            user,
            now(),
            source,
            current.childLineage(),
            content);
    if (!known(sha, Kind.REFUSED)) {
      try {
        history.record(v, Kind.REFUSED, now(), why);
      } catch (IOException e) {
        log.warn("cannot keep the refused edit in history: {}", e.toString());
      }
    }
    String restored = "";
    byte[] onDisk = readFile();
    if (onDisk == null || !Sha256.hex(onDisk).equals(current.sha256())) {
      try {
        write(current.content());
        restored = "; the file was restored";
      } catch (IOException e) {
        restored = "; the file could not be restored: " + e.getMessage();
      }
    }
    return "domain file change refused ("
        + source
        + "): "
        + why
        + "; "
        + current.label()
        + " stays in force"
        + restored
        + " (the refused text is kept in history as "
        + v.shortSha()
        + ")";
  }

  /**
   * Handles a version a peer holds in force.
   *
   * @param incoming the version
   * @param holder the server that sent it (the one that has it in force)
   */
  public synchronized Received receive(DomainVersion incoming, String holder) {
    return receive(incoming, holder, true);
  }

  /**
   * Handles a version a peer sent.
   *
   * @param incoming the version
   * @param holder the server that sent it
   * @param inForce whether the sender has it in force; a copy from its history (a version that lost
   *     a conflict there) is never put in force here, only recorded as a conflict by the main
   */
  public synchronized Received receive(DomainVersion incoming, String holder, boolean inForce) {
    if (!Sha256.hex(incoming.content()).equals(incoming.sha256())) {
      return new Received(
          Outcome.REFUSED, domain, "domain version from " + holder + " does not match its hash");
    }
    if (incoming.sha256().equals(current.sha256())) {
      return new Received(Outcome.SAME, domain, "");
    }
    if (incoming.descendsFrom(current.sha256())) {
      return inForce
          ? adopt(incoming, holder, Outcome.ADOPTED)
          : new Received(Outcome.SAME, domain, "");
    }
    if (current.descendsFrom(incoming.sha256()) || appliedHere(incoming.sha256())) {
      return new Received(inForce ? Outcome.SENDER_BEHIND : Outcome.SAME, domain, "");
    }
    // Diverged. Every server decides by the main of the last version both sides share, so the
    // two sides agree even when one of them named another main since.
    boolean known = known(incoming.sha256(), Kind.CONFLICT);
    String main = mainOfCommonAncestor(incoming);
    if (self.equals(main)) {
      String msg = known ? "" : recordConflict(incoming, current);
      return new Received(Outcome.CONFLICT_KEPT, domain, msg);
    }
    if (holder.equals(main) && inForce) {
      DomainVersion loser = current;
      Received r = adopt(incoming, holder, Outcome.CONFLICT_ADOPTED);
      if (r.outcome() != Outcome.CONFLICT_ADOPTED) {
        return r;
      }
      return new Received(r.outcome(), domain, recordConflict(loser, incoming));
    }
    String msg = "";
    if (!known) {
      record(incoming, Kind.CONFLICT, PENDING);
      conflict =
          "conflict: "
              + incoming.label()
              + " from "
              + holder
              + " diverged from "
              + current.label()
              + "; waiting for the main ("
              + main
              + ") to settle it";
      msg = conflict;
    }
    return new Received(Outcome.CONFLICT_PENDING, domain, msg);
  }

  /**
   * The main named by the newest version both this server and {@code incoming} descend from, or,
   * when this server no longer has it, the main of the version in force here.
   */
  private String mainOfCommonAncestor(DomainVersion incoming) {
    List<String> mine = new ArrayList<>();
    mine.add(current.sha256());
    mine.addAll(current.lineage());
    for (String sha : mine) {
      if (!incoming.descendsFrom(sha)) {
        continue;
      }
      for (HistoryEntry e : history.entries()) {
        if (e.version().sha256().equals(sha)) {
          try {
            return DomainFileReader.parse(file, e.version().content()).hotStandby().main();
          } catch (DomainFileException x) {
            break;
          }
        }
      }
      break;
    }
    return domain.hotStandby().main();
  }

  /**
   * Whether this store wrote a file with hash {@code sha} in the last 10 s: the file watcher then
   * sees the store's own write, not an edit.
   */
  public boolean wroteRecently(String sha) {
    Long at;
    synchronized (written) {
      at = written.get(sha);
    }
    return at != null && now() - at <= 10_000;
  }

  private void write(byte[] content) throws IOException {
    DomainFileWriter.write(file, content);
    synchronized (written) {
      written.remove(Sha256.hex(content));
      written.put(Sha256.hex(content), now());
      while (written.size() > 16) {
        written.remove(written.keySet().iterator().next());
      }
    }
  }

  /** Whether this server has recorded the version with hash {@code sha} in any form. */
  public boolean knows(String sha) {
    return current.descendsFrom(sha)
        || history.entries().stream().anyMatch(e -> e.version().sha256().equals(sha));
  }

  /**
   * Finds a version: "" is the one in force, a number the latest recorded with that number (the one
   * put in force if any), a hex prefix of at least 6 digits the version whose hash starts so.
   */
  public Optional<HistoryEntry> find(String selector) {
    String s = selector == null ? "" : selector.trim();
    List<HistoryEntry> all = new ArrayList<>(history.entries());
    Collections.reverse(all);
    if (s.isEmpty()) {
      return Optional.ofNullable(lastApplied());
    }
    if (s.matches("\\d{1,18}")) {
      long n = Long.parseLong(s);
      Optional<HistoryEntry> applied =
          all.stream()
              .filter(e -> e.version().number() == n && e.kind() == Kind.APPLIED)
              .findFirst();
      if (applied.isPresent()) {
        return applied;
      }
      return all.stream()
          .filter(e -> e.version().number() == n && e.kind() != Kind.REFUSED)
          .findFirst();
    }
    if (s.matches("[0-9a-fA-F]{6,64}")) {
      String prefix = s.toLowerCase();
      List<String> shas =
          all.stream()
              .map(e -> e.version().sha256())
              .filter(h -> h.startsWith(prefix))
              .distinct()
              .toList();
      if (shas.size() == 1) {
        return all.stream().filter(e -> e.version().sha256().equals(shas.get(0))).findFirst();
      }
    }
    return Optional.empty();
  }

  // ---- internals ----------------------------------------------------------------------------

  private Received adopt(DomainVersion incoming, String holder, Outcome outcome) {
    Domain parsed;
    try {
      parsed = DomainFileReader.parse(file, incoming.content());
    } catch (DomainFileException e) {
      String msg = "";
      if (!known(incoming.sha256(), Kind.REFUSED)) {
        record(incoming, Kind.REFUSED, e.getMessage());
        msg =
            incoming.label()
                + " from "
                + holder
                + " is not valid here: "
                + e.getMessage()
                + "; "
                + current.label()
                + " stays in force";
      }
      return new Received(Outcome.REFUSED, domain, msg);
    }
    try {
      write(incoming.content());
    } catch (IOException e) {
      return new Received(
          Outcome.WRITE_FAILED,
          domain,
          "cannot write "
              + file
              + " with "
              + incoming.label()
              + " from "
              + holder
              + ": "
              + e.getMessage()
              + "; the file is unchanged and "
              + current.label()
              + " stays in force");
    }
    putInForce(incoming, parsed);
    if (outcome == Outcome.ADOPTED) {
      conflict = "";
    }
    return new Received(outcome, domain, "");
  }

  private String recordConflict(DomainVersion loser, DomainVersion winner) {
    conflict =
        "conflict: "
            + loser.label()
            + " diverged from "
            + winner.label()
            + " during a partition; the main's "
            + winner.label()
            + " is in force, the other is kept in history";
    record(loser, Kind.CONFLICT, conflict);
    return conflict;
  }

  private void putInForce(DomainVersion v, Domain parsed) {
    // The domain first: a reader that sees the new version then finds its domain too.
    domain = parsed;
    current = v;
    record(v, Kind.APPLIED, "");
  }

  private void record(DomainVersion v, Kind kind, String note) {
    try {
      history.record(v, kind, now(), note);
    } catch (IOException e) {
      // The file itself is what matters; a history that misses an entry is reported, not fatal.
      log.warn("cannot record {} in {}: {}", v.label(), historyDir, e.toString());
    }
  }

  private HistoryEntry lastApplied() {
    List<HistoryEntry> all = history.entries();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).kind() == Kind.APPLIED) {
        return all.get(i);
      }
    }
    return null;
  }

  /** Unresolved when the latest thing that happened here (refusals aside) was a conflict. */
  private String unresolvedConflictInHistory() {
    List<HistoryEntry> all = history.entries();
    for (int i = all.size() - 1; i >= 0; i--) {
      HistoryEntry e = all.get(i);
      if (e.kind() == Kind.APPLIED) {
        return "";
      }
      if (e.kind() == Kind.CONFLICT) {
        return e.note().startsWith(PENDING)
            ? "conflict: " + e.version().label() + " diverged; waiting for the main to settle it"
            : e.note();
      }
    }
    return "";
  }

  private boolean appliedHere(String sha) {
    return history.entries().stream()
        .anyMatch(e -> e.kind() == Kind.APPLIED && e.version().sha256().equals(sha));
  }

  private boolean known(String sha, Kind kind) {
    return history.entries().stream()
        .anyMatch(e -> e.kind() == kind && e.version().sha256().equals(sha));
  }

  private long highestNumber() {
    long max = current.number();
    for (HistoryEntry e : history.entries()) {
      if (e.kind() != Kind.REFUSED) {
        max = Math.max(max, e.version().number());
      }
    }
    return max;
  }

  private byte[] readFile() {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      log.warn("cannot read {}: {}", file, e.toString());
      return null;
    }
  }

  private long now() {
    return clock.getAsLong();
  }
}
