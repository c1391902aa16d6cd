package io.hotstandby.domain;

import io.hotstandby.host.PrivateFiles;
import io.hotstandby.xml.XmlElement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a domain file (XML, root {@code <domain>}, see {@code docs/DOMAIN-FILE.md}) into a
 * validated {@link Domain}. Anything it does not know is an error, so a misspelt element or
 * attribute is never silently ignored.
 */
public final class DomainFileReader {
  private static final Set<String> NONE = Set.of();

  private DomainFileReader() {}

  /**
   * Reads and validates the domain file at {@code file}.
   *
   * @throws DomainFileException the first problem found, naming the file, the field and the problem
   */
  public static Domain read(Path file) throws DomainFileException {
    Path abs = file.toAbsolutePath().normalize();
    return parse(abs, XmlElement.readFile(abs, DomainFileException::new));
  }

  /**
   * Parses and validates {@code content} as if it were the domain file at {@code file}, which need
   * not exist yet; relative paths inside resolve against the folder of {@code file}.
   *
   * @throws DomainFileException the first problem found
   */
  public static Domain parse(Path file, byte[] content) throws DomainFileException {
    Path abs = file.toAbsolutePath().normalize();
    Domain domain =
        map(abs, content, XmlElement.parse(abs, content, DomainFileException::new), true);
    List<DomainFileException> problems = DomainValidator.validate(domain);
    if (!problems.isEmpty()) {
      throw problems.get(0);
    }
    return domain;
  }

  /**
   * Reads and validates the domain file at {@code file} as an operator workstation needs it: its
   * servers, their endpoints and the users' roles, never the secret. The {@code <secret>} element
   * must be well-formed, but neither its text nor its file is read, so a workstation needs no copy
   * of the secret (nor its file); the returned domain's secret is empty and must not key anything.
   *
   * @throws DomainFileException the first problem found outside the secret
   */
  public static Domain readWithoutSecret(Path file) throws DomainFileException {
    Path abs = file.toAbsolutePath().normalize();
    byte[] content = XmlElement.readFile(abs, DomainFileException::new);
    Domain domain =
        map(abs, content, XmlElement.parse(abs, content, DomainFileException::new), false);
    for (DomainFileException problem : DomainValidator.validate(domain)) {
      if (!problem.field().startsWith(Fields.SECRET)) {
        throw problem;
      }
    }
    return domain;
  }

  private static Domain map(
      Path file, byte[] content, XmlElement<DomainFileException> root, boolean withSecret)
      throws DomainFileException {
    if (!root.name().equals("domain")) {
      throw root.error(root.label(), "root element must be <domain>");
    }
    root.expect(
        Set.of("name", "version"),
        Set.of("secret", "servers", "hotStandby", "projects", "users", "security"),
        false);
    String name = root.requiredAttr("name");
    long version = root.requiredLong("version");
    XmlElement<DomainFileException> secretElement = root.required("secret");
    byte[] secret;
    if (withSecret) {
      secret = secret(file, secretElement);
    } else {
      secretElement.expect(Set.of("file"), NONE, true);
      secret = new byte[0];
    }
    List<ServerSpec> servers = servers(root.required("servers"));
    HotStandbySpec hotStandby = hotStandby(root.required("hotStandby"));
    List<Path> projects = projects(file, root.optional("projects"));
    ProjectSyncSpec projectSync = projectSync(root.optional("projects"));
    List<UserSpec> users = users(root.optional("users"));
    SecuritySpec security = security(root.optional("security"));
    return new Domain(
        file,
        name,
        version,
        Sha256.hex(content),
        secret,
        servers,
        hotStandby,
        projects,
        projectSync,
        users,
        security);
  }

