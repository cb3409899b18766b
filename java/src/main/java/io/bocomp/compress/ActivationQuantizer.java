package io.bocomp.compress;

import io.bocomp.data.InputSource;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Executable;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.QuantizedWeights;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static 8-bit activation quantization of a (float or weight-quantized) graph in ONNX Runtime's
 * QDQ form, so that ORT fuses Conv, Gemm and MatMul into integer kernels (QLinearConv, QGemm,
 * QLinearMatMul / MatMulIntegerToFloat).
 *
 * <p>Algorithm:
 * <ol>
 *   <li>Targets: every Conv, Gemm ({@code transA = 0}) and MatMul whose first input is run-time
 *       data and whose weight is a float initializer or an int8 DequantizeLinear.</li>
 *   <li>Weights: a float weight becomes int8 codes per output channel ({@link WeightQuantizer},
 *       8 bits, symmetric) feeding DequantizeLinear; int8 codes bocomp already stores stay. A
 *       weight stored in int2/int4 is left as it is and its node is not a target (ORT's CPU
 *       integer kernels take 8-bit weights only): it runs in float between quantized
 *       activations.</li>
 *   <li>Activations: each target's run-time inputs and its output (the output of a Relu that is
 *       its only reader, so ORT folds the Relu into the zero point) get a QuantizeLinear →
 *       DequantizeLinear pair with one uint8 scale and zero point per tensor: {@code [lo, hi]}
 *       (widened to hold 0) is the min/max over the calibration images, or the
 *       {@code p}/{@code 1-p} quantiles of a 4,096-bin histogram between them ({@link
 *       Calibration#PERCENTILE}); {@code scale = (hi - lo) / 255}, {@code zp = rint(-lo / scale)}.
 *       Graph outputs are not quantized (the logits stay float).</li>
 *   <li>Biases: a float bias of a target with an int8 weight becomes int32 codes with scale
 *       {@code s_x * s_w[c]} (zero point 0), as ORT's QDQ selectors require; a bias whose codes
 *       would exceed 2^24 in magnitude stays float (that node then runs in float).</li>
 * </ol>
 *
 * <p>Limits: uint8 activations with int8 weights only (ORT's U8S8 form); per-tensor activation
 * scales; Conv weights quantized along axis 0, Gemm along its output axis, MatMul along axis 1.
 * The file grows by the int8 copies of weights that were float and shrinks by nothing else.
 */
public final class ActivationQuantizer {
  /** How the range of an activation is chosen from the calibration data. */
  public enum Calibration { MINMAX, PERCENTILE }

  private static final int BINS = 4096;
  private static final int CAL_BATCH = 100;

  /** The rewritten graph and what was done. */
  public record Result(Graph graph, int activations, int integerLayers, List<String> notes) {}

  private ActivationQuantizer() {}

  /**
   * Quantizes the activations of {@code model}, calibrated by running it on the first {@code
   * images} inputs of {@code data} on {@code backend}.
   *
   * @param percentile the upper quantile for {@link Calibration#PERCENTILE} (e.g. 0.9999)
   */
  public static Result quantize(Model model, Backend backend, InputSource data, int images,
      Calibration calibration, double percentile) {
    Graph g = model.graph();
    Map<String, Node> targets = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    Set<String> acts = new LinkedHashSet<>();
    Map<String, QuantizedTensor> newWeights = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      if (!n.domain().isEmpty() || !isTarget(n) || g.isInitializer(n.input(0))) {
        continue;
      }
      String w = n.input(1);
      Tensor fw = g.initializer(w);
      if (fw != null && fw.isFloat()) {
        if (g.consumers(w).size() != 1) {
          notes.add(n.name() + ": weight shared with another node, left float");
          continue;
        }
        newWeights.put(w, WeightQuantizer.perChannel(fw, outputAxis(n, fw.rank()), 8));
      } else if (int8Weight(g, w) == null) {
        if (g.isInitializer(w) || g.producer(w).isPresent()) {
          notes.add(n.name() + ": weight not stored as 8-bit codes, runs in float");
        }
        continue;
      }
      targets.put(n.name(), n);
      acts.add(n.input(0));
      if (n.opType().equals("MatMul") && !g.isInitializer(n.input(1))
          && g.producer(n.input(1)).filter(p -> p.opType().equals("DequantizeLinear")).isEmpty()) {
        acts.add(n.input(1));
      }
      String out = n.output(0);
      List<Node> readers = g.consumers(out);
      if (readers.size() == 1 && readers.get(0).opType().equals("Relu") && !g.isOutput(out)) {
        out = readers.get(0).output(0);
      }
      if (!g.isOutput(out)) {
        acts.add(out);
      }
    }
    Graph withWeights = QuantizedWeights.insert(g, newWeights);
    Map<String, float[]> ranges = calibrate(model.withGraph(withWeights), backend, data,
        Math.min(images, data.size()), new ArrayList<>(acts), calibration, percentile);
    Graph out = rewrite(withWeights, targets, ranges, notes);
    return new Result(out, ranges.size(), countInteger(out, targets, ranges), notes);
  }

  private static boolean isTarget(Node n) {
    return switch (n.opType()) {
      case "Conv", "MatMul" -> n.inputs().size() >= 2;
      case "Gemm" -> n.intAttr("transA", 0) == 0 && n.inputs().size() >= 2;
      default -> false;
    };
  }

  private static int outputAxis(Node n, int rank) {
    return switch (n.opType()) {
      case "Conv" -> 0;
      case "Gemm" -> n.intAttr("transB", 0) != 0 ? 0 : 1;
      default -> rank - 1;
    };
  }

  /** The int8 per-axis codes feeding {@code value}, or null. */
  private static QuantizedTensor int8Weight(Graph g, String value) {
    QuantizedTensor q = QuantizedWeights.find(g).get(value);
    return q != null && q.codes().elemType() == ElemType.INT8 && q.blockSize() == 0
        && q.zeroPoints() == null ? q : null;
  }

  /** {lo, hi, scale, zero point} per activation. */
  private static Map<String, float[]> calibrate(Model m, Backend backend, InputSource data, int n,
      List<String> acts, Calibration c, double p) {
    float[] lo = new float[acts.size()];
    float[] hi = new float[acts.size()];
    java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    long[][] hist = new long[acts.size()][BINS];
    try (Executable e = backend.compile(m)) {
      String in = m.graph().inputs().get(0).name();
      for (int pass = 0; pass < (c == Calibration.PERCENTILE ? 2 : 1); pass++) {
        for (int from = 0; from < n; from += CAL_BATCH) {
          Tensor x = data.batch(from, Math.min(n, from + CAL_BATCH));
          List<String> wanted = new ArrayList<>(acts);
          wanted.remove(in);
          Map<String, Tensor> r = new LinkedHashMap<>(e.run(Map.of(in, x), wanted));
          r.put(in, x);
          for (int k = 0; k < acts.size(); k++) {
            FloatBuffer v = r.get(acts.get(k)).data();
            for (int i = 0; i < v.limit(); i++) {
              float y = v.get(i);
              if (pass == 0) {
                lo[k] = Math.min(lo[k], y);
                hi[k] = Math.max(hi[k], y);
              } else if (hi[k] > lo[k]) {
                int b = (int) ((y - lo[k]) / (hi[k] - lo[k]) * (BINS - 1));
                hist[k][Math.max(0, Math.min(BINS - 1, b))]++;
              }
            }
          }
        }
      }
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (int k = 0; k < acts.size(); k++) {
      float l = lo[k];
      float h = hi[k];
      if (c == Calibration.PERCENTILE && h > l) {
        float[] q = quantiles(hist[k], l, h, 1 - p, p);
        l = q[0];
        h = q[1];
      }
      l = Math.min(l, 0f);
      h = Math.max(h, 0f);
      float scale = h > l ? (h - l) / 255f : 1f;
      float zp = Math.max(0, Math.min(255, (float) Math.rint(-l / scale)));
      out.put(acts.get(k), new float[] {l, h, scale, zp});
    }
    return out;
  }

  private static float[] quantiles(long[] hist, float lo, float hi, double a, double b) {
    long total = 0;
    for (long h : hist) {
      total += h;
    }
    float width = (hi - lo) / (BINS - 1);
    float qa = lo;
    float qb = hi;
    long seen = 0;
    boolean aSet = false;
    for (int i = 0; i < BINS; i++) {
      seen += hist[i];
      if (!aSet && seen >= a * total) {
        qa = lo + i * width;
        aSet = true;
      }
      if (seen >= b * total) {
        qb = lo + (i + 1) * width;
        break;
      }
    }
    return new float[] {qa, Math.min(qb, hi)};
  }

  private static Graph rewrite(Graph g, Map<String, Node> targets, Map<String, float[]> ranges,
      List<String> notes) {
    Set<String> names = new HashSet<>(g.initializers().keySet());
    for (Node n : g.nodes()) {
      names.add(n.name());
      names.addAll(n.outputs());
      names.addAll(n.inputs());
    }
    for (ValueInfo v : g.inputs()) {
      names.add(v.name());
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    Map<String, String> renamed = new LinkedHashMap<>();
    Map<String, Tensor> inits = b.initializers();
    for (ValueInfo v : g.inputs()) {
      if (ranges.containsKey(v.name())) {
        pair(b, inits, names, renamed, v.name(), ranges.get(v.name()));
      }
    }
    for (Node n : g.nodes()) {
      Node.Builder nb = n.toBuilder();
      List<String> ins = new ArrayList<>(n.inputs());
      for (int i = 0; i < ins.size(); i++) {
        String r = renamed.get(ins.get(i));
        if (r != null) {
          ins.set(i, r);
        }
      }
      Node target = targets.get(n.name());
      if (target != null && ins.size() > 2 && !ins.get(2).isEmpty()) {
        String bias = ins.get(2);
        String q = biasCodes(g, n, bias, ranges.get(n.input(0)), inits, names, b, notes);
        if (q != null) {
          ins.set(2, q);
        }
      }
      b.addNode(nb.inputs(ins).build());
      for (String o : n.outputs()) {
        if (ranges.containsKey(o)) {
          pair(b, inits, names, renamed, o, ranges.get(o));
        }
      }
    }
    return b.build();
  }

  /** QuantizeLinear then DequantizeLinear of {@code value}; later readers read the latter. */
  private static void pair(Graph.Builder b, Map<String, Tensor> inits, Set<String> names,
      Map<String, String> renamed, String value, float[] r) {
    String s = Graph.freshName(names, value + "_act_scale");
    String z = Graph.freshName(names, value + "_act_zero_point");
    String q = Graph.freshName(names, value + "_act_quantized");
    String dq = Graph.freshName(names, value + "_act_dequantized");
    inits.put(s, Tensor.scalar(r[2]));
    inits.put(z, Tensor.ofLongs(new int[0], new long[] {(long) r[3]})
        .withElemType(ElemType.UINT8));
    b.addNode(Node.builder("QuantizeLinear").name(Graph.freshName(names, value + "/QuantizeLinear"))
        .inputs(value, s, z).outputs(q).build());
    b.addNode(Node.builder("DequantizeLinear").name(Graph.freshName(names, value + "/DequantizeLinear"))
        .inputs(q, s, z).outputs(dq).build());
    renamed.put(value, dq);
  }

  /** The int32 bias codes' DequantizeLinear output, or null to keep the bias float. */
  private static String biasCodes(Graph g, Node n, String bias, float[] inRange,
      Map<String, Tensor> inits, Set<String> names, Graph.Builder b, List<String> notes) {
    Tensor fb = g.initializer(bias);
    QuantizedTensor w = int8Weight(g, n.input(1));
    if (fb == null || !fb.isFloat() || w == null || inRange == null || fb.rank() != 1
        || w.scales().size() != fb.size() && w.scales().size() != 1) {
      return null;
    }
    float[] ws = w.scales().toFloatArray();
    float[] bv = fb.toFloatArray();
    float[] scale = new float[bv.length];
    long[] codes = new long[bv.length];
    for (int c = 0; c < bv.length; c++) {
      scale[c] = inRange[2] * ws[ws.length == 1 ? 0 : c];
      double q = Math.rint(bv[c] / (double) scale[c]);
      if (!(Math.abs(q) <= (1 << 24))) {
        notes.add(n.name() + ": bias too large for int32 codes at this scale, left float");
        return null;
      }
      codes[c] = (long) q;
    }
    String out = Graph.freshName(names, bias + "_int32_dequantized");
    QuantizedTensor qt = new QuantizedTensor(
        Tensor.ofLongs(new int[] {bv.length}, codes).withElemType(ElemType.INT32),
        Tensor.of(new int[] {bv.length}, scale), null, 0, 0, 32);
    b.addNode(QuantizedWeights.node(inits, names, out, qt));
    if (g.consumers(bias).size() == 1) {
      inits.remove(bias);
    }
    return out;
  }

  private static int countInteger(Graph g, Map<String, Node> targets, Map<String, float[]> r) {
    int k = 0;
    for (Node n : targets.values()) {
      k += r.containsKey(n.input(0)) ? 1 : 0;
    }
    return k;
  }
}
