package io.bocomp.compress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bocomp inspect} shows about compression: per compressible layer its op, the methods
 * that apply, weight shape, parameters, MACs and the ranks that keep 90 / 95 / 99 % of the
 * singular-value energy (Tucker-2: per mode, [r_in, r_out]); and the Conv/Gemm/MatMul nodes left
 * alone, with the reason (grouped/depthwise convs are listed as layers that take only {@code prune}).
 */
public final class LayerAnalysis {
  /** The energy levels reported. */
  public static final double[] ENERGIES = {0.90, 0.95, 0.99};

  private LayerAnalysis() {}

  /**
   * Smallest ranks keeping an energy share. For SVD layers {@code rank} is set (and -1 when the
   * share lies beyond a randomized truncation); for Tucker-2 layers {@code rankIn} and
   * {@code rankOut}.
   */
  public record EnergyRank(double energy, int rank, int rankIn, int rankOut) {}

  /** One compressible layer. */
  public record Row(String name, String op, List<Method> methods, int[] weightShape, long params,
      long macs, List<EnergyRank> energyRanks, String filterPruneBlocker) {
    public Row {
      methods = List.copyOf(methods);
      weightShape = weightShape.clone();
      energyRanks = List.copyOf(energyRanks);
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
      rows.add(new Row(l.name(), op, methods, l.weightShape(), l.weightNonZeros() + l.biasParams(),
          l.denseMacs(l.outputs(), l.inputs()), ranks, l.filterPruneBlocker()));
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
    String fmt = "%-" + width + "s %-14s %-18s %12s %14s  %-30s %s%n";
    String rowFmt = "%-" + width + "s %-14s %-18s %,12d %,14d  %-30s %s%n";
    b.append(String.format(Locale.ROOT, fmt, "layer", "op",
        "weight", "params", "MACs", "methods", "rank for 90/95/99% energy"));
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
      b.append(String.format(Locale.ROOT, rowFmt, r.name(),
          r.op(), Arrays.toString(r.weightShape()).replace(" ", ""), r.params(), r.macs(),
          String.join(",", ms), er.isEmpty() ? "-" : String.join(" / ", er)));
    }
    for (Map.Entry<String, String> e : model.leftAlone().entrySet()) {
      b.append("left alone: ").append(e.getKey()).append(" (").append(e.getValue()).append(")")
          .append(System.lineSeparator());
    }
    return b.toString();
  }
}
