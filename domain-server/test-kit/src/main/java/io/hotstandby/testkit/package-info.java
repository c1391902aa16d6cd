/**
 * The test kit every module's tests use at test scope: free loopback ports ({@link
 * io.hotstandby.testkit.FreePorts}), relays that cut or freeze a UDP or TCP path ({@link
 * io.hotstandby.testkit.UdpRelay}, {@link io.hotstandby.testkit.TcpRelay}), hosts in network
 * namespaces whose links a test cuts ({@link io.hotstandby.testkit.NetLab}) and timeouts scaled by
 * the {@code test.timeout.scale} system property ({@link io.hotstandby.testkit.Timing}).
 */
package io.hotstandby.testkit;
