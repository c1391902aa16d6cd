package io.hotstandby.server;

import io.hotstandby.domain.Domain;
import io.hotstandby.domain.DomainRole;
import io.hotstandby.domain.ReturnPolicy;
import io.hotstandby.rec.IntegrityCheck;
import io.hotstandby.rec.IntegrityResult;
import io.hotstandby.runtime.ApplicationRuntime;
import io.hotstandby.server.role.RoleContext;
import java.util.function.BooleanSupplier;

/**
 * The facts the role machine decides on, read from the domain, the integrity check, the runtime and
 * the server's readiness.
 */
final class ServerContext implements RoleContext {

  private final String self;
  private final String productVersion;
  private volatile IntegrityCheck integrity;
  private final ApplicationRuntime runtime;
  private final BooleanSupplier ready;
  private volatile Domain domain;

  ServerContext(
      Domain domain,
      String self,
      String productVersion,
      IntegrityCheck integrity,
      ApplicationRuntime runtime,
      BooleanSupplier ready) {
    this.domain = domain;
    this.self = self;
    this.productVersion = productVersion;
    this.integrity = integrity;
    this.runtime = runtime;
    this.ready = ready;
  }

  Domain domain() {
    return domain;
  }

  /** A new version of the domain file is in force; the role machine is told next. */
  void setDomain(Domain next) {
    this.domain = next;
  }

  /** The integrity addresses changed: the check built for the new ones. */
  void setIntegrity(IntegrityCheck check) {
    this.integrity = check;
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public DomainRole domainRole() {
    return domain.roleOf(self);
  }

  @Override
  public String partner() {
    return switch (domainRole()) {
      case MAIN -> domain.hotStandby().backup();
      case BACKUP -> domain.hotStandby().main();
      case NONE -> "";
    };
  }

  @Override
  public boolean maintenance() {
    return domain.server(self).orElseThrow().maintenance();
  }

  @Override
  public boolean hotStandbyEnabled() {
    return domain.hotStandby().enabled();
  }

  /**
   * Reads the background check's latest result and never blocks the role thread. A result older
   * than the failover timeout counts as failing: a slow check means connects are timing out.
   */
  @Override
  public boolean integrityPasses() {
    if (!integrity.configured()) {
      return true;
    }
    IntegrityResult r = integrity.latest();
    return r != null && r.ageMillis() <= failoverTimeoutMillis() && r.anyReachable();
  }

  @Override
  public boolean integrityConfigured() {
    return integrity.configured();
  }

  /** The server's readiness: runtime loaded and, when synchronised, the active's project files. */
  @Override
  public boolean runtimeReady() {
    return ready.getAsBoolean();
  }

  @Override
  public int health() {
    return runtime.health();
  }

  @Override
  public long domainVersion() {
    return domain.version();
  }

  @Override
  public String productVersion() {
    return productVersion;
  }

  @Override
  public boolean activateBackupOnLocalFailure() {
    return domain.hotStandby().activateBackupOnLocalFailure();
  }

  @Override
  public boolean automaticReturn() {
    return domain.hotStandby().returnToMain() == ReturnPolicy.AUTOMATIC;
  }

  @Override
  public long returnStableMillis() {
    return domain.hotStandby().returnStableMs();
  }

  @Override
  public boolean versionMismatchBlocksTakeover() {
    return domain.hotStandby().versionMismatchBlocksTakeover();
  }

  @Override
  public long failoverTimeoutMillis() {
    return domain.hotStandby().failoverTimeoutMs();
  }
}
