package io.bocomp.bo;

import io.bocomp.bo.constraint.BlackBoxConstraint;
import io.bocomp.bo.constraint.KnownConstraint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The record of a run: every observation in order (failed ones included, validated on entry), the
 * pending suggestions, the failed points, and the view the GPs get of all this ({@link ModelData}).
 * Not thread-safe; {@link BayesOpt} serializes access.
 */
final class ObservationLog {
  private static final Logger LOG = Logger.getLogger("io.bocomp.bo");

  private final Space space;
  private final List<KnownConstraint> known;
  private final List<BlackBoxConstraint> blackBox;
  private final List<Observation> observations = new ArrayList<>();
  private final List<double[]> pending = new ArrayList<>();
  private final Set<PointKey> failedPoints = new HashSet<>();

  ObservationLog(Space space, List<KnownConstraint> known, List<BlackBoxConstraint> blackBox) {
    this.space = space;
    this.known = List.copyOf(known);
    this.blackBox = List.copyOf(blackBox);
  }

  /**
   * Validates and records an evaluation; a pending suggestion equal to {@code x} is removed.
   *
   * @return the recorded observation
   */
  Observation record(double[] x, Evaluation e) {
    double[] xv = space.validate(x);
    Evaluation ev = checked(e);
    Observation o = new Observation(xv, ev);
    observations.add(o);
    if (ev.isFailed()) {
      failedPoints.add(key(xv));
      LOG.info(() -> "evaluation " + observations.size() + " at " + Arrays.toString(xv) + " failed: "
          + ev.failureReason());
    }
    removePending(xv);
    return o;
  }

  private Evaluation checked(Evaluation e) {
    if (e == null) {
      return Evaluation.failed("no evaluation (null)");
    }
    if (e.isFailed()) {
      return e;
    }
    if (!(e.stderr() >= 0) || Double.isInfinite(e.stderr())) {
      throw new InvalidObservationException("standard error must be finite and >= 0, got " + e.stderr());
    }
    for (String name : e.constraints().keySet()) {
      if (blackBox.stream().noneMatch(c -> c.name().equals(name))) {
        throw new InvalidObservationException("observation carries undeclared black-box constraint '" + name + "'");
      }
    }
    for (BlackBoxConstraint c : blackBox) {
      Measurement m = e.constraints().get(c.name());
      if (m == null) {
        throw new InvalidObservationException("observation lacks a value for black-box constraint '" + c.name() + "'");
      }
      if (!(m.stderr() >= 0) || Double.isInfinite(m.stderr())) {
        throw new InvalidObservationException("black-box constraint '" + c.name()
            + "' standard error must be finite and >= 0, got " + m.stderr());
      }
      if (!Double.isFinite(m.mean())) {
        return Evaluation.failed("black-box constraint '" + c.name() + "' value " + m.mean());
      }
    }
    return e;
  }

  List<Observation> observations() {
    return List.copyOf(observations);
  }

  int size() {
    return observations.size();
  }

  int successes() {
    int s = 0;
    for (Observation o : observations) {
      s += o.evaluation().isFailed() ? 0 : 1;
    }
    return s;
  }

  int failures() {
    return observations.size() - successes();
  }

  void addPending(double[] x) {
    pending.add(x.clone());
  }

  /** Copies of the pending suggestions, oldest first. */
  List<double[]> pending() {
    List<double[]> out = new ArrayList<>();
    for (double[] p : pending) {
      out.add(p.clone());
    }
    return out;
  }

  /** Removes one pending suggestion equal to {@code x}; false when there is none. */
  boolean removePending(double[] x) {
    for (int i = 0; i < pending.size(); i++) {
      if (Arrays.equals(pending.get(i), x)) {
        pending.remove(i);
        return true;
      }
    }
    return false;
  }

  void replacePending(List<double[]> points) {
    pending.clear();
    for (double[] p : points) {
      pending.add(space.validate(p));
    }
  }

  /** Whether {@code x} was already observed or is pending. */
  boolean isTaken(double[] x) {
    for (Observation o : observations) {
      if (Arrays.equals(o.x(), x)) {
        return true;
      }
    }
    for (double[] p : pending) {
      if (Arrays.equals(p, x)) {
        return true;
      }
    }
    return false;
  }

  boolean isFailedPoint(double[] x) {
    return failedPoints.contains(key(x));
  }

  boolean satisfiesKnown(double[] x) {
    for (KnownConstraint k : known) {
      if (!k.isSatisfied(x)) {
        return false;
      }
    }
    return true;
  }

  List<String> knownNames() {
    return known.stream().map(KnownConstraint::name).toList();
  }