  private static byte[] secret(Path file, XmlElement<DomainFileException> e)
      throws DomainFileException {
    e.expect(Set.of("file"), NONE, true);
    Optional<String> text = e.text();
    Optional<String> ref = e.attr("file");
    if (ref.isEmpty()) {
      // an empty inline secret is left to the validator, which reports it for any Domain
      return text.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    }
    if (text.isPresent()) {
      throw e.error(Fields.SECRET, "give the secret as text or in @file, not both");
    }
    Path p = resolve(file, e, "file");
    byte[] bytes;
    try {
      String exposed = PrivateFiles.exposure(p);
      if (exposed != null) {
        throw e.error(e.field("file"), exposed);
      }
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException x) {
      throw e.error(e.field("file"), "secret file " + p + " not found");
    } catch (IOException x) {
      throw e.error(e.field("file"), "cannot read secret file " + p + ": " + x.getMessage());
    }
    byte[] secret = trimWhitespace(bytes);
    if (secret.length == 0) {
      throw e.error(e.field("file"), "secret file " + p + " is empty");
    }
    return secret;
  }

  private static List<ServerSpec> servers(XmlElement<DomainFileException> e)
      throws DomainFileException {
    e.expect(NONE, Set.of("server"), false);
    List<ServerSpec> servers = new ArrayList<>();
    for (XmlElement<DomainFileException> s : e.list("server", "name")) {
      s.expect(
          Set.of("name", "host", "maintenance"),
          Set.of("hazelcast", "opcua", "rec", "http"),
          false);
      String name = s.requiredAttr("name");
      String host = s.requiredAttr("host");
      boolean maintenance = s.boolAttr("maintenance", false);
      XmlElement<DomainFileException> hz = s.required("hazelcast");
      hz.expect(Set.of("port", "publicPort"), NONE, false);
      int hazelcast = hz.requiredInt("port");
      int hazelcastPublic = hz.intAttr("publicPort", hazelcast);
      XmlElement<DomainFileException> ua = s.required("opcua");
      ua.expect(Set.of("port", "publicPort"), NONE, false);
      int opcUa = ua.requiredInt("port");
      int opcUaPublic = ua.intAttr("publicPort", opcUa);
      List<RecEndpoint> rec = new ArrayList<>();
      for (XmlElement<DomainFileException> r : s.list("rec", "path")) {
        r.expect(Set.of("path", "host", "port", "bind", "bindPort"), NONE, false);
        String path = r.requiredAttr("path");
        String recHost = r.attr("host").isPresent() ? r.requiredAttr("host") : host;
        int port = r.requiredInt("port");
        String bind = r.attr("bind").isPresent() ? r.requiredAttr("bind") : recHost;
        rec.add(new RecEndpoint(path, bind, r.intAttr("bindPort", port), recHost, port));
      }
      servers.add(
          new ServerSpec(
              name,
              host,
              hazelcast,
              opcUa,
              maintenance,
              rec,
              hazelcastPublic,
              http(s, host),
              opcUaPublic));
    }
    return servers;
  }

  private static Optional<HttpSpec> http(XmlElement<DomainFileException> server, String host)
      throws DomainFileException {
    Optional<XmlElement<DomainFileException>> e = server.optional("http");
    if (e.isEmpty()) {
      return Optional.empty();
    }
    e.get().expect(Set.of("port", "bind"), NONE, false);
    String bind = e.get().attr("bind").isPresent() ? e.get().requiredAttr("bind") : host;
    return Optional.of(new HttpSpec(bind, e.get().requiredInt("port")));
  }

