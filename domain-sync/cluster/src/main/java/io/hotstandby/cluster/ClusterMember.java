package io.hotstandby.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.hotstandby.domain.Domain;
import io.hotstandby.domain.ServerSpec;
import io.hotstandby.events.RateLimitedLog;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's Hazelcast member: bound to the address the domain file gives, joined over TCP to
 * the other servers of the domain only, no multicast, no auto-detection, no phone-home. Its
 * connection monitor notices a crashed peer's closed sockets in tens of milliseconds, which the
 * server combines with the REC link to fail over fast.
 */
public final class ClusterMember implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterMember.class);
  static final String SERVER_ATTRIBUTE = "server";

  private final HazelcastInstance instance;
  private volatile TopicKeys keys = TopicKeys.NONE;
  private final AtomicLong rejected = new AtomicLong();
  private final RateLimitedLog rejectLog = new RateLimitedLog(log, 10_000);

  /**
   * The secrets topic messages are signed and checked with (HMAC-SHA256, the domain's secret), so
   * that only servers of the domain can change its file or ask for a switchover.
   *
   * @param signing the secret messages are signed with
   * @param accepted every secret a received message may be signed with
   */
  public record TopicKeys(byte[] signing, List<byte[]> accepted) {
    static final TopicKeys NONE = new TopicKeys(new byte[0], List.of());
  }

  private ClusterMember(HazelcastInstance instance) {
    this.instance = instance;
  }

  /** Sets the secrets topic messages are signed and checked with; call before any publish. */
  public void setKeys(TopicKeys keys) {
    this.keys = keys;
  }

  /** How many topic messages were dropped because their signature did not check. */
  public long rejectedMessages() {
    return rejected.get();
  }

  /**
   * Starts the member and reports, by server name, every peer the cluster removes.
   *
   * @throws IllegalStateException when the member cannot start (e.g. the port is in use)
   */
  public static ClusterMember start(Domain domain, String self, Consumer<String> onPeerRemoved) {
    return start(domain, self, onPeerRemoved, name -> {});
  }

  /**
   * Starts the member and reports, by server name, every peer the cluster removes and every peer
   * that joins.
   *
   * @throws IllegalStateException when the member cannot start (e.g. the port is in use)
   */
  public static ClusterMember start(
      Domain domain, String self, Consumer<String> onPeerRemoved, Consumer<String> onPeerAdded) {
    Config config = configFor(domain, self);
    config.addListenerConfig(
        new com.hazelcast.config.ListenerConfig(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                String name = e.getMember().getAttribute(SERVER_ATTRIBUTE);
                log.info("cluster member added: {}", name);
                if (name != null) {
                  onPeerAdded.accept(name);
                }
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                String name = e.getMember().getAttribute(SERVER_ATTRIBUTE);
                log.info("cluster member removed: {}", name);
                if (name != null) {
                  onPeerRemoved.accept(name);
                }
              }
            }));
    return new ClusterMember(Hazelcast.newHazelcastInstance(config));
  }

  static Config configFor(Domain domain, String self) {
    ServerSpec me = domain.server(self).orElseThrow();
    Config config = new Config();
    config.setClusterName(domain.name());
    config.setInstanceName("hotstandby-" + domain.name() + "-" + self);
    config.getMemberAttributeConfig().setAttribute(SERVER_ATTRIBUTE, self);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    // A crashed peer's sockets close at once; notice that in tens of milliseconds.
    config.setProperty("hazelcast.connection.monitor.interval", "50");
    config.setProperty("hazelcast.connection.monitor.max.faults", "1");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(me.hazelcastPort()).setPortAutoIncrement(false);
    network.setPublicAddress(me.host() + ":" + me.hazelcastPublicPort());
    network.getInterfaces().setEnabled(true).addInterface(me.host());
    network.getRestApiConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (ServerSpec s : domain.servers()) {
      join.getTcpIpConfig().addMember(s.host() + ":" + s.hazelcastPublicPort());
    }
    return config;
  }

  /**
   * Subscribes to a topic of byte messages; {@code listener} gets every message published on it,
   * this member's own included, on a Hazelcast event thread.
   */
  public void subscribe(String topic, Consumer<byte[]> listener) {
    ITopic<byte[]> t = instance.getTopic(topic);
    t.addMessageListener(
        m -> {
          byte[] payload = verified(m.getMessageObject());
          if (payload != null) {
            listener.accept(payload);
          } else {
            long n = rejected.incrementAndGet();
            rejectLog.warn(
                () ->
                    "dropped a message on "
                        + topic
                        + " whose signature does not check ("
                        + n
                        + " so far)");
          }
        });
  }

  private byte[] verified(byte[] signed) {
    if (signed == null || signed.length < MAC_BYTES) {
      return null;
    }
    int body = signed.length - MAC_BYTES;
    byte[] mac = Arrays.copyOfRange(signed, body, signed.length);
    for (byte[] secret : keys.accepted()) {
      if (MessageDigest.isEqual(hmac(secret, signed, body), mac)) {
        return Arrays.copyOf(signed, body);
      }
    }
    return null;
  }

  private static final int MAC_BYTES = 32;

  private static byte[] hmac(byte[] secret, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Publishes to every member subscribed to {@code topic}, this one included. */
  public void publish(String topic, byte[] message) {
    ITopic<byte[]> t = instance.getTopic(topic);
    byte[] signing = keys.signing();
    if (signing.length == 0) {
      // Only in the moment between the member's start and setKeys; the digests that follow
      // repeat whatever is lost here.
      log.debug("not publishing on {} before the keys are set", topic);
      return;
    }
    byte[] signed = Arrays.copyOf(message, message.length + MAC_BYTES);
    System.arraycopy(hmac(signing, message, message.length), 0, signed, message.length, MAC_BYTES);
    t.publish(signed);
  }

  /** How many members the cluster has now, this one included. */
  public int memberCount() {
    return instance.getCluster().getMembers().size();
  }

  @Override
  public void close() {
    try {
      instance.getLifecycleService().terminate();
    } catch (RuntimeException e) {
      log.warn("stopping the cluster member: {}", e.toString());
    }
  }
}
