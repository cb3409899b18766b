package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.op.QuantLayout;
import java.nio.FloatBuffer;

/**
 * QuantizeLinear and DequantizeLinear on float-coded data (every value a float32; integers as the
 * floats of their values), per tensor, per axis or blocked ({@link QuantLayout}):
 *
 * <ul>
 *   <li>DequantizeLinear: {@code y = (float) (x - zp) * scale}, the difference of two exact
 *       integers times the scale in float32: ONNX Runtime's arithmetic, so a folded weight equals
 *       ONNX Runtime's bit for bit;
 *   <li>QuantizeLinear: {@code y = clamp(rint(x / scale) + zp, min, max)} with the quantized
 *       type's range (saturation, as ONNX Runtime does) and rounding half to even; a NaN gives the
 *       zero point.
 * </ul>
 *
 * The scale and zero point are read at run time (they may be computed). Rows of the
 * {@code [outer, dim, inner]} view run in parallel. Limits: integer values beyond 2^24 are not
 * exact in the float-coded form (int32 inputs that large are refused when folded).
 */
final class QuantizeKernels {
  private QuantizeKernels() {}

  static Kernel dequantize(KernelSpec spec) {
    return perElement(spec, (x, scale, zero) -> (x - zero) * scale);
  }

  static Kernel quantize(KernelSpec spec) {
    int type = spec.outTypes[0];
    float lo = ElemType.min(type);
    float hi = ElemType.max(type);
    return perElement(spec, (x, scale, zero) -> {
      float v = x / scale;
      float q = Float.isNaN(v) ? zero : (float) Math.rint(v) + zero;
      return Math.max(lo, Math.min(hi, q));
    });
  }

  /** One element's result from its value, its block's scale and zero point (0 when absent). */
  private interface ElementRule {
    float apply(float x, float scale, float zero);
  }

  /**
   * The kernel applying {@code rule} to every element of input 0 with the scale (input 1) and zero
   * point (input 2, optional) of its block; it may write over its input.
   */
  private static Kernel perElement(KernelSpec spec, ElementRule rule) {
    QuantLayout layout = QuantLayout.of(spec.node, spec.in(0), spec.in(1));
    boolean zp = spec.has(2);
    int n = (int) (layout.outer() * layout.dim() * layout.inner());
    return new Kernel() {
      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
        Strips.forRange(pool, n, Strips.GRAIN, (from, to, w) ->
            applyRule(rule, layout, in[0], in[1], zp ? in[2] : null, out[0], from, to));
      }

      @Override
      public int inPlaceInput() {
        return 0;
      }
    };
  }

  /** {@code y[i] = rule(x[i], s[k], z[k])} for {@code i} in {@code [from, to)}, k its block. */
  private static void applyRule(ElementRule rule, QuantLayout layout, FloatBuffer x,
      FloatBuffer s, FloatBuffer z, FloatBuffer y, int from, int to) {
    for (int i = from; i < to; i++) {
      int k = layout.scaleIndex(i);
      y.put(i, rule.apply(x.get(i), s.get(k), z == null ? 0f : z.get(k)));
    }
  }
}
