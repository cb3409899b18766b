package io.bocomp.compress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;

/**
 * What {@code bocomp inspect} shows about compression: per compressible layer its op, the methods
 * that apply, weight shape, parameters, MACs, the ranks that keep 90 / 95 / 99 % of the
 * singular-value energy (Tucker-2: per mode, [r_in, r_out]), the relative error
 * {@code ‖W − Q(W)‖ / ‖W‖} of quantizing its weight per output channel to 8, 6, 5, 4, 3 and 2 bits
 * ({@link WeightQuantizer}), and, for a model whose file stored the weight quantized, its current
 * bit width; and the Conv/Gemm/MatMul nodes left alone, with the reason (grouped/depthwise convs
 * are listed as layers that take only {@code prune} and {@code quantize}).
 */
public final class LayerAnalysis {
  /** The energy levels reported. */
  public static final double[] ENERGIES = {0.90, 0.95, 0.99};
  /** The bit widths whose quantization error is reported, widest first. */
  public static final int[] ERROR_BITS = {8, 6, 5, 4, 3, 2};

  private LayerAnalysis() {}

  /**
   * Smallest ranks keeping an energy share. For SVD layers {@code rank} is set (and -1 when the
   * share lies beyond a randomized truncation); for Tucker-2 layers {@code rankIn} and
   * {@code rankOut}.
   */
  public record EnergyRank(double energy, int rank, int rankIn, int rankOut) {}

  /**
   * One compressible layer.
   *
   * @param quantErrors relative quantization error per {@link #ERROR_BITS} entry (empty when not
   *     computed)
   * @param bits the bit width the file stored the weight in, 0 for a float weight
   */
  public record Row(String name, String op, List<Method> methods, int[] weightShape, long params,
      long macs, List<EnergyRank> energyRanks, String filterPruneBlocker,
      List<Double> quantErrors, int bits) {
    public Row {
      methods = List.copyOf(methods);
      weightShape = weightShape.clone();
      energyRanks = List.copyOf(energyRanks);
      quantErrors = List.copyOf(quantErrors);
    }

    @Override
    public int[] weightShape() {
      return weightShape.clone();
    }
  }

  /**
   * The rows of a model.
   *
   * @param factors the model's factors, for the energy ranks; null to leave them out (no
   *     decomposition is run here)
   */
  public static List<Row> rows(CompressibleModel model, ModelFactors factors) {
    return rows(model, factors, false, Map.of());
  }

  /**
   * The rows of a model.
   *
   * @param factors the model's factors, for the energy ranks; null to leave them out
   * @param quantErrors true to quantize every weight at each of {@link #ERROR_BITS}
   * @param current the weights the file stored quantized ({@code Model.quantizedWeights()})
   */
  public static List<Row> rows(CompressibleModel model, ModelFactors factors,
      boolean quantErrors, Map<String, QuantizedTensor> current) {
    List<Row> rows = new ArrayList<>();
    for (CompressibleLayer l : model.layers()) {
      List<Method> methods = new ArrayList<>();
      for (Method m : Method.values()) {
        if (l.methods().contains(m)) {
          methods.add(m);
        }
      }
      List<EnergyRank> ranks = new ArrayList<>();
      LayerFactors f = factors == null ? null : factors.of(l.name()).orElse(null);
      if (f != null) {
        for (double e : ENERGIES) {
          if (f.isSvd()) {
            ranks.add(new EnergyRank(e, f.rankForEnergy(e), 0, 0));
          } else {
            int[] r = f.ranksForEnergy(e);
            ranks.add(new EnergyRank(e, 0, r[0], r[1]));
          }
        }
      }
      String op = l.kind() == CompressibleLayer.Kind.CONV
          ? (l.group() > 1 ? "Conv (group " + l.group() + ")" : "Conv")
          : l.kind() == CompressibleLayer.Kind.GEMM ? "Gemm" : "MatMul";
      List<Double> errors = new ArrayList<>();
      if (quantErrors) {
        Tensor w = model.graph().initializer(l.weightName());
        for (int b : ERROR_BITS) {
          errors.add(WeightQuantizer.relativeError(w,
              WeightQuantizer.perChannel(w, l.outputAxis(), b)));
        }
      }
      QuantizedTensor q = current.get(l.weightName());
      rows.add(new Row(l.name(), op, methods, l.weightShape(), l.weightNonZeros() + l.biasParams(),
          l.denseMacs(l.outputs(), l.inputs()), ranks, l.filterPruneBlocker(), errors,
          q == null ? 0 : q.bits()));
    }
    return rows;
  }

  /** A plain-text table of the rows, then the nodes left alone. */
  public static String format(CompressibleModel model, List<Row> rows) {
    StringBuilder b = new StringBuilder();
    int width = 24;
    for (Row r : rows) {
      width = Math.max(width, r.name().length());
    }
    boolean bits = rows.stream().anyMatch(r -> r.bits() > 0);
    boolean errs = rows.stream().anyMatch(r -> !r.quantErrors().isEmpty());
    String fmt = "%-" + width + "s %-14s %-18s %12s %14s  %-39s %-28s" + (errs ? " %-42s" : "%s")
        + (bits ? " %s" : "%s") + "%n";
    String rowFmt = "%-" + width + "s %-14s %-18s %,12d %,14d  %-39s %-28s" + (errs ? " %-42s" : "%s")
        + (bits ? " %s" : "%s") + "%n";
    b.append(String.format(Locale.ROOT, fmt, "layer", "op",
        "weight", "params", "MACs", "methods", "rank for 90/95/99% energy",
        errs ? "rel. quant. error at 8/6/5/4/3/2 bits" : "", bits ? "stored bits" : ""));
    for (Row r : rows) {
      List<String> ms = new ArrayList<>();
      for (Method m : r.methods()) {
        ms.add(m.json());
      }
      List<String> er = new ArrayList<>();
      for (EnergyRank e : r.energyRanks()) {
        er.add(e.rankIn() > 0 ? "[" + e.rankIn() + "," + e.rankOut() + "]"
            : e.rank() < 0 ? ">cached" : Integer.toString(e.rank()));
      }
      List<String> qe = new ArrayList<>();
      for (double e : r.quantErrors()) {
        qe.add(String.format(Locale.ROOT, "%.3g", e));
      }
      b.append(String.format(Locale.ROOT, rowFmt, r.name(),
          r.op(), Arrays.toString(r.weightShape()).replace(" ", ""), r.params(), r.macs(),
          String.join(",", ms), er.isEmpty() ? "-" : String.join(" / ", er),
          errs ? String.join("/", qe) : "", !bits ? "" : r.bits() == 0 ? "float" : r.bits()));
    }
    for (Map.Entry<String, String> e : model.leftAlone().entrySet()) {
      b.append("left alone: ").append(e.getKey()).append(" (").append(e.getValue()).append(")")
          .append(System.lineSeparator());
    }
    return b.toString();
  }
}
