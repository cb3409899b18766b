package io.bocomp.model.onnx;

import io.bocomp.AtomicFiles;
import io.bocomp.BocompException;
import io.bocomp.model.Attribute;
import io.bocomp.model.ElemType;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Model} as an ONNX file that ONNX Runtime loads.
 *
 * <p>The ModelProto starts from {@link Model#origin()} when the model was imported, so metadata,
 * model-local functions and fields bocomp does not model (including unknown fields) are written
 * back; likewise each node starts from {@link Node#origin()} (its name, op, inputs, outputs and
 * attributes replaced by the IR's), each initializer, graph input, output and value info from the
 * imported message of the same name. {@code ir_version}, {@code opset_import} and
 * {@code producer_name} come from the {@link Model}; graph inputs and outputs are the model's
 * declared ones ({@link Model#declaredInputs()}, which differ from the graph's after
 * {@link Model#specialize}).
 *
 * <p>Quantized tensors need newer opsets than bocomp's canonical 18: the default-domain opset is
 * raised to what the graph's QuantizeLinear and DequantizeLinear nodes need ({@link
 * #requiredOpset}: 21 for int4/uint4, int16/uint16/int32 or a {@code block_size}, 25 for
 * int2/uint2), and the IR version to match (10 for opset 21, 13 for 25, as ONNX Runtime 1.29
 * reads them). The only op bocomp runs whose meaning changes on the way is GroupNormalization
 * (opset 21 scales per channel, not per group): a graph holding one is refused rather than
 * silently changed.
 *
 * <p>Initializers are written as little-endian {@code raw_data}. For IR versions below 4, whose
 * rules require every initializer to be listed as a graph input too, they are. Value infos are
 * written for the intermediate values of {@link Graph#valueInfos()} that some node still produces.
 * Limits: one protobuf file holds at most 2 GiB (external-data export is not implemented).
 */
public final class OnnxExporter {
  private OnnxExporter() {}

  /** The serialized model. */
  public static byte[] toBytes(Model model) {
    return toProto(model).toByteArray();
  }

  /**
   * Writes the model to {@code file} atomically: the bytes go to a temporary file in the same
   * directory, which is then moved over the target, so a failure never leaves a partial file.
   *
   * @throws BocompException naming the file when it cannot be written
   */
  public static void write(Model model, Path file) {
    byte[] bytes = toBytes(model);
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BocompException(file + ": cannot write model (" + e.getMessage() + ")", e);
    }
    AtomicFiles.write(file, out -> out.write(bytes));
  }

  /** The ModelProto for a model. */
  public static Onnx.ModelProto toProto(Model model) {
    Onnx.ModelProto origin = model.origin();
    Onnx.ModelProto.Builder m = origin == null ? Onnx.ModelProto.newBuilder() : origin.toBuilder();
    long opset = model.opset();
    long needed = requiredOpset(model.graph());
    long ir = model.irVersion();
    if (needed > opset) {
      checkRaise(model.graph(), opset, needed);
      ir = Math.max(ir, needed >= 25 ? 13 : 10);
    }
    m.setIrVersion(ir).setProducerName(model.producerName()).clearOpsetImport();
    boolean wroteDefault = false;
    for (Map.Entry<String, Long> e : model.opsets().entrySet()) {
      boolean isDefault = e.getKey().isEmpty() || e.getKey().equals("ai.onnx");
      long v = isDefault ? Math.max(e.getValue(), needed) : e.getValue();
      wroteDefault |= isDefault;
      m.addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(v));
    }
    if (!wroteDefault && needed > opset) {
      m.addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(needed));
    }
    Onnx.GraphProto shell = origin == null ? Onnx.GraphProto.getDefaultInstance() : origin.getGraph();
    return m.setGraph(graph(model.graph(), shell, model.irVersion(), model)).build();
  }

  /**
   * The lowest default-domain opset ONNX Runtime runs the graph's QuantizeLinear and
   * DequantizeLinear nodes at: 25 when one of them has an int2/uint2 side, 21 for int4/uint4,
   * int16/uint16, int32 or a {@code block_size}, else 0 (no requirement).
   */
  public static long requiredOpset(Graph g) {
    long need = 0;
    for (Node n : g.nodes()) {
      boolean dq = n.opType().equals("DequantizeLinear");
      if (!dq && !n.opType().equals("QuantizeLinear") || !n.domain().isEmpty()) {
        continue;
      }
      int type = 0;
      String typed = dq ? n.input(0) : n.inputs().size() > 2 ? n.input(2) : "";
      if (!typed.isEmpty()) {
        Tensor t = g.initializer(typed);
        type = t != null ? t.elemType()
            : g.valueInfo(typed).map(ValueInfo::elemType).orElse(0);
      } else if (!dq) {
        type = (int) n.intAttr("output_dtype", 0);
      }
      if (type == ElemType.INT2 || type == ElemType.UINT2) {
        need = Math.max(need, 25);
      } else if (ElemType.isSubByte(type) || type == ElemType.INT16 || type == ElemType.UINT16
          || type == ElemType.INT32 || n.intAttr("block_size", 0) > 0) {
        need = Math.max(need, 21);
      }
    }
    return need;
  }

  private static void checkRaise(Graph g, long from, long to) {
    if (from < 21 && to >= 21) {
      for (Node n : g.nodes()) {
        if (n.opType().equals("GroupNormalization")) {
          throw new BocompException("cannot write the quantized model at opset " + to + ": node '"
              + n.name() + "' is a GroupNormalization of opset " + from + ", whose scales change"
              + " meaning at opset 21");
        }
      }
    }
  }

  private static Onnx.GraphProto graph(Graph g, Onnx.GraphProto shell, long irVersion,
      Model model) {
    Map<String, Onnx.TensorProto> tensorShells = new HashMap<>();
    for (Onnx.TensorProto t : shell.getInitializerList()) {
      tensorShells.putIfAbsent(t.getName(), t);
    }
    Map<String, Onnx.ValueInfoProto> infoShells = new HashMap<>();
    for (Onnx.ValueInfoProto v : shell.getValueInfoList()) {
      infoShells.putIfAbsent(v.getName(), v);
    }
    for (Onnx.ValueInfoProto v : shell.getOutputList()) {
      infoShells.put(v.getName(), v);
    }
    for (Onnx.ValueInfoProto v : shell.getInputList()) {
      infoShells.put(v.getName(), v);
    }

    Onnx.GraphProto.Builder b = shell.toBuilder().clearNode().clearInitializer().clearInput()
        .clearOutput().clearValueInfo().setName(g.name());
    for (Node n : g.nodes()) {
      b.addNode(node(n));
    }
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      Onnx.TensorProto s = tensorShells.get(e.getKey());
      Onnx.TensorProto.Builder t = s == null ? Onnx.TensorProto.newBuilder() : s.toBuilder();
      b.addInitializer(TensorCodec.encode(e.getValue(), t.setName(e.getKey())));
    }
    for (ValueInfo v : model.declaredInputs()) {
      b.addInput(ValueInfoCodec.encode(v, infoShells.get(v.name())));
    }
    if (irVersion < 4) {
      for (String name : g.initializers().keySet()) {
        b.addInput(ValueInfoCodec.encode(g.valueInfo(name).orElseThrow(), infoShells.get(name)));
      }
    }
    Set<String> outputs = new HashSet<>();
    for (ValueInfo v : model.declaredOutputs()) {
      outputs.add(v.name());
      b.addOutput(ValueInfoCodec.encode(v, infoShells.get(v.name())));
    }
    Set<String> produced = new HashSet<>();
    for (Node n : g.nodes()) {
      produced.addAll(n.outputs());
    }
    // a specialized model's intermediate shapes hold the sample's sizes: leave them out
    for (ValueInfo v : model.isSpecialized() ? List.<ValueInfo>of() : g.valueInfos().values()) {
      if (produced.contains(v.name()) && !outputs.contains(v.name())) {
        b.addValueInfo(ValueInfoCodec.encode(v, infoShells.get(v.name())));
      }
    }
    return b.build();
  }

  private static Onnx.NodeProto node(Node n) {
    Onnx.NodeProto origin = n.origin();
    Map<String, Onnx.AttributeProto> originalAttrs = new HashMap<>();
    Onnx.NodeProto.Builder b;
    if (origin == null) {
      b = Onnx.NodeProto.newBuilder();
    } else {
      for (Onnx.AttributeProto a : origin.getAttributeList()) {
        originalAttrs.putIfAbsent(a.getName(), a);
      }
      b = origin.toBuilder().clearInput().clearOutput().clearAttribute();
    }
    b.setName(n.name()).setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
    if (!b.getDomain().equals(n.domain())) {
      b.setDomain(n.domain());
    }
    for (Map.Entry<String, Attribute> e : n.attributes().entrySet()) {
      b.addAttribute(AttributeCodec.encode(e.getKey(), e.getValue(), originalAttrs.get(e.getKey())));
    }
    return b.build();
  }
}
