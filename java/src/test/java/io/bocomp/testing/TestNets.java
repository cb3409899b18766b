package io.bocomp.testing;

import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.zoo.ResNet18;
import java.util.Random;

/**
 * Real-topology CNNs with seeded random weights, built with the IR ({@link GraphBuilder}) so tests
 * need no download: ResNet-18, VGG-16, a MobileNet-style depthwise network, and a net whose Flatten
 * is written the way PyTorch exports {@code x.view(x.size(0), -1)}. Small single-op networks for
 * the rest of the supported ops are in {@link OpNets}.
 *
 * <p>All take a 3-channel NCHW float input named "input" with a symbolic batch dimension (-1,
 * "N"), produce one output named after its last layer, and target opset 17. The same seed gives
 * bit-identical weights. Weights are He-initialized; batch-norm statistics are random but near
 * (0, 1), and the last BN of each residual branch has a small scale (0.2..0.4, as in "zero-init
 * residual" training) so the residual sum does not double the activation variance per block:
 * outputs stay O(1) for inputs in N(0, 1).
 *
 * <p>Node and weight names follow torchvision ({@code layer2.0.conv1}, {@code
 * layer2.0.downsample.0.weight}, {@code features.3}, {@code classifier.0}), so tests and plans can
 * refer to layers the way a user of the real model would.
 */
public final class TestNets {
  private TestNets() {}

  /** Base width of {@link #resnet18Shaped}: stages of 16, 32, 64, 128 channels (torchvision: 64). */
  public static final int RESNET_BASE_WIDTH = 16;
  /** Channel divisor of {@link #vgg16Shaped}: 16, 32, 64, 128, 128 channels (torchvision: /1). */
  public static final int VGG_WIDTH_DIVISOR = 4;
  /** Hidden FC width of {@link #vgg16Shaped} (torchvision: 4096). */
  public static final int VGG_FC_WIDTH = 256;
  /** Number of classes of the test networks' final layer. */
  public static final int CLASSES = 10;

  /**
   * ResNet-18 with widths 16-32-64-128 and 10 classes: the real topology (7x7/2 stem conv, BN,
   * ReLU, 3x3/2 max pool; four stages of two BasicBlocks, the first block of stages 2-4 striding by
   * 2 with a 1x1/2 conv + BN downsample shortcut; global average pool, Flatten, Gemm). About 0.7 M
   * parameters; at 32x32 the stages run at 8, 4, 2 and 1 pixels.
   */
  public static Model resnet18Shaped(int imageSize, long seed) {
    return resnet18(imageSize, RESNET_BASE_WIDTH, CLASSES, seed);
  }

  /**
   * ResNet-18 with stage widths {@code w, 2w, 4w, 8w}; {@code w = 64} is torchvision's. Built by
   * {@link ResNet18#build} (test sources; the benchmarks get the same network through the test-jar).
   */
  public static Model resnet18(int imageSize, int baseWidth, int classes, long seed) {
    return ResNet18.build(imageSize, baseWidth, classes, seed);
  }

  /**
   * VGG-16 with channels divided by 4 (16, 32, 64, 128, 128), hidden FC width 256, 10 classes:
   * the real topology of 13 3x3 convs (pad 1, ReLU) in five stages each closed by a 2x2/2 max
   * pool, then Flatten and three FC layers (ReLU and Dropout after the first two, as torchvision).
   * There is no adaptive pool: the first FC reads 128 * (imageSize/32)^2 features. About 1.0 M
   * parameters at 32x32.
   *
   * @param imageSize a multiple of 32
   */
  public static Model vgg16Shaped(int imageSize, long seed) {
    return vgg16(imageSize, VGG_WIDTH_DIVISOR, VGG_FC_WIDTH, CLASSES, seed);
  }

  /** VGG-16 with torchvision's channels divided by {@code widthDivisor}. */
  public static Model vgg16(int imageSize, int widthDivisor, int fcWidth, int classes, long seed) {
    if (imageSize % 32 != 0) {
      throw new IllegalArgumentException("VGG-16 needs an image size divisible by 32, got " + imageSize);
    }
    int[] cfg = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("vgg16");
    String x = b.input("input", -1, 3, imageSize, imageSize);
    int in = 3;
    for (int i = 0; i < cfg.length; i++) {
      if (cfg[i] == 0) {
        x = b.maxPool(x, 2, 2, 0);
        continue;
      }
      int out = cfg[i] / widthDivisor;
      x = b.relu(b.conv("features." + i, x, r.conv(out, in, 3, 3), r.normal(0.05, out), 1, 1, 1));
      in = out;
    }
    int spatial = imageSize / 32;
    int features = in * spatial * spatial;
    x = b.flatten(x, 1);
    x = dropout(b, b.relu(b.gemm("classifier.0", x, r.fc(fcWidth, features), r.normal(0.05, fcWidth), true)));
    x = dropout(b, b.relu(b.gemm("classifier.3", x, r.fc(fcWidth, fcWidth), r.normal(0.05, fcWidth), true)));
    b.output(b.gemm("classifier.6", x, r.classifier(classes, fcWidth), r.normal(0.05, classes), true),
        -1, classes);
    return b.buildModel();
  }

