package io.hotstandby.domain;

import io.hotstandby.xml.FieldPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules a domain must follow beyond its XML structure: unique names and endpoints, valid ports,
 * a main and a backup that exist and can hear each other, sane heartbeat timing.
 */
public final class DomainValidator {
  /** Domain, server and REC path names: they appear in file names, messages and heartbeats. */
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  static final int MIN_HEARTBEAT_MS = 10;
  static final int MAX_HEARTBEAT_MS = 10_000;
  static final int MAX_FAILOVER_TIMEOUT_MS = 60_000;
  static final int MAX_FAILOVER_TIMEOUT_MAX_MS = 4 * MAX_FAILOVER_TIMEOUT_MS;
  static final long MAX_RETURN_STABLE_MS = 86_400_000;
  static final int MIN_MIRROR_MAX_LAG_MS = 10;
  static final int MAX_MIRROR_MAX_LAG_MS = 60_000;
  static final int MIN_PROBE_INTERVAL_MS = 100;
  static final int MAX_PROBE_INTERVAL_MS = 60_000;
  static final int MAX_PROBE_FAILURES = 100;
  static final int MAX_PROBE_FAILURE_WEIGHT = 255;

  private final Domain d;
  private final List<DomainFileException> problems = new ArrayList<>();

  private DomainValidator(Domain d) {
    this.d = d;
  }

  /** Every problem of {@code d}, in a stable order; empty when the domain is usable. */
  public static List<DomainFileException> validate(Domain d) {
    DomainValidator v = new DomainValidator(d);
    v.checkDomain();
    v.checkServers();
    v.checkEndpoints();
    v.checkHotStandby();
    v.problems.addAll(VirtualIpRules.check(d));
    v.checkProjects();
    v.checkUsers();
    return List.copyOf(v.problems);
  }

  /** {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}, salt and hash in base64. */
  static final Pattern PASSWORD_HASH =
      Pattern.compile("pbkdf2-sha256:[1-9][0-9]{3,7}:[A-Za-z0-9+/=]{8,}:[A-Za-z0-9+/=]{16,}");

  private void checkUsers() {
    if (d.projectSync().bandwidthKBps() < 1) {
      problem(
          "projects/@bandwidthKBps", "must be at least 1, not " + d.projectSync().bandwidthKBps());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < d.users().size(); i++) {
      UserSpec u = d.users().get(i);
      String field = "users/user[@name='" + u.name() + "']";
      if (!IDENTIFIER.matcher(u.name()).matches()) {
        problem("users/user[" + (i + 1) + "]/@name", "not a valid user name: '" + u.name() + "'");
      } else if (!seen.add(u.name())) {
        problem(field + "/@name", "user '" + u.name() + "' is declared twice");
      }
      if (!PASSWORD_HASH.matcher(u.passwordHash()).matches()) {
        problem(
            field + "/@password",
            "not a password hash (pbkdf2-sha256:ITERATIONS:SALT:HASH); make one with domainctl"
                + " hash-password");
      }
    }
  }

  private void problem(String field, String text) {
    problems.add(new DomainFileException(d.file(), field, text));
  }

  private void checkDomain() {
    checkIdentifier("@name", d.name());
    if (d.version() <= 0) {
      problem("@version", "must be a positive number, not " + d.version());
    }
    if (d.secret().length == 0) {
      problem(Fields.SECRET, "empty: give the secret as the element's text or in @file");
    }
  }