  private static HotStandbySpec hotStandby(XmlElement<DomainFileException> e)
      throws DomainFileException {
    e.expect(
        Set.of(
            "enabled",
            "main",
            "backup",
            "heartbeatMs",
            "failoverTimeoutMs",
            "failoverTimeoutMaxMs",
            "activateBackupOnLocalFailure",
            "returnToMain",
            "returnStableMs",
            "standbyMode",
            "versionMismatchBlocksTakeover",
            "mirrorMaxLagMs",
            "witness"),
        Set.of("integrity", "probe", "virtualIp"),
        false);
    boolean enabled = e.boolAttr("enabled", true);
    String main = e.requiredAttr("main");
    String backup = e.attr("backup").isPresent() ? e.requiredAttr("backup") : null;
    int heartbeat = e.intAttr("heartbeatMs", HotStandbySpec.DEFAULT_HEARTBEAT_MS);
    int timeout = e.intAttr("failoverTimeoutMs", HotStandbySpec.DEFAULT_FAILOVER_TIMEOUT_MS);
    boolean onLocalFailure = e.boolAttr("activateBackupOnLocalFailure", false);
    ReturnPolicy returnToMain = returnPolicy(e);
    long stable = e.longAttr("returnStableMs", HotStandbySpec.DEFAULT_RETURN_STABLE_MS);
    List<IntegrityAddress> integrity = new ArrayList<>();
    for (XmlElement<DomainFileException> i : e.list("integrity", null)) {
      i.expect(Set.of("host", "port"), NONE, false);
      integrity.add(new IntegrityAddress(i.requiredAttr("host"), i.requiredInt("port")));
    }
    return new HotStandbySpec(
        enabled,
        main,
        backup,
        heartbeat,
        timeout,
        integrity,
        onLocalFailure,
        returnToMain,
        stable,
        standbyMode(e),
        e.boolAttr("versionMismatchBlocksTakeover", false),
        e.intAttr("mirrorMaxLagMs", HotStandbySpec.DEFAULT_MIRROR_MAX_LAG_MS),
        e.attr("witness").isPresent() ? e.requiredAttr("witness") : "",
        e.intAttr("failoverTimeoutMaxMs", 0),
        probe(e.optional("probe")),
        virtualIp(e.optional("virtualIp")));
  }

  private static ServiceProbeSpec probe(Optional<XmlElement<DomainFileException>> e)
      throws DomainFileException {
    if (e.isEmpty()) {
      return ServiceProbeSpec.OFF;
    }
    e.get().expect(Set.of("intervalMs", "failures", "failureWeight"), NONE, false);
    return new ServiceProbeSpec(
        e.get().intAttr("intervalMs", ServiceProbeSpec.DEFAULT_INTERVAL_MS),
        e.get().intAttr("failures", ServiceProbeSpec.DEFAULT_FAILURES),
        e.get().intAttr("failureWeight", ServiceProbeSpec.DEFAULT_FAILURE_WEIGHT));
  }

  private static VirtualIpSpec virtualIp(Optional<XmlElement<DomainFileException>> o)
      throws DomainFileException {
    if (o.isEmpty()) {
      return VirtualIpSpec.NONE;
    }
    XmlElement<DomainFileException> e = o.get();
    e.expect(Set.of("address", "interface"), Set.of("interface"), false);
    String raw = e.requiredAttr("address").strip();
    int slash = raw.indexOf('/');
    if (slash < 0) {
      throw e.error(
          e.field("address"), "give the address with its prefix, e.g. 10.0.0.100/24, not " + raw);
    }
    int prefix;
    try {
      prefix = Integer.parseInt(raw.substring(slash + 1));
    } catch (NumberFormatException x) {
      throw e.error(e.field("address"), "prefix of '" + raw + "' is not a whole number");
    }
    Map<String, String> interfaces = new LinkedHashMap<>();
    for (XmlElement<DomainFileException> i : e.list("interface", "server")) {
      i.expect(Set.of("server", "name"), NONE, false);
      String server = i.requiredAttr("server").strip();
      if (interfaces.put(server, i.requiredAttr("name").strip()) != null) {
        throw i.error(i.field("server"), "server '" + server + "' is named twice");
      }
    }
    String common = e.attr("interface").isPresent() ? e.requiredAttr("interface").strip() : "";
    return new VirtualIpSpec(raw.substring(0, slash), prefix, common, interfaces);
  }

  private static StandbyMode standbyMode(XmlElement<DomainFileException> e)
      throws DomainFileException {
    String raw = e.attr("standbyMode").orElse("warm").strip();
    return switch (raw) {
      case "warm" -> StandbyMode.WARM;
      case "cold" -> StandbyMode.COLD;
      default -> throw e.error(e.field("standbyMode"), "must be warm or cold, not '" + raw + "'");
    };
  }

  private static ReturnPolicy returnPolicy(XmlElement<DomainFileException> e)
      throws DomainFileException {
    String raw = e.attr("returnToMain").orElse("manual").strip();
    return switch (raw) {
      case "manual" -> ReturnPolicy.MANUAL;
      case "automatic" -> ReturnPolicy.AUTOMATIC;
      default ->
          throw e.error(e.field("returnToMain"), "must be manual or automatic, not '" + raw + "'");
    };
  }

