package io.bocomp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.data.Dataset;
import io.bocomp.data.Idx;
import io.bocomp.engine.BatchRunner;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.train.Distillation;
import io.bocomp.train.FineTuner;
import io.bocomp.train.FineTuning;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.UniformAllocator;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.SearchSpace;
import io.bocomp.tune.TuneListener;
import io.bocomp.tune.TuneResult;
import io.bocomp.tune.Tuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The fine-tuning result of docs/results.md: the embedded default model compressed to a parameter
 * budget by the tuner (the plan {@code ./bocomp tune} finds with these trials and seed) and by the
 * uniform plan (one rank fraction for every layer, the largest meeting the budget), each distilled
 * toward the original on the 60,000 Fashion-MNIST training images with the {@code finetune}
 * command's defaults (SGD 0.01, momentum 0.9, cosine over the run, batch 64, KD T 4 + CE, alpha
 * 0.5), top-1 on the 10,000 test images before and after each epoch.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.bocomp.bench.FinetuneExperiment [budget 0.25] [trials 400] [epochs 2] [seed 0] [out DIR]};
 * prints one line per epoch and writes {@code finetune-experiment.json} and the models to DIR.
 */
public final class FinetuneExperiment {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

  private FinetuneExperiment() {}

  public static void main(String[] args) throws Exception {
    double budget = args.length > 0 ? Double.parseDouble(args[0]) : 0.25;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 0;
    Path out = Path.of(args.length > 4 ? args[4] : "finetune-experiment");
    Files.createDirectories(out);
    Model original = ModelLoader.loadDefault();
    Dataset train = new Dataset(Idx.readImages(DATA.resolve("train-images-idx3-ubyte.gz"), 0),
        Idx.readLabels(DATA.resolve("train-labels-idx1-ubyte.gz"), 0));
    Dataset test = new Dataset(Idx.readImages(DATA.resolve("t10k-images-idx3-ubyte.gz"), 0),
        Idx.readLabels(DATA.resolve("t10k-labels-idx1-ubyte.gz"), 0));
    RunConfig cfg = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, budget))
        .trials(trials).seed(seed).build();
    Model tuned;
    Model uniform;
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("budget", budget);
    root.put("trials", trials);
    root.put("seed", seed);
    root.put("original_top1", top1(original, test));
    try (Tuner tuner = Tuner.prepare(new Tuner.Inputs(original, "fashion-cnn.onnx", null,
        ModelLoader.defaultSample(), "embedded sample"), cfg, "cpu", out.resolve("tune"), false,
        "finetune-experiment")) {
      TuneResult r = tuner.run(TuneListener.NONE);
      tuned = ModelLoader.load(out.resolve("tune").resolve("compressed.onnx"));
      SearchSpace space = tuner.searchSpace();
      double[] theta = UniformAllocator.atBudget(space,
          AllocationProblem.of(space, CostMetric.PARAMS, budget)::fraction, budget);
      Graph g = space.plan(theta).apply(space.factors().model().graph(), space.factors(),
          ApplyOptions.defaults()).graph();
      uniform = original.withGraph(g);
      OnnxExporter.write(uniform, out.resolve("uniform.onnx"));
      root.put("tuned_evaluations", r.evaluations());
    }
    Distillation.Settings s = Distillation.Settings.defaults(epochs);
    root.put("settings", s.describe());
    for (String name : new String[] {"tuned", "uniform"}) {
      Model m = name.equals("tuned") ? tuned : uniform;
      ObjectNode row = root.putObject(name);
      row.put("top1_before", top1(m, test));
      ArrayNode per = row.putArray("epochs");
      System.out.printf(Locale.ROOT, "%s: top-1 before %.4f%n", name, row.get("top1_before")
          .asDouble());
      Distillation.Outcome o = Distillation.run(m, name, original, "original", train, s,
          new FineTuner.Listener() {
            @Override
            public boolean wantsCheckpoints() {
              return true;
            }

            @Override
            public void checkpoint(FineTuner.Epoch e, Model current) {
              double t1 = top1(current, test);
              FineTuning.epochRow(per, e).put("top1", t1);
              System.out.printf(Locale.ROOT, "%s: epoch %d loss %.5f top-1 %.4f (%.1f s, %.1f"
                  + " images/s)%n", name, e.epoch(), e.meanLoss(), t1, e.seconds(),
                  e.imagesPerSecond());
              OnnxExporter.write(current, out.resolve(name + "-finetuned.onnx"));
            }
          }, () -> false);
      row.put("status", o.result().status().name());
      row.put("parameters", o.parameters());
      row.put("teacher_seconds", o.teacherSeconds());
    }
    Files.writeString(out.resolve("finetune-experiment.json"),
        root.toPrettyString() + System.lineSeparator());
    System.out.println(root.toPrettyString());
  }

  private static double top1(Model m, Dataset test) {
    return BatchRunner.agreement(BatchRunner.argmax(Distillation.outputs(m, test.images())),
        test.labels());
  }
}
