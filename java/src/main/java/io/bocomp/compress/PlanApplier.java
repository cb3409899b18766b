package io.bocomp.compress;

import io.bocomp.compress.ChannelPath.Consumer;
import io.bocomp.compress.ChannelPath.SideTensor;
import io.bocomp.compress.CompressibleLayer.Kind;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.QuantizedWeights;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the compressed graph of a {@link ResolvedPlan} from cached {@link ModelFactors}: slices of
 * the factors become new layers, nothing is decomposed. The input graph is not modified; untouched
 * tensors are shared.
 *
 * <ul>
 *   <li>{@code svd}: W ~ (U_k S_k) V_k^T (quantized: (U_k S_k^1/2)(S_k^1/2 V_k^T), so both
 *       factors carry half the spectrum) becomes two Gemms (transB kept; bias and beta on the
 *       second, alpha and transA on the first), two MatMuls, or for a 1x1 conv a 1x1 conv Cin -> k
 *       (original strides/pads) and a 1x1 conv k -> Cout with the bias. Nodes
 *       {@code <layer>/svd_in}, {@code <layer>/svd_out}.
 *   <li>{@code tucker2}: 1x1 conv Cin -> r_in ({@code <layer>/tucker_in}, weight U_in^T), the
 *       k x k core r_in -> r_out with the original attributes ({@code <layer>/tucker_core}), 1x1 conv
 *       r_out -> Cout with the bias ({@code <layer>/tucker_out}, weight U_out).
 *   <li>{@code prune}: the same node with a weight whose smallest-|w| entries are zero.
 *   <li>{@code filter_prune}: the same node with the weakest filters removed from its weight and
 *       bias, the matching entries removed from per-channel constants downstream, and the matching
 *       input channels (or flattened feature blocks) removed from the next layers.
 * </ul>
 *
 * A quantized choice ({@code bits > 0}) then stores each weight its nodes read (the kept or pruned
 * weight, each factor) as integer codes and scales ({@link WeightQuantizer}: per output channel,
 * per rank component for the second SVD factor, or per group of inputs for Gemm/MatMul weights)
 * feeding a DequantizeLinear
 * ({@code <weight>/DequantizeLinear}) placed before the node; the float op reads its output. A
 * weight the layer shares with other nodes is quantized under a fresh name, the others keep the
 * float one.
 *
 * <p>The last node of a rewritten layer keeps the layer's output value name, so the rest of the graph
 * is unchanged. Initializers no node reads any more are dropped; recorded shapes of values whose
 * channel count changed are dropped too (shape inference recomputes them).
 */
final class PlanApplier {
  private PlanApplier() {}

  static Graph apply(ResolvedPlan plan, ModelFactors factors, ApplyOptions options) {
    return new Run(plan, factors, options).build();
  }

  private static final class Run {
    final ResolvedPlan plan;
    final ModelFactors factors;
    final ApplyOptions options;
    final Graph g;
    final Map<String, Tensor> inits;
    final Set<String> names = new HashSet<>();
    final Map<String, int[]> keptOut = new HashMap<>();
    final Map<String, int[]> keptIn = new HashMap<>();
    final Map<String, Map<Integer, SideSlice>> sides = new HashMap<>();
    final Set<String> reshapes = new HashSet<>();
    final Map<String, ValueInfo> newShapes = new HashMap<>();

    record SideSlice(int axis, int[] keep) {}

    Run(ResolvedPlan plan, ModelFactors factors, ApplyOptions options) {
      this.plan = plan;
      this.factors = factors;
      this.options = options;
      this.g = plan.model().shapedGraph();
      this.inits = new java.util.LinkedHashMap<>(g.initializers());
      for (Node n : g.nodes()) {
        names.add(n.name());
        names.addAll(n.inputs());
        names.addAll(n.outputs());
      }
      names.addAll(inits.keySet());
    }

