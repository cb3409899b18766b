package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.ModelLoader;
import io.bocomp.data.Npy;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.SeededWeights;
import io.bocomp.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs (images, labels, tensors, preprocessing options): each is ONE line {@code bocomp:
 * error: ...} naming the file or option at fault, exit status 2, nothing on stdout and nothing
 * written.
 */
class BadDataTest {
  @TempDir Path dir;

  private static void assertOneLineError(CliRunner r, String... fragments) {
    assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
    assertThat(r.out).as(r.toString()).isEmpty();
    assertThat(r.err.lines().filter(l -> l.startsWith("bocomp: ")).toList()).as(r.toString())
        .hasSize(1).allMatch(l -> l.startsWith("bocomp: error: "));
    for (String f : fragments) {
      assertThat(r.err).as(r.toString()).contains(f);
    }
  }

  private Path gray28(Path file, int seed) {
    return TestImages.write(TestImages.pattern(28, 28, 1, seed), 28, 28, 1, "png", file);
  }

  /** A two-class folder of 28x28 gray images whose b/1.png has its pixel data cut off. */
  private Path corruptFolder() throws Exception {
    Path root = dir.resolve("corrupt");
    gray28(root.resolve("a/0.png"), 0);
    Path bad = gray28(root.resolve("b/1.png"), 1);
    gray28(root.resolve("b/2.png"), 2);
    byte[] png = Files.readAllBytes(bad);
    Files.write(bad, Arrays.copyOf(png, 60));
    return root;
  }

