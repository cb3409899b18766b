package io.bocomp.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.Backend;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.Measurement;
import io.bocomp.tune.parallel.PlanMeasurer;
import io.bocomp.tune.parallel.StageContext;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * A worker member's bocomp state: its slots (one backend each, one trial at a time each; the
 * member's executor has one thread per slot) and the stages it has received, keyed by stage id.
 *
 * <p>A stage is fetched from the driver that sent the trial ({@link FetchBlobTask}, 4 MiB chunks)
 * the first time a trial of it arrives; other trials of it wait for that fetch. The worker keeps
 * the last {@value #KEPT_STAGES} stages, so a driver that is killed and resumed, or the next
 * stage of a run, costs no transfer of a stage already held; each slot keeps the
 * {@link PlanMeasurer} of the stage it measured last. A fetch that fails (the driver left) is
 * forgotten, so the next trial fetches again.
 */
final class WorkerNode implements AutoCloseable {
  static final int CHUNK = 4 << 20;
  static final int KEPT_STAGES = 2;
  private static final long FETCH_TIMEOUT_SECONDS = 600;
  private static final Logger LOG = Logger.getLogger(WorkerNode.class.getName());

  /** One slot: a backend and the measurer of its current stage. */
  private static final class Slot {
    final int index;
    final Backend backend;
    String stage;
    PlanMeasurer measurer;

    Slot(int index, Backend backend) {
      this.index = index;
      this.backend = backend;
    }
  }

  private final List<Slot> all = new ArrayList<>();
  private final BlockingQueue<Slot> free = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<StageContext>> stages = new LinkedHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong measured =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean closed;

  /** {@code slots} slots, slot {@code i} on {@code backends.apply(i)} (owned by this node). */
  WorkerNode(int slots, IntFunction<Backend> backends) {
    for (int i = 0; i < slots; i++) {
      Slot s = new Slot(i + 1, backends.apply(i));
      all.add(s);
      free.add(s);
    }
  }

  int slots() {
    return all.size();
  }

  /** Trials measured so far. */
  long measured() {
    return measured.get();
  }

  /** Measures a trial's plan on a free slot (waiting for one), fetching the stage if new. */
  Measurement measure(HazelcastInstance hz, String stageId, UUID driver, int trial,
      String planJson) {
    if (closed) {
      throw new IllegalStateException("the worker is shutting down");
    }
    StageContext context = stage(hz, stageId, driver);
    Slot s;
    try {
      s = free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a slot", e);
    }
    try {
      if (closed) {
        throw new IllegalStateException("the worker is shutting down");
      }
      if (!stageId.equals(s.stage)) {
        if (s.measurer != null) {
          s.measurer.close();
          s.measurer = null;
        }
        s.measurer = new PlanMeasurer(s.backend, context,
            LocalTrialExecutor.CACHE_BYTES / all.size(),
            hz.getCluster().getLocalMember().getAddress() + "/" + s.index);
        s.stage = stageId;
      }
      Measurement m = s.measurer.measure(CompressionPlan.parse(planJson,
          "trial " + trial + "'s plan"));
      measured.incrementAndGet();
      return m;
    } finally {
      free.add(s);
    }
  }

  private StageContext stage(HazelcastInstance hz, String id, UUID driver) {
    CompletableFuture<StageContext> f;
    boolean fetch = false;
    synchronized (stages) {
      f = stages.get(id);
      if (f == null) {
        f = new CompletableFuture<>();
        stages.put(id, f);
        fetch = true;
        while (stages.size() > KEPT_STAGES) {
          stages.remove(stages.keySet().iterator().next());
        }
      }
    }
    if (fetch) {
      try {
        f.complete(fetch(hz, id, driver));
      } catch (RuntimeException e) {
        synchronized (stages) {
          stages.remove(id, f);
        }
        f.completeExceptionally(e);
      }
    }
    try {
      return f.get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while receiving stage " + id, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("stage " + id + " did not arrive within "
          + FETCH_TIMEOUT_SECONDS + " s", e);
    }
  }

  private static StageContext fetch(HazelcastInstance hz, String id, UUID driver) {
    long t0 = System.nanoTime();
    Member from = null;
    for (Member m : hz.getCluster().getMembers()) {
      if (m.getUuid().equals(driver)) {
        from = m;
      }
    }
    if (from == null) {
      throw new IllegalStateException("the driver of stage " + id + " left the cluster");
    }
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    byte[] header = blob(hz, from, id, ContextCodec.HEADER);
    blobs.put(ContextCodec.HEADER, header);
    long bytes = header.length;
    for (String name : ContextCodec.sizes(header).keySet()) {
      byte[] b = blob(hz, from, id, name);
      blobs.put(name, b);
      bytes += b.length;
    }
    StageContext c = ContextCodec.decode(blobs);
    LOG.info(String.format(java.util.Locale.ROOT,
        "received stage %s (model %s, %d samples, %.1f MB) from %s in %.1f s",
        id.substring(0, 12), c.factors().model().hash().substring(0, 12), c.samples().size(),
        bytes / 1e6, from.getAddress(), (System.nanoTime() - t0) / 1e9));
    return c;
  }

  private static byte[] blob(HazelcastInstance hz, Member from, String id, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int offset = 0;; offset += CHUNK) {
      byte[] chunk;
      try {
        chunk = hz.getExecutorService(ClusterMember.FETCH_EXECUTOR)
            .submitToMember(new FetchBlobTask(id, name, offset, CHUNK), from)
            .get(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while receiving stage " + id, e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("cannot receive stage " + id + " from the driver ("
            + e.getMessage() + ")", e);
      }
      if (chunk == null) {
        throw new IllegalStateException("the driver no longer serves stage " + id);
      }
      out.write(chunk, 0, chunk.length);
      if (chunk.length < CHUNK) {
        return out.toByteArray();
      }
    }
  }

  /** Closes the slots' measurers and backends, waiting for trials running on them. */
  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < all.size(); i++) {
      Slot s;
      try {
        s = free.poll(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (s == null) {
        return; // a trial still runs: its backend is left to the JVM's exit
      }
      if (s.measurer != null) {
        s.measurer.close();
      }
      s.backend.close();
    }
  }
}