  private static ProjectSyncSpec projectSync(Optional<XmlElement<DomainFileException>> e)
      throws DomainFileException {
    if (e.isEmpty()) {
      return ProjectSyncSpec.DISABLED;
    }
    return new ProjectSyncSpec(
        e.get().boolAttr("sync", false),
        e.get().intAttr("bandwidthKBps", ProjectSyncSpec.DISABLED.bandwidthKBps()));
  }

  private static SecuritySpec security(Optional<XmlElement<DomainFileException>> e)
      throws DomainFileException {
    if (e.isEmpty()) {
      return SecuritySpec.DEFAULT;
    }
    e.get().expect(Set.of("anonymousRead"), NONE, false);
    return new SecuritySpec(
        e.get().boolAttr("anonymousRead", SecuritySpec.DEFAULT.anonymousRead()));
  }

  private static List<UserSpec> users(Optional<XmlElement<DomainFileException>> e)
      throws DomainFileException {
    if (e.isEmpty()) {
      return List.of();
    }
    e.get().expect(NONE, Set.of("user"), false);
    List<UserSpec> users = new ArrayList<>();
    for (XmlElement<DomainFileException> u : e.get().list("user", "name")) {
      u.expect(Set.of("name", "role", "password"), NONE, false);
      String role = u.requiredAttr("role").strip();
      UserRole r;
      try {
        r = UserRole.valueOf(role.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException x) {
        throw u.error(u.field("role"), "not viewer, operator or administrator: '" + role + "'");
      }
      String name = u.requiredAttr("name").strip();
      if (name.startsWith("#")) {
        throw u.error(
            u.field("name"), "'" + name + "': names starting with # are the servers' own logins");
      }
      users.add(new UserSpec(name, r, u.requiredAttr("password").strip()));
    }
    return users;
  }

  private static List<Path> projects(Path file, Optional<XmlElement<DomainFileException>> e)
      throws DomainFileException {
    if (e.isEmpty()) {
      return List.of();
    }
    e.get().expect(Set.of("sync", "bandwidthKBps"), Set.of("project"), false);
    List<Path> projects = new ArrayList<>();
    for (XmlElement<DomainFileException> p : e.get().list("project", null)) {
      p.expect(Set.of("file"), NONE, false);
      projects.add(confined(file, p, "file"));
    }
    return projects;
  }

  private static Path resolve(Path domainFile, XmlElement<DomainFileException> e, String attribute)
      throws DomainFileException {
    String raw = e.requiredAttr(attribute);
    try {
      return domainFile.resolveSibling(raw).normalize();
    } catch (InvalidPathException x) {
      throw e.error(e.field(attribute), "not a valid path: " + x.getMessage());
    }
  }

  /**
   * A project file lies in the domain file's folder or below it: the domain file travels between
   * servers (Domain.Apply, replication), so a path out of that folder would let whoever may change
   * it make a server read, or project sync overwrite, any file the server's user can reach.
   */
  private static Path confined(Path domainFile, XmlElement<DomainFileException> e, String attribute)
      throws DomainFileException {
    String raw = e.requiredAttr(attribute);
    String field = e.field(attribute);
    if (raw.startsWith("/") || raw.startsWith("\\") || raw.matches("^[A-Za-z]:.*")) {
      throw e.error(
          field,
          "absolute path '" + raw + "' refused: give a path relative to the domain file's folder");
    }
    for (String segment : raw.split("[/\\\\]")) {
      if (segment.equals("..")) {
        throw e.error(
            field,
            "path '"
                + raw
                + "' leaves the domain file's folder: put the project in that folder or below");
      }
    }
    return resolve(domainFile, e, attribute);
  }

  // Editors add a final newline to a secret file; it must not become part of the key.
  private static byte[] trimWhitespace(byte[] b) {
    int from = 0;
    int to = b.length;
    while (from < to && isSpace(b[from])) {
      from++;
    }
    while (to > from && isSpace(b[to - 1])) {
      to--;
    }
    return Arrays.copyOfRange(b, from, to);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
