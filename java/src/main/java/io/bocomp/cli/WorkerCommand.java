package io.bocomp.cli;

import io.bocomp.cluster.ClusterSettings;
import io.bocomp.cluster.ClusterWorker;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp worker}: joins (or starts) a bocomp cluster and measures the trials that drivers
 * ({@code bocomp tune --cluster}) send, until Ctrl-C; see {@link ClusterWorker} and
 * docs/cluster.md. Trusted networks only: the cluster's traffic is not encrypted.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Measure the trials of `bocomp tune --cluster` runs on this machine, until"
        + " Ctrl-C. The first worker needs no --join; the others join it (or any member).",
        "Trusted networks only: cluster traffic is not encrypted (docs/cluster.md)."})
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--join", paramLabel = "HOST[:PORT]",
      description = "A member of the cluster to join (repeatable; none for the first worker).")
  List<String> join;

  @Option(names = "--threads", paramLabel = "T",
      description = "Trials measured at once, one core each (default: the number of cores).")
  Integer threads;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() throws InterruptedException {
    ClusterSettings s = cluster.settings(join == null ? List.of() : join);
    ClusterWorker w = ClusterWorker.start(s,
        threads != null ? threads : Runtime.getRuntime().availableProcessors());
    Thread hook = new Thread(w::close, "bocomp-worker-leave");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("bocomp: worker %s in cluster '%s': %d slot(s), %d member(s) now; Ctrl-C leaves%n",
        w.address(), s.name(), w.slots(), w.members());
    out.flush();
    w.awaitShutdown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is what shut the worker down
    }
    return 0;
  }
}
