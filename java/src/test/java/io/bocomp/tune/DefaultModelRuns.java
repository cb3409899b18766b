package io.bocomp.tune;

import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.engine.Backend;
import io.bocomp.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tuner tests' shared fixture on the embedded default model: its inputs to the tuner, an
 * unlabeled head of the embedded sample, run configs at a quarter of the parameters, a run on the
 * CPU (optionally keeping the search space, for measuring other plans in it afterwards) and an
 * evaluator of plans on a sample against the original model's outputs.
 *
 * <p>Limits: one model and one budget metric (parameters); each caller loads the model itself
 * (usually once per test class) and passes it in.
 */
final class DefaultModelRuns {
  private DefaultModelRuns() {}

  /** The budget these tests tune to: 25% of the original parameters. */
  static final Budget QUARTER_OF_PARAMS = new Budget(CostMetric.PARAMS, 0.25);

  /** Makes a run's listener, given the tuner (so that the listener may stop it). */
  interface ListenerFactory {
    TuneListener create(Tuner t);
  }

  /** A finished run and the search space it tuned in. */
  record Tuned(TuneResult result, SearchSpace space) {}

  /** The tuner's inputs: {@code model} (named fashion-cnn.onnx) and {@code sample}. */
  static Tuner.Inputs inputs(Model model, Dataset sample) {
    return new Tuner.Inputs(model, "fashion-cnn.onnx", null, sample, "embedded sample");
  }

  /**
   * The tuner's inputs: the embedded default model (loaded here) and the first {@code n} images of
   * its sample, unlabeled.
   */
  static Tuner.Inputs unlabeledInputs(int n) {
    return inputs(ModelLoader.loadDefault(), unlabeledSample(n));
  }

  /** The first {@code n} images of the embedded sample without labels (no top-1 pass: faster). */
  static Dataset unlabeledSample(int n) {
    return new Dataset(ModelLoader.defaultSample().head(n).images(), null);
  }

  /** A run config at {@link #QUARTER_OF_PARAMS} with these trials, samples and seed. */
  static RunConfig.Builder quarterOfParams(int trials, int samples, long seed) {
    return RunConfig.builder().budget(QUARTER_OF_PARAMS).trials(trials).samples(samples)
        .seed(seed);
  }

  /** A run of {@code c} on the CPU backend into {@code out} (resumed when {@code resume}). */
  static TuneResult run(Tuner.Inputs in, RunConfig c, Path out, boolean resume,
      ListenerFactory l) {
    try (Tuner t = Tuner.prepare(in, c, "cpu", out, resume, "test")) {
      return t.run(l.create(t));
    }
  }

  /** A fresh run of {@code c} on the CPU backend into {@code out}, and its search space. */
  static Tuned tune(Tuner.Inputs in, RunConfig c, Path out) {
    try (Tuner t = Tuner.prepare(in, c, "cpu", out, false, "test")) {
      return new Tuned(t.run(TuneListener.NONE), t.searchSpace());
    }
  }

  /**
   * An evaluator of plans of {@code space} on {@code samples} by the squared distance to
   * {@code model}'s outputs (computed here), every searched layer incremental; the caller closes
   * it, then {@code b}.
   */
  static IncrementalEvaluator evaluator(Backend b, Model model, SearchSpace space,
      SampleSet samples) {
    List<String> layers = new ArrayList<>();
    space.knobs().forEach(k -> layers.addAll(k.layers()));
    return new IncrementalEvaluator(b, space.factors().model(), samples,
        IncrementalEvaluator.referenceOutputs(b, model, samples), DistanceObjective.squared(),
        layers, 1L << 28);
  }

  /** L (mean squared distance) of {@code theta}'s plan, measured by {@code ev}. */
  static double distance(SearchSpace space, IncrementalEvaluator ev, double[] theta) {
    var plan = space.resolve(theta);
    var g = plan.plan().apply(space.factors().model().graph(), space.factors(),
        io.bocomp.compress.ApplyOptions.defaults()).graph();
    return ev.evaluate(plan, g).distance().mean();
  }
}
