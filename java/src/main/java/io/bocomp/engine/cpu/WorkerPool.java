package io.bocomp.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small fixed pool for the CPU kernels' data-parallel loops: {@link #parallelFor} hands tasks
 * {@code 0..n-1} out dynamically to the calling thread (worker 0) and {@code threads - 1} daemon
 * workers, and returns when all are done. Each worker owns a {@link Scratch}, so a task never
 * allocates in steady state.
 *
 * <p>One parallel region runs at a time: concurrent callers (two executables on two threads) queue
 * on a lock, which also makes the per-worker scratch safe. Kernels therefore touch scratch only
 * inside a region (a single task runs inline, still under the lock). Idle workers spin briefly
 * for the next region (regions come back to back during a forward pass), then park.
 */
final class WorkerPool implements AutoCloseable {
  /** A loop body: runs task {@code task} on worker {@code worker} (0 = the calling thread). */
  @FunctionalInterface
  interface Body {
    void run(int task, int worker);
  }

  private static final long SPIN_NANOS = 50_000;

  private final int threads;
  private final Scratch[] scratch;
  private final Thread[] workers;
  private final ReentrantLock regionLock = new ReentrantLock();
  private final AtomicLong allocations = new AtomicLong();

  // The current region. Its fields are published to a participating worker by the volatile
  // write of that worker's ticket (the region's generation number).
  private final AtomicLongArray tickets;
  private long generation;
  private volatile boolean closed;
  private Body body;
  private int taskCount;
  private final AtomicInteger nextTask = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private Thread caller;
  private volatile Throwable failure;

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
    this.tickets = new AtomicLongArray(threads);
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
   * Rethrows the first exception a task threw (after all tasks have stopped).
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
      this.body = body;
      this.taskCount = tasks;
      this.failure = null;
      this.caller = Thread.currentThread();
      nextTask.set(0);
      int helpers = Math.min(workers.length, tasks - 1);
      running.set(helpers);
      generation++;
      for (int i = 1; i <= helpers; i++) {
        tickets.set(i, generation);
        LockSupport.unpark(workers[i - 1]);
      }
      drain(0);
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (running.get() > 0) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      this.body = null;
      Throwable f = failure;
      if (f != null) {
        if (f instanceof RuntimeException) {
          throw (RuntimeException) f;
        }
        if (f instanceof Error) {
          throw (Error) f;
        }
        throw new IllegalStateException(f);
      }
    } finally {
      regionLock.unlock();
    }
  }

  private void drain(int worker) {
    Body b = body;
    int n = taskCount;
    for (int t = nextTask.getAndIncrement(); t < n; t = nextTask.getAndIncrement()) {
      if (failure != null) {
        continue;
      }
      try {
        b.run(t, worker);
      } catch (Throwable e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
  }

  private void workLoop(int id) {
    long seen = 0;
    while (!closed) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (tickets.get(id) == seen && !closed) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = tickets.get(id);
      Thread c = caller;
      drain(id);
      if (running.decrementAndGet() == 0) {
        LockSupport.unpark(c);
      }
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
