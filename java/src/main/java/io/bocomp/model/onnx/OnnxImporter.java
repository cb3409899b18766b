package io.bocomp.model.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.TopologicalOrder;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpTable;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model file into bocomp's graph IR ({@link Model}, {@link Graph}).
 *
 * <p>What the import does, in order:
 *
 * <ol>
 *   <li>Parses the protobuf (generated classes, no hand-written wire parsing). Bytes that are not a
 *       protobuf, or a protobuf without {@code ir_version} or {@code graph}, are "not an ONNX
 *       model". IR versions {@value #MIN_IR_VERSION}..{@value #MAX_IR_VERSION} and default-domain
 *       opsets {@value #MIN_OPSET}..{@value #MAX_OPSET} are accepted.
 *   <li>Names nodes. <b>Naming rule</b> (plans and the CLI refer to nodes by these names): a node
 *       keeps its name from the file if it has one and no earlier node in the file has the same
 *       name; otherwise it is named {@code <op_type>_<i>}, where {@code i} is its 0-based position
 *       in the file's node list (e.g. {@code Conv_3}); if that name is taken by another node of the
 *       file, {@code _1}, {@code _2}, ... is appended until it is free.
 *   <li>Checks every node is in the default domain and in the op table ({@link OpTable}; {@link
 *       UnsupportedOperatorException} naming the node, op and supported ops), before any weight
 *       is read.
 *   <li>Decodes initializers (see {@code TensorCodec}; external data is read relative to the model
 *       file's directory, see {@code ExternalDataReader}). Sparse initializers are refused. Each
 *       {@code Constant} node becomes an initializer named after its output; the node disappears.
 *   <li>Takes graph inputs that are not initializers as the runtime inputs (old exporters also list
 *       every weight as an input); each must be a float32 tensor. Unknown dimensions are -1, with
 *       their {@code dim_param} name kept.
 *   <li>Sorts the nodes topologically and checks the graph ({@link TopologicalOrder}).
 *   <li>Records a warning per float initializer holding NaN or infinite values ({@link
 *       Model#warnings()}); these are not errors.
 * </ol>
 *
 * <p>For a faithful export the ModelProto is kept as {@link Model#origin()} with its graph
 * stripped: no nodes, and initializers reduced to their metadata (name, doc string, unknown fields;
 * no data). Each node keeps its NodeProto as {@link Node#origin()}; attribute kinds bocomp does not
 * interpret are kept as {@link io.bocomp.model.Attribute#opaque}.
 *
 * <p>Every error is a {@link ModelFormatException} or {@link UnsupportedOperatorException} whose
 * one-line message starts with the source name and names the tensor, node or value at fault
 * (a missing or unreadable file, a directory, or a file over 2 GiB is a ModelFormatException too).
 * The importer does not fold or optimize anything: see {@link io.bocomp.model.GraphOptimizer}.
 */
public final class OnnxImporter {
  /** Lowest supported ONNX IR version. */
  public static final long MIN_IR_VERSION = 3;
  /** Highest supported ONNX IR version. */
  public static final long MAX_IR_VERSION = 13;
  /** Lowest supported default-domain (ai.onnx) opset. */
  public static final long MIN_OPSET = 7;
  /** Highest supported default-domain (ai.onnx) opset. */
  public static final long MAX_OPSET = 25;

  private OnnxImporter() {}

  /** Reads a model file; external data is resolved against the file's directory. */
  public static Model read(Path file) {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new ModelFormatException(file + ": is a directory, not an ONNX model file");
      }
      if (Files.size(file) > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(file + ": larger than 2 GiB; store the weights as external"
            + " data (onnx.save_model(..., save_as_external_data=True))");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(file + ": no such file");
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    Path dir = file.toAbsolutePath().getParent();
    return read(bytes, file.toString(), dir);
  }

  /**
   * Reads a model from bytes.
   *
   * @param sourceName how to name the model in error messages (usually its path)
   * @param externalDataDir where external tensor data lives; null if the model has none
   */
  public static Model read(byte[] bytes, String sourceName, Path externalDataDir) {
    Onnx.ModelProto proto;
    try {
      proto = Onnx.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      String why = e.getMessage() != null && e.getMessage().contains("truncated")
          ? "truncated or corrupt protobuf data" : "invalid protobuf: " + e.getMessage();
      throw new ModelFormatException(oneLine(sourceName + ": not an ONNX model (" + why + ")"), e);
    }
    if (bytes.length == 0) {
      throw new ModelFormatException(sourceName + ": not an ONNX model (empty file)");
    }
    if (!proto.hasGraph() || proto.getIrVersion() == 0) {
      throw new ModelFormatException(sourceName + ": not an ONNX model (no "
          + (proto.hasGraph() ? "ir_version" : "graph") + " field)");
    }
    try {
      return convert(proto, new ExternalDataReader(externalDataDir));
    } catch (UnsupportedOperatorException e) {
      throw new UnsupportedOperatorException(oneLine(sourceName + ": " + e.getMessage()));
    } catch (ModelFormatException e) {
      throw new ModelFormatException(oneLine(sourceName + ": " + e.getMessage()), e.getCause());
    }
  }

  /**
   * The message as one printable line of bounded length: names come from the file and may hold
   * control characters (escaped Java-style, as backslash-n or backslash-u and four hex digits) or
   * be absurdly long (the middle is cut).
   */
  public static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(Math.min(message.length(), 4096));
    for (int i = 0; i < message.length(); i++) {
      char ch = message.charAt(i);
      if (ch == '\n') {
        sb.append("\\n");
      } else if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029') {
        sb.append(String.format("\\u%04x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    int max = 2000;
    if (sb.length() > max) {
      return sb.substring(0, max / 2) + " [...] " + sb.substring(sb.length() - max / 2);
    }
    return sb.toString();
  }

  private static Model convert(Onnx.ModelProto proto, ExternalDataReader external) {
    long ir = proto.getIrVersion();
    if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) {
      throw new ModelFormatException("unsupported ONNX IR version " + ir + " (bocomp reads "
          + MIN_IR_VERSION + ".." + MAX_IR_VERSION + ")");
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (Onnx.OperatorSetIdProto op : proto.getOpsetImportList()) {
      String domain = op.getDomain().equals("ai.onnx") ? "" : op.getDomain();
      opsets.putIfAbsent(domain, op.getVersion());
    }
    Long opset = opsets.get("");
    if (opset == null) {
      throw new ModelFormatException("no opset_import for the default domain ai.onnx");
    }
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new ModelFormatException("unsupported opset " + opset + " for domain ai.onnx (bocomp"
          + " supports " + MIN_OPSET + ".." + MAX_OPSET + ")");
    }
    Onnx.GraphProto g = proto.getGraph();
    List<String> warnings = new ArrayList<>();
    Graph graph = convertGraph(g, external, warnings);
    Onnx.ModelProto origin = proto.toBuilder().setGraph(strip(g)).build();
    return new Model(graph, ir, opsets, proto.getProducerName(), origin).withWarnings(warnings);
  }

  private static Graph convertGraph(Onnx.GraphProto g, ExternalDataReader external,
      List<String> warnings) {
    if (g.getSparseInitializerCount() > 0) {
      throw new ModelFormatException("sparse initializer '"
          + g.getSparseInitializer(0).getValues().getName() + "' is not supported");
    }
    List<String> names = nodeNames(g.getNodeList());
    for (int i = 0; i < g.getNodeCount(); i++) {
      checkSupported(g.getNode(i), names.get(i)); // before reading (maybe large) weights
    }
    Map<String, Tensor> initializers = new LinkedHashMap<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new ModelFormatException("an initializer has no name");
      }
      String what = "initializer '" + t.getName() + "'";
      if (initializers.put(t.getName(), TensorCodec.decode(t, what, external)) != null) {
        throw new ModelFormatException("two initializers are named '" + t.getName() + "'");
      }
    }

    List<Node> nodes = new ArrayList<>(g.getNodeCount());
    for (int i = 0; i < g.getNodeCount(); i++) {
      Onnx.NodeProto p = g.getNode(i);
      String name = names.get(i);
      String label = p.getOpType() + " node '" + name + "'";
      if (p.getOpType().equals("Constant")) {
        if (p.getOutputCount() != 1 || p.getOutput(0).isEmpty()) {
          throw new ModelFormatException(label + " must have exactly one output");
        }
        String out = p.getOutput(0);
        if (initializers.put(out, ConstantValue.of(p, label, external)) != null) {
          throw new ModelFormatException(label + " produces value '" + out
              + "', which is already an initializer");
        }
        continue;
      }
      Node.Builder b = Node.builder(p.getOpType()).name(name).domain(p.getDomain()).origin(p)
          .inputs(p.getInputList()).outputs(p.getOutputList());
      Set<String> seen = new HashSet<>();
      for (Onnx.AttributeProto a : p.getAttributeList()) {
        if (!seen.add(a.getName())) {
          throw new ModelFormatException(label + " has two attributes named '" + a.getName() + "'");
        }
        b.attr(a.getName(), AttributeCodec.decode(a, label + " attribute '" + a.getName() + "'",
            external));
      }
      nodes.add(b.build());
    }

    Graph.Builder gb = Graph.builder().name(g.getName());
    Set<String> declared = new HashSet<>();
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (initializers.containsKey(v.getName())) {
        continue; // a weight listed as input (IR < 4 style): a constant, not a runtime input
      }
      String what = "graph input '" + v.getName() + "'";
      if (v.getName().isEmpty()) {
        throw new ModelFormatException("a graph input has no name");
      }
      if (!ValueInfoCodec.isTensor(v)) {
        throw new ModelFormatException(what + " is not a tensor");
      }
      ValueInfo vi = ValueInfoCodec.decode(v, what);
      if (vi.elemType() != ValueInfo.ELEM_FLOAT) {
        throw new ModelFormatException(what + " has element type "
            + TensorCodec.typeName(vi.elemType()) + "; bocomp needs float32 inputs");
      }
      if (!declared.add(v.getName())) {
        throw new ModelFormatException("two graph inputs are named '" + v.getName() + "'");
      }
      gb.input(vi);
    }
    List<String> outputNames = new ArrayList<>();
    for (Onnx.ValueInfoProto v : g.getOutputList()) {
      String what = "graph output '" + v.getName() + "'";
      if (v.getName().isEmpty()) {
        throw new ModelFormatException("a graph output has no name");
      }
      if (!ValueInfoCodec.isTensor(v)) {
        throw new ModelFormatException(what + " is not a tensor");
      }
      gb.output(ValueInfoCodec.decode(v, what));
      outputNames.add(v.getName());
    }
    Set<String> available = new HashSet<>(declared);
    available.addAll(initializers.keySet());
    for (Node n : TopologicalOrder.sort(nodes, available, outputNames)) {
      gb.addNode(n);
    }
    for (Map.Entry<String, Tensor> e : initializers.entrySet()) {
      gb.initializer(e.getKey(), e.getValue());
      int bad = nonFinite(e.getValue());
      if (bad > 0) {
        warnings.add("initializer '" + e.getKey() + "' holds " + bad + " NaN or infinite value"
            + (bad == 1 ? "" : "s") + " (of " + e.getValue().size() + ")");
      }
    }
    Set<String> outputs = new HashSet<>(outputNames);
    for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
      String n = v.getName();
      if (ValueInfoCodec.isTensor(v) && !declared.contains(n) && !outputs.contains(n)
          && !initializers.containsKey(n)) {
        gb.valueInfo(ValueInfoCodec.decode(v, "value_info '" + n + "'"));
      }
    }
    return gb.build();
  }

  private static void checkSupported(Onnx.NodeProto p, String name) {
    if (p.getOpType().isEmpty()) {
      throw new ModelFormatException("node '" + name + "' has no op_type");
    }
    String domain = p.getDomain();
    if (!OpTable.isDefaultDomain(domain)) {
      throw new UnsupportedOperatorException("node '" + name + "' uses op " + p.getOpType()
          + " of domain '" + domain + "'; bocomp supports only default-domain (ai.onnx) ops: "
          + OpTable.listing());
    }
    if (!OpTable.names().contains(p.getOpType())) {
      throw new UnsupportedOperatorException("node '" + name + "' uses unsupported op "
          + p.getOpType() + "; bocomp supports: " + OpTable.listing());
    }
  }

  /** Unique node names by the rule in the class Javadoc. */
  static List<String> nodeNames(List<Onnx.NodeProto> nodes) {
    Set<String> explicit = new HashSet<>();
    for (Onnx.NodeProto p : nodes) {
      if (!p.getName().isEmpty()) {
        explicit.add(p.getName());
      }
    }
    Set<String> used = new HashSet<>();
    List<String> names = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String n = nodes.get(i).getName();
      if (n.isEmpty() || !used.add(n)) {
        String base = nodes.get(i).getOpType() + "_" + i;
        n = base;
        for (int k = 1; explicit.contains(n) || used.contains(n); k++) {
          n = base + "_" + k;
        }
        used.add(n);
      }
      names.add(n);
    }
    return names;
  }

  /** The graph without nodes, and with initializers reduced to their metadata. */
  private static Onnx.GraphProto strip(Onnx.GraphProto g) {
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      b.addInitializer(t.toBuilder().clearRawData().clearFloatData().clearInt32Data()
          .clearInt64Data().clearDoubleData().clearUint64Data().clearStringData()
          .clearExternalData().clearDataLocation().clearDims());
    }
    return b.build();
  }

  private static int nonFinite(Tensor t) {
    if (!t.isFloat()) {
      return 0;
    }
    FloatBuffer b = t.data();
    int bad = 0;
    for (int i = 0, n = t.size(); i < n; i++) {
      if (!Float.isFinite(b.get(i))) {
        bad++;
      }
    }
    return bad;
  }
}
