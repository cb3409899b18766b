package io.bocomp.cli;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr over the samples of a long pass (e.g. {@code eval} over a large image
 * folder), with the ETA. {@link #on} gives one only when stderr is a terminal and JSON was not
 * asked for; otherwise callers get null and print nothing.
 */
final class BatchProgress implements IntConsumer, AutoCloseable {
  private final ProgressBar bar;
  private boolean closed;

  private BatchProgress(PrintStream err, String task, int total) {
    bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
        .setUpdateIntervalMillis(250).build();
  }

  /** A bar for {@code total} samples, or null without a terminal or with {@code --json}. */
  static BatchProgress on(PrintStream err, String task, int total, boolean json) {
    return json || System.console() == null ? null : new BatchProgress(err, task, total);
  }

  /** {@code done} samples are done. */
  @Override
  public void accept(int done) {
    bar.stepTo(done);
  }

  /** Finishes the bar (once; later calls do nothing). */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      bar.close();
    }
  }
}
