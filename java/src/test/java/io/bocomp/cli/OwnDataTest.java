package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.data.InputFiles;
import io.bocomp.data.InputSource;
import io.bocomp.data.Npy;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.Tensor;
import io.bocomp.testing.TestImages;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when": Fashion-MNIST written out as PNG files gives exactly the IDX path's
 * numbers (tensors, top-1, output distance, a seeded tuning run), in a class-folder ImageFolder
 * and in a flat folder with a label file; and the same for a .npy tensor.
 */
class OwnDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  /** The embedded sample as PNGs, one folder per class: class0 ... class9. */
  static Path classFolders;
  /** The same images and labels as IDX files, in the class folders' order. */
  static Path idxImages;
  static Path idxLabels;
  /** The sample as PNGs in a flat folder (0000.png ...) in IDX order, and labels.txt. */
  static Path flat;
  static Path flatLabels;
  static Path model;

  @TempDir Path dir;

  @BeforeAll
  static void writeTheSampleAsImages() throws Exception {
    Dataset s = ModelLoader.defaultSample();
    int n = s.size();
    byte[][] px = new byte[n][];
    for (int i = 0; i < n; i++) {
      px[i] = new byte[28 * 28];
      for (int j = 0; j < 28 * 28; j++) {
        px[i][j] = (byte) Math.round(s.images().get(i * 28 * 28 + j) * 255f);
      }
    }
    classFolders = shared.resolve("fashion");
    flat = shared.resolve("flat");
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String name = String.format("%04d.png", i);
      TestImages.write(px[i], 28, 28, 1, "png",
          classFolders.resolve("class" + s.labels()[i]).resolve(name));
      Files.createDirectories(flat);
      Files.copy(classFolders.resolve("class" + s.labels()[i]).resolve(name), flat.resolve(name));
      labels.append(s.labels()[i]).append('\n');
    }
    flatLabels = shared.resolve("labels.txt");
    Files.writeString(flatLabels, labels);
    // IDX in ImageFolder order: by class, then by index within the class
    Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator
        .<Integer>comparingInt(i -> s.labels()[i]).thenComparingInt(i -> i)).toArray(Integer[]::new);
    idxImages = shared.resolve("images.idx");
    idxLabels = shared.resolve("labels.idx");
    try (DataOutputStream im = new DataOutputStream(Files.newOutputStream(idxImages));
        DataOutputStream lb = new DataOutputStream(Files.newOutputStream(idxLabels))) {
      im.writeInt(0x00000803);
      im.writeInt(n);
      im.writeInt(28);
      im.writeInt(28);
      lb.writeInt(0x00000801);
      lb.writeInt(n);
      for (int i : order) {
        im.write(px[i]);
        lb.write(s.labels()[i]);
      }
    }
    model = shared.resolve("fashion-cnn.onnx");
    Files.write(model, ModelLoader.defaultModelBytes());
  }

  private static JsonNode json(CliRunner r) throws Exception {
    assertThat(r.exitCode).as(r.toString()).isZero();
    return JSON.readTree(r.out);
  }

  @Test
  void theClassFoldersGiveTheIdxTensorsBitForBit() {
    var m = ModelLoader.loadDefault();
    InputSource folder = InputFiles.open(classFolders, null, 0, Preprocessing.NONE,
        InputFiles.modelInput(m)).source();
    InputSource idx = InputFiles.open(idxImages, idxLabels, 0, Preprocessing.NONE,
        InputFiles.modelInput(m)).source();
    assertThat(folder.size()).isEqualTo(2000);
    assertThat(folder.labels()).containsExactly(idx.labels());
    Tensor a = folder.batch(0, 2000);
    Tensor b = idx.batch(0, 2000);
    assertThat(a.shape()).containsExactly(b.shape());
    assertThat(a.contentEquals(b)).isTrue();
  }

  @Test
  void evalAndASeededTuneOnThePngFolderEqualTheIdxRun() throws Exception {
    JsonNode fromIdx = json(CliRunner.run("tune", model.toString(), "--images", idxImages
        .toString(), "--labels", idxLabels.toString(), "--trials", "6", "--samples", "16",
        "--seed", "7", "--out", dir.resolve("idx").toString(), "--quiet", "--json"));
    JsonNode fromPng = json(CliRunner.run("tune", model.toString(), "--images", classFolders
        .toString(), "--trials", "6", "--samples", "16", "--seed", "7", "--out",
        dir.resolve("png").toString(), "--quiet", "--json"));
    for (String field : new String[] {"distance", "plan", "top1", "params", "macs"}) {
      JsonNode x = fromIdx.get(field).deepCopy();
      JsonNode y = fromPng.get(field).deepCopy();
      if (field.equals("top1")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) x).remove("data");
        ((com.fasterxml.jackson.databind.node.ObjectNode) y).remove("data");
      }
      assertThat(y).as(field).isEqualTo(x);
    }
    assertThat(fromPng.path("samples").path("sha256"))
        .isEqualTo(fromIdx.path("samples").path("sha256"));
    assertThat(fromPng.path("top1").path("original").asDouble()).isEqualTo(0.9295);
    JsonNode prep = fromPng.path("data").path("preprocess");
    assertThat(prep.path("channels").asText()).isEqualTo("gray");
    assertThat(prep.path("layout").asText()).isEqualTo("nchw");
    assertThat(prep.path("scale").asDouble()).isEqualTo(1 / 255.0);
    assertThat(fromPng.path("data").path("labels").asBoolean()).isTrue();

    // eval of the tuned model against the original: same top-1, distance and agreement
    String compressed = dir.resolve("png").resolve("compressed.onnx").toString();
    // (the same --batch: the engine's float sums may depend on the batch size)
    JsonNode evIdx = json(CliRunner.run("eval", compressed, "--images", idxImages.toString(),
        "--labels", idxLabels.toString(), "--reference", model.toString(), "--batch", "64",
        "--json"));
    JsonNode evPng = json(CliRunner.run("eval", compressed, "--images", classFolders.toString(),
        "--reference", model.toString(), "--batch", "64", "--json"));
    assertThat(evPng.get("top1")).isEqualTo(evIdx.get("top1"));
    assertThat(evPng.get("reference")).isEqualTo(evIdx.get("reference"));
    assertThat(evPng.path("reference").path("distance").path("mean").asDouble()).isPositive();
    assertThat(evPng.get("n").asInt()).isEqualTo(2000);
  }

  @Test
  void aFlatFolderWithALabelFileAndANpyTensorEqualTheEmbeddedSample() throws Exception {
    JsonNode embedded = json(CliRunner.run("eval", "--json"));
    JsonNode flatRun = json(CliRunner.run("eval", "--images", flat.toString(), "--labels",
        flatLabels.toString(), "--json"));
    assertThat(flatRun.get("top1")).isEqualTo(embedded.get("top1"));
    assertThat(flatRun.get("top1").asDouble()).isEqualTo(0.9295);
    Path npy = dir.resolve("x.npy");
    Npy.write(ModelLoader.defaultSample().images(), npy);
    JsonNode npyRun = json(CliRunner.run("eval", "--images", npy.toString(), "--labels",
        flatLabels.toString(), "--json"));
    assertThat(npyRun.get("top1")).isEqualTo(embedded.get("top1"));
    assertThat(npyRun.has("preprocess")).as("a tensor is used as stored").isFalse();
    JsonNode limited = json(CliRunner.run("eval", "--images", npy.toString(), "--labels",
        flatLabels.toString(), "--limit", "100", "--json"));
    assertThat(limited.get("n").asInt()).isEqualTo(100);
  }

  @Test
  void withoutLabelsTuneSkipsTopOneAndEvalNeedsAReference() throws Exception {
    Path unlabeled = dir.resolve("unlabeled");
    Files.createDirectories(unlabeled);
    try (var files = Files.list(flat)) {
      List<Path> first = new ArrayList<>(files.sorted().limit(60).toList());
      for (Path p : first) {
        Files.copy(p, unlabeled.resolve(p.getFileName()));
      }
    }
    Path out = dir.resolve("run");
    JsonNode r = json(CliRunner.run("tune", "--images", unlabeled.toString(), "--trials", "4",
        "--samples", "16", "--out", out.toString(), "--quiet", "--json"));
    assertThat(r.has("top1")).isFalse();
    assertThat(r.path("data").path("labels").asBoolean()).isFalse();
    assertThat(r.path("data").path("n").asInt()).isEqualTo(60);
    CliRunner text = CliRunner.run("eval", out.resolve("compressed.onnx").toString(), "--images",
        unlabeled.toString(), "--reference", model.toString());
    assertThat(text.exitCode).as(text.toString()).isZero();
    assertThat(text.out).contains("distance").contains("agreement").doesNotContain("top-1      ");
    CliRunner none = CliRunner.run("eval", "--images", unlabeled.toString());
    assertThat(none.exitCode).isEqualTo(2);
    assertThat(none.err.trim()).startsWith("bocomp: error: nothing to compute")
        .doesNotContain("\n");
    // fine-tuning distils without labels; held-out top-1 takes its labels from class folders
    Path heldOut = dir.resolve("held-out");
    for (int k = 0; k < 10; k++) {
      try (var files = Files.list(classFolders.resolve("class" + k))) {
        for (Path p : files.sorted().skip(100).limit(6).toList()) {
          Files.createDirectories(heldOut.resolve("class" + k));
          Files.copy(p, heldOut.resolve("class" + k).resolve(p.getFileName()));
        }
      }
    }
    Path ft = dir.resolve("ft.onnx");
    JsonNode f = json(CliRunner.run("finetune", out.resolve("compressed.onnx").toString(),
        "--reference", model.toString(), "--images", unlabeled.toString(), "--epochs", "1",
        "--eval-images", heldOut.toString(), "--out", ft.toString(), "--json"));
    assertThat(f.path("labels").asBoolean()).isFalse();
    assertThat(f.path("top1_before").asDouble()).isGreaterThan(0.5);
    assertThat(ft).isRegularFile();
  }

  @Test
  void recordedPreprocessingIsReusedByEvalWithPreprocessFrom() throws Exception {
    // 32x32 images (the sample padded by 2) need --crop 28x28 for the 28x28 model
    Path big = dir.resolve("big");
    Dataset s = ModelLoader.defaultSample();
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      labels.append(s.labels()[i]).append('\n');
      byte[] px = new byte[32 * 32];
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          px[(y + 2) * 32 + x + 2] = (byte) Math.round(s.images().get(i * 784 + y * 28 + x) * 255f);
        }
      }
      TestImages.write(px, 32, 32, 1, "png", big.resolve(String.format("%02d.png", i)));
    }
    Path bigLabels = dir.resolve("big-labels.txt");
    Files.writeString(bigLabels, labels);
    Path out = dir.resolve("run");
    JsonNode r = json(CliRunner.run("tune", "--images", big.toString(), "--labels",
        bigLabels.toString(), "--crop", "28x28",
        "--trials", "4", "--samples", "8", "--out", out.toString(), "--quiet", "--json"));
    assertThat(r.path("data").path("preprocess").path("crop").toString()).isEqualTo("[28,28]");
    JsonNode header = JSON.readTree(Files.readAllLines(out.resolve("journal.jsonl")).get(0));
    assertThat(header.path("fingerprint").path("config").path("preprocess").path("crop")
        .toString()).isEqualTo("[28,28]");
    CliRunner without = CliRunner.run("eval", "--images", big.toString(), "--labels",
        bigLabels.toString());
    assertThat(without.exitCode).isEqualTo(2);
    assertThat(without.err).contains("is 32x32 (HxW)").contains("give --resize and/or --crop");
    JsonNode with = json(CliRunner.run("eval", "--images", big.toString(), "--labels",
        bigLabels.toString(), "--preprocess-from", out.toString(), "--json"));
    JsonNode direct = json(CliRunner.run("eval", "--images", big.toString(), "--labels",
        bigLabels.toString(), "--crop", "28", "--json"));
    JsonNode sample = json(CliRunner.run("eval", "--limit", "40", "--json"));
    assertThat(with.get("top1")).isEqualTo(direct.get("top1"));
    assertThat(with.get("top1")).as("the crop recovers the sample").isEqualTo(sample.get("top1"));
    assertThat(r.path("top1").path("original")).isEqualTo(sample.get("top1"));
    // a run file's "preprocess" does the same for tune
    Path runFile = dir.resolve("run.json");
    Files.writeString(runFile, "{\"preprocess\": {\"crop\": [28, 28]}, \"trials\": 4,"
        + " \"samples\": 8}");
    JsonNode viaFile = json(CliRunner.run("tune", "--images", big.toString(), "--labels",
        bigLabels.toString(), "--config",
        runFile.toString(), "--out", dir.resolve("run2").toString(), "--quiet", "--json"));
    assertThat(viaFile.get("distance")).isEqualTo(r.get("distance"));
  }
}
