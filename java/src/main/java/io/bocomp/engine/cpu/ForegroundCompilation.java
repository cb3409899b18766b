package io.bocomp.engine.cpu;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.ObjectName;

/**
 * Asks HotSpot to compile the CPU kernels in the foreground: a thread whose call makes a kernel
 * method hot waits for the compiled code instead of running on in the meantime.
 *
 * <p>Why: until C2 has compiled them, the Vector API kernels run on the API's Java fallback (every
 * vector operation a lambda and a fresh array), one to two orders of magnitude slower than the
 * compiled loops, and C2 takes up to a second for the largest generated tiles. With background
 * compilation the engine's threads spend that second pushing real work through the fallback and
 * take CPU from the compiler thread besides (on a 2-core machine, two engine threads and the
 * compiler share two cores). Waiting instead made the first forward pass of the default model at
 * batch 50 about 25% shorter, 4 of 4 alternating pairs (see {@code benchmarks/results/tune-speed.md}
 * for the command-line runs). It changes no value: compiled and fallback paths compute the same
 * floats.
 *
 * <p>It is a JIT compiler directive ({@code BackgroundCompilation: false} for the methods of
 * {@code io.bocomp.engine.cpu} and {@code io.bocomp.train}), added at run time through the
 * {@code compilerDirectivesAdd} diagnostic command, which reads it from a temporary file (deleted
 * at once). The command-line tool installs it at start-up; an embedding application can call
 * {@link #install()} once itself. On a JVM without that command (not HotSpot, or management
 * disabled) nothing happens. System property {@code bocomp.jit.foreground=false} turns it off.
 */
public final class ForegroundCompilation {
  private static final Logger LOG = Logger.getLogger(ForegroundCompilation.class.getName());

  /** The directive, in HotSpot's compiler-directive JSON. */
  static final String DIRECTIVE =
      "[{ match: [\"io/bocomp/engine/cpu/*.*\", \"io/bocomp/train/*.*\"], BackgroundCompilation: false }]\n";

  private static Boolean installed;

  private ForegroundCompilation() {}

  /**
   * Adds the directive once per JVM.
   *
   * @return true when the JVM took it (now or at an earlier call), false when it is turned off or
   *     the JVM cannot take it
   */
  public static synchronized boolean install() {
    if (installed == null) {
      installed = !"false".equals(System.getProperty("bocomp.jit.foreground", "").trim())
          && add(DIRECTIVE);
    }
    return installed;
  }

  /** Adds {@code directive} (compiler-directive JSON); true when HotSpot took one directive. */
  static boolean add(String directive) {
    Path file = null;
    try {
      file = Files.createTempFile("bocomp-jit", ".json");
      Files.writeString(file, directive, StandardCharsets.UTF_8);
      Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
          new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
      // HotSpot answers "1 compiler directives added", or the parse error
      boolean ok = String.valueOf(reply).trim().startsWith("1 compiler directives added");
      if (!ok) {
        LOG.fine(() -> "compiler directive not taken: " + reply);
      }
      return ok;
    } catch (Exception | LinkageError e) {
      LOG.log(Level.FINE, "compiler directive not added", e);
      return false;
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.log(Level.FINE, "temporary directive file " + file + " not deleted", e);
        }
      }
    }
  }
}
