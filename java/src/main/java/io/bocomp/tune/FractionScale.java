package io.bocomp.tune;

import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.LayerFactors;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.tune.SearchSpace.Knob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a rank, energy or pruning fraction maps to one layer's plan entry, and the ranges
 * {@link SearchSpace} builds its fraction dimensions from: a layer's lowest value (every rank 1),
 * its break-even value (the smallest at which the plan resolver keeps it dense; a binary search over
 * the values where one of its ranks changes), and the ladder of values at which the plan of a
 * dimension's layers changes. A rank fraction {@code f} gives rank {@code ceil(f k)} of {@code k}
 * (with a 1e-9 slack, so that {@code r/k} stays rank {@code r}); an energy fraction keeps the
 * cumulative singular-value (or Tucker-2 eigenvalue) energy LayerFactors has; a log-rank value
 * {@code v} is the rank fraction {@code e^v}, its bounds and ladder the logs of the rank
 * fraction's. Limits: bit-width
 * dimensions are not fractions and are handled by SearchSpace itself; pruning fractions have no
 * ladder (they change the plan continuously).
 */
final class FractionScale {
  /** Ranks are ceil(f k); this slack keeps f = r/k from rounding up to r + 1. */
  private static final double CEIL_SLACK = 1e-9;
  /** LayerFactors' relative slack of an energy target (ranks keep fraction x (1 - 1e-6)). */
  private static final double ENERGY_SLACK = 1e-6;

  private FractionScale() {}

  /**
   * One value of {@code knob} per distinct plan of its layers, ascending (see
   * {@link SearchSpace#values}).
   */
  static double[] ladder(ModelFactors factors, Map<String, CompressibleLayer> layers,
      Parametrization kind, Knob knob) {
    java.util.TreeSet<Double> cuts = new java.util.TreeSet<>();
    for (String name : knob.layers()) {
      CompressibleLayer l = layers.get(name);
      LayerFactors f = factors.of(name).orElseThrow();
      if (kind.isRank()) {
        int[][] dims = f.isSvd()
            ? new int[][] {{Math.min(l.matrixShape()[0], l.matrixShape()[1]), f.maxRank()}}
            : new int[][] {{l.inputs(), l.inputs()}, {l.outputs(), l.outputs()}};
        for (int[] d : dims) {
          for (int r = 1; r <= d[1]; r++) {
            cuts.add(toValue(kind, (r + CEIL_SLACK) / d[0]));
          }
        }
      } else {
        double[][] cum = f.isSvd() ? new double[][] {svdEnergies(f)} : tuckerEnergies(f);
        for (double[] c : cum) {
          for (double e : c) {
            cuts.add(e / (1 - ENERGY_SLACK));
          }
        }
      }
    }
    List<Double> inside = new ArrayList<>(cuts.subSet(knob.lower(), false, knob.upper(), false));
    double[] out = new double[inside.size() + 1];
    out[0] = knob.lower();
    for (int i = 1; i < inside.size(); i++) {
      out[i] = 0.5 * (inside.get(i - 1) + inside.get(i));
    }
    out[out.length - 1] = knob.upper();
    return out;
  }

  /**
   * The fraction dimension of {@code members}: bounds spanning each layer's lowest and break-even
   * values; a layer no value makes cheaper than dense is left out with a line in {@code notes};
   * null when none is left.
   */
  static Knob knob(ModelFactors factors, Parametrization kind, String name,
      List<CompressibleLayer> members, Map<String, Method> methodOf, double maxPrune,
      List<String> notes) {
    List<String> names = new ArrayList<>();
    List<Method> methods = new ArrayList<>();
    double lower = Double.POSITIVE_INFINITY;
    double upper = Double.NEGATIVE_INFINITY;
    for (CompressibleLayer l : members) {
      Method m = methodOf.get(l.name());
      double lo;
      double hi;
      if (kind == Parametrization.PRUNE) {
        lo = 0;
        hi = maxPrune;
      } else {
        Parametrization scale = kind == Parametrization.LOGRANK ? Parametrization.RANK : kind;
        lo = lowest(factors, l, scale);
        hi = breakEven(factors, l, m, scale, lo);
        if (!(hi > lo)) {
          notes.add(l.name() + ": no " + m.json() + " setting is cheaper than the dense layer");
          continue;
        }
        lo = toValue(kind, lo);
        hi = toValue(kind, hi);
      }
      names.add(l.name());
      methods.add(m);
      lower = Math.min(lower, lo);
      upper = Math.max(upper, hi);
    }
    if (names.isEmpty()) {
      return null;
    }
    return new Knob(name, names, methods, lower, upper);
  }

  /** The value at which every rank of the layer is 1. */
  private static double lowest(ModelFactors factors, CompressibleLayer l, Parametrization kind) {
    LayerFactors f = factors.of(l.name()).orElseThrow();
    if (kind == Parametrization.RANK) {
      int dim = f.isSvd() ? Math.min(l.matrixShape()[0], l.matrixShape()[1])
          : Math.max(l.inputs(), l.outputs());
      return 1.0 / dim;
    }
    if (f.isSvd()) {
      return Math.max(1e-6, f.energyAtRank(1));
    }
    double[][] cum = tuckerEnergies(f);
    return Math.max(1e-6, Math.min(cum[0][0], cum[1][0]));
  }

