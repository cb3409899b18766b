package io.bocomp.tune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.AtomicFiles;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.data.BatchStream;
import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a run's outputs: {@code compressed.onnx} (atomically, then RE-LOADED with
 * {@link ModelLoader} and re-evaluated on the sampled inputs: the run fails loudly if the file does
 * not reproduce the distance the search measured), {@code result.json} and {@code report.html}.
 *
 * <p>result.json holds: {@code model}, {@code model_sha256}, {@code partial}, {@code budget}
 * {metric, max, fraction, original, limit}, {@code mode}, {@code method}, {@code parameter},
 * {@code seed}, {@code plan} (the plan file format: per layer method and rank/ranks/energy/fraction),
 * {@code layers} (per layer the resolved shape), {@code distance} {mean, stderr, n, objective,
 * verified}, {@code params}, {@code macs}, {@code bytes} (and {@code latency_ms}) {original,
 * compressed, fraction}, {@code top1} {original, compressed, n} when labels are given,
 * {@code certificate} {trial, stage, probability, paired, independent, union_bound, epsilon,
 * competitors, remeasured, unmeasured, closest_trial, closest_probability:
 * {@link ReturnedPlanCertificate}}, {@code evaluations}, {@code trials}, {@code cache_hits}, {@code seconds},
 * {@code timing}, {@code best}, {@code dimensions}, {@code pareto}, {@code stages},
 * {@code samples}, {@code data} {images, n, labels, preprocess: the resolved preprocessing, which
 * {@code --preprocess-from} reuses, or null for a tensor used as stored}.
 */
final class ResultWriter {
  static final String MODEL_FILE = "compressed.onnx";
  static final String RESULT_FILE = "result.json";
  static final String REPORT_FILE = "report.html";

  private final Path dir;
  private final Tuner.Inputs inputs;
  private final RunConfig config;
  private final Backend backend;
  private final SampleSet samples;
  private final List<Tensor> reference;
  private final PlanCost originalCost;
  private final double originalTop1;
  private final PerInputDistances perInput;

  ResultWriter(Path dir, Tuner.Inputs inputs, RunConfig config, Backend backend, SampleSet samples,
      List<Tensor> reference, PlanCost originalCost, double originalTop1) {
    this.originalTop1 = originalTop1;
    this.dir = dir;
    this.inputs = inputs;
    this.config = config;
    this.backend = backend;
    this.samples = samples;
    this.reference = reference;
    this.originalCost = originalCost;
    this.perInput = new PerInputDistances(backend, samples, reference, config.objective());
  }

  /** The complete outputs of a finished run. */
  TuneResult writeFinal(List<Tuner.StageOutcome> outcomes, double seconds) {
    Tuner.StageOutcome last = outcomes.get(outcomes.size() - 1);
    TrialRecord best = StageRunner.bestFeasible(last.history());
    CompressionPlan plan = last.space().plan(best.theta());
    ResolvedPlan resolved = plan.resolve(last.baseFactors(), ApplyOptions.defaults());
    Graph graph = plan.apply(last.baseModel().graph(), last.baseFactors(), ApplyOptions.defaults())
        .graph();
    PerInputDistances.Measured direct = perInput.measure(graph, last.baseModel().opset());
    PerInputDistances.check(direct.distance().mean(), best.distance().mean(),
        "a full forward pass of the best plan");
    Path modelFile = dir.resolve(MODEL_FILE);
    Model compressed = last.base().withGraph(graph);
    byte[] bytes = OnnxExporter.toBytes(compressed);
    AtomicFiles.write(modelFile, out -> out.write(bytes));
    Model reloaded = ModelLoader.load(modelFile);
    Distance verified = perInput.measure(reloaded.graph(), reloaded.opset()).distance();
    PerInputDistances.check(verified.mean(), best.distance().mean(), modelFile + " re-loaded");
    ObjectNode json = common(outcomes, seconds, false);
    json.set("plan", plan.toJsonNode());
    json.set("layers", layers(resolved));
    ObjectNode d = distanceJson(best.distance());
    ObjectNode v = d.putObject("verified");
    v.put("file", MODEL_FILE);
    v.put("mean", verified.mean());
    v.put("stderr", verified.stderr());
    json.set("distance", d);
    costs(json, best.cost());
    if (inputs.data().hasLabels()) {
      ObjectNode t = json.putObject("top1");
      t.put("original", originalTop1);
      t.put("compressed", top1(backend, reloaded, inputs.data()));
      t.put("n", inputs.data().size());
      t.put("data", inputs.dataName());
    }
    json.set("best", bestJson(best));
    json.set("dimensions", dimensions(last.space(), best.theta()));
    json.set("certificate", certificate(last, best, direct.perInput()));
    writeJsonAndReport(json);
    return new TuneResult(dir, json, false, plan, best.distance(), best, evaluations(outcomes),
        trials(outcomes));
  }

