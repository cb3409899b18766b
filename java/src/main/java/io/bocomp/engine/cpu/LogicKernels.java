package io.bocomp.engine.cpu;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The comparisons (Equal, Greater, Less, GreaterOrEqual, LessOrEqual), the logic ops (And, Or,
 * Xor, Not), IsNaN, IsInf and Where on float-coded data: a bool is 0 or 1, an integer is the float
 * of its value (exact to 2^24), so comparing two float-coded integers is exact. Inputs read as
 * bools count any non-zero value as true.
 *
 * <p>Broadcasting follows {@link BroadcastLoop}: rows in parallel, each row in strips staged in
 * per-worker heap arrays, so the inner loops run over plain arrays. At plan time the same kernels
 * evaluate int64 shape arithmetic ({@code Where(Equal(shape, -1), ones, shape)}) through
 * {@link NodeEvaluator}'s float-coded path.
 */
final class LogicKernels {
  private LogicKernels() {}

  /** A two-input op with a 0/1 result. */
  private enum Binary {
    EQUAL, GREATER, LESS, GREATER_OR_EQUAL, LESS_OR_EQUAL, AND, OR, XOR
  }

  /** A one-input op with a 0/1 result. */
  private enum Unary {
    NOT, IS_NAN, IS_INF
  }

  // ---------------------------------------------------------------- two inputs

