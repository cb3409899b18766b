package io.bocomp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.BocompException;
import io.bocomp.bo.BayesOpt;
import io.bocomp.bo.Certificate;
import io.bocomp.bo.Observation;
import io.bocomp.bo.OptimizationResult;
import io.bocomp.bo.testfunctions.NoisyTestFunction;
import io.bocomp.bo.testfunctions.TestFunction;
import io.bocomp.bo.testfunctions.TestFunctions;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp bo}: minimizes a built-in test function with {@link BayesOpt} and prints, per trial,
 * its value, the best value and point so far and the evaluated point, then the recommended point
 * and the certificate. With {@code --json} stdout holds only one JSON object:
 * {@code {"best_value":…,"best_x":[…],"trace":[…],"certificate":{…}}} where {@code trace[i]} is the
 * best observed value after trial {@code i + 1}. Bad input is a {@link BocompException} (or a
 * picocli parameter error) naming the option, which {@link Main} prints as one line with exit code 2.
 */
@Command(name = "bo", mixinStandardHelpOptions = true, resourceBundle = "io.bocomp.cli.BoCommand")
public final class BoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--function", required = true, paramLabel = "NAME") String function;

  @Option(names = "--trials", defaultValue = "30", paramLabel = "N") int trials;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S") long seed;

  @Option(names = "--noise", paramLabel = "SIGMA") Double noise;

  @Option(names = "--json") boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    TestFunction f = resolve();
    if (trials < 1) {
      throw new BocompException("--trials must be >= 1, got " + trials);
    }
    BayesOpt bo = BayesOpt.builder(f.space()).seed(seed).build();
    int[] trial = {0};
    double[] best = {Double.NaN};
    double[][] bestX = {null};
    OptimizationResult r = bo.minimize(f.objective(), trials, o -> {
      trial[0]++;
      if (!o.evaluation().isFailed() && !(o.evaluation().mean() >= best[0])) {
        best[0] = o.evaluation().mean();
        bestX[0] = o.x();
      }
      if (!json) {
        out.println(trialLine(trial[0], o, best[0], bestX[0]));
        out.flush();
      }
    });
    if (json) {
      out.println(toJson(r));
    } else {
      out.printf(Locale.ROOT, "best value %.6g at %s (noiseless %.6g; known minimum %.6g)%n", r.bestValue(),
          Arrays.toString(r.bestX()), f.value(r.bestX()), f.optimum());
      Certificate c = r.certificate();
      if (c != null) {
        out.printf(Locale.ROOT, "certificate: P[within %.3g of the minimum] = %.3f (union bound %.3f, %d candidates)%n",
            c.epsilon(), c.probability(), c.unionBound(), c.candidates());
      }
    }
    out.flush();
    return 0;
  }

  private TestFunction resolve() {
    TestFunction f;
    try {
      f = TestFunctions.byName(function, seed);
    } catch (IllegalArgumentException e) {
      throw new BocompException("--function: " + e.getMessage(), e);
    }
    if (noise != null) {
      if (!(noise >= 0) || noise.isInfinite()) {
        throw new BocompException("--noise must be finite and >= 0, got " + noise);
      }
      TestFunction base = f instanceof NoisyTestFunction ? TestFunctions.byName(function.replace("-noisy", ""), seed)
          : f;
      f = noise > 0 ? new NoisyTestFunction(base, noise, seed) : base;
    }
    return f;
  }

  private static String trialLine(int i, Observation o, double best, double[] bestX) {
    String x = Arrays.toString(o.x());
    String b = String.format(Locale.ROOT, "best=%.6g at %s", best, Arrays.toString(bestX));
    if (o.evaluation().isFailed()) {
      return String.format(Locale.ROOT, "trial %d  failed (%s)  %s  x=%s", i, o.evaluation().failureReason(), b, x);
    }
    return String.format(Locale.ROOT, "trial %d  y=%.6g  %s  x=%s", i, o.evaluation().mean(), b, x);
  }

  static String toJson(OptimizationResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("best_value", r.bestValue());
    m.put("best_x", r.bestX());
    m.put("trace", r.trace());
    m.put("certificate", r.certificate());
    try {
      return new ObjectMapper().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
