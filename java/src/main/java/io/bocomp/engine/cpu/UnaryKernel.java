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

  private UnaryKernel(Activation activation, int size) {
    this.activation = activation;
    this.size = size;
  }

  static Kernel create(KernelSpec spec) {
    return new UnaryKernel(Activation.of(spec.node, spec.consts),
        Tensor.checkedSize(spec.out(0)));
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    Strips.map(pool, in[0], out[0], size, (a, len) -> activation.apply(a, 0, len));
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
  }

  @Override
  public int inPlaceInput() {
    return 0;
  }
}
