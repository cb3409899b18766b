package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.op.FillValue;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * ConstantOfShape, Range and EyeLike: tensors made from attributes, shapes and plan-time scalars.
 * ConstantOfShape and Range depend only on values known when a graph is planned (their shape
 * and scalar operands are value inputs), so the planner evaluates them once, through
 * {@link NodeEvaluator}, and they never run per call; EyeLike runs per call only when its input
 * is run-time data (it reads only that input's shape).
 *
 * <p>Range follows ONNX Runtime: the values are accumulated ({@code v += delta}) in float32 for
 * floating types, and computed exactly in int64 for integer types. Limits: integer values
 * (ConstantOfShape's fill value, Range's elements) must lie within 2^24, where float-coded values
 * are exact.
 */
final class GeneratorKernels {
  private static final long EXACT = 1L << 24;

  private GeneratorKernels() {}

  static Kernel constantOfShape(KernelSpec spec) {
    Tensor value = FillValue.of(spec.node);
    float v = FillValue.floatValue(value);
    if (FillValue.isInteger(value)) {
      requireExact(spec, value.getLong(0));
    }
    int size = Tensor.checkedSize(spec.out(0));
    return fill(size, v);
  }

  private static Kernel fill(int size, float v) {
    return Kernel.of((in, out, pool) -> {
      FloatBuffer y = out[0];
      Strips.forRange(pool, size, Strips.GRAIN, (from, to, w) -> {
        float[] a = pool.scratch(w).floats(Scratch.ROW_A, Strips.STRIP);
        Arrays.fill(a, 0, Math.min(Strips.STRIP, to - from), v);
        for (int s = from; s < to; s += Strips.STRIP) {
          y.put(s, a, 0, Math.min(Strips.STRIP, to - s));
        }
      });
    }, s -> s.floats(Scratch.ROW_A, Strips.STRIP));
  }

  static Kernel range(KernelSpec spec) {
    Tensor start = spec.requireConstant(0, "Range's start");
    Tensor delta = spec.requireConstant(2, "Range's delta");
    spec.requireConstant(1, "Range's limit");
    int n = spec.out(0)[0];
    float[] values = new float[n];
    boolean integer = !start.isFloat() || ElemType.isInteger(spec.outTypes[0]);
    if (integer) {
      long s = start.getLong(0);
      long d = delta.getLong(0);
      if (n > 0) {
        requireExact(spec, s);
        requireExact(spec, s + (n - 1) * d);
      }
      for (int i = 0; i < n; i++) {
        values[i] = s + i * d;
      }
    } else {
      float v = start.get(0);
      float d = delta.isFloat() ? delta.get(0) : delta.getLong(0);
      for (int i = 0; i < n; i++) {
        values[i] = v;
        v += d;
      }
    }
    return (in, out, pool) -> out[0].put(0, values, 0, n);
  }

  static Kernel eyeLike(KernelSpec spec) {
    int[] s = spec.out(0);
    int rows = s[0];
    int cols = s[1];
    long k = spec.node.intAttr("k", 0);
    return Kernel.of((in, out, pool) -> {
      FloatBuffer y = out[0];
      Strips.forRange(pool, rows, Math.max(1, Strips.GRAIN / Math.max(1, cols)), (r0, r1, w) -> {
        float[] zeros = pool.scratch(w).floats(Scratch.ROW_A, cols);
        Arrays.fill(zeros, 0, cols, 0f);
        for (int r = r0; r < r1; r++) {
          y.put(r * cols, zeros, 0, cols);
          long c = r + k;
          if (c >= 0 && c < cols) {
            y.put(r * cols + (int) c, 1f);
          }
        }
      });
    }, sc -> sc.floats(Scratch.ROW_A, cols));
  }

  private static void requireExact(KernelSpec spec, long v) {
    if (v > EXACT || v < -EXACT) {
      throw new UnsupportedOperatorException(spec.node.label() + ": " + spec.node.opType()
          + " of integer values beyond 2^24 (here " + v + ") is not supported");
    }
  }
}
