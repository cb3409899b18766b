package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.model.Node;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TrainableConv}'s forward convolution (the direct Vector API kernel, {@link
 * ConvMicroKernel}) against a scalar reference, for output channel counts that use the 16-wide
 * tiles, the 8-wide remainder tile, or both, in whichever vector shape this JVM's kernels use
 * ({@link VectorShape}).
 */
class TrainableConvTest {
  @ParameterizedTest
  @ValueSource(ints = {8, 16, 24, 40})
  void forwardMatchesTheScalarConvolution(int outChannels) {
    assumeTrue(TrainableConv.available(), "no Vector API module");
    int n = 2;
    int c = 5;
    int h = 9;
    int wd = 11;
    int[] x = {n, c, h, wd};
    int[] w = {outChannels, c, 3, 3};
    Node conv = Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("y")
        .attr("kernel_shape", 3, 3).attr("pads", 1, 1, 1, 1).attr("strides", 1, 1).build();
    TrainableConv tc = TrainableConv.forward(conv, 17, x, w, true, false);
    SplittableRandom rng = new SplittableRandom(outChannels);
    float[] in = random(rng, n * c * h * wd);
    float[] wt = random(rng, outChannels * c * 9);
    float[] b = random(rng, outChannels);
    tc.reload(FloatBuffer.wrap(wt), FloatBuffer.wrap(b));
    float[] out = new float[n * outChannels * h * wd];
    tc.run(FloatBuffer.wrap(in), FloatBuffer.wrap(out));
    for (int i = 0; i < n; i++) {
      for (int m = 0; m < outChannels; m++) {
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < wd; xx++) {
            double s = b[m];
            for (int ch = 0; ch < c; ch++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int yy = y + ky - 1;
                  int xi = xx + kx - 1;
                  if (yy >= 0 && yy < h && xi >= 0 && xi < wd) {
                    s += (double) wt[((m * c + ch) * 3 + ky) * 3 + kx]
                        * in[((i * c + ch) * h + yy) * wd + xi];
                  }
                }
              }
            }
            float got = out[((i * outChannels + m) * h + y) * wd + xx];
            assertThat((double) got).as("image %d channel %d at (%d, %d)", i, m, y, xx)
                .isCloseTo(s, org.assertj.core.api.Assertions.within(1e-4 * (1 + Math.abs(s))));
          }
        }
      }
    }
  }

  private static float[] random(SplittableRandom rng, int size) {
    float[] a = new float[size];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    return a;
  }
}
