package io.bocomp.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import io.bocomp.BocompException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the embedded Hazelcast member of a worker or a driver with bocomp's settings, and checks
 * that it joined.
 *
 * <p>Configuration: the cluster name of {@link ClusterSettings#clusterName} (name plus token);
 * TCP/IP join to the given members only (multicast and auto-detection off, so nothing is found or
 * announced beyond them); bound to {@code bind} alone when given
 * ({@code hazelcast.socket.bind.any=false}); phone-home, health monitoring and Hazelcast's own
 * shutdown hook off (bocomp shuts the member down itself); Hazelcast's log at WARNING and above,
 * without its connection-closed lines (everything with --verbose); Java deserialization (the
 * exceptions a task throws) limited to Hazelcast's default class filter plus {@code io.bocomp.}
 * (bocomp's own messages are {@link com.hazelcast.nio.serialization.IdentifiedDataSerializable}). Workers are data members
 * running trials on the executor {@value #MEASURE_EXECUTOR} with one thread per slot; the driver is
 * a lite member (no data) serving the stage blobs on {@value #FETCH_EXECUTOR}. Members carry the
 * attributes {@value #ROLE}, {@value #SLOTS} and {@value #VERSION}.
 *
 * <p>Join check: a member given members to join that ends up alone did not join. A TCP probe then
 * tells the two reasons apart: something answers at the first address (a member that refused this
 * one: the cluster name or token differs), or nothing does. Either way the member is shut down and
 * a {@link ClusterJoinException} says which.
 */
final class ClusterMember {
  static final String MEASURE_EXECUTOR = "bocomp-measure";
  static final String FETCH_EXECUTOR = "bocomp-fetch";
  static final String ROLE = "bocomp.role";
  static final String SLOTS = "bocomp.slots";
  static final String VERSION = "bocomp.version";
  static final String WORKER = "worker";
  static final String DRIVER = "driver";
  /** Key of the member's bocomp state in Hazelcast's user context. */
  static final String STATE = "bocomp.state";

  /** Strong references: java.util.logging keeps loggers weakly. */
  private static final Map<String, Logger> QUIET = new ConcurrentHashMap<>();

  private ClusterMember() {}

  /**
   * Starts a member and checks its join.
   *
   * @param role {@value #WORKER} or {@value #DRIVER}
   * @param slots trials a worker measures at once (0 for the driver)
   * @param state this member's bocomp state, reachable by tasks through the user context
   * @throws ClusterJoinException when it could not join the given members
   * @throws BocompException when Hazelcast cannot start (the port is taken, the address unknown)
   */
  static HazelcastInstance start(ClusterSettings s, String role, int slots, Object state) {
    quietHazelcastLogs();
    Config c = new Config();
    c.setClusterName(s.clusterName());
    c.setInstanceName("bocomp-" + role + "-" + java.util.UUID.randomUUID());
    c.setLiteMember(role.equals(DRIVER));
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.health.monitoring.level", "OFF");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    NetworkConfig n = c.getNetworkConfig();
    n.setPort(s.port() == 0 ? ClusterSettings.DEFAULT_PORT : s.port());
    n.setPortAutoIncrement(s.port() == 0);
    if (s.bind() != null) {
      c.setProperty("hazelcast.socket.bind.any", "false");
      n.getInterfaces().setEnabled(true).addInterface(ip(s.bind()));
    }
    JoinConfig j = n.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true);
    for (String m : s.join()) {
      j.getTcpIpConfig().addMember(ClusterSettings.address(m, "--join").toString());
    }
    c.getSerializationConfig().addDataSerializableFactory(ClusterMessages.FACTORY_ID,
        new ClusterMessages());
    // Java deserialization (exceptions a task throws travel that way): Hazelcast's defaults
    // (java.*, com.hazelcast.*, known gadget classes refused) and bocomp's own exceptions
    JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig()
        .setDefaultsDisabled(false);
    filter.getWhitelist().addPrefixes("io.bocomp.");
    c.getSerializationConfig().setJavaSerializationFilterConfig(filter);
    c.addExecutorConfig(new ExecutorConfig(MEASURE_EXECUTOR).setPoolSize(Math.max(1, slots))
        .setStatisticsEnabled(false));
    c.addExecutorConfig(new ExecutorConfig(FETCH_EXECUTOR).setPoolSize(4)
        .setStatisticsEnabled(false));
    c.getMemberAttributeConfig().setAttribute(ROLE, role);
    c.getMemberAttributeConfig().setAttribute(SLOTS, Integer.toString(slots));
    c.getMemberAttributeConfig().setAttribute(VERSION, version());
    c.getUserContext().put(STATE, state);
    HazelcastInstance hz;
    try {
      hz = Hazelcast.newHazelcastInstance(c);
    } catch (HazelcastException | IllegalStateException e) {
      throw new BocompException("cannot start the cluster member" + (s.bind() == null ? ""
          : " on " + s.bind()) + " (" + e.getMessage() + "); check --bind and --port", e);
    }
    try {
      checkJoined(hz, s);
    } catch (RuntimeException e) {
      hz.getLifecycleService().terminate();
      throw e;
    }
    return hz;
  }

  /** The bocomp version members compare (the jar's implementation version, or "dev"). */
  static String version() {
    String v = ClusterMember.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The state a member was started with. */
  static Object state(HazelcastInstance hz) {
    return hz.getUserContext().get(STATE);
  }

  /** True for a worker member running this bocomp version. */
  static boolean usableWorker(Member m) {
    return WORKER.equals(m.getAttribute(ROLE)) && version().equals(m.getAttribute(VERSION));
  }

  /** Slots a worker member offers. */
  static int slots(Member m) {
    try {
      return Math.max(0, Integer.parseInt(m.getAttribute(SLOTS)));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Hazelcast's own INFO lines (start-up banners, connections) stay out of bocomp's output. */
  private static void quietHazelcastLogs() {
    Level bocomp = Logger.getLogger("io.bocomp").getLevel();
    if (bocomp != null && bocomp.intValue() < Level.INFO.intValue()) {
      return; // --verbose: everything Hazelcast says
    }
    quiet("com.hazelcast", Level.WARNING);
    // its start-up advice to open JDK internals for speed: irrelevant to bocomp's few messages
    quiet("com.hazelcast.instance.impl.HazelcastInstanceFactory", Level.SEVERE);
    // a closed connection to a member that left (each driver's exit included): the driver says
    // "worker ... left the cluster" itself
    quiet("com.hazelcast.internal.server.tcp", Level.SEVERE);
  }

  private static void quiet(String name, Level level) {
    QUIET.computeIfAbsent(name, n -> {
      Logger l = Logger.getLogger(n);
      if (l.getLevel() == null) {
        l.setLevel(level);
      }
      return l;
    });
  }

  private static String ip(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new BocompException("--bind " + host + ": unknown host");
    }
  }

  private static void checkJoined(HazelcastInstance hz, ClusterSettings s) {
    if (s.join().isEmpty() || hz.getCluster().getMembers().size() > 1) {
      return;
    }
    Member me = hz.getCluster().getLocalMember();
    for (String j : s.join()) {
      ClusterSettings.Address a = ClusterSettings.address(j, "--join");
      if (isSelf(a, me)) {
        return; // the first member of its cluster, told to join itself
      }
    }
    ClusterSettings.Address target = ClusterSettings.address(s.join().get(0), "--join");
    boolean answers;
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(target.host(), target.port()), 2000);
      answers = true;
    } catch (IOException e) {
      answers = false;
    }
    throw new ClusterJoinException(answers
        ? target + " refused this member: its cluster name or token differs from this one's"
            + " (cluster '" + s.name() + "'; give every member the same --cluster-name and the"
            + " same token, " + ClusterSettings.TOKEN_ENV + " or --token-file)"
        : "nothing answers at " + target + " (start `bocomp worker` there first; check the"
            + " address, the port and the firewall)");
  }

  private static boolean isSelf(ClusterSettings.Address a, Member me) {
    if (a.port() != me.getAddress().getPort()) {
      return false;
    }
    try {
      InetAddress target = InetAddress.getByName(a.host());
      return target.equals(me.getAddress().getInetAddress()) || target.isAnyLocalAddress()
          || (target.isLoopbackAddress() && me.getAddress().getInetAddress().isLoopbackAddress());
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
