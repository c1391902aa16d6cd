/**
 * The domain part of the test kit: a {@link io.hotstandby.server.kit.TestDomain} of real {@code
 * domain-server} processes on loopback with REC, cluster and device relays, each server a {@link
 * io.hotstandby.server.kit.ServerProcess} that a test can crash, freeze, stop and restart.
 */
package io.hotstandby.server.kit;
