package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * An element-wise function of one input ({@link Activation}: the activations and the unary math
 * ops), applied in staged strips of {@link Strips#STRIP} elements, strips in parallel. May run in
 * place.
 */
final class UnaryKernel implements Kernel {
  private final Activation activation;
  private final int size;
  private final boolean vector;

  private UnaryKernel(Activation activation, int size) {
    this.activation = activation;
    this.size = size;
    this.vector = activation.vectorizes() && VectorSupport.enabled();
  }

  static Kernel create(KernelSpec spec) {
    return new UnaryKernel(Activation.of(spec.node, spec.consts),
        Tensor.checkedSize(spec.out(0)));
  }

  /** The kernel of a fused activation pattern (e.g. Gelu written as Div, Erf, Add, Mul, Mul). */
  static Kernel of(Activation activation, int size) {
    return new UnaryKernel(activation, size);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    if (!vector) {
      Strips.map(pool, in[0], out[0], size, (a, len) -> activation.apply(a, 0, len));
      return;
    }
    // a strip's array is STRIP long, a whole number of vectors: the last strip is padded (the
    // values past len are computed and never copied out)
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    int l = VectorMath.L;
    Strips.forRange(pool, size, Strips.GRAIN, (from, to, w) -> {
      float[] a = pool.scratch(w).floats(Scratch.ROW_A, Strips.STRIP);
      float[] tmp = pool.scratch(w).floats(Scratch.ROW_B, Strips.STRIP);
      for (int s = from; s < to; s += Strips.STRIP) {
        int len = Math.min(Strips.STRIP, to - s);
        x.get(s, a, 0, len);
        activation.apply(a, 0, Math.min(Strips.STRIP, (len + l - 1) / l * l), tmp);
        y.put(s, a, 0, len);
      }
    });
  }

  @Override
  public String toString() {
    return "Unary[" + activation + (vector ? ", vector" : "") + "]";
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
    if (vector) {
      s.floats(Scratch.ROW_B, Strips.STRIP);
    }
  }

  @Override
  public int inPlaceInput() {
    return 0;
  }
}
