package io.bocomp.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small fixed pool for the CPU kernels' data-parallel loops: {@link #parallelFor} hands tasks
 * {@code 0..n-1} out dynamically to the calling thread (worker 0) and {@code threads - 1} daemon
 * workers, and returns when all tasks are done. Each worker owns a {@link Scratch}, so a task
 * never allocates in steady state.
 *
 * <p>The caller waits for tasks, not for workers: a worker that wakes up late (on a loaded
 * machine it may not get a core for milliseconds) finds its region's tasks all taken and goes
 * back to waiting, so the caller never blocks on a thread that has not started. Each region is a
 * fresh object with its own task counter, so a late worker can never run a task of a later
 * region. Idle workers spin briefly for the next region (regions come back to back during a
 * forward pass), then park.
 *
 * <p>One region runs at a time: concurrent callers (two executables on two threads) queue on a
 * lock, which also makes the per-worker scratch safe. Kernels therefore touch scratch only inside
 * a region (a single task runs inline, still under the lock).
 */
final class WorkerPool implements AutoCloseable {
  /** A loop body: runs task {@code task} on worker {@code worker} (0 = the calling thread). */
  @FunctionalInterface
  interface Body {
    void run(int task, int worker);
  }

  private static final long SPIN_NANOS = 50_000;

  /** One parallelFor call. */
  private static final class Region {
    final Body body;
    final int tasks;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger pending;
    volatile Throwable failure;

    Region(Body body, int tasks, Thread caller) {
      this.body = body;
      this.tasks = tasks;
      this.caller = caller;
      this.pending = new AtomicInteger(tasks);
    }

    /** Runs tasks until none is left; wakes the caller after the last one completes. */
    void drain(int worker) {
      for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
        try {
          if (failure == null) {
            body.run(t, worker);
          }
        } catch (Throwable e) {
          if (failure == null) {
            failure = e;
          }
        } finally {
          if (pending.decrementAndGet() == 0 && worker != 0) {
            LockSupport.unpark(caller);
          }
        }
      }
    }
  }

  private final int threads;
  private final Scratch[] scratch;
  private final Thread[] workers;
  private final ReentrantLock regionLock = new ReentrantLock();
  private final AtomicLong allocations = new AtomicLong();
  private volatile Region current;
  private volatile boolean closed;

  WorkerPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
    this.scratch = new Scratch[threads];
    for (int i = 0; i < threads; i++) {
      scratch[i] = new Scratch(allocations);
    }
    this.workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      int id = i + 1;
      Thread t = new Thread(() -> workLoop(id), "bocomp-cpu-" + id);
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  /** Number of threads a region may use, the caller included. */
  int threads() {
    return threads;
  }

  /** Count of scratch-buffer (re)allocations so far, for tests of steady-state reuse. */
  long scratchAllocations() {
    return allocations.get();
  }

  /** Grows every worker's scratch to what {@code kernel} needs (see {@link Kernel#reserve}). */
  void reserve(Kernel kernel) {
    regionLock.lock();
    try {
      for (Scratch s : scratch) {
        kernel.reserve(s);
      }
    } finally {
      regionLock.unlock();
    }
  }

  /** The scratch of a worker; valid only inside a region, on that worker. */
  Scratch scratch(int worker) {
    return scratch[worker];
  }

  /**
   * Runs {@code body} for every task in {@code [0, tasks)}, in parallel when {@code tasks > 1}.
   * Rethrows the first exception a task threw (after all started tasks have stopped).
   */
  void parallelFor(int tasks, Body body) {
    if (tasks <= 0) {
      return;
    }
    regionLock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("CPU backend is closed");
      }
      if (tasks == 1 || threads == 1) {
        for (int t = 0; t < tasks; t++) {
          body.run(t, 0);
        }
        return;
      }
      Region r = new Region(body, tasks, Thread.currentThread());
      current = r;
      for (int i = 0; i < Math.min(workers.length, tasks - 1); i++) {
        LockSupport.unpark(workers[i]);
      }
      r.drain(0);
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (r.pending.get() > 0) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      Throwable f = r.failure;
      if (f instanceof RuntimeException) {
        throw (RuntimeException) f;
      }
      if (f instanceof Error) {
        throw (Error) f;
      }
      if (f != null) {
        throw new IllegalStateException(f);
      }
    } finally {
      regionLock.unlock();
    }
  }

  private void workLoop(int id) {
    Region seen = null;
    while (!closed) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      Region r;
      while ((r = current) == seen && !closed) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (r == null || closed) {
        continue;
      }
      seen = r;
      r.drain(id);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      LockSupport.unpark(t);
    }
  }
}