  /** result.json and report.html of a stopped run: the best so far, no model. */
  TuneResult writePartial(List<Tuner.StageOutcome> outcomes, double seconds) {
    Tuner.StageOutcome last = outcomes.get(outcomes.size() - 1);
    TrialRecord best = StageRunner.bestFeasible(last.history());
    ObjectNode json = common(outcomes, seconds, true);
    CompressionPlan plan = null;
    if (best != null) {
      plan = last.space().plan(best.theta());
      json.set("plan", plan.toJsonNode());
      json.set("layers", layers(plan.resolve(last.baseFactors(), ApplyOptions.defaults())));
      json.set("distance", distanceJson(best.distance()));
      costs(json, best.cost());
      json.set("best", bestJson(best));
      json.set("dimensions", dimensions(last.space(), best.theta()));
    }
    writeJsonAndReport(json);
    return new TuneResult(dir, json, true, plan, best == null ? null : best.distance(), best,
        evaluations(outcomes), trials(outcomes));
  }

  /**
   * The {@code data} object of result.json and compare.json, added to {@code parent}: what the
   * inputs are ({@code images}), how many, whether they have labels, and their
   * {@code preprocess}ing when images were decoded (absent for a .npy tensor).
   */
  static ObjectNode data(ObjectNode parent, Tuner.Inputs inputs) {
    ObjectNode data = parent.putObject("data");
    data.put("images", inputs.dataName());
    data.put("n", inputs.data().size());
    data.put("labels", inputs.data().hasLabels());
    if (inputs.preprocessing() != null) {
      data.set("preprocess", inputs.preprocessing().toJson());
    }
    return data;
  }

  /**
   * report.html, then result.json: result.json is written last, so a run killed while writing its
   * outputs has none and is resumed (found by tools/soak.sh: a kill during the report write left a
   * finished-looking run without its report).
   */
  private void writeJsonAndReport(ObjectNode json) {
    String html = HtmlReport.render(json, Journal.read(dir.resolve(Journal.FILE)));
    byte[] h = html.getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(REPORT_FILE), out -> out.write(h));
    byte[] text = (json.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(dir.resolve(RESULT_FILE), out -> out.write(text));
  }

  private ObjectNode common(List<Tuner.StageOutcome> outcomes, double seconds, boolean partial) {
    Tuner.StageOutcome last = outcomes.get(outcomes.size() - 1);
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("model", inputs.modelName());
    o.put("model_sha256", last.baseModel().hash());
    o.put("partial", partial);
    ObjectNode b = o.putObject("budget");
    b.put("metric", last.budget().metric().json());
    b.put("max", last.budget().limit());
    b.put("fraction", last.fraction());
    double orig = originalCost.value(last.budget().metric());
    b.put("original", orig);
    b.put("limit", last.fraction() * orig);
    o.put("mode", config.mode.name().toLowerCase(java.util.Locale.ROOT));
    o.put("method", config.methodOf(last.stage()).json());
    o.put("parameter", last.space().parametrization().json());
    o.put("seed", config.seed);
    o.put("evaluations", evaluations(outcomes));
    o.put("trials", trials(outcomes));
    o.put("cache_hits", trials(outcomes) - evaluations(outcomes) - failures(outcomes));
    o.put("failures", failures(outcomes));
    o.put("seconds", seconds);
    o.set("timing", stageTiming(outcomes));
    o.set("pareto", pareto(last.history()));
    o.put("objective", last.search().objective(last.history()));
    ArrayNode stages = o.putArray("stages");
    for (Tuner.StageOutcome s : outcomes) {
      ObjectNode so = stages.addObject();
      so.put("name", s.stage().name());
      so.put("trials", s.history().size());
      TrialRecord bs = StageRunner.bestFeasible(s.history());
      so.put("best_trial", bs == null ? -1 : bs.trial());
      so.put("budget_fraction", s.fraction());
      so.put("dimensions", s.space().dimension());
    }
    ObjectNode data = data(o, inputs);
    if (!data.has("preprocess")) {
      data.putNull("preprocess"); // result.json names it either way
    }
    ObjectNode sm = o.putObject("samples");
    sm.put("n", samples.size());
    sm.put("seed", config.seed);
    sm.put("sha256", samples.sha256());
    sm.put("data", inputs.dataName());
    ObjectNode files = o.putObject("files");
    files.put("model", partial ? null : MODEL_FILE);
    files.put("journal", Journal.FILE);
    files.put("report", REPORT_FILE);
    return o;
  }