  static Kernel binary(KernelSpec spec) {
    Binary op = binaryOp(spec.node.opType());
    BroadcastLoop loop = new BroadcastLoop(new int[][] {spec.in(0), spec.in(1)}, spec.out(0));
    int inPlace = Arrays.equals(spec.in(0), spec.out(0)) ? 0
        : Arrays.equals(spec.in(1), spec.out(0)) ? 1 : -1;
    return new Kernel() {
      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
        runBinary(op, loop, in[0], in[1], out[0], pool);
      }

      @Override
      public int inPlaceInput() {
        return inPlace;
      }

      @Override
      public void reserve(Scratch s) {
        s.floats(Scratch.ROW_A, Strips.STRIP);
        s.floats(Scratch.ROW_B, Strips.STRIP);
      }
    };
  }

  private static Binary binaryOp(String opType) {
    switch (opType) {
      case "Equal": return Binary.EQUAL;
      case "Greater": return Binary.GREATER;
      case "Less": return Binary.LESS;
      case "GreaterOrEqual": return Binary.GREATER_OR_EQUAL;
      case "LessOrEqual": return Binary.LESS_OR_EQUAL;
      case "And": return Binary.AND;
      case "Or": return Binary.OR;
      case "Xor": return Binary.XOR;
      default: throw new IllegalArgumentException(opType);
    }
  }

  private static void runBinary(Binary op, BroadcastLoop loop, FloatBuffer a, FloatBuffer b,
      FloatBuffer y, WorkerPool pool) {
    int inner = loop.inner;
    Strips.forRange(pool, loop.rows, loop.grain(), (r0, r1, w) -> {
      Scratch s = pool.scratch(w);
      float[] sa = s.floats(Scratch.ROW_A, Strips.STRIP);
      float[] sb = s.floats(Scratch.ROW_B, Strips.STRIP);
      int[] off = new int[2];
      for (int row = r0; row < r1; row++) {
        loop.offsets(row, off);
        for (int st = 0; st < inner; st += Strips.STRIP) {
          int len = Math.min(Strips.STRIP, inner - st);
          loop.load(0, a, off[0], st, sa, len);
          loop.load(1, b, off[1], st, sb, len);
          apply(op, sa, sb, len);
          y.put(row * inner + st, sa, 0, len);
        }
      }
    });
  }

  /** {@code a[i] = a[i] op b[i] ? 1 : 0} for i < len. */
  private static void apply(Binary op, float[] a, float[] b, int len) {
    switch (op) {
      case EQUAL:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] == b[i] ? 1f : 0f;
        }
        break;
      case GREATER:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] > b[i] ? 1f : 0f;
        }
        break;
      case LESS:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] < b[i] ? 1f : 0f;
        }
        break;
      case GREATER_OR_EQUAL:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] >= b[i] ? 1f : 0f;
        }
        break;
      case LESS_OR_EQUAL:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] <= b[i] ? 1f : 0f;
        }
        break;
      case AND:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] != 0f && b[i] != 0f ? 1f : 0f;
        }
        break;
      case OR:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] != 0f || b[i] != 0f ? 1f : 0f;
        }
        break;
      case XOR:
        for (int i = 0; i < len; i++) {
          a[i] = (a[i] != 0f) != (b[i] != 0f) ? 1f : 0f;
        }
        break;
      default:
        throw new AssertionError(op);
    }
  }

  // ---------------------------------------------------------------- one input

  static Kernel unary(KernelSpec spec) {
    Unary op;
    switch (spec.node.opType()) {
      case "Not": op = Unary.NOT; break;
      case "IsNaN": op = Unary.IS_NAN; break;
      case "IsInf": op = Unary.IS_INF; break;
      default: throw new IllegalArgumentException(spec.node.opType());
    }
    boolean positive = spec.node.intAttr("detect_positive", 1) != 0;
    boolean negative = spec.node.intAttr("detect_negative", 1) != 0;
    int size = Tensor.checkedSize(spec.out(0));
    return new Kernel() {
      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
        Strips.map(pool, in[0], out[0], size,
            (a, len) -> apply(op, positive, negative, a, len));
      }

      @Override
      public int inPlaceInput() {
        return 0;
      }

      @Override
      public void reserve(Scratch s) {
        s.floats(Scratch.ROW_A, Strips.STRIP);
      }
    };
  }

  private static void apply(Unary op, boolean positive, boolean negative, float[] a, int len) {
    switch (op) {
      case NOT:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] == 0f ? 1f : 0f;
        }
        break;
      case IS_NAN:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] != a[i] ? 1f : 0f;
        }
        break;
      case IS_INF:
        float pos = positive ? Float.POSITIVE_INFINITY : Float.NaN;
        float neg = negative ? Float.NEGATIVE_INFINITY : Float.NaN;
        for (int i = 0; i < len; i++) {
          a[i] = a[i] == pos || a[i] == neg ? 1f : 0f;
        }
        break;
      default:
        throw new AssertionError(op);
    }
  }

  // ---------------------------------------------------------------- Where

  static Kernel where(KernelSpec spec) {
    int[] out = spec.out(0);
    BroadcastLoop loop = new BroadcastLoop(new int[][] {spec.in(0), spec.in(1), spec.in(2)}, out);
    int inPlace = Arrays.equals(spec.in(1), out) ? 1 : Arrays.equals(spec.in(2), out) ? 2
        : Arrays.equals(spec.in(0), out) ? 0 : -1;
    return new Kernel() {
      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] o, WorkerPool pool) {
        runWhere(loop, in[0], in[1], in[2], o[0], pool);
      }

      @Override
      public int inPlaceInput() {
        return inPlace;
      }

      @Override
      public void reserve(Scratch s) {
        s.floats(Scratch.ROW_A, Strips.STRIP);
        s.floats(Scratch.ROW_B, Strips.STRIP);
        s.floats(Scratch.ROW_C, Strips.STRIP);
      }
    };
  }

  private static void runWhere(BroadcastLoop loop, FloatBuffer c, FloatBuffer x, FloatBuffer y,
      FloatBuffer out, WorkerPool pool) {
    int inner = loop.inner;
    Strips.forRange(pool, loop.rows, loop.grain(), (r0, r1, w) -> {
      Scratch s = pool.scratch(w);
      float[] sc = s.floats(Scratch.ROW_A, Strips.STRIP);
      float[] sx = s.floats(Scratch.ROW_B, Strips.STRIP);
      float[] sy = s.floats(Scratch.ROW_C, Strips.STRIP);
      int[] off = new int[3];
      for (int row = r0; row < r1; row++) {
        loop.offsets(row, off);
        for (int st = 0; st < inner; st += Strips.STRIP) {
          int len = Math.min(Strips.STRIP, inner - st);
          loop.load(0, c, off[0], st, sc, len);
          loop.load(1, x, off[1], st, sx, len);
          loop.load(2, y, off[2], st, sy, len);
          for (int i = 0; i < len; i++) {
            sx[i] = sc[i] != 0f ? sx[i] : sy[i];
          }
          out.put(row * inner + st, sx, 0, len);
        }
      }
    });
  }
}