  /** Successful, within every known constraint and every observed black-box threshold. */
  boolean isFeasible(Observation o) {
    if (o.evaluation().isFailed() || !satisfiesKnown(o.x())) {
      return false;
    }
    for (BlackBoxConstraint c : blackBox) {
      Measurement m = o.evaluation().constraints().get(c.name());
      if (m == null || !(m.mean() <= c.threshold())) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #knownFeasibility()} without the unit-cube points whose user point {@code excluded}
   * names (null: none excluded): what a proposal may be.
   */
  Predicate<double[]> proposable(Predicate<double[]> excluded) {
    Predicate<double[]> feasible = knownFeasibility();
    if (excluded == null) {
      return feasible;
    }
    Predicate<double[]> fresh = u -> !excluded.test(space.toUser(u));
    return feasible == null ? fresh : feasible.and(fresh);
  }

  /** Known constraints and failed points as a predicate on unit-cube points (null when none). */
  Predicate<double[]> knownFeasibility() {
    if (known.isEmpty() && failedPoints.isEmpty()) {
      return null;
    }
    Set<PointKey> failed = Set.copyOf(failedPoints);
    return u -> {
      double[] x = space.toUser(u);
      return satisfiesKnown(x) && !failed.contains(key(x));
    };
  }

  /** Per observation: the lowest feasible observed mean so far (NaN before the first). */
  double[] trace() {
    double[] t = new double[observations.size()];
    double best = Double.NaN;
    for (int i = 0; i < t.length; i++) {
      Observation o = observations.get(i);
      if (isFeasible(o) && !(o.evaluation().mean() >= best)) {
        best = o.evaluation().mean();
      }
      t[i] = best;
    }
    return t;
  }

  /**
   * Model inputs and outputs. The objective GP sees every successful observation and, after the
   * first success, every failed one imputed at the worst objective value observed before it (the
   * crash imputation of SMAC: the search learns to avoid regions that fail; imputed rows are never
   * incumbents). The imputed value is fixed when the failure is recorded, so the data only grow.
   * Constraint GPs see the successful observations only.
   */
  static final class ModelData {
    /** Objective rows, their observation indices, unit-cube inputs, outputs and standard errors. */
    int n;
    int[] rows;
    double[] x;
    double[] y;
    double[] se;
    /** May a row be the incumbent (successful and feasible); was it imputed from a failure. */
    boolean[] eligible;
    boolean[] imputed;
    /** Constraint rows (the successes), inputs, and per constraint values and standard errors. */
    int nc;
    double[] xc;
    double[][] c;
    double[][] cse;

    /** 1% of the range of the measured (not imputed) objective values; a tiny scale when flat. */
    double onePercentOfRange() {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (!imputed[i]) {
          lo = Math.min(lo, y[i]);
          hi = Math.max(hi, y[i]);
        }
      }
      double range = hi - lo;
      return range > 0 ? 0.01 * range : 1e-9 * Math.max(1, Math.abs(hi));
    }
  }

  ModelData modelData() {
    int d = space.dimension();
    int total = 0;
    int successes = 0;
    for (Observation o : observations) {
      successes += o.evaluation().isFailed() ? 0 : 1;
      total += successes > 0 ? 1 : 0;
    }
    ModelData m = new ModelData();
    m.rows = new int[total];
    m.x = new double[total * d];
    m.y = new double[total];
    m.se = new double[total];
    m.eligible = new boolean[total];
    m.imputed = new boolean[total];
    m.xc = new double[successes * d];
    m.c = new double[blackBox.size()][successes];
    m.cse = new double[blackBox.size()][successes];
    double worst = Double.NEGATIVE_INFINITY;
    for (int row = 0; row < observations.size(); row++) {
      Observation o = observations.get(row);
      Evaluation e = o.evaluation();
      if (e.isFailed() && m.nc == 0) {
        continue;
      }
      double[] u = space.toModel(o.x());
      m.rows[m.n] = row;
      System.arraycopy(u, 0, m.x, m.n * d, d);
      if (e.isFailed()) {
        m.y[m.n] = worst;
        m.imputed[m.n] = true;
        m.n++;
        continue;
      }
      worst = Math.max(worst, e.mean());
      m.y[m.n] = e.mean();
      m.se[m.n] = e.stderr();
      m.eligible[m.n] = isFeasible(o);
      m.n++;
      System.arraycopy(u, 0, m.xc, m.nc * d, d);
      for (int k = 0; k < blackBox.size(); k++) {
        Measurement c = e.constraints().get(blackBox.get(k).name());
        m.c[k][m.nc] = c.mean();
        m.cse[k][m.nc] = c.stderr();
      }
      m.nc++;
    }
    return m;
  }

  private static PointKey key(double[] x) {
    return new PointKey(x);
  }

  /** A point as a hash key by value (no copy: callers pass points they own). */
  private record PointKey(double[] x) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PointKey k && Arrays.equals(x, k.x);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(x);
    }
  }
}
