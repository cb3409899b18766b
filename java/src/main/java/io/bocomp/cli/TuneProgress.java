package io.bocomp.cli;

import io.bocomp.tune.TrialRecord;
import io.bocomp.tune.TuneListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal progress of {@code bocomp tune}: one bar per stage on stderr with the ETA, the best
 * feasible L so far, the current Lagrange multiplier (or constraint bound) and whether the last
 * trial met the budget. Used only when stderr is a terminal and neither --quiet nor --json is given.
 */
final class TuneProgress implements TuneListener {
  private final PrintStream err;
  private ProgressBar bar;

  TuneProgress(PrintStream err) {
    this.err = err;
  }

  @Override
  public void stageStarted(int stage, String name, int trials, int done) {
    close();
    bar = new ProgressBarBuilder().setTaskName("tune " + name).setInitialMax(trials)
        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
        .setUpdateIntervalMillis(250).startsFrom(done, java.time.Duration.ZERO).build();
  }

  @Override
  public void trialRecorded(TrialRecord r, double bestFeasible) {
    if (bar == null) {
      return;
    }
    String search = Double.isFinite(r.lambda())
        ? String.format(Locale.ROOT, " lambda %.3g", r.lambda())
        : Double.isFinite(r.kappa()) ? String.format(Locale.ROOT, " kappa %.3g", r.kappa()) : "";
    bar.setExtraMessage(String.format(Locale.ROOT, "best L %s%s | last %s", Double.isNaN(
        bestFeasible) ? "-" : String.format(Locale.ROOT, "%.4g", bestFeasible), search,
        r.failed() ? "failed" : r.feasible() ? "feasible" : "over budget"));
    bar.stepTo(r.trial() + 1);
  }

  @Override
  public void stageFinished(int stage) {
    close();
  }

  @Override
  public void finishing(String what) {
    close();
    err.println("bocomp: " + what + " ...");
  }

  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
