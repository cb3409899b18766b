package io.bocomp.engine.cpu;

import io.bocomp.model.ShapeInference;
import io.bocomp.model.op.MeanVarianceNorm;
import java.nio.FloatBuffer;

/**
 * InstanceNormalization and GroupNormalization over {@code [N, C, D1, ...]}: each sample's
 * channels fall in groups (one channel per group for InstanceNormalization, {@code C /
 * num_groups} for GroupNormalization), each group's values are normalized by their own mean and
 * variance, then channel {@code c} is scaled and shifted: {@code y = (x - mean) / sqrt(var +
 * epsilon) * scale + bias}. InstanceNormalization and opset-21 GroupNormalization take scale and
 * bias per channel ({@code [C]}); opset-18 GroupNormalization takes them per group
 * ({@code [num_groups]}); which form applies is read from the model's opset
 * ({@link MeanVarianceNorm#groupAffinePerChannel}), and a scale of the other form is refused.
 *
 * <p>Algorithm: each (sample, group) block is contiguous; blocks in parallel; the moments come
 * from one pass of shifted double sums ({@link NormMoments}), then one vectorizable pass per
 * channel segment writes {@code (x - mean) * a_c + bias_c}. A block up to {@link Strips#STRIP} floats is
 * staged once, larger ones are read twice, strip by strip. Scale and bias may be run-time data.
 */
final class GroupNormKernel implements Kernel {
  private final int blocks;
  private final int groups;
  private final int channelsPerGroup;
  private final int plane;
  private final boolean perChannel;
  private final double epsilon;
  private final NormMoments.Sums[] sums;

  private GroupNormKernel(int blocks, int groups, int channelsPerGroup, int plane,
      boolean perChannel, double epsilon, int threads) {
    this.blocks = blocks;
    this.groups = groups;
    this.channelsPerGroup = channelsPerGroup;
    this.plane = plane;
    this.perChannel = perChannel;
    this.epsilon = epsilon;
    this.sums = new NormMoments.Sums[threads];
    for (int i = 0; i < threads; i++) {
      sums[i] = new NormMoments.Sums();
    }
  }

  static Kernel create(KernelSpec spec, int threads) {
    int[] x = spec.in(0);
    if (x.length < 2) {
      throw spec.malformed("input of rank " + x.length + "; expected [N, C, ...]");
    }
    int c = x[1];
    boolean instance = spec.node.opType().equals("InstanceNormalization");
    int groups = instance ? c : MeanVarianceNorm.groups(spec.node, c);
    boolean perChannel = instance || MeanVarianceNorm.groupAffinePerChannel(spec.opset);
    int expect = perChannel ? c : groups;
    for (int i = 1; i <= 2; i++) {
      int[] p = spec.in(i);
      if (p.length != 1 || p[0] != expect) {
        throw spec.malformed("input " + i + " has shape " + java.util.Arrays.toString(p)
            + ", not [" + expect + "] (" + (instance ? "per channel"
            : perChannel ? "per channel, as from opset "
            + MeanVarianceNorm.GROUP_NORM_PER_CHANNEL_SINCE
            : "per group, as before opset " + MeanVarianceNorm.GROUP_NORM_PER_CHANNEL_SINCE)
            + ")");
      }
    }
    int plane = ShapeInference.product(x, 2, x.length);
    return new GroupNormKernel(x[0] * groups, groups, groups == 0 ? 0 : c / groups, plane,
        perChannel, MeanVarianceNorm.epsilon(spec.node), threads);
  }

  private int blockSize() {
    return channelsPerGroup * plane;
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.STAGE, Math.max(1, Math.min(blockSize(), Strips.STRIP)));
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer x = in[0];
    FloatBuffer scale = in[1];
    FloatBuffer bias = in[2];
    FloatBuffer y = out[0];
    int size = blockSize();
    if (size == 0) {
      return;
    }
    int strip = Math.min(size, Strips.STRIP);
    boolean staged = size <= Strips.STRIP;
    int grain = Math.max(1, Strips.GRAIN / size);
    Strips.forRange(pool, blocks, grain, (b0, b1, w) -> {
      float[] v = pool.scratch(w).floats(Scratch.STAGE, strip);
      NormMoments.Sums s = sums[w];
      for (int b = b0; b < b1; b++) {
        int off = b * size;
        int g = b % groups;
        NormMoments.sum(x, off, size, v, strip, s);
        double mean = s.mean();
        double inv = s.invStd(epsilon);
        float fm = (float) mean;
        for (int q = 0; q < size; q += strip) {
          int len = Math.min(strip, size - q);
          if (!staged) {
            x.get(off + q, v, 0, len);
          }
          // channel segments of this strip
          for (int i = 0; i < len; ) {
            int k = (q + i) / plane;
            int end = Math.min(len, (k + 1) * plane - q);
            int p = perChannel ? g * channelsPerGroup + k : g;
            float fa = (float) (inv * scale.get(p));
            float fb = bias.get(p);
            for (int t = i; t < end; t++) {
              v[t] = (v[t] - fm) * fa + fb;
            }
            i = end;
          }
          y.put(off + q, v, 0, len);
        }
      }
    });
  }
}
