package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Add, Sub, Mul, Div, PRelu and Pow with numpy broadcasting, on float data (a kernel) and on int64
 * data (Add/Sub/Mul/Div only: {@link #evaluateInt64}, for shape arithmetic evaluated at plan
 * time). Min and Max are ops of this kernel too; {@link VariadicKernel} folds Min, Max, Sum and
 * Mean of any number of inputs through it pairwise.
 *
 * <p>The broadcast is collapsed first: adjacent output dimensions where each operand is either
 * full or broadcast in the same way merge, so {@code [N,C,H,W] + [1,C,1,1]} becomes rows of
 * {@code H*W} elements with a per-row scalar. The innermost collapsed dimension is processed in
 * staged strips (operands broadcast along it are filled as a constant strip), rows in parallel.
 *
 * <p>Pow computes {@code (float) Math.pow(x, y)} in double; when the exponent is constant along a
 * row (a scalar exponent, or one broadcast along the innermost collapsed dimension) the exponents
 * 2 and 3 are {@code x * x} and {@code x * x * x} in float (as ONNX Runtime computes them), 1 is
 * {@code x}, 0 is 1, -1 is {@code 1 / x} and 0.5 is {@code sqrt(x)} (with {@code pow}'s values at
 * -0 and -inf). An integer exponent (int64 or int32) must be a constant: it is converted to float
 * when the kernel is built. Min and Max propagate NaN ({@link Math#min}).
 */
final class BinaryKernel implements Kernel {
  enum Op {
    ADD, SUB, MUL, DIV, PRELU, POW, MIN, MAX,
    /** C fmod: the remainder has the dividend's sign (ONNX Mod with fmod=1). */
    FMOD,
    /** The remainder with the divisor's sign (ONNX Mod with fmod=0, integers). */
    MOD,
    /** Division of float-coded integers, truncated toward zero (ONNX Div on integer types). */
    INT_DIV
  }

  private final Op op;
  private final int[] dims;
  private final int[] aStride;
  private final int[] bStride;
  private final int rows;
  private final int inner;
  private final int inPlace;
  private BinaryKernel(Op op, int[] a, int[] b, int[] out) {
    this.op = op;
    int r = out.length;
    int[] pa = pad(a, r);
    int[] pb = pad(b, r);
    int[] d = new int[Math.max(r, 1)];
    boolean[] ab = new boolean[d.length];
    boolean[] bb = new boolean[d.length];
    int k = 0;
    for (int i = 0; i < r; i++) {
      if (out[i] == 1) {
        continue;
      }
      boolean aBroad = pa[i] == 1;
      boolean bBroad = pb[i] == 1;
      if (k > 0 && ab[k - 1] == aBroad && bb[k - 1] == bBroad) {
        d[k - 1] *= out[i];
      } else {
        d[k] = out[i];
        ab[k] = aBroad;
        bb[k] = bBroad;
        k++;
      }
    }
    if (k == 0) {
      d[0] = 1;
      k = 1;
    }
    this.dims = Arrays.copyOf(d, k);
    this.aStride = strides(dims, Arrays.copyOf(ab, k));
    this.bStride = strides(dims, Arrays.copyOf(bb, k));
    this.inner = dims[k - 1];
    int rowCount = 1;
    for (int i = 0; i < k - 1; i++) {
      rowCount *= dims[i];
    }
    this.rows = rowCount;
    this.inPlace = Arrays.equals(a, out) ? 0
        : Arrays.equals(b, out) && op != Op.PRELU ? 1 : -1;
  }

  private static int[] pad(int[] s, int r) {
    int[] p = new int[r];
    Arrays.fill(p, 1);
    System.arraycopy(s, 0, p, r - s.length, s.length);
    return p;
  }

  private static int[] strides(int[] dims, boolean[] broadcast) {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = broadcast[i] ? 0 : acc;
      if (!broadcast[i]) {
        acc *= dims[i];
      }
    }
    return s;
  }

  static Op op(Node node) {
    switch (node.opType()) {
      case "Add": return Op.ADD;
      case "Sub": return Op.SUB;
      case "Mul": return Op.MUL;
      case "Div": return Op.DIV;
      case "PRelu": return Op.PRELU;
      case "Pow": return Op.POW;
      case "Mod": return node.intAttr("fmod", 0) != 0 ? Op.FMOD : Op.MOD;
      default: throw new IllegalArgumentException(node.opType());
    }
  }

  static Kernel create(KernelSpec spec) {
    Op op = op(spec.node);
    if (op == Op.DIV && spec.integerOutput(0)) {
      op = Op.INT_DIV;
    }
    if (op == Op.MOD && !spec.integerOutput(0)) {
      throw spec.malformed("Mod on floating-point data needs fmod=1");
    }
    // integer operands (Pow's int64 exponent, float-coded integers) arrive as float buffers
    return new BinaryKernel(op, spec.in(0), spec.in(1), spec.out(0));
  }

  /**
   * A kernel computing {@code a op b} broadcast to {@code out}, which may be larger than the
   * broadcast of {@code a} and {@code b} (both are then repeated along it).
   */
  static BinaryKernel of(Op op, int[] a, int[] b, int[] out) {
    return new BinaryKernel(op, a, b, out);
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Strips.STRIP);
    s.floats(Scratch.ROW_B, Strips.STRIP);
  }

  @Override
  public int inPlaceInput() {
    return inPlace;
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    run(in[0], in[1], out[0], pool);
  }

  /** {@code y = a op b}; y may be the buffer of the input {@link #inPlaceInput} names. */
  void run(FloatBuffer a, FloatBuffer b, FloatBuffer y, WorkerPool pool) {
    int grain = Math.max(1, Strips.GRAIN / Math.max(1, inner));
    Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
      Scratch s = pool.scratch(w);
      float[] sa = s.floats(Scratch.ROW_A, Strips.STRIP);
      float[] sb = s.floats(Scratch.ROW_B, Strips.STRIP);
      int aIn = aStride[dims.length - 1];
      int bIn = bStride[dims.length - 1];
      for (int row = r0; row < r1; row++) {
        int aOff = 0;
        int bOff = 0;
        int rem = row;
        for (int i = dims.length - 2; i >= 0; i--) {
          int idx = rem % dims[i];
          rem /= dims[i];
          aOff += idx * aStride[i];
          bOff += idx * bStride[i];
        }
        int yOff = row * inner;
        for (int st = 0; st < inner; st += Strips.STRIP) {
          int len = Math.min(Strips.STRIP, inner - st);
          load(a, aOff, aIn, st, sa, len);
          if (op == Op.POW && bIn == 0) {
            powScalar(sa, len, b.get(bOff));
          } else {
            load(b, bOff, bIn, st, sb, len);
            apply(op, sa, sb, len);
          }
          y.put(yOff + st, sa, 0, len);
        }
      }
    });
  }

  private static void load(FloatBuffer src, int off, int stride, int start, float[] dst, int len) {
    if (stride == 0) {
      Arrays.fill(dst, 0, len, src.get(off));
    } else {
      src.get(off + start, dst, 0, len);
    }
  }

  /** {@code a[i] = a[i] op b[i]} for i < len. */
  static void apply(Op op, float[] a, float[] b, int len) {
    switch (op) {
      case ADD:
        for (int i = 0; i < len; i++) {
          a[i] += b[i];
        }
        break;
      case SUB:
        for (int i = 0; i < len; i++) {
          a[i] -= b[i];
        }
        break;
      case MUL:
        for (int i = 0; i < len; i++) {
          a[i] *= b[i];
        }
        break;
      case DIV:
        for (int i = 0; i < len; i++) {
          a[i] /= b[i];
        }
        break;
      case PRELU:
        for (int i = 0; i < len; i++) {
          float v = a[i];
          a[i] = v < 0f ? v * b[i] : v;
        }
        break;
      case INT_DIV:
        // exact: both operands are integers of at most 2^24, whose double quotient is never
        // rounded across an integer
        for (int i = 0; i < len; i++) {
          a[i] = (float) (long) ((double) a[i] / b[i]);
        }
        break;
      case POW:
        for (int i = 0; i < len; i++) {
          a[i] = (float) Math.pow(a[i], b[i]);
        }
        break;
      case MIN:
        for (int i = 0; i < len; i++) {
          a[i] = Math.min(a[i], b[i]);
        }
        break;
      case FMOD:
        for (int i = 0; i < len; i++) {
          a[i] = a[i] % b[i];
        }
        break;
      case MOD:
        for (int i = 0; i < len; i++) {
          float m = a[i] % b[i];
          a[i] = m != 0 && (m < 0) != (b[i] < 0) ? m + b[i] : m;
        }
        break;
      case MAX:
        for (int i = 0; i < len; i++) {
          a[i] = Math.max(a[i], b[i]);
        }
        break;
      default:
        throw new AssertionError(op);
    }
  }

  /** {@code a[i] = pow(a[i], e)} for i < len, with float fast paths for common exponents. */
  static void powScalar(float[] a, int len, float e) {
    if (e == 2f) {
      for (int i = 0; i < len; i++) {
        a[i] = a[i] * a[i];
      }
    } else if (e == 3f) {
      for (int i = 0; i < len; i++) {
        float v = a[i];
        a[i] = v * v * v;
      }
    } else if (e == 0.5f) {
      for (int i = 0; i < len; i++) {
        float v = a[i];
        // pow(-0, 0.5) = +0 and pow(-inf, 0.5) = +inf, where sqrt gives -0 and NaN
        float r = (float) Math.sqrt(v + 0f);
        a[i] = v == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY : r;
      }
    } else if (e == 1f) {
      return;
    } else if (e == 0f) {
      Arrays.fill(a, 0, len, 1f);
    } else if (e == -1f) {
      for (int i = 0; i < len; i++) {
        a[i] = 1f / a[i];
      }
    } else {
      double d = e;
      for (int i = 0; i < len; i++) {
        a[i] = (float) Math.pow(a[i], d);
      }
    }
  }


}