  private void checkServers() {
    if (d.servers().isEmpty()) {
      problem("servers", "at least one server is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < d.servers().size(); i++) {
      ServerSpec s = d.servers().get(i);
      String at = Fields.server(s.name());
      if (checkIdentifier(FieldPath.attr(at, "name"), s.name()) && !names.add(s.name())) {
        // by name the field would point at the first server of that name
        problem(
            FieldPath.attr(Fields.serverAt(i), "name"), "duplicate server name '" + s.name() + "'");
      }
      if (s.host() == null || s.host().isBlank()) {
        problem(FieldPath.attr(at, "host"), "must not be empty");
      }
      checkPort(FieldPath.attr(at + "/hazelcast", "port"), s.hazelcastPort());
      checkPort(FieldPath.attr(at + "/hazelcast", "publicPort"), s.hazelcastPublicPort());
      checkPort(FieldPath.attr(at + "/opcua", "port"), s.opcUaPort());
      checkPort(FieldPath.attr(at + "/opcua", "publicPort"), s.opcUaPublicPort());
      s.http().ifPresent(h -> checkPort(FieldPath.attr(at + "/http", "port"), h.port()));
      if (s.recPaths().isEmpty()) {
        problem(at + "/rec", "at least one REC path is required");
      }
      Set<String> paths = new HashSet<>();
      for (RecEndpoint r : s.recPaths()) {
        String rec = Fields.rec(s.name(), r.path());
        if (checkIdentifier(FieldPath.attr(rec, "path"), r.path()) && !paths.add(r.path())) {
          problem(FieldPath.attr(rec, "path"), "duplicate REC path '" + r.path() + "'");
        }
        checkPort(FieldPath.attr(rec, "port"), r.port());
        checkPort(FieldPath.attr(rec, "bindPort"), r.bindPort());
      }
    }
  }

  // Hazelcast and OPC UA listen on TCP, the REC link on UDP: only the same protocol collides.
  private void checkEndpoints() {
    Map<String, String> used = new HashMap<>();
    for (ServerSpec s : d.servers()) {
      String at = Fields.server(s.name());
      claim(used, "TCP", s.host(), s.hazelcastPort(), FieldPath.attr(at + "/hazelcast", "port"));
      claim(used, "TCP", s.host(), s.opcUaPort(), FieldPath.attr(at + "/opcua", "port"));
      s.http()
          .ifPresent(
              h -> claim(used, "TCP", h.bind(), h.port(), FieldPath.attr(at + "/http", "port")));
      for (RecEndpoint r : s.recPaths()) {
        String rec = Fields.rec(s.name(), r.path());
        claim(used, "UDP", r.bindHost(), r.bindPort(), FieldPath.attr(rec, "bindPort"));
      }
    }
  }

  private void claim(Map<String, String> used, String proto, String host, int port, String field) {
    String key = proto + " " + (host == null ? "" : host.toLowerCase(Locale.ROOT)) + ":" + port;
    String first = used.putIfAbsent(key, field);
    if (first != null) {
      problem(field, key + " is already used by " + first);
    }
  }

  private void checkHotStandby() {
    HotStandbySpec h = d.hotStandby();
    String main = FieldPath.attr(Fields.HOT_STANDBY, "main");
    String backup = FieldPath.attr(Fields.HOT_STANDBY, "backup");
    boolean mainOk = checkDeclared(main, h.main());
    boolean backupOk = h.backup() == null || checkDeclared(backup, h.backup());
    if (h.backup() == null && h.enabled()) {
      problem(backup, "required when hot standby is enabled");
    }
    if (h.main() != null && h.main().equals(h.backup())) {
      problem(backup, "must differ from main '" + h.main() + "'");
    } else if (h.enabled() && mainOk && backupOk && h.backup() != null) {
      checkSharedPath(backup, "main", h.main(), "backup", h.backup());
    }
    checkWitness(h, mainOk, backupOk);
    int hb = h.heartbeatMs();
    if (hb < MIN_HEARTBEAT_MS || hb > MAX_HEARTBEAT_MS) {
      problem(
          FieldPath.attr(Fields.HOT_STANDBY, "heartbeatMs"),
          hb + " is outside " + MIN_HEARTBEAT_MS + ".." + MAX_HEARTBEAT_MS);
    }
    int timeout = h.failoverTimeoutMs();
    if (timeout < 2L * hb || timeout > MAX_FAILOVER_TIMEOUT_MS) {
      problem(
          FieldPath.attr(Fields.HOT_STANDBY, "failoverTimeoutMs"),
          timeout
              + " is outside "
              + 2L * hb
              + ".."
              + MAX_FAILOVER_TIMEOUT_MS
              + " (at least 2 * heartbeatMs)");
    }
    int max = h.failoverTimeoutMaxMs();
    if (max < timeout || max > MAX_FAILOVER_TIMEOUT_MAX_MS) {
      problem(
          FieldPath.attr(Fields.HOT_STANDBY, "failoverTimeoutMaxMs"),
          max
              + " is outside "
              + timeout
              + ".."
              + MAX_FAILOVER_TIMEOUT_MAX_MS
              + " (at least failoverTimeoutMs; equal keeps the timeout fixed)");
    }
    if (h.returnStableMs() < 0 || h.returnStableMs() > MAX_RETURN_STABLE_MS) {
      problem(
          FieldPath.attr(Fields.HOT_STANDBY, "returnStableMs"),
          h.returnStableMs() + " is outside 0.." + MAX_RETURN_STABLE_MS);
    }
    int lag = h.mirrorMaxLagMs();
    if (lag < MIN_MIRROR_MAX_LAG_MS || lag > MAX_MIRROR_MAX_LAG_MS) {
      problem(
          FieldPath.attr(Fields.HOT_STANDBY, "mirrorMaxLagMs"),
          lag + " is outside " + MIN_MIRROR_MAX_LAG_MS + ".." + MAX_MIRROR_MAX_LAG_MS);
    }
    checkProbe(h.probe());
    for (int i = 0; i < h.integrity().size(); i++) {
      IntegrityAddress a = h.integrity().get(i);
      if (a.host() == null || a.host().isBlank()) {
        problem(FieldPath.attr(Fields.integrity(i), "host"), "must not be empty");
      }
      checkPort(FieldPath.attr(Fields.integrity(i), "port"), a.port());
    }
  }

  private void checkProbe(ServiceProbeSpec p) {
    if (p.equals(ServiceProbeSpec.OFF)) {
      return;
    }
    String probe = FieldPath.child(Fields.HOT_STANDBY, "probe");
    checkRange(
        FieldPath.attr(probe, "intervalMs"),
        p.intervalMs(),
        MIN_PROBE_INTERVAL_MS,
        MAX_PROBE_INTERVAL_MS);
    checkRange(FieldPath.attr(probe, "failures"), p.failures(), 1, MAX_PROBE_FAILURES);
    checkRange(
        FieldPath.attr(probe, "failureWeight"), p.failureWeight(), 0, MAX_PROBE_FAILURE_WEIGHT);
  }

  private void checkRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      problem(field, value + " is outside " + min + ".." + max);
    }
  }

  /**
   * A witness is a declared server other than main and backup that shares a REC path with both: it
   * must hear each of them, and they it, for its vote to mean anything.
   */
  private void checkWitness(HotStandbySpec h, boolean mainOk, boolean backupOk) {
    if (!h.hasWitness()) {
      return;
    }
    String field = FieldPath.attr(Fields.HOT_STANDBY, "witness");
    if (!checkDeclared(field, h.witness())) {
      return;
    }
    if (h.witness().equals(h.main()) || h.witness().equals(h.backup())) {
      problem(field, "'" + h.witness() + "' is main or backup; a witness must be a third server");
      return;
    }
    if (mainOk) {
      checkSharedPath(field, "witness", h.witness(), "main", h.main());
    }
    if (backupOk && h.backup() != null) {
      checkSharedPath(field, "witness", h.witness(), "backup", h.backup());
    }
  }

  private boolean checkDeclared(String field, String server) {
    if (server == null || server.isBlank()) {
      problem(field, "must not be empty");
      return false;
    }
    if (d.server(server).isEmpty()) {
      problem(field, "unknown server '" + server + "'");
      return false;
    }
    return true;
  }

  /** Servers {@code a} and {@code b} (named by their roles) must share a REC path. */
  private void checkSharedPath(String field, String roleA, String a, String roleB, String b) {
    Set<String> pathsA = pathNames(a);
    Set<String> pathsB = pathNames(b);
    if (pathsA.stream().noneMatch(pathsB::contains)) {
      problem(
          field,
          roleA
              + " '"
              + a
              + "' and "
              + roleB
              + " '"
              + b
              + "' share no REC path ("
              + roleA
              + ": "
              + pathsA
              + ", "
              + roleB
              + ": "
              + pathsB
              + ")");
    }
  }

  private Set<String> pathNames(String server) {
    Set<String> names = new TreeSet<>();
    d.server(server).ifPresent(s -> s.recPaths().forEach(r -> names.add(r.path())));
    return names;
  }

  private void checkProjects() {
    Set<Path> seen = new HashSet<>();
    for (int i = 0; i < d.projects().size(); i++) {
      Path p = d.projects().get(i);
      if (!seen.add(p)) {
        problem(FieldPath.attr(Fields.project(i), "file"), "duplicate project " + p);
      }
    }
  }

  private boolean checkIdentifier(String field, String value) {
    if (value == null || value.isEmpty()) {
      problem(field, "must not be empty");
      return false;
    }
    if (!IDENTIFIER.matcher(value).matches()) {
      problem(
          field,
          "'"
              + value
              + "' is not a simple name (up to 64 letters, digits, '_', '.', '-', starting with"
              + " a letter or digit)");
      return false;
    }
    return true;
  }

  private void checkPort(String field, int port) {
    if (port < 1 || port > 65_535) {
      problem(field, "port " + port + " is outside 1..65535");
    }
  }
}
