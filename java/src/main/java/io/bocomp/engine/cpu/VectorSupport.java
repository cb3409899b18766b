package io.bocomp.engine.cpu;

/**
 * Whether the CPU kernels may use the incubating Vector API ({@code jdk.incubator.vector}): only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code ./bocomp}
 * launcher, the Maven build and the benchmarks do), 256-bit vectors are native on this CPU, and
 * {@code -Dbocomp.cpu.vector=false} does not turn it off. Otherwise the engine runs its
 * OpenBLAS-based kernels, slower but complete.
 *
 * <p>This class refers to no Vector API type, so it loads on any JVM; classes that do
 * ({@link ConvMicroKernel}, and the fine-tuner's {@code io.bocomp.train.VectorLoops}, which is why
 * this class and {@link #enabled()} are public) are loaded only after {@link #enabled()} returned
 * true.
 */
public final class VectorSupport {
  /** The system property that can turn the Vector API kernels off ({@code false}). */
  static final String PROPERTY = "bocomp.cpu.vector";
  private static final boolean MODULE_PRESENT =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  private static volatile Boolean hardware;
  /** Test hook: when non-null, overrides the property (never the module's absence). */
  static volatile Boolean forced;

  private VectorSupport() {}

  /**
   * True if kernels created from now on may use the Vector API. The CPU engine creates its
   * kernels when a plan first sees an input shape (the first {@code run}, not {@code compile}),
   * so the property must be set when that happens.
   */
  public static boolean enabled() {
    if (!MODULE_PRESENT) {
      return false;
    }
    Boolean f = forced;
    boolean wanted = f != null ? f
        : !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    return wanted && hardware();
  }

  /**
   * Floats per vector of the blocked layout's kernels (16 with AVX-512, 8 with AVX2); call only
   * when {@link #enabled()}.
   */
  static int blockedLanes() {
    return BlockedMicroKernels.LANES;
  }

  /** True if the Vector API module is in the boot layer (whether or not it is turned off). */
  static boolean modulePresent() {
    return MODULE_PRESENT;
  }

  private static boolean hardware() {
    Boolean h = hardware;
    if (h == null) {
      h = ConvMicroKernel.hardwareSupported();
      hardware = h;
    }
    return h;
  }
}