  @Test
  void aCorruptOrUnreadableImageIsNamed() throws Exception {
    Path root = corruptFolder();
    Path bad = root.resolve("b/1.png");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString()),
        "bocomp: error: " + bad + ": corrupt or unreadable image");
    Path out = dir.resolve("run");
    assertOneLineError(CliRunner.run("tune", "--images", root.toString(), "--samples", "2",
        "--trials", "2", "--out", out.toString()), bad.toString());
    assertThat(out).as("the top-1 pass before the run finds it: nothing written").doesNotExist();
    Files.writeString(root.resolve("b/1.png"), "not a PNG at all");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString()),
        bad + ": not an image bocomp can read");
  }

  @Test
  void imagesOfAnotherSizeThanAFixedInputNameTheFirstOne() throws Exception {
    Path root = dir.resolve("sizes");
    gray28(root.resolve("a.png"), 1);
    TestImages.write(TestImages.pattern(32, 30, 1, 2), 32, 30, 1, "png", root.resolve("b.png"));
    Path labels = dir.resolve("labels.txt");
    Files.writeString(labels, "1\n2\n");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--labels",
        labels.toString()), root.resolve("b.png") + " is 32x30 (HxW) but the model input",
        "takes 28x28; give --resize and/or --crop");
    Path out = dir.resolve("run");
    assertOneLineError(CliRunner.run("tune", "--images", root.toString(), "--out",
        out.toString()), "b.png is 32x30");
    assertThat(out).doesNotExist();
  }

  @Test
  void mixedSizesForASymbolicInputNeedResizeOrCrop() throws Exception {
    Path model = dir.resolve("any-size.onnx");
    OnnxExporter.write(anySizeModel(), model);
    Path root = dir.resolve("mixed");
    TestImages.write(TestImages.pattern(8, 8, 3, 1), 8, 8, 3, "png", root.resolve("cat/a.png"));
    TestImages.write(TestImages.pattern(9, 8, 3, 2), 9, 8, 3, "png", root.resolve("dog/b.png"));
    assertOneLineError(CliRunner.run("eval", model.toString(), "--images", root.toString()),
        root.resolve("dog/b.png") + " is 9x8 (HxW) but " + root.resolve("cat/a.png")
            + " is 8x8", "one size", "--crop");
    // one size after a crop: the symbolic model takes it
    CliRunner ok = CliRunner.run("eval", model.toString(), "--images", root.toString(), "--crop",
        "6x7", "--json");
    assertThat(ok.exitCode).as(ok.toString()).isZero();
    assertThat(ok.out).contains("\"size\" : [ 6, 7 ]");
  }

  @Test
  void channelAndShapeMismatchesNameTheModelInput() throws Exception {
    Path root = dir.resolve("ok");
    gray28(root.resolve("a/0.png"), 0);
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--channels", "rgb"),
        "--channels rgb gives 3 channels but the model input", "[N, 1, 28, 28] takes 1");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--mean", "0.1,0.2"),
        "--mean has 2 values but the inputs have 1 channel");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--layout", "nhwc"),
        "has 28 channels in the nhwc layout");
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--resize", "0"),
        "--resize must be S or HxW");
  }

  @Test
  void anEmptyFolderAndALabelCountThatDiffersAreRefused() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertOneLineError(CliRunner.run("eval", "--images", empty.toString()),
        empty + ": no images");
    Path out = dir.resolve("run");
    assertOneLineError(CliRunner.run("tune", "--images", empty.toString(), "--out",
        out.toString()), empty + ": no images");
    assertThat(out).doesNotExist();
    Path flat = dir.resolve("flat");
    gray28(flat.resolve("0.png"), 0);
    gray28(flat.resolve("1.png"), 1);
    gray28(flat.resolve("2.png"), 2);
    Path labels = dir.resolve("labels.txt");
    Files.writeString(labels, "3\n4\n");
    assertOneLineError(CliRunner.run("eval", "--images", flat.toString(), "--labels",
        labels.toString()), labels + " has 2 labels but " + flat + " has 3 images");
    assertOneLineError(CliRunner.run("finetune", dir.resolve("m.onnx").toString()),
        "no such file");
  }

  @Test
  void aNpyTensorOfAnotherDtypeOrShapeIsRefused() throws Exception {
    Path ints = dir.resolve("ints.npy");
    Files.write(ints, npyHeader("<i8", "(2, 1, 28, 28)", 2 * 28 * 28 * 8));
    Path out = dir.resolve("run");
    assertOneLineError(CliRunner.run("tune", "--images", ints.toString(), "--out",
        out.toString()), ints + ": dtype '<i8' not supported");
    assertThat(out).doesNotExist();
    Path flat = dir.resolve("flat.npy");
    Npy.write(Tensor.zeros(3, 28, 28), flat);
    assertOneLineError(CliRunner.run("tune", "--images", flat.toString(), "--out",
        out.toString()), flat + " has shape [3, 28, 28] but the model input",
        "takes [N, 1, 28, 28]");
    assertThat(out).doesNotExist();
    Path good = dir.resolve("good.npy");
    Npy.write(Tensor.zeros(3, 1, 28, 28), good);
    assertOneLineError(CliRunner.run("eval", "--images", good.toString(), "--mean", "0.5",
        "--labels", dir.resolve("l.txt").toString()), good + " is a .npy tensor, used as stored:"
        + " --mean apply to image folders and IDX images");
    Path labels = dir.resolve("l.txt");
    Files.writeString(labels, "1\n2\n");
    assertOneLineError(CliRunner.run("eval", "--images", good.toString(), "--labels",
        labels.toString()), labels + " has 2 labels but " + good + " has 3 images");
  }

  @Test
  void optionsWithoutTheirInputsAreRefused() throws Exception {
    assertOneLineError(CliRunner.run("eval", "--resize", "32"), "--resize need --images");
    Path m = dir.resolve("m.onnx");
    Files.write(m, ModelLoader.defaultModelBytes());
    Path root = dir.resolve("unlabeled");
    gray28(root.resolve("0.png"), 0);
    assertOneLineError(CliRunner.run("finetune", m.toString(), "--eval-images", root.toString(),
        "--out", dir.resolve("o.onnx").toString()), "--eval-images " + root
        + " has no labels");
    assertThat(dir.resolve("o.onnx")).doesNotExist();
    assertOneLineError(CliRunner.run("eval", "--images", root.toString(), "--reference",
        m.toString(), "--preprocess-from", dir.resolve("no-run").toString()),
        "--preprocess-from " + dir.resolve("no-run"));
    Path one = gray28(dir.resolve("single.png"), 3);
    assertOneLineError(CliRunner.run("eval", "--images", one.toString()), one
        + " is one image; --images takes a folder of images");
  }

  /** [N, 3, H, W] with H and W symbolic: 3x3 conv, ReLU, global average pool, Gemm to 4 classes. */
  private static io.bocomp.model.Model anySizeModel() {
    SeededWeights r = new SeededWeights(3);
    GraphBuilder b = new GraphBuilder("any_size");
    String x = b.input("input", -1, 3, -1, -1);
    x = b.relu(b.conv("conv", x, r.conv(5, 3, 3, 3), r.normal(0.05, 5), 1, 1, 1));
    x = b.flatten(b.globalAveragePool(x), 1);
    b.output(b.gemm("fc", x, r.classifier(4, 5), r.normal(0.05, 4), true), -1, 4);
    return b.buildModel();
  }

  private static byte[] npyHeader(String descr, String shape, int dataBytes) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }
}
