package io.bocomp.cli;

import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import picocli.CommandLine.Option;

/**
 * The analytic budget options, a picocli exclusive argument group ({@code @ArgGroup(exclusive =
 * true)}): {@code --max-params}, {@code --max-macs} or {@code --max-bytes}, each a fraction of the
 * original model's cost. {@code compare} takes exactly these; {@code tune} adds
 * {@code --max-latency-ms} in a subclass ({@link TuneCommand.BudgetOption}), whose options picocli
 * lists after these. Limits: the command chooses the default when the group is absent.
 */
class BudgetOptions {
  @Option(names = "--max-params", paramLabel = "F",
      description = "Parameters at most F x the original (default 0.25).")
  Double params;

  @Option(names = "--max-macs", paramLabel = "F", description = "MACs at most F x the original.")
  Double macs;

  @Option(names = "--max-bytes", paramLabel = "F",
      description = "Weight bytes at most F x the original.")
  Double bytes;

  /** The one budget given (the group is exclusive; picocli creates it only when one is). */
  Budget toBudget() {
    return params != null ? new Budget(CostMetric.PARAMS, params)
        : macs != null ? new Budget(CostMetric.MACS, macs) : new Budget(CostMetric.BYTES, bytes);
  }
}
