package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.engine.Decompositions.DeviceResidentFactors;
import io.bocomp.engine.Decompositions.LowRankFactors;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.engine.Decompositions.Tucker2Layers;
import io.bocomp.model.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The host factor cache (the default {@link Decompositions#keepResident}): truncations are the
 * leading parts of the factors, reconstructions match the definitions, full rank is exact, and
 * the three Tucker-2 convolutions compose to the truncated kernel.
 */
class HostResidentFactorsTest {
  private final Decompositions cpu = new CpuDecompositions(1);
  private final Tensor fc = random(1, 23, 17);
  private final Tensor conv = random(2, 6, 5, 3, 3);

  @Test
  void lowRankTruncationsAreTheLeadingTriplets() {
    try (DeviceResidentFactors f = cpu.keepResident(Map.of("fc", fc), Map.of())) {
      assertThat(f.matrixKeys()).containsExactly("fc");
      SvdFactors svd = cpu.svd(List.of(fc)).get(0);
      assertThat(f.singularValues("fc").toFloatArray()).containsExactly(svd.s().toFloatArray());
      assertThat(maxAbsDiff(f.lowRankWeight("fc", 17), fc)).isLessThan(2e-5);
      for (int r : new int[] {0, 1, 5, 16}) {
        Tensor w = f.lowRankWeight("fc", r);
        float[] expect = new float[23 * 17];
        for (int i = 0; i < 23; i++) {
          for (int j = 0; j < 17; j++) {
            double v = 0;
            for (int c = 0; c < r; c++) {
              v += (double) svd.u().get(i * 17 + c) * svd.s().get(c) * svd.vt().get(c * 17 + j);
            }
            expect[i * 17 + j] = (float) v;
          }
        }
        assertThat(maxAbsDiff(w, Tensor.of(new int[] {23, 17}, expect))).as("rank " + r)
            .isLessThan(1e-5);
        LowRankFactors lr = f.lowRank("fc", r);
        assertThat(lr.left().shape()).containsExactly(23, r);
        assertThat(lr.right().shape()).containsExactly(r, 17);
      }
    }
  }

  @Test
  void tucker2LayersComposeToTheTruncatedKernel() {
    try (DeviceResidentFactors f = cpu.keepResident(Map.of(), Map.of("conv", conv))) {
      Tucker2Factors t = cpu.tucker2(List.of(conv)).get(0);
      assertThat(f.modeEigenvalues("conv", 0).toFloatArray()).containsExactly(t.eigOut().toFloatArray());
      assertThat(f.modeEigenvalues("conv", 1).toFloatArray()).containsExactly(t.eigIn().toFloatArray());
      assertThat(maxAbsDiff(f.tucker2Weight("conv", 6, 5), conv)).as("full ranks are exact")
          .isLessThan(2e-5);
      for (int[] r : new int[][] {{1, 1}, {3, 2}, {6, 1}, {2, 5}}) {
        Tucker2Layers l = f.tucker2("conv", r[0], r[1]);
        assertThat(l.first().shape()).containsExactly(r[1], 5, 1, 1);
        assertThat(l.core().shape()).containsExactly(r[0], r[1], 3, 3);
        assertThat(l.last().shape()).containsExactly(6, r[0], 1, 1);
        float[] composed = new float[conv.size()];
        for (int o = 0; o < 6; o++) {
          for (int c = 0; c < 5; c++) {
            for (int s = 0; s < 9; s++) {
              double v = 0;
              for (int a = 0; a < r[0]; a++) {
                for (int b = 0; b < r[1]; b++) {
                  v += (double) l.last().get(o * r[0] + a) * l.core().get((a * r[1] + b) * 9 + s)
                      * l.first().get(b * 5 + c);
                }
              }
              composed[(o * 5 + c) * 9 + s] = (float) v;
            }
          }
        }
        assertThat(maxAbsDiff(f.tucker2Weight("conv", r[0], r[1]),
            Tensor.of(conv.shape(), composed))).as("ranks " + r[0] + "," + r[1]).isLessThan(1e-5);
      }
    }
  }

  @Test
  void badKeysAndRanksNameTheEntry() {
    try (DeviceResidentFactors f = cpu.keepResident(Map.of("fc", fc), Map.of("conv", conv))) {
      assertThatThrownBy(() -> f.lowRankWeight("nope", 1)).hasMessageContaining("'nope'");
      assertThatThrownBy(() -> f.lowRank("fc", 18)).hasMessageContaining("rank 18")
          .hasMessageContaining("'fc'");
      assertThatThrownBy(() -> f.tucker2("conv", 7, 1)).hasMessageContaining("conv");
      assertThatThrownBy(() -> f.modeEigenvalues("conv", 2)).hasMessageContaining("mode");
    }
  }

  static Tensor random(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Tensor.of(shape, d);
  }

  static double maxAbsDiff(Tensor a, Tensor b) {
    assertThat(a.shape()).containsExactly(b.shape());
    double worst = 0;
    for (int i = 0; i < a.size(); i++) {
      worst = Math.max(worst, Math.abs(a.get(i) - b.get(i)));
    }
    return worst;
  }
}
