package io.bocomp.testing;

import io.bocomp.engine.cpu.CpuBackend;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One CPU backend shared by the tests of a class, as a JUnit 5 extension on a static field:
 * {@code @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);} opens a
 * {@link CpuBackend} with that many threads before the class's first test and closes it after its
 * last (on an abstract base class: once per concrete test class). Limits: {@link #get} outside that
 * span is a test bug and throws.
 */
public final class ClassCpuBackend implements BeforeAllCallback, AfterAllCallback {
  private final int threads;
  private CpuBackend backend;

  /** @param threads the backend's worker threads */
  public ClassCpuBackend(int threads) {
    this.threads = threads;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    backend = new CpuBackend(threads);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    backend.close();
    backend = null;
  }

  /** The class's backend. */
  public CpuBackend get() {
    if (backend == null) {
      throw new IllegalStateException("the class's CPU backend is open only while its tests run");
    }
    return backend;
  }
}