    Graph build() {
      planChannels();
      List<Node> out = new ArrayList<>();
      Map<Integer, LayerChoice> byIndex = new HashMap<>();
      for (LayerChoice c : plan.choices()) {
        byIndex.put(c.layer().nodeIndex(), c);
      }
      List<Node> nodes = g.nodes();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        LayerChoice c = byIndex.get(i);
        if (c != null && (!c.untouched() || keptOut.containsKey(c.name()))) {
          out.addAll(rewrite(c, n));
        } else {
          out.add(adjust(n));
        }
      }
      Graph.Builder b = g.toBuilder();
      b.nodes().clear();
      b.nodes().addAll(out);
      b.initializers().clear();
      Set<String> read = new HashSet<>();
      for (Node n : out) {
        read.addAll(n.inputs());
      }
      for (ValueInfo o : g.outputs()) {
        read.add(o.name());
      }
      for (Map.Entry<String, Tensor> e : inits.entrySet()) {
        if (read.contains(e.getKey())) {
          b.initializer(e.getKey(), e.getValue());
        }
      }
      for (ValueInfo vi : newShapes.values()) {
        b.valueInfo(vi);
      }
      return b.build();
    }

    /** Kept filters of filter-pruned layers, and what that removes downstream. */
    private void planChannels() {
      for (LayerChoice c : plan.choices()) {
        if (c.method() != Method.FILTER_PRUNE) {
          continue;
        }
        CompressibleLayer l = c.layer();
        int[] order = factors.filterRemovalOrder(l);
        int[] kept = Arrays.copyOfRange(order, l.outputs() - c.keptOutputs(), l.outputs());
        Arrays.sort(kept);
        keptOut.put(l.name(), kept);
        ChannelPath path = l.channelPath();
        for (Consumer con : path.consumers()) {
          keptIn.put(con.layerName(), TensorSlices.expand(kept, con.blockSize()));
        }
        for (SideTensor s : path.sideTensors()) {
          sides.computeIfAbsent(s.nodeName(), k -> new HashMap<>())
              .put(s.inputIndex(), new SideSlice(s.axis(), TensorSlices.expand(kept, s.blockSize())));
        }
        reshapes.addAll(path.reshapes());
        for (ChannelPath.ChannelValue v : path.values()) {
          g.valueInfo(v.name()).ifPresent(vi -> {
            int[] shape = vi.shape();
            shape[v.axis()] = kept.length * v.blockSize();
            newShapes.put(v.name(), vi.withShape(shape));
          });
        }
      }
    }

    /** A node outside the layers: per-channel constants sliced, reshape targets relaxed. */
    private Node adjust(Node n) {
      Map<Integer, SideSlice> s = sides.get(n.name());
      boolean reshape = reshapes.contains(n.name());
      if (s == null && !reshape) {
        return n;
      }
      Node.Builder b = n.toBuilder();
      List<String> ins = new ArrayList<>(n.inputs());
      if (s != null) {
        for (Map.Entry<Integer, SideSlice> e : s.entrySet()) {
          String name = ins.get(e.getKey());
          Tensor t = TensorSlices.keep(inits.get(name), e.getValue().axis(), e.getValue().keep());
          ins.set(e.getKey(), replace(name, n, t, n.name() + "/" + shortName(name)));
        }
      }
      if (reshape) {
        Tensor target = inits.get(ins.get(1));
        Tensor relaxed = Tensor.ofLongs(new int[] {2}, new long[] {target.getLong(0), -1});
        ins.set(1, replace(ins.get(1), n, relaxed, n.name() + "/shape"));
      }
      return b.inputs(ins).build();
    }

    private List<Node> rewrite(LayerChoice c, Node n) {
      List<Node> nodes = restructure(c, n);
      return c.quantized() ? quantize(c, n, nodes) : nodes;
    }

