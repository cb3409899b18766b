package io.bocomp.engine;

import io.bocomp.BocompException;
import io.bocomp.engine.cpu.CpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.util.logging.Logger;

/**
 * Chooses a {@link Backend} by name: {@code "cpu"}, {@code "cuda"} or {@code "auto"} (CUDA when
 * available, else CPU). The CUDA backend ({@code io.bocomp.cuda.CudaBackend}) is looked up
 * reflectively so this package does not depend on it; when it is missing, fails to load or finds
 * no GPU, a request for {@code "cuda"} logs one WARN line with the reason and returns the CPU
 * backend ({@code "auto"} falls back silently).
 *
 * <p>A CUDA backend class is expected to have a public no-argument constructor, and may have a
 * public static {@code boolean available()} (false when no GPU answers) and a public static
 * {@code String unavailableReason()}.
 */
public final class Backends {
  static final String CUDA_CLASS = "io.bocomp.cuda.CudaBackend";
  private static final Logger LOG = Logger.getLogger(Backends.class.getName());

  private Backends() {}

  /**
   * @throws BocompException naming the valid names when {@code name} is not one of them
   */
  public static Backend create(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
    switch (n) {
      case "cpu":
        return new CpuBackend();
      case "cuda":
      case "auto":
        return cudaOrCpu(CUDA_CLASS, n.equals("cuda"));
      default:
        throw new BocompException("unknown backend '" + name + "'; valid backends: cpu, cuda, auto");
    }
  }

  /** The CUDA backend from {@code className} if it loads and finds a GPU, else the CPU backend. */
  static Backend cudaOrCpu(String className, boolean warn) {
    String reason;
    try {
      Class<?> c = Class.forName(className);
      reason = unavailableReason(c);
      if (reason == null) {
        return (Backend) c.getConstructor().newInstance();
      }
    } catch (ClassNotFoundException e) {
      reason = "this build has no CUDA support";
    } catch (InvocationTargetException e) {
      reason = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (warn) {
      LOG.warning("CUDA backend unavailable (" + reason + "); running on the CPU");
    }
    return new CpuBackend();
  }

  /** Null when the class reports a GPU through its static isAvailable(), else why not. */
  private static String unavailableReason(Class<?> c) throws ReflectiveOperationException {
    java.lang.reflect.Method available;
    try {
      available = c.getMethod("isAvailable");
    } catch (NoSuchMethodException e) {
      return c.getName() + " has no static isAvailable()";
    }
    if (Boolean.TRUE.equals(available.invoke(null))) {
      return null;
    }
    try {
      Object r = c.getMethod("unavailableReason").invoke(null);
      if (r != null) {
        return r.toString();
      }
    } catch (NoSuchMethodException e) {
      // fall through to the generic reason
    }
    return "no CUDA device found";
  }
}
