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
    resourceBundle = "io.bocomp.cli.WorkerCommand")
public final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--join", paramLabel = "HOST[:PORT]") List<String> join;

  @Option(names = "--threads", paramLabel = "T") Integer threads;

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