    /** The layer's nodes with each weight read from a DequantizeLinear of its codes. */
    private List<Node> quantize(LayerChoice c, Node original, List<Node> nodes) {
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        String w = n.input(1);
        Tensor t = inits.get(w);
        List<Node> readers = g.consumers(w);
        boolean shared = g.isOutput(w) || readers.size() > 1
            || (readers.size() == 1 && readers.get(0) != original);
        String value = w;
        if (shared) {
          value = fresh(c.name() + "/W");
          n = n.toBuilder().inputs(withInput(n.inputs(), 1, value)).build();
        } else {
          inits.remove(w);
        }
        Node node = n;
        // the second SVD factor's columns carry the spectrum: one scale per rank component
        boolean perRank = c.method() == Method.SVD && i == 1;
        QuantizedTensor q = options.hooiIterations() > 0 ? quantizeWeight(node, t, c, perRank)
            : factors.quantized(memoKey(c, i), () -> quantizeWeight(node, t, c, perRank));
        out.add(QuantizedWeights.node(inits, names, value, q));
        out.add(n);
      }
      return out;
    }

    /** What decides the i-th weight of a choice (the factors are fixed per model). */
    private static String memoKey(LayerChoice c, int i) {
      return c.name() + "|" + i + "|" + (c.method() == null ? "dense" : c.method().json()) + "|"
          + c.rank() + "|" + c.rankIn() + "|" + c.rankOut() + "|" + c.keptOutputs() + "|"
          + c.keptInputs() + "|" + c.zeroedWeights() + "|" + c.bits() + "|" + c.group();
    }

    private static QuantizedTensor quantizeWeight(Node n, Tensor w, LayerChoice c,
        boolean perRank) {
      int outAxis;
      switch (n.opType()) {
        case "Conv":
          outAxis = 0;
          break;
        case "Gemm":
          outAxis = n.intAttr("transB", 0) != 0 ? 0 : 1;
          break;
        default:
          outAxis = 1;
      }
      if (c.group() > 0) {
        return WeightQuantizer.perGroup(w, 1 - outAxis, c.group(), c.bits());
      }
      // a 1x1 conv's input channels are axis 1, a matrix's inputs the other axis
      int axis = !perRank ? outAxis : n.opType().equals("Conv") ? 1 : 1 - outAxis;
      return WeightQuantizer.perChannel(w, axis, c.bits());
    }

    private static List<String> withInput(List<String> inputs, int i, String v) {
      List<String> ins = new ArrayList<>(inputs);
      ins.set(i, v);
      return ins;
    }

    private List<Node> restructure(LayerChoice c, Node n) {
      CompressibleLayer l = c.layer();
      int[] in = keptIn.get(l.name());
      int[] outs = keptOut.get(l.name());
      if (c.method() == Method.SVD) {
        return svd(c, n, in);
      }
      if (c.method() == Method.TUCKER2) {
        return tucker(c, n, in);
      }
      // Same node, new weight (and bias).
      Tensor w = inits.get(l.weightName());
      if (outs != null) {
        w = TensorSlices.keep(w, l.outputAxis(), outs);
      }
      if (in != null) {
        w = TensorSlices.keep(w, inputAxis(l), in);
      }
      if (c.method() == Method.PRUNE && c.zeroedWeights() > 0) {
        w = MagnitudePruning.prune(w, c.zeroedWeights());
      }
      List<String> ins = new ArrayList<>(n.inputs());
      ins.set(1, replace(l.weightName(), n, w, l.name() + "/W"));
      if (outs != null && l.biasName() != null && l.biasPerOutput()) {
        Tensor bias = inits.get(l.biasName());
        ins.set(2, replace(l.biasName(), n, TensorSlices.keep(bias, bias.rank() - 1, outs),
            l.name() + "/B"));
      }
      return List.of(n.toBuilder().inputs(ins).build());
    }

    private List<Node> svd(LayerChoice c, Node n, int[] in) {
      CompressibleLayer l = c.layer();
      SvdFactors f = factors.of(l.name()).orElseThrow().svd();
      int r = c.rank();
      Tensor left;
      Tensor right;
      if (c.quantized()) {
        // balanced, U sqrt(S) and sqrt(S) V^T: both factors of one scale, so neither's
        // per-channel quantization is dominated by the leading singular values
        Tensor root = sqrt(f.s(), r);
        left = TensorSlices.leadingColumns(f.u(), r, root); // [p, r]
        right = scaleRows(TensorSlices.leadingRows(f.vt(), r), root); // [r, q]
      } else {
        left = TensorSlices.leadingColumns(f.u(), r, f.s()); // [p, r]
        right = TensorSlices.leadingRows(f.vt(), r); // [r, q]
      }
      int inAxis = l.kind() == Kind.CONV ? 1 : 1 - l.outputAxis();
      if (in != null) {
        if (inAxis == 0) {
          left = TensorSlices.keep(left, 0, in);
        } else {
          right = TensorSlices.keep(right, 1, in);
        }
      }
      String first = fresh(l.name() + "/svd_in");
      String second = fresh(l.name() + "/svd_out");
      String mid = fresh(first + "/Y");
      String y = n.output(0);
      shapeLike(mid, y, l.kind() == Kind.MATMUL ? -1 : 1, r);
      switch (l.kind()) {
        case CONV: {
          Node conv1 = Node.builder("Conv").name(first).inputs(n.input(0),
              add(first + "/W", right.reshape(r, right.dim(1), 1, 1))).outputs(mid).build();
          conv1 = withAttributes(conv1, n);
          List<String> ins2 = new ArrayList<>(List.of(mid,
              add(second + "/W", left.reshape(left.dim(0), r, 1, 1))));
          if (!n.input(2).isEmpty()) {
            ins2.add(n.input(2));
          }
          Node conv2 = Node.builder("Conv").name(second).inputs(ins2).outputs(y).build();
          return List.of(conv1, conv2);
        }
        case MATMUL: {
          Node m1 = Node.builder("MatMul").name(first)
              .inputs(n.input(0), add(first + "/W", left)).outputs(mid).build();
          Node m2 = Node.builder("MatMul").name(second)
              .inputs(mid, add(second + "/W", right)).outputs(y).build();
          return List.of(m1, m2);
        }
        default: {
          boolean transB = l.outputAxis() == 0;
          // transB=0: W[K,N] = L R, Y = A L R. transB=1: W[N,K] = L R, Y = A R^T L^T.
          Tensor w1 = transB ? right : left;
          Tensor w2 = transB ? left : right;
          Node.Builder g1 = Node.builder("Gemm").name(first)
              .inputs(n.input(0), add(first + "/W", w1)).outputs(mid)
              .attr("transA", n.intAttr("transA", 0)).attr("transB", transB ? 1L : 0L)
              .attr("alpha", n.floatAttr("alpha", 1f));
          List<String> ins2 = new ArrayList<>(List.of(mid, add(second + "/W", w2)));
          if (!n.input(2).isEmpty()) {
            ins2.add(n.input(2));
          }
          Node.Builder g2 = Node.builder("Gemm").name(second).inputs(ins2).outputs(y)
              .attr("transB", transB ? 1L : 0L).attr("beta", n.floatAttr("beta", 1f));
          return List.of(g1.build(), g2.build());
        }
      }
    }

    private List<Node> tucker(LayerChoice c, Node n, int[] in) {
      CompressibleLayer l = c.layer();
      var f = factors.of(l.name()).orElseThrow().tucker();
      int rin = c.rankIn();
      int rout = c.rankOut();
      Tensor uOut = TensorSlices.leadingColumns(f.uOut(), rout, null); // [Cout, r_out]
      Tensor uIn = TensorSlices.leadingColumns(f.uIn(), rin, null); // [Cin, r_in]
      Tensor core;
      if (in != null) {
        uIn = TensorSlices.keep(uIn, 0, in);
      }
      if (options.hooiIterations() > 0) {
        Tensor w = inits.get(l.weightName());
        if (in != null) {
          w = TensorSlices.keep(w, 1, in);
        }
        TuckerRefinement.Result refined =
            TuckerRefinement.refine(w, uOut, uIn, options.hooiIterations());
        uOut = refined.uOut();
        uIn = refined.uIn();
        core = refined.core();
      } else {
        // Removed inputs (a filter-pruned layer upstream) drop rows of U_in; the core stays.
        core = TensorSlices.leadingCore(f.core(), rout, rin);
      }
      String first = fresh(l.name() + "/tucker_in");
      String mid = fresh(l.name() + "/tucker_core");
      String last = fresh(l.name() + "/tucker_out");
      String y1 = fresh(first + "/Y");
      String y2 = fresh(mid + "/Y");
      shapeLike(y1, n.input(0), 1, rin);
      shapeLike(y2, n.output(0), 1, rout);
      int cin = uIn.dim(0);
      Node n1 = Node.builder("Conv").name(first)
          .inputs(n.input(0), add(first + "/W", TensorSlices.transpose(uIn).reshape(rin, cin, 1, 1)))
          .outputs(y1).build();
      Node n2 = withAttributes(Node.builder("Conv").name(mid)
          .inputs(y1, add(mid + "/W", core)).outputs(y2).build(), n);
      List<String> ins3 = new ArrayList<>(List.of(y2,
          add(last + "/W", uOut.reshape(uOut.dim(0), rout, 1, 1))));
      if (!n.input(2).isEmpty()) {
        ins3.add(n.input(2));
      }
      Node n3 = Node.builder("Conv").name(last).inputs(ins3).outputs(n.output(0)).build();
      return List.of(n1, n2, n3);
    }

    private static Tensor sqrt(Tensor s, int r) {
      float[] v = new float[r];
      for (int i = 0; i < r; i++) {
        v[i] = (float) Math.sqrt(Math.max(0f, s.get(i)));
      }
      return Tensor.of(new int[] {r}, v);
    }

    /** Row i of {@code a} times {@code scale[i]}, as a new tensor. */
    private static Tensor scaleRows(Tensor a, Tensor scale) {
      int rows = a.dim(0);
      int cols = a.dim(1);
      float[] out = a.toFloatArray();
      for (int i = 0; i < rows; i++) {
        float k = scale.get(i);
        for (int j = 0; j < cols; j++) {
          out[i * cols + j] *= k;
        }
      }
      return Tensor.of(new int[] {rows, cols}, out);
    }

    /** Records for {@code value} the shape of {@code like} with dimension {@code axis} set to dim. */
    private void shapeLike(String value, String like, int axis, int dim) {
      g.valueInfo(like).ifPresent(vi -> {
        int[] shape = vi.shape();
        if (shape != null) {
          shape[axis < 0 ? shape.length + axis : axis] = dim;
          newShapes.put(value, vi.withName(value).withShape(shape));
        }
      });
    }

    /** {@code node} with all attributes of {@code from} (strides, pads, dilations, auto_pad...). */
    private static Node withAttributes(Node node, Node from) {
      Node.Builder b = node.toBuilder();
      from.attributes().forEach(b::attr);
      return b.build();
    }

    private static int inputAxis(CompressibleLayer l) {
      return l.kind() == Kind.CONV ? 1 : 1 - l.outputAxis();
    }

    /**
     * Puts {@code t} where initializer {@code name} was for node {@code n}: under the same name if
     * {@code n} is its only reader, else under a fresh name derived from {@code suggested}.
     */
    private String replace(String name, Node n, Tensor t, String suggested) {
      if (t == inits.get(name)) {
        return name;
      }
      List<Node> readers = g.consumers(name);
      if (readers.size() == 1 && readers.get(0) == n && !g.isOutput(name)) {
        inits.put(name, t);
        return name;
      }
      return add(suggested, t);
    }

    private String add(String suggested, Tensor t) {
      String name = fresh(suggested);
      inits.put(name, t);
      return name;
    }

    private String fresh(String base) {
      String name = base;
      for (int i = 2; names.contains(name); i++) {
        name = base + "_" + i;
      }
      names.add(name);
      return name;
    }

    private static String shortName(String name) {
      int slash = name.lastIndexOf('/');
      return slash < 0 ? name : name.substring(slash + 1);
    }
  }
}
