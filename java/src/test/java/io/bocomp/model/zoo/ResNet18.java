package io.bocomp.model.zoo;

import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.Random;

/**
 * ResNet-18 (He et al., 2016) built in the IR with seeded random weights, so benchmarks and tests
 * need no download: torchvision's topology (7x7/2 stem conv, BatchNorm, ReLU, 3x3/2 max pool; four
 * stages of two BasicBlocks with stage widths {@code w, 2w, 4w, 8w}, the first block of stages 2-4
 * striding by 2 with a 1x1/2 conv + BatchNorm downsample shortcut; global average pool, Flatten,
 * Gemm). Node and weight names follow torchvision ({@code layer2.0.conv1}, {@code fc}).
 *
 * <p>The graph takes a 3-channel NCHW float input named "input" with a symbolic batch dimension
 * and targets opset 17. Weights are He-normal (N(0, 2/fan_in)) from one {@link Random} stream, so
 * the same seed gives bit-identical weights on every JDK; BatchNorm statistics are random near
 * (0, 1), and the last BatchNorm of each residual branch has a small scale (0.2..0.4, as in
 * "zero-init residual" training) so outputs stay O(1) for N(0, 1) inputs. The weights are not
 * trained: the network is for timing and numerical conformance, not for accuracy.
 */
public final class ResNet18 {
  private ResNet18() {}

  /**
   * The network for {@code imageSize x imageSize} inputs with base width {@code baseWidth}
   * (torchvision: 64) and {@code classes} outputs.
   */
  public static Model build(int imageSize, int baseWidth, int classes, long seed) {
    if (imageSize < 1 || baseWidth < 1 || classes < 1) {
      throw new IllegalArgumentException("ResNet-18 needs positive sizes, got image " + imageSize
          + ", width " + baseWidth + ", classes " + classes);
    }
    Weights r = new Weights(seed);
    GraphBuilder b = new GraphBuilder("resnet18");
    String x = b.input("input", -1, 3, imageSize, imageSize);
    x = b.conv("conv1", x, r.he(3 * 7 * 7, baseWidth, 3, 7, 7), null, 2, 3, 1);
    x = b.relu(batchNorm(b, r, "bn1", x, baseWidth, 0.8, 1.2));
    x = b.maxPool(x, 3, 2, 1);
    int in = baseWidth;
    for (int stage = 0; stage < 4; stage++) {
      int width = baseWidth << stage;
      for (int block = 0; block < 2; block++) {
        int stride = stage > 0 && block == 0 ? 2 : 1;
        String p = "layer" + (stage + 1) + "." + block + ".";
        String y = b.conv(p + "conv1", x, r.he(in * 9, width, in, 3, 3), null, stride, 1, 1);
        y = b.relu(batchNorm(b, r, p + "bn1", y, width, 0.8, 1.2));
        y = b.conv(p + "conv2", y, r.he(width * 9, width, width, 3, 3), null, 1, 1, 1);
        y = batchNorm(b, r, p + "bn2", y, width, 0.2, 0.4);
        String shortcut = x;
        if (stride != 1 || in != width) {
          shortcut = b.conv(p + "downsample.0", x, r.he(in, width, in, 1, 1), null, stride, 0, 1);
          shortcut = batchNorm(b, r, p + "downsample.1", shortcut, width, 0.8, 1.2);
        }
        x = b.relu(b.add(y, shortcut));
        in = width;
      }
    }
    x = b.flatten(b.globalAveragePool(x), 1);
    Tensor fc = r.normal(Math.sqrt(1.0 / in), classes, in);
    b.output(b.gemm("fc", x, fc, r.normal(0.05, classes), true), -1, classes);
    return b.buildModel();
  }

  private static String batchNorm(GraphBuilder b, Weights r, String name, String x, int c,
      double scaleLo, double scaleHi) {
    Tensor scale = r.uniform(scaleLo, scaleHi, c);
    Tensor bias = r.normal(0.1, c);
    Tensor mean = r.normal(0.1, c);
    Tensor var = r.uniform(0.5, 1.5, c);
    return b.batchNorm(name, x, scale, bias, mean, var, 1e-5f);
  }

  /** Seeded draws, in the order the builder asks for them. */
  private static final class Weights {
    private final Random rng;

    Weights(long seed) {
      this.rng = new Random(seed);
    }

    Tensor he(int fanIn, int... shape) {
      return normal(Math.sqrt(2.0 / fanIn), shape);
    }

    Tensor normal(double std, int... shape) {
      float[] v = new float[Tensor.checkedSize(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rng.nextGaussian() * std);
      }
      return Tensor.of(shape, v);
    }

    Tensor uniform(double lo, double hi, int... shape) {
      float[] v = new float[Tensor.checkedSize(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
      }
      return Tensor.of(shape, v);
    }
  }
}
