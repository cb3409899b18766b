package io.bocomp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ActivationQuantizer;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.CompressionResult;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Backends;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.model.Model;
import io.bocomp.model.onnx.OnnxExporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp compress MODEL.onnx --plan PLAN.json --out OUT.onnx
 * [--images DIR|IDX|NPY [--limit N]]
 * [--json]}: applies a compression plan (the JSON contract of {@link CompressionPlan}), writes the
 * compressed model and prints original vs compressed parameters, MACs and weight bytes and, with
 * {@code --images}, the output distance to the original model over those images (mean of
 * ||compressed - original||^2 per image, with its standard error).
 *
 * <p>The model is loaded as every command loads it ({@code ModelLoader}: BN folded, shapes
 * inferred), so plans name the nodes {@code inspect} shows. The plan is checked against the model
 * before anything is decomposed; the factors come from the factor cache ({@code --cache-dir}, else
 * the user cache directory; computed and stored on first use, never beside the model). The
 * {@code --images} (a folder, IDX or .npy, with the preprocessing options) are streamed through
 * both models in batches. On any error nothing is written; the output appears atomically. With
 * {@code --json}, stdout holds one JSON object: {@code params}, {@code macs} and {@code bytes}
 * (each {@code {original, compressed}}), {@code distance} ({@code {mean, stderr, n}}, with
 * --images) and {@code notes} (what resolving the plan changed, e.g. layers kept dense).
 *
 * <p>{@code --activations int8} (needs {@code --images}) then adds static activation
 * quantization ({@link ActivationQuantizer}: QDQ pairs calibrated on the first {@code
 * --calibrate} images, float weights stored int8) before the distance is measured and the file is
 * written; JSON gains {@code activations}. {@code bytes} stays the plan's weight bytes: the
 * int8 copies of float weights and the int32 biases are not in it.
 */
@Command(name = "compress", mixinStandardHelpOptions = true,
    resourceBundle = "io.bocomp.cli.CompressCommand")
