package io.bocomp.tune.alloc;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.LayerFactors;
import io.bocomp.compress.Method;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.model.Tensor;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The plans one search dimension can take, in ascending order of its value, and what the one-shot
 * rules read about each: its analytic costs and, from the cached spectra of its layers, how much of
 * each weight it keeps.
 *
 * <p>Options are the dimension's change points ({@link SearchSpace#values}), one per distinct plan
 * of its layers (the first value giving it). Spectral quantities, per option, from "slots": an SVD
 * layer has one (its matrix), a Tucker-2 layer two (the input- and output-channel unfoldings, whose
 * squared singular values are the cached Gram eigenvalues); a layer left dense keeps everything.
 * With sq the squared singular values of a slot in descending order and r its rank:
 *
 * <ul>
 *   <li>energy(slot, r) = sum of the first r of sq / ||W||_F^2 (1 at full rank);
 *   <li>relative error(slot, r) = sigma_{r+1} / sigma_1 = ||W - W_r||_2 / ||W||_2 of the
 *       unfolding (0 at full rank; past the cached ranks of a randomized SVD, the Frobenius norm
 *       of the uncaptured energy bounds it);
 *   <li>{@link #energy}: the least energy over the option's slots (the retained-energy fraction
 *       every mode and layer keeps, as {@code --parameter energy} defines it);
 *   <li>{@link #relError}: the largest relative error over its slots (ALDS's layer error, with the
 *       two Tucker-2 unfoldings in place of ALDS's channel subspaces);
 *   <li>{@link #err2}: the sum over slots of 1 - energy: ||W - W_r||_F^2 / ||W||_F^2 exactly for
 *       an SVD layer, HOSVD's upper bound on it for Tucker-2 (summed over a group's layers).
 * </ul>
 */
final class Ladder {
  /** The spectrum of one slot. */
  record Slot(String name, int rows, int cols, double[] sq, double total) {
    int full() {
      return Math.min(rows, cols);
    }

    double energy(int r) {
      if (r >= full()) {
        return 1;
      }
      double acc = 0;
      for (int i = 0; i < Math.min(r, sq.length); i++) {
        acc += sq[i];
      }
      return total > 0 ? Math.min(1, acc / total) : 1;
    }

    double relError(int r) {
      if (r >= full() || sq.length == 0 || !(sq[0] > 0)) {
        return 0;
      }
      if (r < sq.length) {
        return Math.sqrt(Math.max(0, sq[r]) / sq[0]);
      }
      double kept = 0;
      for (double v : sq) {
        kept += v;
      }
      return Math.sqrt(Math.max(0, total - kept) / sq[0]);
    }

    /** The singular values (square roots of sq). */
    double[] sigma() {
      double[] s = new double[sq.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = Math.sqrt(Math.max(0, sq[i]));
      }
      return s;
    }
  }

  final int knob;
  final List<Slot> slots;
  /** The dimension's value of each option (ascending). */
  final double[] values;
  /** Costs of the dimension's layers per option: [option][params, macs, bytes]. */
  final long[][] cost;
  final double[] energy;
  final double[] relError;
  final double[] err2;
  /** Rank of each slot per option: [option][slot]. */
  final int[][] ranks;

  /** One option of the ladder while it is built (the fields' meanings are the ladder's). */
  private record Option(double value, double energy, double relError, double err2, long[] cost,
      int[] ranks) {}

  private Ladder(int knob, List<Slot> slots, List<Option> options) {
    this.knob = knob;
    this.slots = List.copyOf(slots);
    this.values = options.stream().mapToDouble(Option::value).toArray();
    this.energy = options.stream().mapToDouble(Option::energy).toArray();
    this.relError = options.stream().mapToDouble(Option::relError).toArray();
    this.err2 = options.stream().mapToDouble(Option::err2).toArray();
    this.cost = options.stream().map(Option::cost).toArray(long[][]::new);
    this.ranks = options.stream().map(Option::ranks).toArray(int[][]::new);
  }

  int size() {
    return values.length;
  }

  /** The option's cost in one analytic metric. */
  double cost(int option, CostMetric m) {
    long[] c = cost[option];
    return m == CostMetric.PARAMS ? c[0] : m == CostMetric.MACS ? c[1] : c[2];
  }

  /**
   * The ladder of dimension {@code k}: every value of {@link SearchSpace#values}, resolved with
   * the other dimensions at {@code base}, keeping the first value of each distinct plan.
   */
  static Ladder build(SearchSpace space, int k, double[] base) {
    SearchSpace.Knob knob = space.knobs().get(k);
    List<Slot> slots = new ArrayList<>();
    List<int[]> slotOf = new ArrayList<>(); // per member: its slot indices
    for (String name : knob.layers()) {
      CompressibleLayer l = space.factors().model().layer(name).orElseThrow();
      LayerFactors f = space.factors().of(name).orElseThrow();
      if (f.isSvd()) {
        int[] m = l.matrixShape();
        Tensor s = f.svd().s();
        double[] sq = new double[s.size()];
        for (int i = 0; i < sq.length; i++) {
          sq[i] = (double) s.get(i) * s.get(i);
        }
        slotOf.add(new int[] {slots.size()});
        slots.add(new Slot(name, m[0], m[1], sq, f.totalEnergy()));
      } else {
        int area = l.kernelArea();
        slotOf.add(new int[] {slots.size(), slots.size() + 1});
        slots.add(new Slot(name + " (in)", l.inputs(), l.outputs() * area,
            eigenvalues(f.tucker().eigIn()), f.totalEnergy()));
        slots.add(new Slot(name + " (out)", l.outputs(), l.inputs() * area,
            eigenvalues(f.tucker().eigOut()), f.totalEnergy()));
      }
    }
    List<Option> options = new ArrayList<>();
    double[] theta = base.clone();
    int[] previous = null;
    for (double v : space.values(k)) {
      theta[k] = v;
      ResolvedPlan p = space.resolve(theta);
      int[] rk = new int[slots.size()];
      long[] c = new long[3];
      for (int m = 0; m < knob.layers().size(); m++) {
        LayerChoice ch = p.choice(knob.layers().get(m));
        int[] idx = slotOf.get(m);
        if (ch.method() == Method.SVD) {
          rk[idx[0]] = ch.rank();
        } else if (ch.method() == Method.TUCKER2) {
          rk[idx[0]] = ch.rankIn();
          rk[idx[1]] = ch.rankOut();
        } else if (ch.method() == null) {
          for (int i : idx) {
            rk[i] = Integer.MAX_VALUE; // dense: every rank kept
          }
        } else {
          throw new NotApplicableException("layer " + ch.name() + " is " + ch.method().json()
              + "; spectral allocators need factorized layers");
        }
        c[0] += AnalyticCost.params(ch);
        c[1] += AnalyticCost.macs(ch);
        c[2] += AnalyticCost.bytes(ch);
      }
      if (previous != null && java.util.Arrays.equals(previous, rk)) {
        continue; // the same plan as the value before: not a new option
      }
      previous = rk;
      double e = 1;
      double err = 0;
      double e2 = 0;
      for (int i = 0; i < slots.size(); i++) {
        Slot s = slots.get(i);
        double si = s.energy(rk[i]);
        e = Math.min(e, si);
        err = Math.max(err, s.relError(rk[i]));
        e2 += 1 - si;
      }
      options.add(new Option(v, e, err, e2, c, rk));
    }
    return new Ladder(k, slots, options);
  }

  private static double[] eigenvalues(Tensor eig) {
    double[] d = new double[eig.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.max(0, eig.get(i));
    }
    java.util.Arrays.sort(d);
    for (int i = 0, j = d.length - 1; i < j; i++, j--) {
      double t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    return d;
  }
}
