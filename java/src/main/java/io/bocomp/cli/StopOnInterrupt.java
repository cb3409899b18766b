package io.bocomp.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a long command: on SIGINT the shutdown hook asks the work to stop and holds the JVM
 * (up to two minutes) until the command closes this, i.e. until its partial outputs are written.
 * Use with try-with-resources around the work and the writing of its outputs.
 */
final class StopOnInterrupt implements AutoCloseable {
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;

  StopOnInterrupt(String threadName, Runnable requestStop) {
    hook = new Thread(() -> {
      requestStop.run();
      try {
        done.await(120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, threadName);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running and waits for the outputs, now written
    }
  }
}
