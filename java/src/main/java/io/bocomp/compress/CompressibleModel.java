package io.bocomp.compress;

import io.bocomp.compress.CompressibleLayer.Kind;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpsetForms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model seen as the list of its compressible layers, with their shapes, MACs and which methods
 * apply to each, plus the model's whole-graph costs. Built once per model (it runs shape inference
 * when the graph lacks value infos and counts weight non-zeros); plans are validated, resolved and
 * costed against it without touching the graph again.
 *
 * <p>Layer names are the ONNX node names. Conv, Gemm and MatMul nodes that are not compressible (a
 * computed weight, a 1-D or 3-D conv) are listed in {@link #leftAlone()} with the reason.
 */
public final class CompressibleModel {
  private final Graph graph;
  private final Graph shaped;
  private final long opset;
  private final List<CompressibleLayer> layers;
  private final Map<String, CompressibleLayer> byName;
  private final Map<String, String> leftAlone;
  private final long params;
  private final long macs;
  private final long bytes;
  private final long otherParams;
  private final long otherMacs;
  private final long otherBytes;
  private volatile String hash;

  private CompressibleModel(Graph graph, Graph shaped, long opset, List<CompressibleLayer> layers,
      Map<String, String> leftAlone, long params, long macs, long bytes) {
    this.graph = graph;
    this.shaped = shaped;
    this.opset = opset;
    this.layers = List.copyOf(layers);
    Map<String, CompressibleLayer> m = new LinkedHashMap<>();
    for (CompressibleLayer l : layers) {
      m.put(l.name(), l);
    }
    this.byName = Collections.unmodifiableMap(m);
    this.leftAlone = Collections.unmodifiableMap(new LinkedHashMap<>(leftAlone));
    this.params = params;
    this.macs = macs;
    this.bytes = bytes;
    long p = params;
    long c = macs;
    long b = bytes;
    for (CompressibleLayer l : layers) {
      p -= l.weightNonZeros() + l.biasParams();
      c -= l.denseMacs(l.outputs(), l.inputs());
      b -= denseBytes(l);
    }
    this.otherParams = p;
    this.otherMacs = c;
    this.otherBytes = b;
  }

  /** Analyses a model's graph. */
  public static CompressibleModel of(Model model) {
    return of(model.graph(), model.opset());
  }

  /**
   * Analyses a graph.
   *
   * @param original the graph (never modified; plans build new graphs from it, in its canonical form,
   *     {@link OpsetForms})
   * @param originalOpset the model's default-domain opset (the analysis holds the canonical one)
   */
  public static CompressibleModel of(Graph original, long originalOpset) {
    Graph graph = OpsetForms.canonical(original, originalOpset);
    long opset = OpsetForms.canonicalOpset(originalOpset);
    Graph shaped = hasAllShapes(graph) ? graph : ShapeInference.infer(graph, opset);
    List<CompressibleLayer> found = new ArrayList<>();
    Map<String, String> leftAlone = new LinkedHashMap<>();
    List<Node> nodes = shaped.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (!isLayerOp(n)) {
        continue;
      }
      String why = notCompressible(shaped, n);
      if (why != null) {
        leftAlone.put(n.name(), why);
      } else {
        found.add(describe(shaped, n, i));
      }
    }
    // Second pass: channel paths need to know which consumers are layers.
    Map<String, CompressibleLayer> byNode = new LinkedHashMap<>();
    for (CompressibleLayer l : found) {
      byNode.put(l.name(), l);
    }
    ChannelPathFinder finder = new ChannelPathFinder(shaped, byNode);
    List<CompressibleLayer> layers = new ArrayList<>();
    for (CompressibleLayer l : found) {
      layers.add(withChannelPath(l, shaped, finder));
    }
    long macs = 0;
    for (Node n : nodes) {
      macs += GraphCost.nodeMacs(shaped, n);
    }
    return new CompressibleModel(graph, shaped, opset, layers, leftAlone, GraphCost.params(graph), macs,
        GraphCost.bytes(graph));
  }

  /** The graph as given. */
  public Graph graph() {
    return graph;
  }

  /**
   * The same graph with a shape recorded for every value (the given graph itself when it had them,
   * else the result of shape inference); compressed graphs are built from it.
   */
  public Graph shapedGraph() {
    return shaped;
  }

  public long opset() {
    return opset;
  }

  /** The compressible layers in graph order. */
  public List<CompressibleLayer> layers() {
    return layers;
  }

  /** The layer with this node name. */
  public Optional<CompressibleLayer> layer(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Conv/Gemm/MatMul nodes that are not compressible, with the reason, by node name. */
  public Map<String, String> leftAlone() {
    return leftAlone;
  }

  /** SHA-256 of the model ({@link ModelHash}), computed on first use. */
  public String hash() {
    String h = hash;
    if (h == null) {
      h = ModelHash.of(graph);
      hash = h;
    }
    return h;
  }

  /** Parameters of the whole original model ({@link GraphCost#params}). */
  public long params() {
    return params;
  }

  /** MACs of the whole original model ({@link GraphCost#nodeMacs}, summed). */
  public long macs() {
    return macs;
  }

  /** Weight bytes of the whole original model ({@link GraphCost#bytes}). */
  public long bytes() {
    return bytes;
  }

  /** Parameters outside the layers' weights and biases (other initializers). */
  public long otherParams() {
    return otherParams;
  }

  /** MACs of Conv/Gemm/MatMul nodes that are not compressible layers. */
  public long otherMacs() {
    return otherMacs;
  }

  /** Bytes of initializers outside the layers' weights and biases. */
  public long otherBytes() {
    return otherBytes;
  }

  /** Bytes of a layer's original weight (dense or CSR, the cheaper) and bias. */
  public static long denseBytes(CompressibleLayer l) {
    return GraphCost.weightBytes(l.weightElements(), l.weightNonZeros(), l.weightShape()[0])
        + 4 * l.biasParams();
  }

  private static boolean isLayerOp(Node n) {
    return n.opType().equals("Conv") || n.opType().equals("Gemm") || n.opType().equals("MatMul");
  }

  /** True if every node output has a recorded shape (unknown batch dimensions allowed). */
  private static boolean hasAllShapes(Graph g) {
    for (Node n : g.nodes()) {
      for (String v : n.outputs()) {
        if (v.isEmpty()) {
          continue;
        }
        int[] s = g.valueInfo(v).map(ValueInfo::shape).orElse(null);
        if (s == null) {
          return false;
        }
        for (int d = 1; d < s.length; d++) {
          if (s[d] < 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Why a Conv/Gemm/MatMul node is not compressible, or null if it is. */
  private static String notCompressible(Graph g, Node n) {
    Tensor w = g.initializer(n.input(1));
    if (w == null || !w.isFloat()) {
      return "its weight '" + n.input(1) + "' is not a float initializer";
    }
    if (g.isInitializer(n.input(0))) {
      return "its data input is a constant";
    }
    switch (n.opType()) {
      case "Conv":
        if (w.rank() != 4) {
          return "only 2-D convolutions are compressed (kernel rank " + (w.rank() - 2) + ")";
        }
        if (!n.input(2).isEmpty() && !g.isInitializer(n.input(2))) {
          return "its bias is computed";
        }
        return null;
      case "Gemm":
        return w.rank() == 2 ? null : "its weight is not 2-D";
      default:
        return w.rank() == 2 ? null : "its weight is not a 2-D matrix (batched MatMul)";
    }
  }

  private static CompressibleLayer describe(Graph g, Node n, int index) {
    Tensor w = g.initializer(n.input(1));
    int[] ws = w.shape();
    int[] in = shape(g, n.input(0), n);
    int[] out = shape(g, n.output(0), n);
    String biasName = null;
    long biasParams = 0;
    boolean biasPerOutput = false;
    String b = n.opType().equals("MatMul") ? "" : n.input(2);
    Kind kind;
    int outputs;
    int inputs;
    int outputAxis;
    long rows;
    int group = 1;
    int kh = 1;
    int kw = 1;
    int inH = 1;
    int inW = 1;
    int outH = 1;
    int outW = 1;
    Set<Method> methods = EnumSet.of(Method.PRUNE, Method.QUANTIZE);
    if (n.opType().equals("Conv")) {
      kind = Kind.CONV;
      group = (int) n.intAttr("group", 1);
      outputs = ws[0];
      inputs = ws[1] * group;
      outputAxis = 0;
      kh = ws[2];
      kw = ws[3];
      rows = known(in[0]);
      inH = in[2];
      inW = in[3];
      outH = out[2];
      outW = out[3];
      if (inH < 0 || inW < 0 || outH < 0 || outW < 0) {
        throw new ModelFormatException(n.label() + ": its input " + java.util.Arrays.toString(in)
            + " has symbolic spatial dimensions; bocomp fixes them from sample inputs (give"
            + " --images, or --input-shape CxHxW to inspect)");
      }
      if (group == 1) {
        methods.add(kh * kw == 1 ? Method.SVD : Method.TUCKER2);
      }
    } else {
      kind = n.opType().equals("Gemm") ? Kind.GEMM : Kind.MATMUL;
      boolean transB = kind == Kind.GEMM && n.intAttr("transB", 0) != 0;
      outputAxis = transB ? 0 : 1;
      outputs = ws[outputAxis];
      inputs = ws[1 - outputAxis];
      if (kind == Kind.GEMM) {
        rows = known(n.intAttr("transA", 0) != 0 ? in[1] : in[0]);
      } else {
        rows = 1;
        for (int d = 0; d < in.length - 1; d++) {
          rows *= known(in[d]);
        }
      }
      methods.add(Method.SVD);
    }
    if (!b.isEmpty()) {
      Tensor bt = g.initializer(b);
      if (bt != null && bt.isFloat() && g.consumers(b).size() == 1) {
        biasName = b;
        biasParams = bt.size();
        biasPerOutput = bt.rank() >= 1 && bt.dim(-1) == outputs;
      }
    }
    return new CompressibleLayer(n.name(), index, kind, n.input(1), biasName, biasParams,
        biasPerOutput, ws, outputAxis, outputs, inputs, kh, kw, group, rows, inH, inW, outH, outW,
        GraphCost.nonZeros(w), methods, null, null);
  }

  private static CompressibleLayer withChannelPath(CompressibleLayer l, Graph g,
      ChannelPathFinder finder) {
    ChannelPath path = null;
    String blocker;
    Node n = g.nodes().get(l.nodeIndex());
    if (l.kind() == Kind.CONV && l.group() != 1) {
      blocker = "grouped convolutions are not filter-pruned (group " + l.group() + ")";
    } else if (l.biasName() == null && !n.input(2).isEmpty() && l.kind() != Kind.MATMUL) {
      blocker = "its bias '" + n.input(2) + "' is shared or computed";
    } else if (l.biasName() != null && !l.biasPerOutput() && l.biasParams() > 1) {
      blocker = "its bias '" + l.biasName() + "' is not one entry per output";
    } else {
      try {
        path = finder.find(n, l.outputs());
        blocker = null;
      } catch (ChannelPathFinder.Blocked e) {
        blocker = e.getMessage();
      }
    }
    Set<Method> methods = EnumSet.copyOf(l.methods());
    if (path != null) {
      methods.add(Method.FILTER_PRUNE);
    }
    return new CompressibleLayer(l.name(), l.nodeIndex(), l.kind(), l.weightName(), l.biasName(),
        l.biasParams(), l.biasPerOutput(), l.weightShape(), l.outputAxis(), l.outputs(),
        l.inputs(), l.kernelH(), l.kernelW(), l.group(), l.rows(), l.inH(), l.inW(), l.outH(),
        l.outW(), l.weightNonZeros(), methods, path, blocker);
  }

  private static long known(int d) {
    return d < 0 ? 1 : d;
  }

  private static int[] shape(Graph g, String v, Node n) {
    int[] s = g.valueInfo(v).map(ValueInfo::shape).orElse(null);
    if (s == null) {
      throw new ModelFormatException(n.label() + ": the shape of '" + v + "' is unknown");
    }
    return s;
  }
}
