package io.bocomp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.LayerAnalysis;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.Backend;
import io.bocomp.engine.Backends;
import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bocomp inspect}: the model as bocomp sees it after import (BatchNorm folded, Identity and
 * Dropout removed, shape subgraphs folded, quantized weights dequantized): every node with its
 * shapes, parameters and MACs per sample; totals; and the compressible layers with the methods
 * that apply, the ranks that keep 90/95/99% of the singular-value energy (computed once, then read
 * from the factor cache), the relative error of quantizing each weight per output channel to
 * 8/6/5/4/3/2 bits, and, for a file that stores weights quantized, their bit widths and the bytes
 * the file's weights take.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    resourceBundle = "io.bocomp.cli.InspectCommand")
public final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "ONNX model (default: the embedded fashion-cnn.onnx).")
  Path model;

  @Option(names = "--no-energy") boolean noEnergy;

  @Option(names = "--no-quant-errors") boolean noQuantErrors;

  @Mixin CacheDirOption cacheDir;

  @Option(names = "--input-shape", paramLabel = "CxHxW") String inputShape;

  @Mixin JsonOption json;

  @Override
  public Integer call() {
    Model m = ModelSource.load(model);
    if (inputShape != null) {
      m = ModelLoader.specialize(m, sampleShape(inputShape));
    }
    CompressibleModel cm = CompressibleModel.of(m);
    ModelFactors factors = noEnergy ? null : factors(cm);
    List<LayerAnalysis.Row> rows = LayerAnalysis.rows(cm, factors, !noQuantErrors,
        m.quantizedWeights());
    ObjectNode r = report(m, cm, rows);
    PrintWriter out = spec.commandLine().getOut();
    if (json.on) {
      JsonOutput.print(out, r);
    } else {
      printText(out, r, cm, rows);
    }
    return 0;
  }

  /** The layers' factors from the cache, decomposed by the CPU backend on a miss. */
  private ModelFactors factors(CompressibleModel cm) {
    try (Backend b = Backends.create("cpu")) {
      return FactorCache.at(b.decompositions(), cacheDir.dir).load(cm, model);
    }
  }

  /** "3x48x320" as {3, 48, 320}. */
  static int[] sampleShape(String text) {
    String[] parts = text.trim().split("[xX,]");
    int[] s = new int[parts.length];
    try {
      for (int i = 0; i < s.length; i++) {
        s[i] = Integer.parseInt(parts[i].trim());
        if (s[i] < 1) {
          throw new NumberFormatException();
        }
      }
    } catch (NumberFormatException e) {
      throw new BocompException("--input-shape must be positive sizes like 3x48x320, got '"
          + text + "'");
    }
    return s;
  }

  private ObjectNode report(Model m, CompressibleModel cm, List<LayerAnalysis.Row> rows) {
    Graph g = cm.shapedGraph();
    ObjectNode r = JsonOutput.object();
    r.put("model", ModelSource.name(model));
    r.put("producer", m.producerName());
    r.put("ir_version", m.irVersion());
    r.put("opset", m.opset());
    r.set("inputs", values(g.inputs()));
    r.set("outputs", values(g.outputs()));
    ObjectNode totals = r.putObject("totals");
    totals.put("nodes", g.nodes().size());
    totals.put("params", GraphCost.params(g));
    totals.put("macs", GraphCost.macs(g, m.opset()));
    totals.put("weight_bytes", GraphCost.bytes(g));
    if (!m.quantizedWeights().isEmpty()) {
      long stored = GraphCost.bytes(g);
      for (Map.Entry<String, QuantizedTensor> e : m.quantizedWeights().entrySet()) {
        Tensor w = g.initializer(e.getKey());
        stored += e.getValue().storageBytes() - (w == null ? 0 : GraphCost.isLayerWeight(g,
            e.getKey()) && w.rank() >= 1 ? GraphCost.weightBytes(w.size(), GraphCost.nonZeros(w),
            w.dim(0)) : w.byteSize());
      }
      totals.put("stored_weight_bytes", stored);
      totals.put("quantized_weights", m.quantizedWeights().size());
    }
    ArrayNode nodes = r.putArray("layers");
    Set<String> counted = new HashSet<>();
    for (Node n : g.nodes()) {
      ObjectNode o = nodes.addObject();
      o.put("name", n.name());
      o.put("op", n.opType());
      ArrayNode ins = o.putArray("input_shapes");
      long params = 0;
      for (String in : n.inputs()) {
        if (in.isEmpty()) {
          continue;
        }
        Tensor w = g.initializer(in);
        if (w != null) {
          if (w.isFloat() && counted.add(in)) {
            params += GraphCost.isLayerWeight(g, in) ? GraphCost.nonZeros(w) : w.size();
          }
        } else {
          ins.add(shape(g, in));
        }
      }
      o.put("output_shape", shape(g, n.output(0)));
      o.put("params", params);
      o.put("macs", GraphCost.nodeMacs(g, n));
    }
    ArrayNode comp = r.putArray("compressible");
    for (LayerAnalysis.Row row : rows) {
      ObjectNode o = comp.addObject();
      o.put("name", row.name());
      o.put("op", row.op());
      ArrayNode ms = o.putArray("methods");
      for (Method meth : row.methods()) {
        ms.add(meth.json());
      }
      ArrayNode ws = o.putArray("weight_shape");
      for (int d : row.weightShape()) {
        ws.add(d);
      }
      o.put("params", row.params());
      o.put("macs", row.macs());
      if (!row.energyRanks().isEmpty()) {
        ObjectNode e = o.putObject("energy_ranks");
        for (LayerAnalysis.EnergyRank er : row.energyRanks()) {
          String key = String.format(Locale.ROOT, "%.2f", er.energy());
          if (er.rankIn() > 0) {
            e.putArray(key).add(er.rankIn()).add(er.rankOut());
          } else if (er.rank() > 0) {
            e.put(key, er.rank());
          } else {
            e.putNull(key);
          }
        }
      }
      if (row.filterPruneBlocker() != null) {
        o.put("filter_prune_blocked", row.filterPruneBlocker());
      }
      if (!row.quantErrors().isEmpty()) {
        ObjectNode q = o.putObject("quant_errors");
        for (int i = 0; i < LayerAnalysis.ERROR_BITS.length; i++) {
          q.put(Integer.toString(LayerAnalysis.ERROR_BITS[i]), row.quantErrors().get(i));
        }
      }
      if (row.bits() > 0) {
        o.put("bits", row.bits());
      }
    }
    ObjectNode alone = r.putObject("left_alone");
    for (Map.Entry<String, String> e : cm.leftAlone().entrySet()) {
      alone.put(e.getKey(), e.getValue());
    }
    return r;
  }

  private static ArrayNode values(List<ValueInfo> vs) {
    ArrayNode a = JsonOutput.MAPPER.createArrayNode();
    for (ValueInfo v : vs) {
      ObjectNode o = a.addObject();
      o.put("name", v.name());
      o.put("shape", v.shape() == null ? "?" : dims(v.shape()));
    }
    return a;
  }

  private static String shape(Graph g, String value) {
    return g.valueInfo(value).map(v -> v.shape() == null ? "?" : dims(v.shape())).orElse("?");
  }

  private static String dims(int[] s) {
    List<String> p = new ArrayList<>();
    for (int d : s) {
      p.add(d < 0 ? "N" : Integer.toString(d));
    }
    return "[" + String.join(",", p) + "]";
  }

  private void printText(PrintWriter out, ObjectNode r, CompressibleModel cm,
      List<LayerAnalysis.Row> rows) {
    out.printf("model     %s (producer '%s', IR %d, opset %d)%n", r.get("model").asText(),
        r.get("producer").asText(), r.get("ir_version").asLong(), r.get("opset").asLong());
    for (var v : r.get("inputs")) {
      out.printf("input     %s %s%n", v.get("name").asText(), v.get("shape").asText());
    }
    for (var v : r.get("outputs")) {
      out.printf("output    %s %s%n", v.get("name").asText(), v.get("shape").asText());
    }
    out.println();
    int w = 4;
    for (var n : r.get("layers")) {
      w = Math.max(w, n.get("name").asText().length());
    }
    String fmt = "%-" + w + "s  %-18s %-22s %-16s %12s %14s%n";
    out.printf(fmt, "node", "op", "input", "output", "params", "MACs");
    for (var n : r.get("layers")) {
      List<String> ins = new ArrayList<>();
      n.get("input_shapes").forEach(x -> ins.add(x.asText()));
      out.printf(fmt, n.get("name").asText(), n.get("op").asText(), String.join(" ", ins),
          n.get("output_shape").asText(), String.format(Locale.ROOT, "%,d", n.get("params").asLong()),
          String.format(Locale.ROOT, "%,d", n.get("macs").asLong()));
    }
    ObjectNode t = (ObjectNode) r.get("totals");
    out.printf(fmt, "total (" + t.get("nodes").asInt() + " nodes)", "", "", "",
        String.format(Locale.ROOT, "%,d", t.get("params").asLong()),
        String.format(Locale.ROOT, "%,d", t.get("macs").asLong()));
    out.printf("weights   %,d bytes; MACs are per sample%n", t.get("weight_bytes").asLong());
    if (t.has("stored_weight_bytes")) {
      out.printf("stored    %,d bytes in the file (%d weights quantized, dequantized at load)%n",
          t.get("stored_weight_bytes").asLong(), t.get("quantized_weights").asInt());
    }
    out.println();
    out.println("compressible layers (methods: svd = truncated SVD, tucker2 = Tucker-2 on channel modes,"
        + " prune = magnitude pruning, filter_prune = L1 filter pruning, quantize = integer weights)");
    out.print(LayerAnalysis.format(cm, rows));
    out.flush();
  }

  static String shapeList(int[] s) {
    return Arrays.toString(s);
  }
}
