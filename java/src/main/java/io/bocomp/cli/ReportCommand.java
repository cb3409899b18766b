package io.bocomp.cli;

import io.bocomp.tune.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bocomp report DIR}: re-renders a tuning run's report.html from its journal. */
@Command(name = "report", mixinStandardHelpOptions = true,
    resourceBundle = "io.bocomp.cli.ReportCommand")
public final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "Run directory of bocomp tune.")
  Path dir;

  @Override
  public Integer call() {
    Path written = HtmlReport.rerender(dir);
    spec.commandLine().getErr().println("bocomp: wrote " + written);
    return 0;
  }
}
