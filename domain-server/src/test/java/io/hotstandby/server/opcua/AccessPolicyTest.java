package io.hotstandby.server.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotstandby.domain.UserRole;
import io.hotstandby.domain.UserSpec;
import io.hotstandby.server.opcua.AccessPolicy.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private final AtomicReference<List<UserSpec>> users =
      new AtomicReference<>(
          List.of(
              new UserSpec("vera", UserRole.VIEWER, "h"),
              new UserSpec("otto", UserRole.OPERATOR, "h"),
              new UserSpec("ada", UserRole.ADMINISTRATOR, "h")));
  private final List<String> audit = new ArrayList<>();

  private AccessPolicy policy(boolean anonymousRead) {
    return new AccessPolicy(
        users::get,
        anonymousRead,
        (u, action, target, value, result) ->
            audit.add(
                u.name()
                    + "@"
                    + u.client()
                    + " "
                    + action
                    + " "
                    + target
                    + "="
                    + value
                    + " "
                    + result));
  }

  private boolean allowed(AccessPolicy p, String user, Action action) {
    return p.decide(p.userOf(user, "10.0.0.7"), action, "t", null).allowed();
  }

  @Test
  void eachRoleMayDoWhatTheRolesBeforeItMay() {
    AccessPolicy p = policy(false);
    for (Action a : Action.values()) {
      assertThat(allowed(p, "vera", a))
          .as("viewer " + a)
          .isEqualTo(
              a == Action.DOMAIN_HISTORY || a == Action.SWITCHOVER_HISTORY || a == Action.EVENTS);
      assertThat(allowed(p, "otto", a))
          .as("operator " + a)
          .isEqualTo(a.needed() != UserRole.ADMINISTRATOR);
      assertThat(allowed(p, "ada", a)).as("administrator " + a).isTrue();
    }
  }

  @Test
  void operatorActionsNeedTheOperatorRole() {
    assertThat(Action.WRITE.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.ACKNOWLEDGE.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.ACTIVATE.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.DOMAIN_CHANGE.needed()).isEqualTo(UserRole.ADMINISTRATOR);
    assertThat(Action.DOMAIN_SHOW.needed()).isEqualTo(UserRole.ADMINISTRATOR);
    assertThat(Action.SET_MAINTENANCE.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.STOP_DOMAIN.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.START_DOMAIN.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.ACKNOWLEDGE_EVENTS.needed()).isEqualTo(UserRole.OPERATOR);
    assertThat(Action.STOP_DOMAIN_FORCED.needed()).isEqualTo(UserRole.ADMINISTRATOR);
    assertThat(Action.AUDIT.needed()).isEqualTo(UserRole.ADMINISTRATOR);
  }

  @Test
  void anAnonymousSessionIsAViewerOnlyWhenTheDomainAllowsAnonymousReading() {
    assertThat(policy(true).userOf(SessionUser.ANONYMOUS, "x").role()).isEqualTo(UserRole.VIEWER);
    assertThat(policy(false).userOf(SessionUser.ANONYMOUS, "x").role()).isNull();
    assertThat(policy(false).userOf(Optional.empty()))
        .isEqualTo(new SessionUser(SessionUser.ANONYMOUS, null, "unknown"));
    assertThat(allowed(policy(true), SessionUser.ANONYMOUS, Action.DOMAIN_HISTORY)).isTrue();
    assertThat(allowed(policy(true), SessionUser.ANONYMOUS, Action.SWITCHOVER_HISTORY)).isTrue();
    assertThat(allowed(policy(true), SessionUser.ANONYMOUS, Action.WRITE)).isFalse();
    assertThat(allowed(policy(false), SessionUser.ANONYMOUS, Action.DOMAIN_HISTORY)).isFalse();
    assertThat(allowed(policy(false), SessionUser.ANONYMOUS, Action.SWITCHOVER_HISTORY)).isFalse();
  }

  @Test
  void aRefusalSaysWhatIsNeededAndIsAuditedWithUserAndClient() {
    AccessPolicy p = policy(true);

    AccessPolicy.Decision d =
        p.decide(p.userOf("vera", "10.0.0.7"), Action.WRITE, "Tank1.Level", 4.5);
    AccessPolicy.Decision anon =
        p.decide(p.userOf(SessionUser.ANONYMOUS, "10.0.0.8"), Action.ACTIVATE, "alpha", null);

    assertThat(d.allowed()).isFalse();
    assertThat(d.refusal())
        .isEqualTo("refused: writing a tag needs the Operator role; vera has the Viewer role");
    assertThat(anon.refusal())
        .isEqualTo(
            "refused: Activate needs the Operator role; an anonymous session may only read; log in"
                + " with --user");
    assertThat(audit)
        .containsExactly(
            "vera@10.0.0.7 write Tank1.Level=4.5 " + d.refusal(),
            "anonymous@10.0.0.8 activate alpha=null " + anon.refusal());
  }

  @Test
  void anAllowedActionIsLeftToWhoeverCarriesItOutToAudit() {
    AccessPolicy p = policy(false);
    assertThat(p.decide(p.userOf("otto", "10.0.0.7"), Action.WRITE, "t", 1).allowed()).isTrue();
    assertThat(audit).isEmpty();
    p.audit(p.userOf("otto", "10.0.0.7"), Action.ACTIVATE, "alpha", null, "alpha becomes active");
    assertThat(audit).containsExactly("otto@10.0.0.7 activate alpha=null alpha becomes active");
  }

  @Test
  void aUserRemovedFromTheDomainLosesTheirRightsAtOnce() {
    AccessPolicy p = policy(false);
    assertThat(allowed(p, "otto", Action.ACTIVATE)).isTrue();
    users.set(List.of(new UserSpec("ada", UserRole.ADMINISTRATOR, "h")));
    assertThat(allowed(p, "otto", Action.ACTIVATE)).isFalse();
    assertThat(audit).last().asString().contains("otto is not a user of the domain in force");
  }
}