  /**
   * The smallest value at which the resolver keeps the layer dense (its factorization is no longer
   * cheaper), or the largest valid value when that never happens. Denseness grows with the value,
   * so a binary search over the values where some rank changes finds it.
   */
  private static double breakEven(ModelFactors factors, CompressibleLayer l, Method m,
      Parametrization kind, double lowest) {
    LayerFactors f = factors.of(l.name()).orElseThrow();
    double[] candidates = changePoints(f, l, kind);
    double max = candidates[candidates.length - 1];
    int lo = 0;
    int hi = candidates.length - 1;
    if (!isDense(factors, l, m, kind, max)) {
      return max;
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (isDense(factors, l, m, kind, candidates[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return Math.max(lowest, candidates[lo]);
  }

  /** Sorted values at which the layer's ranks change (each the smallest value of its ranks). */
  private static double[] changePoints(LayerFactors f, CompressibleLayer l, Parametrization kind) {
    java.util.TreeSet<Double> s = new java.util.TreeSet<>();
    if (kind == Parametrization.RANK) {
      if (f.isSvd()) {
        int full = Math.min(l.matrixShape()[0], l.matrixShape()[1]);
        for (int r = 1; r <= f.maxRank(); r++) {
          s.add((double) r / full);
        }
      } else {
        for (int r = 1; r <= l.inputs(); r++) {
          s.add((double) r / l.inputs());
        }
        for (int r = 1; r <= l.outputs(); r++) {
          s.add((double) r / l.outputs());
        }
      }
    } else if (f.isSvd()) {
      for (int r = 1; r <= f.maxRank(); r++) {
        s.add(Math.min(1.0, f.energyAtRank(r)));
      }
    } else {
      for (double[] mode : tuckerEnergies(f)) {
        for (double e : mode) {
          s.add(Math.min(1.0, e));
        }
      }
    }
    double[] out = new double[s.size()];
    int i = 0;
    for (double v : s) {
      out[i++] = v;
    }
    return out;
  }

  private static boolean isDense(ModelFactors factors, CompressibleLayer l, Method m,
      Parametrization kind, double v) {
    ResolvedPlan p = CompressionPlan.of(List.of(entry(factors, l, m, kind, v)))
        .resolve(factors, ApplyOptions.defaults());
    LayerChoice c = p.choice(l.name());
    return c.method() == null;
  }

  /** Cumulative energy fractions [mode in, mode out] of a Tucker-2 layer, as LayerFactors has them. */
  private static double[][] tuckerEnergies(LayerFactors f) {
    var t = f.tucker();
    double total = f.totalEnergy();
    double[][] out = new double[2][];
    int i = 0;
    for (io.bocomp.model.Tensor eig : new io.bocomp.model.Tensor[] {t.eigIn(), t.eigOut()}) {
      double[] c = new double[eig.size()];
      double acc = 0;
      for (int r = 0; r < c.length; r++) {
        acc += eig.get(r);
        c[r] = total > 0 ? acc / total : 1;
      }
      out[i++] = c;
    }
    return out;
  }

  private static double[] svdEnergies(LayerFactors f) {
    double[] c = new double[f.maxRank()];
    for (int r = 1; r <= c.length; r++) {
      c[r - 1] = f.energyAtRank(r);
    }
    return c;
  }

  /** The plan entry giving layer {@code l} value {@code v}. */
  static PlanEntry entry(ModelFactors factors, CompressibleLayer l, Method m,
      Parametrization kind, double v) {
    if (m == Method.PRUNE) {
      return PlanEntry.prune(l.name(), v);
    }
    LayerFactors f = factors.of(l.name()).orElseThrow();
    if (kind == Parametrization.ENERGY) {
      double e = Math.min(1.0, v);
      if (f.isSvd() && f.truncated()) {
        e = Math.min(e, f.energyAtRank(f.maxRank()));
      }
      return PlanEntry.energy(l.name(), m, e);
    }
    double fr = kind == Parametrization.LOGRANK ? Math.exp(v) : v;
    if (m == Method.SVD) {
      int full = Math.min(l.matrixShape()[0], l.matrixShape()[1]);
      return PlanEntry.svdRank(l.name(), ceilRank(fr, full, f.maxRank()));
    }
    return PlanEntry.tucker2(l.name(), ceilRank(fr, l.inputs(), l.inputs()),
        ceilRank(fr, l.outputs(), l.outputs()));
  }

  /** The value of rank fraction (or energy) {@code f} on the scale of {@code kind}. */
  static double toValue(Parametrization kind, double f) {
    return kind == Parametrization.LOGRANK ? Math.log(f) : f;
  }

  private static int ceilRank(double f, int full, int max) {
    int r = (int) Math.ceil(f * full - CEIL_SLACK);
    return Math.max(1, Math.min(max, r));
  }
}
