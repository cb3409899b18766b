package io.bocomp.cli;

import io.bocomp.BocompException;
import io.bocomp.engine.cpu.TileWarmUp;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * Entry point of the {@code bocomp} command. Exit codes: 0 success; 2 bad input or usage (a
 * {@link BocompException} or a picocli parameter error), printed as ONE line on stderr; 1 an internal
 * error (a bug), printed as one line too unless {@code --verbose} asks for the stack trace.
 */
public final class Main {
  /** Exit code for bad input and usage errors. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code for internal errors. */
  public static final int EXIT_INTERNAL = 1;

  private Main() {}

  public static void main(String[] args) {
    // image decoding uses java.awt.image classes; never start a GUI toolkit for them
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    if (runsTheEngine(args)) {
      TileWarmUp.start(); // beside the model's import, before the first forward pass
    }
    System.exit(execute(args, System.out, System.err));
  }

  /** The commands that run networks on the CPU engine (the others need no tile warm-up). */
  private static final java.util.Set<String> ENGINE_COMMANDS =
      java.util.Set.of("tune", "compare", "compress", "finetune", "eval", "run", "worker");

  /** True for a command line that runs the engine: not help, a version or a command without it. */
  static boolean runsTheEngine(String[] args) {
    List<String> a = Arrays.asList(args);
    return args.length > 0 && ENGINE_COMMANDS.contains(args[0]) && !a.contains("--help")
        && !a.contains("-h");
  }

  /** Runs the CLI with the given streams (tests capture them). */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    configureLogging(err, verbose);
    CommandLine cl = commandLine(out, err, verbose);
    return cl.execute(args);
  }

  /** The configured command tree (also used to render help in docs/tests). */
  public static CommandLine commandLine(PrintStream out, PrintStream err, boolean verbose) {
    CommandLine cl = new CommandLine(new BocompCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, args) -> {
      err.println("bocomp: " + ex.getMessage());
      CommandLine c = ex.getCommandLine();
      err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      Throwable t = ex;
      if (verbose) {
        t.printStackTrace(err);
      }
      if (t instanceof BocompException) {
        err.println("bocomp: error: " + oneLine(t.getMessage()));
        return EXIT_BAD_INPUT;
      }
      if (t instanceof OutOfMemoryError) {
        err.println("bocomp: error: out of memory (" + oneLine(t.getMessage())
            + "); try BOCOMP_JAVA_OPTS=-Xmx<size> or fewer samples");
        return EXIT_BAD_INPUT;
      }
      err.println("bocomp: internal error: " + t.getClass().getSimpleName() + ": "
          + oneLine(String.valueOf(t.getMessage()))
          + (verbose ? "" : " (run with --verbose for the stack trace)"));
      return EXIT_INTERNAL;
    });
    return cl;
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').trim();
  }

  /** Library code logs through java.util.logging; the CLI prints WARN/INFO as one prefixed line. */
  private static void configureLogging(PrintStream err, boolean verbose) {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Formatter oneLine = new Formatter() {
      @Override
      public String format(LogRecord r) {
        String level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "ERROR"
            : r.getLevel().intValue() >= Level.WARNING.intValue() ? "WARN"
            : r.getLevel().intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
        return "bocomp: " + level + ": " + oneLine(formatMessage(r)) + System.lineSeparator();
      }
    };
    // A handler writing to the given stream without ever closing it (a ConsoleHandler whose
    // stream is replaced would close System.err).
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (isLoggable(r)) {
          err.print(oneLine.format(r));
          err.flush();
        }
      }

      @Override
      public void flush() {
        err.flush();
      }

      @Override
      public void close() {
        flush();
      }
    };
    h.setLevel(verbose ? Level.FINE : Level.INFO);
    root.addHandler(h);
    root.setLevel(verbose ? Level.FINE : Level.INFO);
    Logger.getLogger("io.bocomp").setLevel(verbose ? Level.FINE : Level.INFO);
  }
}
