package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * BatchNormalization in inference mode: {@code y = (x - mean) / sqrt(var + epsilon) * scale + B}
 * per channel (axis 1), computed as {@code x * a[c] + b[c]} with {@code a} and {@code b} folded in
 * double precision at each run (they are tiny). The importer folds most BatchNorms into the
 * preceding Conv/Gemm; this kernel runs the rest. Training-mode outputs are not supported.
 */
final class BatchNormKernel implements Kernel {
  private final float epsilon;
  private final int batch;
  private final int channels;
  private final int plane;

  private BatchNormKernel(float epsilon, int[] x) {
    this.epsilon = epsilon;
    this.batch = x[0];
    this.channels = x.length > 1 ? x[1] : 1;
    int p = 1;
    for (int i = 2; i < x.length; i++) {
      p *= x[i];
    }
    this.plane = p;
  }

  static Kernel create(KernelSpec spec) {
    if (spec.node.intAttr("training_mode", 0) != 0) {
      throw spec.unsupported("BatchNormalization in training mode");
    }
    if (spec.in(0).length < 2) {
      throw spec.malformed("input must be at least 2-D");
    }
    for (int i = 1; i <= 4; i++) {
      if (spec.in(i).length != 1 || spec.in(i)[0] != spec.in(0)[1]) {
        throw spec.malformed("parameter " + i + " must have shape [" + spec.in(0)[1] + "]");
      }
    }
    return new BatchNormKernel(spec.node.floatAttr("epsilon", 1e-5f), spec.in(0));
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
  }

  @Override
  public int inPlaceInput() {
    return 0;
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    float[] scale = new float[channels];
    float[] shift = new float[channels];
    for (int c = 0; c < channels; c++) {
      double a = in[1].get(c) / Math.sqrt((double) in[4].get(c) + epsilon);
      scale[c] = (float) a;
      shift[c] = (float) (in[2].get(c) - in[3].get(c) * a);
    }
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    int planes = batch * channels;
    if (plane == 1) {
      Strips.forRange(pool, planes, Strips.GRAIN, (from, to, w) -> {
        for (int i = from; i < to; i++) {
          int c = i % channels;
          y.put(i, x.get(i) * scale[c] + shift[c]);
        }
      });
      return;
    }
    int grain = Math.max(1, Strips.GRAIN / plane);
    Strips.forRange(pool, planes, grain, (p0, p1, w) -> {
      float[] a = pool.scratch(w).floats(Scratch.ROW_A, Strips.STRIP);
      for (int p = p0; p < p1; p++) {
        float sc = scale[p % channels];
        float sh = shift[p % channels];
        int base = p * plane;
        for (int s = 0; s < plane; s += Strips.STRIP) {
          int len = Math.min(Strips.STRIP, plane - s);
          x.get(base + s, a, 0, len);
          for (int i = 0; i < len; i++) {
            a[i] = a[i] * sc + sh;
          }
          y.put(base + s, a, 0, len);
        }
      }
    });
  }
}
