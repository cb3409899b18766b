package io.bocomp.compress.cost;

import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * Counts parameters, multiply-accumulates and weight bytes of any graph, the way {@code inspect}
 * reports them for a file. The analytic cost models ({@link ParamCost}, {@link MacCost},
 * {@link DiskBytesCost}) compute the same numbers from layer shapes and a plan without building a
 * graph; tests check that both agree on every exported compressed model.
 *
 * <p>Definitions:
 *
 * <ul>
 *   <li><b>Parameters</b>: every float initializer element, except that the weight of a Conv, Gemm or
 *       MatMul (its input 1) counts its non-zero elements, so a magnitude-pruned layer stored dense
 *       counts what a sparse format would keep. Int64 initializers (shapes, indices) are not
 *       parameters.
 *   <li><b>MACs</b>: multiply-accumulates of Conv ({@code outputElements * Cin/group * kh * kw}),
 *       Gemm ({@code M * K * N}) and MatMul ({@code outputElements * K}); other ops (activations,
 *       pooling, element-wise) are not counted. Unknown (symbolic) dimensions count as 1, so a model
 *       with a symbolic batch is costed for one sample.
 *   <li><b>Weight bytes</b>: float32 elements at 4 bytes, int64 at 8, except that a Conv/Gemm/MatMul
 *       weight is stored in the cheaper of dense and a CSR-like format: {@link #csrBytes}.
 *   <li><b>Quantized weights</b> (a DequantizeLinear of initializers): the integer codes count
 *       every element as a parameter and their packed size in bytes (e.g. two int4 codes per
 *       byte); the scales and zero points are storage, not parameters: bytes only.
 * </ul>
 */
public final class GraphCost {
  private GraphCost() {}

  /**
   * Bytes of a weight with {@code nonZeros} entries and {@code rows} rows (its first axis) in a
   * CSR-like format: 4-byte values, 4-byte column indices, 4-byte row pointers ({@code rows + 1}).
   */
  public static long csrBytes(long nonZeros, long rows) {
    return 8 * nonZeros + 4 * (rows + 1);
  }

  /** Bytes of a weight in the cheaper of dense float32 and {@link #csrBytes}. */
  public static long weightBytes(long elements, long nonZeros, long rows) {
    return Math.min(4 * elements, csrBytes(nonZeros, rows));
  }

  /** Parameters of the graph (see the class comment). */
  public static long params(Graph g) {
    long total = 0;
    for (var e : g.initializers().entrySet()) {
      Tensor t = e.getValue();
      int role = quantizationRole(g, e.getKey());
      if (role == 0) {
        total += t.size();
        continue;
      }
      if (!t.isFloat() || role > 0) {
        continue;
      }
      total += isLayerWeight(g, e.getKey()) ? nonZeros(t) : t.size();
    }
    return total;
  }

  /**
   * The input index at which DequantizeLinear nodes read an initializer (0 codes, 1 scales,
   * 2 zero points), or -1 when none does.
   */
  private static int quantizationRole(Graph g, String name) {
    for (Node c : g.consumers(name)) {
      if (c.opType().equals("DequantizeLinear")) {
        int i = c.inputs().indexOf(name);
        if (i >= 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Weight bytes of the graph (see the class comment). */
  public static long bytes(Graph g) {
    long total = 0;
    for (var e : g.initializers().entrySet()) {
      Tensor t = e.getValue();
      if (t.isFloat() && isLayerWeight(g, e.getKey()) && t.rank() >= 1) {
        total += weightBytes(t.size(), nonZeros(t), t.dim(0));
      } else if (!t.isFloat() && quantizationRole(g, e.getKey()) >= 0) {
        total += io.bocomp.model.QuantizedTensor.packedBytes(t.size(), t.elemType());
      } else {
        total += t.byteSize();
      }
    }
    return total;
  }

  /**
   * MACs of the graph. Uses the value infos the graph carries and runs shape inference when one
   * that is needed is missing.
   */
  public static long macs(Graph g, long opset) {
    Graph shaped = needsInference(g) ? ShapeInference.infer(g, opset) : g;
    long total = 0;
    for (Node n : shaped.nodes()) {
      total += nodeMacs(shaped, n);
    }
    return total;
  }

  /** MACs of one node of a graph whose value infos are known; 0 for ops that are not counted. */
  public static long nodeMacs(Graph shaped, Node n) {
    switch (n.opType()) {
      case "Conv": {
        int[] w = shape(shaped, n.input(1), n);
        int[] y = shape(shaped, n.output(0), n);
        return elements(y) * (elements(w) / Math.max(1, w[0]));
      }
      case "Gemm": {
        int[] a = shape(shaped, n.input(0), n);
        int[] b = shape(shaped, n.input(1), n);
        long m = known(n.intAttr("transA", 0) != 0 ? a[1] : a[0]);
        long k = known(n.intAttr("transA", 0) != 0 ? a[0] : a[1]);
        long cols = known(n.intAttr("transB", 0) != 0 ? b[0] : b[1]);
        return m * k * cols;
      }
      case "MatMul": {
        int[] a = shape(shaped, n.input(0), n);
        int[] y = shape(shaped, n.output(0), n);
        return elements(y) * known(a[a.length - 1]);
      }
      default:
        return 0;
    }
  }

  /** Number of non-zero elements of a float tensor. */
  public static long nonZeros(Tensor t) {
    FloatBuffer b = t.data();
    long nz = 0;
    for (int i = 0, n = t.size(); i < n; i++) {
      if (b.get(i) != 0f) {
        nz++;
      }
    }
    return nz;
  }

  /** True if the value is the weight input (input 1) of a Conv, Gemm or MatMul. */
  public static boolean isLayerWeight(Graph g, String valueName) {
    for (Node c : g.consumers(valueName)) {
      String op = c.opType();
      if ((op.equals("Conv") || op.equals("Gemm") || op.equals("MatMul"))
          && c.input(1).equals(valueName)) {
        return true;
      }
    }
    return false;
  }

  /** Product of dimensions, unknown ones (-1) counted as 1. */
  public static long elements(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= known(d);
    }
    return n;
  }

  private static long known(int d) {
    return d < 0 ? 1 : d;
  }

  private static boolean needsInference(Graph g) {
    for (Node n : g.nodes()) {
      if (n.opType().equals("Conv") || n.opType().equals("Gemm") || n.opType().equals("MatMul")) {
        for (String v : new String[] {n.input(0), n.input(1), n.output(0)}) {
          Optional<ValueInfo> vi = g.valueInfo(v);
          if (vi.isEmpty() || vi.get().shape() == null) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static int[] shape(Graph g, String value, Node n) {
    return g.valueInfo(value).map(ValueInfo::shape).orElseThrow(() -> new ModelFormatException(
        n.label() + ": shape of '" + value + "' is unknown"));
  }
}
