package io.hotstandby.server.opcua;

/**
 * Everything the admin namespace shows about the domain and this server. The variables are updated
 * one after the other; a client that needs a consistent view reads {@code StatusJson}, which
 * carries the whole snapshot as one value.
 *
 * @param domainName the domain's name
 * @param domainVersion the version of the domain file in force
 * @param domainSha256 SHA-256 of the domain file in force
 * @param mainServer the name of the domain's main server
 * @param backupServer the name of the domain's backup server
 * @param serverName this server's name
 * @param state this server's state (ACTIVE, STANDBY, ...)
 * @param term the role term this server knows
 * @param serviceLevel this server's OPC UA ServiceLevel, 0..255
 * @param health this server's failure weight (0 = healthy)
 * @param runtimeReady whether the application runtime is loaded and ready
 * @param productVersion this server's product version
 * @param serverDomainVersion the domain file version this server has loaded
 * @param pid this server's process id
 * @param linksJson the REC link paths as a JSON document
 * @param peersJson this server's view of its peers as a JSON document
 * @param mirrorJson the state mirror (mode, seq, lag in entries and ms, ready) as a JSON document
 * @param witnessJson what this server sees of the domain's quorum witness (name, reachable, lease
 *     holder, lease held and left) as a JSON document, "null" when the domain has none
 * @param statusJson the whole status as one JSON document, built by the caller (for the CLI)
 */
public record AdminStatus(
    String domainName,
    long domainVersion,
    String domainSha256,
    String mainServer,
    String backupServer,
    String serverName,
    String state,
    long term,
    int serviceLevel,
    int health,
    boolean runtimeReady,
    String productVersion,
    long serverDomainVersion,
    long pid,
    String linksJson,
    String peersJson,
    String mirrorJson,
    String witnessJson,
    String statusJson) {}
