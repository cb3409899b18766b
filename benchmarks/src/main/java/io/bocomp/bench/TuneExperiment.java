package io.bocomp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.data.Dataset;
import io.bocomp.data.Idx;
import io.bocomp.engine.Backend;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.RandomFeasibleAllocator;
import io.bocomp.tune.alloc.UniformAllocator;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.Distance;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.IncrementalEvaluator;
import io.bocomp.tune.PlanCost;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.SampleSet;
import io.bocomp.tune.SearchSpace;
import io.bocomp.tune.TuneListener;
import io.bocomp.tune.TuneResult;
import io.bocomp.tune.Tuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * The documented quality experiment of the tuner (docs/results.md): on the embedded default model
 * at a parameter budget, for each seed, the tuned plan ({@code bocomp tune}'s Lagrangian search)
 * against the uniform plan (one rank fraction for every layer, the largest meeting the budget) and
 * random search with as many evaluated networks as the tuner evaluated (random thetas from the box
 * that meet the budget), compared on L (the tuner's objective on its 50 sampled inputs) and on top-1
 * of the 10,000 Fashion-MNIST test images; then the Spearman correlation between L and the top-1
 * drop over random plans of the whole box.
 *
 * <p>Run (after {@code mvn -o -q -P '!cuda' install -DskipTests}):
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.bocomp.bench.TuneExperiment --seeds 5 --trials 100 --budget 0.25 --plans 40
 * --out benchmarks/results/tune-experiment.json} (the module flag gives the engine ./bocomp runs;
 * without it the OpenBLAS-only kernels run, whose float rounding differs). Options: {@code --test-images DIR} (default
 * /usr/share/datasets/fashion-mnist), {@code --no-top1} (L only, for quick checks).
 */
public final class TuneExperiment {
  private TuneExperiment() {}

  public static void main(String[] args) throws Exception {
    ExperimentArgs a = new ExperimentArgs(args, 0, "--no-top1");
    int seeds = a.integer("--seeds", 5);
    int trials = a.integer("--trials", 100);
    double budget = a.decimal("--budget", 0.25);
    int plans = a.integer("--plans", 40);
    boolean top1 = !a.flag("--no-top1");
    Path out = a.path("--out", Path.of("tune-experiment.json"));
    Path testDir = a.path("--test-images", Path.of("/usr/share/datasets/fashion-mnist"));
    a.done();
    Model model = ModelLoader.loadDefault();
    Dataset sample = ModelLoader.defaultSample();
    Dataset test = top1 ? new Dataset(
        Idx.readImages(testDir.resolve("t10k-images-idx3-ubyte.gz"), 0),
        Idx.readLabels(testDir.resolve("t10k-labels-idx1-ubyte.gz"), 0)) : null;
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("budget", budget);
    root.put("trials", trials);
    ArrayNode runs = root.putArray("seeds");
    Path work = Files.createTempDirectory("bocomp-tune-experiment");
    try (Backend backend = new CpuBackend()) {
      double originalTop1 = top1 ? top1(backend, model.graph(), model.opset(), test) : Double.NaN;
      root.put("original_top1", originalTop1);
      System.out.printf(Locale.ROOT, "original top-1 %.4f%n", originalTop1);
      SearchSpace space = null;
      for (int s = 0; s < seeds; s++) {
        RunConfig cfg = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, budget))
            .trials(trials).seed(s).build();
        long t0 = System.nanoTime();
        TuneResult tuned;
        try (Tuner tuner = Tuner.prepare(new Tuner.Inputs(model, "fashion-cnn.onnx", null, sample,
            "embedded sample"), cfg, "cpu", work.resolve("seed-" + s), false, "experiment")) {
          tuned = tuner.run(TuneListener.NONE);
          space = tuner.searchSpace();
        }
        double tuneSeconds = (System.nanoTime() - t0) / 1e9;
        int evaluations = tuned.evaluations();
        SampleSet samples = SampleSet.draw(sample, cfg.samples, s, 64);
        List<Tensor> ref = IncrementalEvaluator.referenceOutputs(backend, model, samples);
        CompressibleModel cm = space.factors().model();
        try (IncrementalEvaluator eval = new IncrementalEvaluator(backend, cm, samples, ref,
            DistanceObjective.squared(), layers(space), 1L << 30)) {
          AllocationProblem problem = AllocationProblem.of(space, CostMetric.PARAMS, budget);
          double[] uniform = UniformAllocator.atBudget(space, problem::fraction, budget);
          Measured u = measure(space, eval, uniform);
          Measured best = null;
          for (double[] th : RandomFeasibleAllocator.draw(space, problem::fraction, budget,
              evaluations, 1000 + s)) {
            Measured m = measure(space, eval, th);
            if (best == null || m.l < best.l) {
              best = m;
            }
          }
          Measured t = measure(space, eval, tuned.best().theta());
          ObjectNode r = runs.addObject();
          r.put("seed", s);
          r.put("evaluations", evaluations);
          r.put("tune_seconds", tuneSeconds);
          put(r.putObject("tuned"), t, top1 ? top1(backend, space, tuned.best().theta(), test) : Double.NaN);
          put(r.putObject("uniform"), u, top1 ? top1(backend, space, uniform, test) : Double.NaN);
          put(r.putObject("random"), best, top1 ? top1(backend, space, best.theta, test) : Double.NaN);
          System.out.printf(Locale.ROOT, "seed %d: evaluations %d (%.1f s); L tuned %.4g uniform %.4g"
              + " random %.4g; R %.4f / %.4f / %.4f; top1 %s / %s / %s%n", s, evaluations,
              tuneSeconds, t.l, u.l, best.l, t.r, u.r, best.r, r.path("tuned").path("top1"),
              r.path("uniform").path("top1"), r.path("random").path("top1"));
        }
      }
      if (top1 && plans > 0) {
        SampleSet samples = SampleSet.draw(sample, 50, 0, 64);
        List<Tensor> ref = IncrementalEvaluator.referenceOutputs(backend, model, samples);
        double[] ls = new double[plans];
        double[] drops = new double[plans];
        ArrayNode pl = root.putArray("random_plans");
        try (IncrementalEvaluator eval = new IncrementalEvaluator(backend, space.factors().model(),
            samples, ref, DistanceObjective.squared(), layers(space), 1L << 30)) {
          for (int i = 0; i < plans; i++) {
            double[] th = RandomFeasibleAllocator.draw(space,
                AllocationProblem.of(space, CostMetric.PARAMS, 1.0)::fraction, 1.0, 1, 5000 + i)
                .get(0);
            Measured m = measure(space, eval, th);
            double acc = top1(backend, space, th, test);
            ls[i] = m.l;
            drops[i] = originalTop1 - acc;
            ObjectNode p = pl.addObject();
            p.put("distance", m.l);
            p.put("params_fraction", m.r);
            p.put("top1", acc);
            p.put("top1_drop", drops[i]);
          }
        }
        double rho = new SpearmansCorrelation().correlation(ls, drops);
        root.put("spearman_l_vs_top1_drop", rho);
        System.out.printf(Locale.ROOT, "Spearman(L, top-1 drop) over %d random plans: %.4f%n",
            plans, rho);
      }
    }
    Files.writeString(out, root.toPrettyString() + "\n");
    System.out.println("wrote " + out);
  }

  private record Measured(double l, double se, double r, double[] theta) {}

  private static Measured measure(SearchSpace space, IncrementalEvaluator eval, double[] theta) {
    ResolvedPlan p = space.resolve(theta);
    Graph g = p.plan().apply(space.factors().model().graph(), space.factors(),
        ApplyOptions.defaults()).graph();
    Distance d = eval.evaluate(p, g).distance();
    double r = PlanCost.analytic(p).fraction(CostMetric.PARAMS, PlanCost.original(space.factors()));
    return new Measured(d.mean(), d.stderr(), r, theta);
  }

  private static void put(ObjectNode o, Measured m, double top1) {
    o.put("distance", m.l);
    o.put("stderr", m.se);
    o.put("params_fraction", m.r);
    o.put("top1", top1);
    ArrayNode th = o.putArray("theta");
    for (double v : m.theta) {
      th.add(v);
    }
  }

  private static double top1(Backend b, SearchSpace space, double[] theta, Dataset test) {
    Graph g = space.plan(theta).apply(space.factors().model().graph(), space.factors(),
        ApplyOptions.defaults()).graph();
    return top1(b, g, space.factors().model().opset(), test);
  }

  private static double top1(Backend b, Graph g, long opset, Dataset test) {
    try (Executable e = b.compile(g, opset)) {
      int[] pred = BatchRunner.argmax(new BatchRunner(e, 250).run(test.images()));
      return BatchRunner.agreement(pred, test.labels());
    }
  }

  private static List<String> layers(SearchSpace space) {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (SearchSpace.Knob k : space.knobs()) {
      names.addAll(k.layers());
    }
    return new ArrayList<>(names);
  }
}
