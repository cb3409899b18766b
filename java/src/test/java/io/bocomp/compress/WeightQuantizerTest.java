package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.model.ElemType;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quantizer's math: codes within the symmetric range and storage type of every bit width,
 * dequantization as code times scale, round trips, the MSE scale search against the plain max-abs
 * scale, per-channel and per-group scale layouts (a ragged last block, an outlier confined to its
 * group), zero groups, the storage formula, and refusals.
 */
class WeightQuantizerTest {

  /** Normal(0, 0.05) weights of the given shape. */
  static Tensor gaussian(long seed, int... shape) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[Tensor.checkedSize(shape)];
    for (int i = 0; i < v.length; i++) {
      double u = r.nextDouble();
      double z = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * r.nextDouble());
      v[i] = (float) (0.05 * z);
    }
    return Tensor.of(shape, v);
  }

  @Test
  void codesStayInTheSymmetricRangeOfTheirStorageTypeAndDequantizeAsCodeTimesScale() {
    Tensor w = gaussian(1, 16, 8, 3, 3);
    for (int bits : QuantizedTensor.BIT_WIDTHS) {
      QuantizedTensor q = WeightQuantizer.perChannel(w, 0, bits);
      int qmax = (1 << (bits - 1)) - 1;
      assertThat(q.codes().elemType()).as(bits + " bits")
          .isEqualTo(bits == 2 ? ElemType.INT2 : bits <= 4 ? ElemType.INT4 : ElemType.INT8);
      assertThat(q.scales().shape()).containsExactly(16);
      long[] c = q.codes().toLongArray();
      long max = 0;
      for (long v : c) {
        assertThat(Math.abs(v)).isLessThanOrEqualTo(qmax);
        max = Math.max(max, Math.abs(v));
      }
      assertThat(max).as("the largest weight of some channel reaches qmax").isEqualTo(qmax);
      Tensor d = q.dequantize();
      int per = 8 * 3 * 3;
      for (int i = 0; i < c.length; i++) {
        assertThat(d.get(i)).isEqualTo((float) c[i] * q.scales().get(i / per));
      }
      assertThat(q.requantize(d).codes().toLongArray()).as("round trip").containsExactly(c);
      assertThat(QuantizedTensor.inferBits(q.codes(), null)).isEqualTo(bits);
    }
  }

  @Test
  void theErrorFallsWithEveryBitAndTheMseSearchBeatsTheMaxAbsScale() {
    Tensor w = gaussian(2, 64, 200);
    double previous = Double.POSITIVE_INFINITY;
    for (int bits : QuantizedTensor.BIT_WIDTHS) {
      QuantizedTensor q = WeightQuantizer.perChannel(w, 1, bits);
      double e = WeightQuantizer.relativeError(w, q);
      assertThat(e).as(bits + " bits").isLessThan(previous);
      previous = e;
      double maxAbs = WeightQuantizer.relativeError(w, maxAbsScales(w, bits));
      assertThat(e).as(bits + " bits: MSE scales vs max-abs").isLessThanOrEqualTo(maxAbs);
      if (bits <= 3) {
        assertThat(e).as(bits + " bits: clipping pays at low widths").isLessThan(0.9 * maxAbs);
      } else if (bits == 4) {
        assertThat(e).as("4 bits: clipping still pays").isLessThan(0.95 * maxAbs);
      }
    }
    assertThat(WeightQuantizer.relativeError(w, WeightQuantizer.perChannel(w, 1, 8)))
        .isLessThan(0.01);
  }

  @Test
  void valuesOnTheGridQuantizeExactly() {
    Tensor w = Tensor.of(new int[] {2, 4}, new float[] {0.5f, -0.5f, 0f, 0.5f,
        -0.25f, 0.75f, 0.5f, 0f});
    QuantizedTensor q2 = WeightQuantizer.perChannel(w.reshape(2, 4), 0, 2);
    assertThat(q2.codes().toLongArray()).startsWith(1, -1, 0, 1);
    assertThat(q2.scales().get(0)).isEqualTo(0.5f);
    QuantizedTensor q3 = WeightQuantizer.perChannel(w, 0, 3);
    // row 1 is on the grid of step 0.25: codes -1, 3, 2, 0
    assertThat(q3.scales().get(1)).isEqualTo(0.25f);
    assertThat(q3.codes().toLongArray()).endsWith(-1, 3, 2, 0);
    assertThat(WeightQuantizer.relativeError(w, q3)).isLessThan(1e-7);
  }

  @Test
  void groupsRunAlongTheInputAxisWithARaggedLastBlockAndKeepOutliersLocal() {
    Tensor w = gaussian(3, 70, 6); // MatMul weight [K, N]: input axis 0
    w.set(3 * 6 + 2, 5f); // an outlier in block 0 of output 2
    QuantizedTensor g = WeightQuantizer.perGroup(w, 0, 32, 4);
    assertThat(g.scales().shape()).containsExactly(3, 6);
    assertThat(g.axis()).isZero();
    assertThat(g.blockSize()).isEqualTo(32);
    assertThat(g.scales().get(2)).as("the outlier's block").isGreaterThan(0.3f);
    assertThat(g.scales().get(6 + 2)).as("the next block of the same output").isLessThan(0.1f);
    assertThat(g.scales().get(3)).as("block 0 of another output").isLessThan(0.1f);
    QuantizedTensor c = WeightQuantizer.perChannel(w, 1, 4);
    assertThat(WeightQuantizer.relativeError(w, g)).isLessThan(WeightQuantizer.relativeError(w, c));
    Tensor t = gaussian(4, 6, 70); // Gemm transB weight [N, K]: input axis 1
    QuantizedTensor gt = WeightQuantizer.perGroup(t, 1, 64, 3);
    assertThat(gt.scales().shape()).containsExactly(6, 2);
    for (int o = 0; o < 6; o++) {
      for (int k = 0; k < 70; k++) {
        int i = o * 70 + k;
        assertThat(gt.dequantize().get(i))
            .isEqualTo((float) gt.codes().getLong(i) * gt.scales().get(o * 2 + k / 64));
      }
    }
  }

  @Test
  void zeroGroupsGetZeroCodesAndTheStorageFormulaCountsPackedBitsAndScales() {
    Tensor w = gaussian(5, 3, 7);
    for (int i = 7; i < 14; i++) {
      w.set(i, 0f);
    }
    QuantizedTensor q = WeightQuantizer.perChannel(w, 0, 4);
    assertThat(q.scales().get(1)).isEqualTo(1f);
    for (int i = 7; i < 14; i++) {
      assertThat(q.codes().getLong(i)).isZero();
    }
    // 21 int4 codes: 11 bytes; 3 float32 scales: 12 bytes
    assertThat(q.storageBytes()).isEqualTo(11 + 12);
    assertThat(WeightQuantizer.perChannel(w, 0, 2).storageBytes()).isEqualTo(6 + 12);
    assertThat(WeightQuantizer.perChannel(w, 0, 6).storageBytes()).isEqualTo(21 + 12);
    assertThat(WeightQuantizer.perGroup(gaussian(6, 100, 5), 0, 32, 3).storageBytes())
        .isEqualTo(250 + 4 * 4 * 5);
  }

  @Test
  void unsupportedWidthsAndShapesAreRefused() {
    Tensor w = gaussian(7, 4, 4);
    assertThatThrownBy(() -> WeightQuantizer.perChannel(w, 0, 7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bit width 7");
    assertThatThrownBy(() -> WeightQuantizer.perChannel(w, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WeightQuantizer.perGroup(gaussian(8, 2, 3, 3), 0, 32, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matrix");
    assertThat(WeightQuantizer.isGroupSize(64)).isTrue();
    assertThat(WeightQuantizer.isGroupSize(16)).isFalse();
  }

  /** The plain symmetric max-abs quantization (no search), per channel along axis 1. */
  private static QuantizedTensor maxAbsScales(Tensor w, int bits) {
    int n = w.dim(1);
    float[] s = new float[n];
    for (int i = 0; i < w.size(); i++) {
      s[i % n] = Math.max(s[i % n], Math.abs(w.get(i)));
    }
    int qmax = QuantizedTensor.qmax(bits);
    for (int j = 0; j < n; j++) {
      s[j] = s[j] / qmax;
    }
    QuantizedTensor shell = new QuantizedTensor(
        Tensor.ofLongs(w.shape(), new long[w.size()]).withElemType(QuantizedTensor.storageType(bits)),
        Tensor.of(new int[] {n}, s), null, 1, 0, bits);
    return shell.requantize(w);
  }
}
