package io.bocomp.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code bocomp} command; it only dispatches to subcommands. */
@Command(
    name = "bocomp",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Compress trained neural networks (ONNX) with Bayesian optimization.",
    subcommands = {TuneCommand.class, CompareCommand.class, ReportCommand.class, CompressCommand.class, FinetuneCommand.class,
        InspectCommand.class, EvalCommand.class, RunCommand.class, OpsCommand.class,
        BoCommand.class, WorkerCommand.class})
public final class BocompCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces and debug logging.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