public final class CompressCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL.onnx",
      description = "The model to compress (default: the embedded fashion-cnn.onnx).")
  Path model;

  @Option(names = "--plan", required = true, paramLabel = "PLAN.json") Path plan;

  @Option(names = "--out", required = true, paramLabel = "OUT.onnx") Path out;

  @Option(names = "--images", paramLabel = "DIR|IDX|NPY") Path images;

  @Mixin PreprocessOptions preprocess;

  @Mixin LimitOption limit;

  @Option(names = "--rank-multiple", paramLabel = "M", defaultValue = "1") int rankMultiple;

  @Option(names = "--hooi", paramLabel = "SWEEPS", defaultValue = "0") int hooi;

  @Option(names = "--allow-larger") boolean allowLarger;

  @Mixin BatchOption batch;

  @Mixin BackendOption backend;

  @Mixin CacheDirOption cacheDir;

  @Mixin JsonOption json;

  @Option(names = "--activations", paramLabel = "float|int8", defaultValue = "float")
  String activations;

  @Option(names = "--calibration", paramLabel = "minmax|percentile", defaultValue = "minmax")
  String calibration;

  @Option(names = "--calibrate", paramLabel = "N", defaultValue = "200") int calibrate;

  @Override
  public Integer call() {
    limit.check();
    batch.check();
    if (rankMultiple < 1 || hooi < 0) {
      throw new BocompException("--rank-multiple must be >= 1 and --hooi >= 0");
    }
    if (!activations.equals("float") && !activations.equals("int8")) {
      throw new BocompException("--activations must be float or int8, got '" + activations + "'");
    }
    if (!calibration.equals("minmax") && !calibration.equals("percentile")) {
      throw new BocompException("--calibration must be minmax or percentile, got '"
          + calibration + "'");
    }
    if (activations.equals("int8") && (images == null || calibrate < 1)) {
      throw new BocompException("--activations int8 needs --images to calibrate on (and"
          + " --calibrate >= 1)");
    }
    CompressionPlan p = CompressionPlan.read(plan);
    Model m = ModelSource.loadFloat(model, "compress");
    Preprocessing prep = preprocess.resolve(null);
    if (images == null && !prep.isEmpty()) {
      throw new BocompException(prep.optionNames() + " need --images");
    }
    InputSource x = images == null ? null
        : DataSource.load(images, null, limit.n, prep, m).data();
    if (x != null) {
      // symbolic input sizes (a detector's [N, 3, ?, ?]) take the images' size for the costs
      m = ModelLoader.specialize(m, x.sampleShape());
    }
    CompressibleModel cm = CompressibleModel.of(m);
    p.validate(cm);
    try (Backend b = Backends.create(backend.name)) {
      ModelFactors factors = FactorCache.at(b.decompositions(), cacheDir.dir).load(cm, model);
      CompressionResult r = p.apply(m.graph(), factors,
          new ApplyOptions(rankMultiple, !allowLarger, hooi));
      Model compressed = m.withGraph(r.graph());
      ActivationQuantizer.Result aq = null;
      if (activations.equals("int8")) {
        aq = ActivationQuantizer.quantize(compressed, b, x, calibrate,
            calibration.equals("minmax") ? ActivationQuantizer.Calibration.MINMAX
                : ActivationQuantizer.Calibration.PERCENTILE, 0.9999);
        compressed = compressed.withGraph(aq.graph());
      }
      DistanceStats d = x == null ? null : distance(b, m, compressed, x);
      OnnxExporter.write(compressed, out);
      report(cm, r, d, aq);
    }
    return 0;
  }

  private DistanceStats distance(Backend b, Model original, Model compressed, InputSource x) {
    try (BatchProgress bar = BatchProgress.on(System.err, "distance", x.size(), json.on)) {
      return ModelPass.run(b, compressed, original, x, batch.n, "the images in " + images, bar)
          .distance();
    }
  }

  private void report(CompressibleModel cm, CompressionResult r, DistanceStats d,
      ActivationQuantizer.Result aq) {
    long params = AnalyticCost.totalParams(r.plan());
    long macs = AnalyticCost.totalMacs(r.plan());
    long bytes = AnalyticCost.totalBytes(r.plan());
    PrintWriter o = spec.commandLine().getOut();
    if (json.on) {
      ObjectNode root = JsonOutput.object();
      pair(root.putObject("params"), cm.params(), params);
      pair(root.putObject("macs"), cm.macs(), macs);
      pair(root.putObject("bytes"), cm.bytes(), bytes);
      if (d != null) {
        ObjectNode dn = root.putObject("distance");
        dn.put("mean", JsonOutput.finite(d.mean()));
        dn.put("stderr", JsonOutput.finite(d.stderr()));
        dn.put("n", d.n());
      }
      if (aq != null) {
        ObjectNode an = root.putObject("activations");
        an.put("type", "int8");
        an.put("calibration", calibration);
        an.put("quantized_tensors", aq.activations());
        an.put("integer_layers", aq.integerLayers());
        ArrayNode aNotes = an.putArray("notes");
        aq.notes().forEach(aNotes::add);
      }
      ArrayNode notes = root.putArray("notes");
      r.plan().notes().forEach(notes::add);
      JsonOutput.print(o, root);
      return;
    }
    line(o, "params", cm.params(), params);
    line(o, "MACs", cm.macs(), macs);
    line(o, "bytes", cm.bytes(), bytes);
    if (d != null) {
      o.printf(Locale.ROOT, "distance  %.6g +- %.3g (mean +- stderr of ||compressed - original||^2"
          + " over %d images)%n", d.mean(), d.stderr(), d.n());
    }
    if (aq != null) {
      o.printf(Locale.ROOT, "activations int8 (%s): %d tensors quantized, %d layers with 8-bit"
          + " inputs and weights%n", calibration, aq.activations(), aq.integerLayers());
      aq.notes().forEach(n -> o.println("note      " + n));
    }
    for (String note : r.plan().notes()) {
      o.println("note      " + note);
    }
    o.println("wrote     " + out);
    o.flush();
  }

  private static void line(PrintWriter o, String what, long original, long compressed) {
    o.printf(Locale.ROOT, "%-9s %,d -> %,d (%.1f%%)%n", what, original, compressed,
        original == 0 ? 100.0 : 100.0 * compressed / original);
  }

  private static void pair(ObjectNode n, long original, long compressed) {
    n.put("original", original);
    n.put("compressed", compressed);
  }
}
