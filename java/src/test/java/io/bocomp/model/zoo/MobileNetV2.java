package io.bocomp.model.zoo;

import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.Random;

/**
 * MobileNetV2 (Sandler et al., 2018) built in the IR with seeded random weights, for timing and
 * numerical conformance without a download: torchvision's topology (3x3/2 stem conv to 32
 * channels; inverted residual blocks of a 1x1 expansion conv (factor t, omitted when t = 1), a
 * 3x3 depthwise conv and a 1x1 linear projection, each followed by BatchNorm, the first two by
 * ReLU6 (Clip 0..6), with an identity shortcut when a block keeps its stride 1 and width; the
 * table {@code (t, c, n, s)} = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1)
 * (6,160,3,2) (6,320,1,1); a 1x1 conv to 1280 + BatchNorm + ReLU6; global average pool, Flatten,
 * Gemm). Channel counts are torchvision's {@code _make_divisible(c * widthMult, 8)}.
 *
 * <p>The graph takes a 3-channel NCHW float input named "input" with a symbolic batch dimension
 * (opset 17). Weights are He-normal from one {@link Random} stream; the projection BatchNorm of a
 * residual block has a small scale so outputs stay O(1) for N(0, 1) inputs. Not trained.
 */
public final class MobileNetV2 {
  private static final int[][] SETTINGS = {
      {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
      {6, 320, 1, 1}};

  private MobileNetV2() {}

  /** The network for {@code imageSize x imageSize} inputs at {@code widthMult} (torchvision: 1). */
  public static Model build(int imageSize, double widthMult, int classes, long seed) {
    if (imageSize < 1 || !(widthMult > 0) || classes < 1) {
      throw new IllegalArgumentException("MobileNetV2 needs positive sizes, got image "
          + imageSize + ", width " + widthMult + ", classes " + classes);
    }
    Random rng = new Random(seed);
    GraphBuilder b = new GraphBuilder("mobilenet_v2");
    String x = b.input("input", -1, 3, imageSize, imageSize);
    int in = divisible(32 * widthMult);
    x = convBnRelu6(b, rng, "features.0", x, 3, in, 3, 2, 1);
    int index = 1;
    for (int[] s : SETTINGS) {
      int out = divisible(s[1] * widthMult);
      for (int i = 0; i < s[2]; i++) {
        int stride = i == 0 ? s[3] : 1;
        String p = "features." + index++ + ".";
        int hidden = in * s[0];
        String y = x;
        if (s[0] != 1) {
          y = convBnRelu6(b, rng, p + "expand", y, in, hidden, 1, 1, 1);
        }
        y = convBnRelu6(b, rng, p + "dw", y, hidden, hidden, 3, stride, hidden);
        boolean residual = stride == 1 && in == out;
        y = b.conv(p + "project", y, he(rng, hidden, out, hidden, 1, 1), null, 1, 0, 1);
        y = batchNorm(b, rng, p + "project_bn", y, out, residual ? 0.2 : 0.8,
            residual ? 0.4 : 1.2);
        x = residual ? b.add(x, y) : y;
        in = out;
      }
    }
    int last = divisible(1280 * Math.max(1.0, widthMult));
    x = convBnRelu6(b, rng, "features." + index, x, in, last, 1, 1, 1);
    x = b.flatten(b.globalAveragePool(x), 1);
    Tensor fc = normal(rng, Math.sqrt(1.0 / last), classes, last);
    b.output(b.gemm("classifier", x, fc, normal(rng, 0.05, classes), true), -1, classes);
    return b.buildModel();
  }

  private static String convBnRelu6(GraphBuilder b, Random rng, String name, String x, int in,
      int out, int k, int stride, int group) {
    int cg = in / group;
    String y = b.conv(name + ".conv", x, he(rng, cg * k * k, out, cg, k, k), null, stride,
        (k - 1) / 2, group);
    return b.clip(batchNorm(b, rng, name + ".bn", y, out, 0.8, 1.2), 0f, 6f);
  }

  /** torchvision's {@code _make_divisible(v, 8)}: nearest multiple of 8, not below 90% of v. */
  static int divisible(double v) {
    int r = Math.max(8, (int) (v + 4) / 8 * 8);
    return r < 0.9 * v ? r + 8 : r;
  }

  private static String batchNorm(GraphBuilder b, Random rng, String name, String x, int c,
      double scaleLo, double scaleHi) {
    Tensor scale = uniform(rng, scaleLo, scaleHi, c);
    Tensor bias = normal(rng, 0.1, c);
    Tensor mean = normal(rng, 0.1, c);
    Tensor var = uniform(rng, 0.5, 1.5, c);
    return b.batchNorm(name, x, scale, bias, mean, var, 1e-5f);
  }

  private static Tensor he(Random rng, int fanIn, int... shape) {
    return normal(rng, Math.sqrt(2.0 / fanIn), shape);
  }

  private static Tensor normal(Random rng, double std, int... shape) {
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rng.nextGaussian() * std);
    }
    return Tensor.of(shape, v);
  }

  private static Tensor uniform(Random rng, double lo, double hi, int... shape) {
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
    return Tensor.of(shape, v);
  }
}