  /**
   * A MobileNet-style network of depthwise-separable blocks: stem 3x3/2 conv (16) + BN +
   * HardSwish; six blocks of depthwise 3x3 conv (group = channels) + BN + ReLU6 (Clip 0..6), then
   * pointwise 1x1 conv + BN + HardSwish, with channels 16, 24, 24, 48, 48, 96 and strides 1, 2, 1,
   * 2, 1, 2 (the stride-1 blocks whose width does not change add a residual connection); a 1x1 conv
   * to 128 + HardSwish, global average pool, Flatten and Gemm to 10 classes. About 27 K parameters.
   */
  public static Model mobileNetStyle(int imageSize, long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("mobilenet_style");
    String x = b.input("input", -1, 3, imageSize, imageSize);
    x = b.conv("stem.conv", x, r.conv(16, 3, 3, 3), null, 2, 1, 1);
    x = b.hardSwish(bn(b, r, "stem.bn", x, 16, 0.8, 1.2));
    int[] widths = {16, 24, 24, 48, 48, 96};
    int[] strides = {1, 2, 1, 2, 1, 2};
    int in = 16;
    for (int i = 0; i < widths.length; i++) {
      String p = "blocks." + i + ".";
      String y = b.conv(p + "dw", x, r.conv(in, 1, 3, 3), null, strides[i], 1, in);
      y = b.clip(bn(b, r, p + "dw_bn", y, in, 0.8, 1.2), 0f, 6f);
      y = b.conv(p + "pw", y, r.conv(widths[i], in, 1, 1), null, 1, 0, 1);
      boolean residual = strides[i] == 1 && widths[i] == in;
      y = bn(b, r, p + "pw_bn", y, widths[i], residual ? 0.2 : 0.8, residual ? 0.4 : 1.2);
      y = b.hardSwish(y);
      x = residual ? b.add(x, y) : y;
      in = widths[i];
    }
    x = b.hardSwish(b.conv("head.conv", x, r.conv(128, in, 1, 1), r.normal(0.05, 128), 1, 0, 1));
    x = b.flatten(b.globalAveragePool(x), 1);
    b.output(b.gemm("classifier", x, r.classifier(CLASSES, 128), r.normal(0.05, CLASSES), true),
        -1, CLASSES);
    return b.buildModel();
  }

  /**
   * A small CNN whose Flatten is the subgraph PyTorch exports for {@code x.view(x.size(0), -1)}:
   * Shape -> Gather(index 0) -> Unsqueeze -> Concat with [-1] -> Reshape. Conv 3x3 (8) + BN +
   * ReLU, 2x2 max pool, that flatten, then Gemm to 10 classes. With {@code opset < 13} Unsqueeze
   * takes its axes as an attribute, from 13 on as an input, as the exporters of each era write it.
   */
  public static Model pytorchFlatten(int imageSize, long opset, long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("pytorch_flatten", opset);
    String x = b.input("input", -1, 3, imageSize, imageSize);
    x = b.conv("conv", x, r.conv(8, 3, 3, 3), r.normal(0.05, 8), 1, 1, 1);
    x = b.maxPool(b.relu(bn(b, r, "bn", x, 8, 0.8, 1.2)), 2, 2, 0);
    String shape = b.op("Shape", x).out();
    String index = b.constant("batch_index", Tensor.ofLongs(new int[0], new long[] {0}));
    String batch = b.op("Gather", shape, index).attr("axis", 0L).out();
    String batch1d = b.unsqueeze(batch, 0);
    String rest = b.constant("minus_one", Tensor.ofLongs(new int[] {1}, new long[] {-1}));
    String target = b.concat(0, batch1d, rest);
    x = b.op("Reshape", x, target).out();
    int s = imageSize / 2;
    b.output(b.gemm("fc", x, r.classifier(CLASSES, 8 * s * s), r.normal(0.05, CLASSES), true),
        -1, CLASSES);
    return b.buildModel();
  }

  /**
   * A float32 N(0, 1) input for the model's first input, its symbolic dimensions set to
   * {@code batch} (axis 0) or 1 (other axes).
   */
  public static Tensor randomInput(Model model, int batch, long seed) {
    ValueInfo in = model.graph().inputs().get(0);
    int[] shape = in.shape();
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        shape[i] = i == 0 ? batch : 1;
      }
    }
    Random rng = new Random(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextGaussian();
    }
    return Tensor.of(shape, v);
  }

  static String bn(GraphBuilder b, SeededWeights r, String name, String x, int c, double gammaLo,
      double gammaHi) {
    Tensor[] p = r.batchNorm(c, gammaLo, gammaHi);
    return b.batchNorm(name, x, p[0], p[1], p[2], p[3], 1e-5f);
  }

  private static String dropout(GraphBuilder b, String x) {
    return b.op("Dropout", x).out();
  }
}