  private void costs(ObjectNode json, PlanCost c) {
    for (CostMetric m : CostMetric.values()) {
      double o = originalCost.value(m);
      double v = c.value(m);
      if (!Double.isFinite(o) || !Double.isFinite(v)) {
        continue;
      }
      ObjectNode n = json.putObject(m.json());
      if (m.analytic()) {
        n.put("original", (long) o);
        n.put("compressed", (long) v);
      } else {
        n.put("original", o);
        n.put("compressed", v);
      }
      n.put("fraction", v / o);
    }
  }

  private ObjectNode distanceJson(Distance d) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("mean", d.mean());
    o.put("stderr", d.stderr());
    o.put("n", d.n());
    o.put("objective", config.objective().toString());
    return o;
  }

  static ObjectNode bestJson(TrialRecord best) {
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("stage", best.stage());
    o.put("trial", best.trial());
    o.put("phase", best.phase());
    o.put("r", best.r());
    ArrayNode th = o.putArray("theta");
    for (double v : best.theta()) {
      th.add(v);
    }
    return o;
  }

  private static ArrayNode dimensions(SearchSpace space, double[] theta) {
    ArrayNode a = Journal.JSON.createArrayNode();
    for (int k = 0; k < space.knobs().size(); k++) {
      SearchSpace.Knob kn = space.knobs().get(k);
      ObjectNode d = a.addObject();
      d.put("name", kn.name());
      d.put("lower", kn.lower());
      d.put("upper", kn.upper());
      d.put("value", theta[k]);
      ArrayNode l = d.putArray("layers");
      kn.layers().forEach(l::add);
    }
    return a;
  }

  private static ArrayNode layers(ResolvedPlan p) {
    ArrayNode a = Journal.JSON.createArrayNode();
    for (LayerChoice c : p.choices()) {
      ObjectNode o = a.addObject();
      o.put("name", c.name());
      o.put("method", c.method() == null ? "dense" : c.method().json());
      int full = Math.min(c.layer().matrixShape()[0], c.layer().matrixShape()[1]);
      switch (c.method() == null ? "dense" : c.method().json()) {
        case "svd":
          o.put("rank", c.rank());
          o.put("full_rank", full);
          break;
        case "tucker2":
          o.putArray("ranks").add(c.rankIn()).add(c.rankOut());
          o.putArray("channels").add(c.layer().inputs()).add(c.layer().outputs());
          break;
        case "prune":
          o.put("zeroed", c.zeroedWeights());
          o.put("weights", c.layer().weightElements());
          break;
        default:
          break;
      }
      if (c.quantized()) {
        o.put("bits", c.bits());
        if (c.group() > 0) {
          o.put("group", c.group());
        }
      }
      if (c.note() != null) {
        o.put("note", c.note());
      }
    }
    return a;
  }

  /**
   * The paired certificate of the returned trial ({@link ReturnedPlanCertificate#paired}; at most
   * {@value ReturnedPlanCertificate#PAIRED_MAX} competitors re-measured,
   * {@link PerInputDistances}).
   */
  private ObjectNode certificate(Tuner.StageOutcome last, TrialRecord best, double[] bestPerInput) {
    ReturnedPlanCertificate.Result c = perInput.certify(last, best, bestPerInput, config.seed);
    ObjectNode o = Journal.JSON.createObjectNode();
    o.put("trial", c.trial());
    o.put("stage", c.stage());
    JournalCodec.putNumber(o, "epsilon", c.epsilon());
    JournalCodec.putNumber(o, "probability", c.probability());
    o.put("paired", c.paired());
    JournalCodec.putNumber(o, "independent", c.independent());
    JournalCodec.putNumber(o, "union_bound", c.unionBound());
    o.put("competitors", c.competitors());
    o.put("remeasured", c.remeasured());
    JournalCodec.putNumber(o, "unmeasured", c.unmeasured());
    if (c.closest() >= 0) {
      o.put("closest_trial", c.closest());
      JournalCodec.putNumber(o, "closest_probability", c.closestProbability());
    }
    o.put("objective", last.search().objective(last.history()));
    o.put("meaning", "P[the returned trial's expected L is within epsilon (1% of its L) of the"
        + " least among the run's evaluated feasible plans]: the competitors most likely to beat"
        + " it (independent pairwise probability above " + ReturnedPlanCertificate.PAIRED_THRESHOLD
        + ", at most " + ReturnedPlanCertificate.PAIRED_MAX + ", 'remeasured') re-measured per"
        + " input on the run's inputs and their differences to it jointly normal with the paired"
        + " covariance; the others' pairwise probabilities ('unmeasured', independent standard"
        + " errors) subtracted as a union bound. 'independent': every plan's L normal with its own"
        + " standard error, independently (conservative: the plans share their inputs)");
    return o;
  }

  /** Non-dominated successful trials of a stage: least L for their R, sorted by R. */
  static ArrayNode pareto(List<TrialRecord> history) {
    List<TrialRecord> ok = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (TrialRecord r : history) {
      if (!r.failed() && seen.add(r.planKey())) {
        ok.add(r);
      }
    }
    ok.sort((a, b) -> a.r() != b.r() ? Double.compare(a.r(), b.r())
        : Double.compare(a.loss(), b.loss()));
    ArrayNode out = Journal.JSON.createArrayNode();
    double bestL = Double.POSITIVE_INFINITY;
    for (TrialRecord r : ok) {
      if (r.loss() < bestL) {
        bestL = r.loss();
        ObjectNode p = out.addObject();
        p.put("r", r.r());
        p.put("distance", r.loss());
        p.put("stage", r.stage());
        p.put("trial", r.trial());
      }
    }
    return out;
  }

  private static ObjectNode stageTiming(List<Tuner.StageOutcome> outcomes) {
    List<TrialRecord> all = new ArrayList<>();
    for (Tuner.StageOutcome s : outcomes) {
      all.addAll(s.history());
    }
    return timing(all);
  }

  /** Mean and total time per bucket over the trials. */
  static ObjectNode timing(List<TrialRecord> trials) {
    TrialTiming sum = TrialTiming.NONE;
    int n = 0;
    int evaluated = 0;
    for (TrialRecord r : trials) {
      sum = sum.plus(r.timing());
      n++;
      evaluated += r.cached() || r.failed() ? 0 : 1;
    }
    ObjectNode o = Journal.JSON.createObjectNode();
    ObjectNode per = o.putObject("per_trial_ms");
    double k = Math.max(1, n);
    per.put("bo", sum.bo() / k);
    per.put("compression", sum.compression() / k);
    per.put("forward", sum.forward() / k);
    per.put("distance", sum.distance() / k);
    per.put("latency", sum.latency() / k);
    per.put("total", sum.total() / k);
    ObjectNode tot = o.putObject("total_ms");
    tot.put("bo", sum.bo());
    tot.put("compression", sum.compression());
    tot.put("forward", sum.forward());
    tot.put("distance", sum.distance());
    tot.put("latency", sum.latency());
    tot.put("total", sum.total());
    o.put("trials", n);
    o.put("evaluated", evaluated);
    return o;
  }

  private static int trials(List<Tuner.StageOutcome> outcomes) {
    int n = 0;
    for (Tuner.StageOutcome s : outcomes) {
      n += s.history().size();
    }
    return n;
  }

  private static int evaluations(List<Tuner.StageOutcome> outcomes) {
    int n = 0;
    for (Tuner.StageOutcome s : outcomes) {
      for (TrialRecord r : s.history()) {
        n += r.cached() || r.failed() ? 0 : 1;
      }
    }
    return n;
  }

  private static int failures(List<Tuner.StageOutcome> outcomes) {
    int n = 0;
    for (Tuner.StageOutcome s : outcomes) {
      for (TrialRecord r : s.history()) {
        n += r.failed() ? 1 : 0;
      }
    }
    return n;
  }


  /** Top-1 of {@code m} on every input, streamed in batches of 100 (labels required). */
  static double top1(Backend backend, Model m, InputSource data) {
    try (Executable e = backend.compile(m)) {
      BatchRunner runner = new BatchRunner(e, 100);
      runner.checkFits(data.shape(data.size()), "the images");
      int[] pred = new int[data.size()];
      try (BatchStream s = data.batches(100)) {
        for (BatchStream.Batch b = s.next(); b != null; b = s.next()) {
          System.arraycopy(BatchRunner.argmax(runner.run(b.images())), 0, pred, b.from(),
              b.size());
        }
      }
      return BatchRunner.agreement(pred, data.labels());
    }
  }
}
