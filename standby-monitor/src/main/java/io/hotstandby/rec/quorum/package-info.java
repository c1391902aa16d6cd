/**
 * The quorum witness's rules, as pure logic on monotonic clocks: {@link
 * io.hotstandby.rec.quorum.WitnessArbiter} is the witness granting one lease on the active role,
 * {@link io.hotstandby.rec.quorum.WitnessLease} is a server's view of that lease from the witness's
 * heartbeats. With a witness, a standby takes over only holding the lease, which the witness gives
 * away only after the previous holder's lease expired in its own view; an active steps down before
 * its lease can expire there.
 */
package io.hotstandby.rec.quorum;
