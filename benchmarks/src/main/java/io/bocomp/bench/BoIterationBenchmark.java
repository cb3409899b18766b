package io.bocomp.bench;

import io.bocomp.bo.BayesOpt;
import io.bocomp.bo.BayesOptState;
import io.bocomp.bo.Evaluation;
import io.bocomp.bo.Observation;
import io.bocomp.bo.RefitPolicy;
import io.bocomp.bo.Space;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Bayesian-optimization iteration with {@code n} observations in {@code d} dimensions: record the
 * {@code n}-th observation, then {@code suggest(1)}, which brings the GP up to date and maximizes the
 * corrected noisy log-EI (512 Sobol raw samples, 8 L-BFGS-B restarts). Observations are a smooth
 * seeded function on {@code [0, 1]^d} with standard error 0.01 (fixed heteroscedastic noise). The
 * initial design is set to 5 points so that every {@code (n, d)} of the grid takes the model path
 * (the default {@code max(5, 2d)} would still be drawing Sobol points at {@code n = 50, d = 32}).
 *
 * <ul>
 *   <li>{@code refit}: hyperparameters refit by MAP, warm-started from the previous fit at
 *       {@code n − 1} (what every iteration does under {@link RefitPolicy#everyIteration()}, and
 *       what the default policy does every ~10% growth of {@code n});
 *   <li>{@code incremental}: hyperparameters kept, the Cholesky factor bordered in {@code O(n²)}
 *       (the default policy between refits);
 *   <li>{@code coldStart}: a fresh optimizer from {@code n} past observations: multi-start MAP fit
 *       from scratch plus the acquisition (what a caller pays when it rebuilds the optimizer, e.g.
 *       after re-weighting cached observations).
 * </ul>
 *
 * <p>The peer scripts in {@code benchmarks/peers/} do the same work with scikit-learn and measure
 * Optuna's TPE; {@code bo_sklearn_peer.py --java-jar benchmarks/target/benchmarks.jar} runs both
 * sides in one go and prints the ratios.
 *
 * <p>The state before the timed call is rebuilt for every invocation ({@link Level#Invocation};
 * each call takes milliseconds, so the setup overhead JMH warns about is negligible). Run:
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl java,benchmarks package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar BoIterationBenchmark -p n=200 -p d=16
 * java -jar benchmarks/target/benchmarks.jar BoIterationBenchmark          # the whole grid, ~9 min
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss4m"})
@State(Scope.Thread)
public class BoIterationBenchmark {
  @Param({"50", "100", "200", "400"})
  public int n;

  @Param({"4", "16", "32"})
  public int d;

  private static final int DESIGN = 5;

  private Space space;
  private List<Observation> observations;
  private BayesOptState before;
  private BayesOpt bo;

  static double objective(double[] x) {
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      s += Math.sin(3 * x[j] + j) * (1 + 0.1 * j) + 0.5 * x[j] * x[(j + 1) % x.length];
    }
    return s;
  }

  @Setup(Level.Trial)
  public void prepare() {
    Space.Builder b = Space.builder();
    for (int j = 0; j < d; j++) {
      b.continuous("x" + j, 0, 1);
    }
    space = b.build();
    SplittableRandom r = new SplittableRandom(42);
    observations = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) {
        x[j] = r.nextDouble();
      }
      observations.add(new Observation(x, Evaluation.of(objective(x) + 0.01 * r.nextGaussian(), 0.01)));
    }
    BayesOpt first = BayesOpt.builder(space).seed(7).initialDesignSize(DESIGN)
        .observations(observations.subList(0, n - 1)).build();
    first.updateModels();
    before = first.state();
  }

  @Setup(Level.Invocation)
  public void restore(org.openjdk.jmh.infra.BenchmarkParams params) {
    boolean refit = params.getBenchmark().endsWith("refit");
    bo = BayesOpt.builder(space).seed(7).initialDesignSize(DESIGN)
        .refitPolicy(refit ? RefitPolicy.everyIteration() : RefitPolicy.defaults())
        .resume(before).build();
    if (!refit) {
      bo.updateModels();
    }
  }

  @Benchmark
  public double[] refit() {
    return step();
  }

  @Benchmark
  public double[] incremental() {
    return step();
  }

  private double[] step() {
    Observation last = observations.get(n - 1);
    bo.observe(last);
    return bo.suggest(1).get(0);
  }

  @Benchmark
  public double[] coldStart() {
    return BayesOpt.builder(space).seed(7).initialDesignSize(DESIGN).observations(observations).build()
        .suggest(1).get(0);
  }
}
