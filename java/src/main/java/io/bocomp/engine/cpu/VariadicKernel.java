package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * Min, Max, Sum and Mean of one or more inputs with numpy broadcasting, folded pairwise through
 * {@link BinaryKernel}'s collapsed-broadcast loops: the first step writes {@code in0 op in1},
 * broadcast to the full output shape, into the output buffer; every further input is combined
 * into the output in place ({@code out = out op in_k}); Mean finally scales by {@code 1/N}. One
 * input is copied (Mean of one input is that input). The result equals ONNX Runtime's left fold
 * (Sum and Mean add in input order).
 *
 * <p>Integer inputs are float-coded like every run-time integer (see {@link KernelSpec#inTypes});
 * Mean of integers is not truncated (ONNX defines Mean for floating types only). Each input after
 * the second costs one more pass over the output.
 */
final class VariadicKernel implements Kernel {
  /** {@code out = in0 op in1}, or null for one input. */
  private final BinaryKernel first;
  /** {@code out = out op in_k} for k = 2, 3, ... */
  private final BinaryKernel[] rest;
  /** Mean's {@code 1/N}, or 1. */
  private final float scale;
  private final int size;

  private VariadicKernel(BinaryKernel first, BinaryKernel[] rest, float scale, int size) {
    this.first = first;
    this.rest = rest;
    this.scale = scale;
    this.size = size;
  }

  static Kernel create(KernelSpec spec) {
    String opType = spec.node.opType();
    BinaryKernel.Op op;
    switch (opType) {
      case "Min": op = BinaryKernel.Op.MIN; break;
      case "Max": op = BinaryKernel.Op.MAX; break;
      case "Sum": case "Mean": op = BinaryKernel.Op.ADD; break;
      default: throw new IllegalArgumentException(opType);
    }
    int n = spec.inShapes.length;
    for (int i = 0; i < n; i++) {
      if (!spec.has(i)) {
        throw spec.malformed("input " + i + " is empty; " + opType + " has no optional inputs");
      }
    }
    int[] out = spec.out(0);
    BinaryKernel first = n == 1 ? null : BinaryKernel.of(op, spec.in(0), spec.in(1), out);
    BinaryKernel[] rest = new BinaryKernel[Math.max(0, n - 2)];
    for (int k = 2; k < n; k++) {
      rest[k - 2] = BinaryKernel.of(op, out, spec.in(k), out);
    }
    float scale = opType.equals("Mean") && n > 1 ? 1f / n : 1f;
    return new VariadicKernel(first, rest, scale, Tensor.checkedSize(out));
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
    s.floats(Scratch.ROW_B, Strips.STRIP);
  }

  /**
   * The first step may overwrite input 0 or 1 of the output's shape (it reads each strip before
   * writing it); later inputs are read after the output was written, so they may not share it.
   */
  @Override
  public int inPlaceInput() {
    return first == null ? 0 : first.inPlaceInput();
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    FloatBuffer y = out[0];
    if (first == null) {
      if (in[0] != y) {
        scaleInto(in[0], y, 1f, pool);
      }
      return;
    }
    first.run(in[0], in[1], y, pool);
    for (int k = 0; k < rest.length; k++) {
      rest[k].run(y, in[k + 2], y, pool);
    }
    if (scale != 1f) {
      scaleInto(y, y, scale, pool);
    }
  }

  /** {@code y = x * s} over {@link #size} elements, in staged strips. */
  private void scaleInto(FloatBuffer x, FloatBuffer y, float s, WorkerPool pool) {
    Strips.forRange(pool, size, Strips.GRAIN, (from, to, w) -> {
      float[] a = pool.scratch(w).floats(Scratch.ROW_A, Strips.STRIP);
      for (int st = from; st < to; st += Strips.STRIP) {
        int len = Math.min(Strips.STRIP, to - st);
        x.get(st, a, 0, len);
        if (s != 1f) {
          for (int i = 0; i < len; i++) {
            a[i] *= s;
          }
        }
        y.put(st, a, 0, len);
      }
    });
  }
}
