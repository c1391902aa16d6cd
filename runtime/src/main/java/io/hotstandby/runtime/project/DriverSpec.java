package io.hotstandby.runtime.project;

/** A driver as the project declares it: how the runtime reaches one kind of device. */
public sealed interface DriverSpec permits DriverSpec.Simulation, DriverSpec.OpcUa {

  String name();

  /**
   * The built-in simulation driver: signals computed in the runtime (sine, ramp, random, counter,
   * square), addressed by the tag's {@code address}, e.g. {@code sine:period=10s,amplitude=2}.
   */
  record Simulation(String name) implements DriverSpec {}

  /**
   * A Milo OPC UA client to a device's endpoint; tags address nodes as NodeId strings ({@code
   * ns=2;s=Tank1.Level}).
   *
   * @param name the driver's name
   * @param endpoint the device's endpoint URL
   * @param publishingMs the subscription's publishing interval
   * @param samplingMs the default sampling interval of monitored items
   * @param securityMode None, Sign or SignAndEncrypt
   * @param user user name, "" for anonymous
   * @param password the user's password, "" for anonymous (read from {@code passwordFile} when the
   *     project names one)
   * @param certificate the SHA-256 fingerprint (hex) of the certificate the device's server must
   *     present with Sign or SignAndEncrypt, "" when none is pinned
   * @param reconnectMinMs first reconnect delay; it doubles up to {@code reconnectMaxMs}
   * @param reconnectMaxMs longest reconnect delay
   * @param failureWeight the weight of the failure reported while the device is unreachable
   */
  record OpcUa(
      String name,
      String endpoint,
      long publishingMs,
      long samplingMs,
      String securityMode,
      String user,
      String password,
      String certificate,
      long reconnectMinMs,
      long reconnectMaxMs,
      int failureWeight)
      implements DriverSpec {}
}
