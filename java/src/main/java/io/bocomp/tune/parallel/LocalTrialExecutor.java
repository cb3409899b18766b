package io.bocomp.tune.parallel;

import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.Backend;
import io.bocomp.engine.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntFunction;

/**
 * {@code tune --workers N}: N worker threads in this process, each with its own backend (a
 * one-thread {@link CpuBackend} by default: N workers use N cores) and, per stage, its own
 * {@link PlanMeasurer}. Submitted trials go to one queue; a free worker takes the next.
 *
 * <p>Why one thread per worker: the CPU kernels cut their work by the thread count, so a plan's L
 * differs in the last bits between a 1-thread and a 2-thread backend; with every worker on one
 * thread, L does not depend on which worker measured it, and the run's result does not depend on
 * the number of workers. Limits: the activation cache of each worker gets 1/N of
 * {@link #CACHE_BYTES}; a stage's measurers are built by the workers when the stage starts (one
 * forward pass of the base each).
 */
public final class LocalTrialExecutor implements TrialExecutor {
  /** Memory for cached boundary activations, shared by the workers. */
  public static final long CACHE_BYTES = 1L << 30;

  private final List<Backend> backends = new ArrayList<>();
  private final String name;

  /** N workers on one-thread CPU backends. */
  public LocalTrialExecutor(int workers) {
    this(workers, i -> new CpuBackend(1), "local-");
  }

  /**
   * N workers, worker {@code i} on {@code backends.apply(i)} (owned and closed by this executor).
   *
   * @param prefix names the workers in measurements ({@code prefix + i})
   */
  public LocalTrialExecutor(int workers, IntFunction<Backend> backends, String prefix) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    try {
      for (int i = 0; i < workers; i++) {
        this.backends.add(backends.apply(i));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.name = prefix;
  }

  /** Workers. */
  public int workers() {
    return backends.size();
  }

  @Override
  public String describe() {
    return backends.size() + " local worker" + (backends.size() == 1 ? "" : "s");
  }

  @Override
  public Session open(StageContext context) {
    return new LocalSession(context);
  }

  @Override
  public void close() {
    for (Backend b : backends) {
      b.close();
    }
  }

  private record Task(int trial, CompressionPlan plan, CompletableFuture<Measurement> result) {}

  private static final Task STOP = new Task(-1, null, null);

  /** The worker threads of one stage. */
  private final class LocalSession implements Session {
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile RuntimeException broken;

    LocalSession(StageContext context) {
      long cache = CACHE_BYTES / backends.size();
      for (int i = 0; i < backends.size(); i++) {
        Backend b = backends.get(i);
        String worker = name + (i + 1);
        Thread t = new Thread(() -> work(b, context, cache, worker), "bocomp-" + worker);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void work(Backend b, StageContext context, long cache, String worker) {
      PlanMeasurer m;
      try {
        m = new PlanMeasurer(b, context, cache, worker);
      } catch (RuntimeException e) {
        broken = e;
        failAll(e);
        return;
      }
      try (m) {
        while (true) {
          Task t = queue.take();
          if (t == STOP) {
            return;
          }
          t.result().complete(m.measure(t.plan()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /**
     * A worker that cannot start fails every trial it takes until the stage ends (the run stops
     * with its reason).
     */
    private void failAll(RuntimeException e) {
      try {
        for (Task t = queue.take(); t != STOP; t = queue.take()) {
          t.result().completeExceptionally(e);
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public CompletableFuture<Measurement> submit(int trial, CompressionPlan plan) {
      CompletableFuture<Measurement> f = new CompletableFuture<>();
      RuntimeException b = broken;
      if (b != null) {
        f.completeExceptionally(b);
        return f;
      }
      queue.add(new Task(trial, plan, f));
      return f;
    }

    @Override
    public void close() {
      for (Task t; (t = queue.poll()) != null;) {
        if (t != STOP) {
          t.result().cancel(false);
        }
      }
      for (int i = 0; i < threads.size(); i++) {
        queue.add(STOP);
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
