package io.bocomp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.bocomp.model.Model;
import io.bocomp.tune.Budget;
import io.bocomp.tune.Comparison;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.Tuner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp compare}: every one-shot allocator (uniform, energy, ALDS, EVBMF, LC), random
 * search and the tuner (several seeds) at one budget, each scored on held-out inputs disjoint from
 * every tuning sample ({@link Comparison}); writes compare.json and compare.html into --out and
 * prints the summary table.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    resourceBundle = "io.bocomp.cli.CompareCommand")
public final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelInputs inputs;

  @Mixin PreprocessOptions preprocess;

  /** The one budget option (analytic metrics only). */
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  BudgetOptions budget;

  @Option(names = "--trials", paramLabel = "N", defaultValue = "100") int trials;

  @Option(names = "--seeds", paramLabel = "S", defaultValue = "3") int seeds;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "50") int samples;

  @Option(names = "--holdout", paramLabel = "N", defaultValue = "0") int holdout;

  @Mixin ParameterOption parameter;

  @Mixin CacheDirOption cacheDir;

  @Option(names = "--out", paramLabel = "DIR") Path out;

  @Mixin JsonOption json;

  @Mixin QuietOption quiet;

  @Override
  public Integer call() {
    inputs.check();
    Path dir = out != null ? out : Path.of("runs", "compare-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Model m = ModelSource.load(inputs.model);
    Tuner.Inputs in = inputs.inputs(m, preprocess.resolve(null), cacheDir.dir);
    Budget b = budget == null ? new Budget(CostMetric.PARAMS, 0.25) : budget.toBudget();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Comparison c = Comparison.prepare(in, new Comparison.Settings(b, trials, seeds, samples,
        holdout, preprocess.resolve(null), false, parameter.resolve()), dir)) {
      if (c.nothingToDo() != null) {
        stdout.println("bocomp: " + c.nothingToDo());
        stdout.flush();
        return 0;
      }
      boolean talk = !quiet.on && !json.on;
      Comparison.Result r = c.run(line -> {
        if (talk) {
          System.err.println("compare: " + line);
        }
      });
      if (json.on) {
        JsonOutput.print(stdout, r.report());
      } else {
        print(r.report(), dir, stdout);
      }
      return 0;
    }
  }

  private static void print(JsonNode j, Path dir, PrintWriter out) {
    out.printf("model      %s%n", j.path("model").asText());
    out.printf("budget     %s <= %s x original; tuner %d trials x %d seed(s), %d samples each%n",
        j.path("budget").path("metric").asText(), j.path("budget").path("max").asText(),
        j.path("trials").asInt(), j.path("seeds").asInt(), j.path("samples").asInt());
    out.printf("held out   %d inputs, disjoint from the tuning samples%n",
        j.path("holdout").path("n").asInt());
    out.printf("%-8s %4s %12s %10s %8s %9s %10s %9s%n", "method", "runs", "held-out L", "sd",
        "top-1", "fraction", "latency ms", "seconds");
    for (JsonNode s : j.path("summary")) {
      JsonNode h = s.path("holdout");
      out.printf(Locale.ROOT, "%-8s %4d %12.5g %10s %8s %9.4f %10.3f %9.2f%n",
          s.path("method").asText(), s.path("runs").asInt(), h.path("mean").asDouble(),
          h.path("sd").isNumber() ? String.format(Locale.ROOT, "%.3g", h.path("sd").asDouble())
              : "-", s.path("top1").isNumber() ? String.format(Locale.ROOT, "%.2f%%",
                  100 * s.path("top1").asDouble()) : "-", s.path("fraction_max").asDouble(),
          s.path("latency_ms_median").asDouble(Double.NaN), s.path("seconds_mean").asDouble());
    }
    out.printf("wrote      %s (compare.json, compare.html, tuner-seed-*/)%n", dir);
    out.flush();
  }
}
