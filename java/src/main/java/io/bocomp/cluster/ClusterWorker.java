package io.bocomp.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.bocomp.engine.cpu.CpuBackend;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bocomp worker}: a data member of a bocomp cluster that measures the trials drivers send
 * it, {@code slots} at a time, each slot on its own one-thread CPU backend (so a trial's L does not
 * depend on which worker or slot measured it). It stays up across tuning runs and driver restarts,
 * keeping the stages it received ({@link WorkerNode}); it leaves on {@link #close} (graceful: the
 * driver re-queues its trials) or when its member is terminated.
 */
public final class ClusterWorker implements AutoCloseable {
  private final HazelcastInstance hz;
  private final WorkerNode node;
  private final CountDownLatch down = new CountDownLatch(1);

  private ClusterWorker(HazelcastInstance hz, WorkerNode node) {
    this.hz = hz;
    this.node = node;
  }

  /**
   * Starts a worker and joins its cluster.
   *
   * @param slots trials measured at once (one core each)
   * @throws ClusterJoinException when the members to join refused it or did not answer
   */
  public static ClusterWorker start(ClusterSettings s, int slots) {
    if (slots < 1) {
      throw new io.bocomp.BocompException("--threads must be >= 1, got " + slots);
    }
    WorkerNode node = new WorkerNode(slots, i -> new CpuBackend(1));
    HazelcastInstance hz;
    try {
      hz = ClusterMember.start(s, ClusterMember.WORKER, slots, node);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    ClusterWorker w = new ClusterWorker(hz, node);
    hz.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
        Thread t = new Thread(() -> {
          node.close();
          w.down.countDown();
        }, "bocomp-worker-close");
        t.setDaemon(true);
        t.start();
      }
    });
    if (!hz.getLifecycleService().isRunning()) {
      node.close();
      w.down.countDown();
    }
    return w;
  }

  /** The Hazelcast member (tests). */
  HazelcastInstance instance() {
    return hz;
  }

  /** This member's address ("127.0.0.1:5701"). */
  public String address() {
    var a = hz.getCluster().getLocalMember().getAddress();
    return a.getHost() + ":" + a.getPort();
  }

  /** Members of the cluster now (drivers included). */
  public int members() {
    return hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
  }

  /** Trials measured at once. */
  public int slots() {
    return node.slots();
  }

  /** Trials this worker has measured (for any driver). */
  public long measured() {
    return node.measured();
  }

  /** Blocks until the member has shut down and the slots are closed. */
  public void awaitShutdown() throws InterruptedException {
    down.await();
  }

  /** As {@link #awaitShutdown()} for at most {@code seconds}; true when down. */
  public boolean awaitShutdown(long seconds) throws InterruptedException {
    return down.await(seconds, TimeUnit.SECONDS);
  }

  /** Leaves the cluster at once, without the graceful hand-over: what a crash looks like. */
  public void terminate() {
    hz.getLifecycleService().terminate();
  }

  /** Leaves the cluster gracefully and closes the slots. */
  @Override
  public void close() {
    if (hz.getLifecycleService().isRunning()) {
      hz.shutdown();
    }
  }
}
