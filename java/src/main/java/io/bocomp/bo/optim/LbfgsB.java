package io.bocomp.bo.optim;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Bound-constrained limited-memory BFGS (L-BFGS-B) after Byrd, Lu, Nocedal and Zhu (1995), with
 * the projection step of Morales and Nocedal (2011). Each iteration: (1) the generalized Cauchy
 * point, the first local minimizer of the quadratic model along the projected steepest-descent
 * path; (2) subspace minimization of the model over the variables still free there, projected onto
 * the box (backtracked to the box if the projection is not a descent direction); (3) a line search
 * for the strong Wolfe conditions ({@code c₁ = 10⁻³}, {@code c₂ = 0.9}, cubic interpolation,
 * bisection when a trial value is not finite). The {@code m} most recent correction pairs with
 * {@code sᵀy > ε·yᵀy} define the model.
 *
 * <p>Unlike the reference Fortran code, the model Hessian {@code B} is formed densely by {@code m}
 * recursive BFGS updates of {@code θI}; this costs {@code O(m·n²)} per iteration and is the simplest
 * exact route for the problems here (hyperparameters and acquisition inputs, {@code n ≤ 132}).
 * Stops on projected-gradient norm, relative decrease of {@code f}, or iteration/evaluation limits.
 * Fixed variables are expressed by equal bounds. Stateless and thread-safe.
 */
public final class LbfgsB {
  private static final double EPS = Math.ulp(1.0);
  private static final double C1 = 1e-3;
  private static final double C2 = 0.9;

  private LbfgsB() {}

  /**
   * @param memory correction pairs kept ({@code m})
   * @param maxIterations iteration limit
   * @param maxEvaluations function evaluation limit (line searches included)
   * @param pgtol stop when {@code ‖proj ∇f‖∞ ≤ pgtol}
   * @param ftol stop when {@code (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol}
   */
  public record Settings(int memory, int maxIterations, int maxEvaluations, double pgtol, double ftol) {
    /** SciPy's defaults ({@code m = 10}, {@code pgtol = 10⁻⁵}, {@code factr = 10⁷}) with 200 iterations. */
    public static Settings defaults() {
      return new Settings(10, 200, 400, 1e-5, 1e7 * EPS);
    }
  }

  /** Why the optimizer stopped. */
  public enum Status {
    CONVERGED_GRADIENT,
    CONVERGED_FUNCTION,
    MAX_ITERATIONS,
    MAX_EVALUATIONS,
    LINE_SEARCH_FAILED,
    NON_FINITE_START
  }

  /** The best point found and its value (the start when {@code NON_FINITE_START}). */
  public record Result(double[] x, double value, int iterations, int evaluations, Status status) {}

  public static Result minimize(DifferentiableFunction f, double[] x0, double[] lower, double[] upper,
      Settings s) {
    int n = f.dimension();
    if (x0.length != n || lower.length != n || upper.length != n) {
      throw new IllegalArgumentException("dimension mismatch: f has " + n + ", x0 " + x0.length);
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      if (!(lower[i] <= upper[i])) {
        throw new IllegalArgumentException("bound " + i + ": lower " + lower[i] + " > upper " + upper[i]);
      }
      x[i] = Math.min(upper[i], Math.max(lower[i], x0[i]));
    }
    double[] g = new double[n];
    double fx = f.valueAndGradient(x, g);
    int evals = 1;
    if (!Double.isFinite(fx) || !allFinite(g)) {
      return new Result(x, fx, 0, evals, Status.NON_FINITE_START);
    }
    ArrayDeque<double[][]> pairs = new ArrayDeque<>();
    double theta = 1.0;
    double[] b = new double[n * n];
    LineSearch ls = new LineSearch(f, n);
    int iter = 0;
    while (true) {
      if (projectedGradientNorm(x, g, lower, upper) <= s.pgtol()) {
        return new Result(x, fx, iter, evals, Status.CONVERGED_GRADIENT);
      }
      if (iter >= s.maxIterations()) {
        return new Result(x, fx, iter, evals, Status.MAX_ITERATIONS);
      }
      if (evals >= s.maxEvaluations()) {
        return new Result(x, fx, iter, evals, Status.MAX_EVALUATIONS);
      }
      buildHessian(b, n, theta, pairs);
      boolean[] free = new boolean[n];
      double[] xc = cauchyPoint(x, g, lower, upper, b, free);
      double[] xbar = pairs.isEmpty() ? xc : subspaceMinimum(x, g, xc, free, b, lower, upper);
      double[] d = new double[n];
      double dg = 0;
      double dn = 0;
      for (int i = 0; i < n; i++) {
        d[i] = xbar[i] - x[i];
        dg += d[i] * g[i];
        dn += d[i] * d[i];
      }
      if (!(dg < 0)) {
        if (!pairs.isEmpty()) {
          pairs.clear();
          theta = 1.0;
          continue;
        }
        return new Result(x, fx, iter, evals, Status.LINE_SEARCH_FAILED);
      }
      double stp0 = pairs.isEmpty() ? Math.min(1.0, 1.0 / Math.sqrt(dn)) : 1.0;
      boolean ok = ls.search(x, fx, g, d, dg, stp0, s.maxEvaluations() - evals);
      evals += ls.evaluations;
      if (!ok) {
        if (!pairs.isEmpty()) {
          pairs.clear();
          theta = 1.0;
          continue;
        }
        return new Result(x, fx, iter, evals, Status.LINE_SEARCH_FAILED);
      }
      iter++;
      double[] sv = new double[n];
      double[] yv = new double[n];
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        sv[i] = ls.x[i] - x[i];
        yv[i] = ls.g[i] - g[i];
        sy += sv[i] * yv[i];
        yy += yv[i] * yv[i];
      }
      double fOld = fx;
      System.arraycopy(ls.x, 0, x, 0, n);
      System.arraycopy(ls.g, 0, g, 0, n);
      fx = ls.f;
      if (sy > EPS * yy) {
        if (pairs.size() == s.memory()) {
          pairs.removeFirst();
        }
        pairs.addLast(new double[][] {sv, yv, {sy}});
        theta = yy / sy;
      }
      if ((fOld - fx) <= s.ftol() * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1.0)) {
        return new Result(x, fx, iter, evals, Status.CONVERGED_FUNCTION);
      }
    }
  }

  private static boolean allFinite(double[] v) {
    for (double e : v) {
      if (!Double.isFinite(e)) {
        return false;
      }
    }
    return true;
  }

  static double projectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper) {
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      double p = g[i] < 0 ? Math.max(x[i] - upper[i], g[i]) : Math.min(x[i] - lower[i], g[i]);
      m = Math.max(m, Math.abs(p));
    }
    return m;
  }

  /** {@code B = θI} updated by each stored pair, oldest first: {@code B += yyᵀ/sᵀy − BssᵀB/sᵀBs}. */
  private static void buildHessian(double[] b, int n, double theta, ArrayDeque<double[][]> pairs) {
    Arrays.fill(b, 0.0);
    for (int i = 0; i < n; i++) {
      b[i * n + i] = theta;
    }
    double[] bs = new double[n];
    for (Iterator<double[][]> it = pairs.iterator(); it.hasNext(); ) {
      double[][] p = it.next();
      double[] sv = p[0];
      double[] yv = p[1];
      double sy = p[2][0];
      double sbs = 0;
      for (int i = 0; i < n; i++) {
        double t = 0;
        for (int j = 0; j < n; j++) {
          t += b[i * n + j] * sv[j];
        }
        bs[i] = t;
        sbs += sv[i] * t;
      }
      if (!(sbs > 0)) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        double a = yv[i] / sy;
        double c = bs[i] / sbs;
        for (int j = 0; j < n; j++) {
          b[i * n + j] += a * yv[j] - c * bs[j];
        }
      }
    }
  }

  /**
   * Generalized Cauchy point: walks the breakpoints of {@code P(x − t·g)} in increasing {@code t},
   * stopping at the first minimizer of the quadratic model. Marks in {@code free} the variables not
   * held at a bound there.
   */
  static double[] cauchyPoint(double[] x, double[] g, double[] lower, double[] upper, double[] b, boolean[] free) {
    int n = x.length;
    double[] t = new double[n];
    double[] d = new double[n];
    int[] order = new int[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      free[i] = true;
      if (g[i] < 0) {
        t[i] = upper[i] == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : (x[i] - upper[i]) / g[i];
      } else if (g[i] > 0) {
        t[i] = lower[i] == Double.NEGATIVE_INFINITY ? Double.POSITIVE_INFINITY : (x[i] - lower[i]) / g[i];
      } else {
        t[i] = Double.POSITIVE_INFINITY;
      }
      if (t[i] <= 0) {
        d[i] = 0;
        free[i] = false;
      } else {
        d[i] = -g[i];
        if (t[i] < Double.POSITIVE_INFINITY) {
          order[count++] = i;
        }
      }
    }
    sortByKey(order, count, t);
    double[] z = new double[n];
    double[] bz = new double[n];
    double[] bd = new double[n];
    mul(b, d, bd, n);
    double fp = dot(g, d);
    double fpp = dot(d, bd);
    double tOld = 0;
    double[] xc = x.clone();
    for (int k = 0; k < count; k++) {
      int i = order[k];
      if (fp >= 0) {
        return finish(x, z, d, 0, lower, upper, xc);
      }
      double dt = t[i] - tOld;
      double dtMin = fpp > 0 ? -fp / fpp : Double.POSITIVE_INFINITY;
      if (dtMin < dt) {
        return finish(x, z, d, dtMin, lower, upper, xc);
      }
      for (int j = 0; j < n; j++) {
        z[j] += dt * d[j];
        bz[j] += dt * bd[j];
      }
      z[i] = (d[i] > 0 ? upper[i] : lower[i]) - x[i];
      double di = d[i];
      d[i] = 0;
      free[i] = false;
      for (int j = 0; j < n; j++) {
        bd[j] -= di * b[j * n + i];
      }
      fp = dot(g, d) + dot(d, bz);
      fpp = dot(d, bd);
      tOld = t[i];
    }
    double dtMin = fp < 0 && fpp > 0 ? -fp / fpp : 0;
    return finish(x, z, d, dtMin, lower, upper, xc);
  }

  /** Insertion sort of {@code idx[0, count)} by {@code key[idx]}: stable, no boxing, {@code count ≤ n}. */
  private static void sortByKey(int[] idx, int count, double[] key) {
    for (int a = 1; a < count; a++) {
      int v = idx[a];
      double kv = key[v];
      int b = a - 1;
      while (b >= 0 && key[idx[b]] > kv) {
        idx[b + 1] = idx[b];
        b--;
      }
      idx[b + 1] = v;
    }
  }

  private static double[] finish(double[] x, double[] z, double[] d, double dt, double[] lower, double[] upper,
      double[] out) {
    for (int j = 0; j < x.length; j++) {
      out[j] = Math.min(upper[j], Math.max(lower[j], x[j] + z[j] + dt * d[j]));
    }
    return out;
  }

  /**
   * Minimizes the quadratic model over the free variables with the others fixed at the Cauchy
   * point, by a Cholesky solve of {@code B_FF δ = −(g + B(xc − x))_F}; projects onto the box, or
   * backtracks into it when the projection is not a descent direction.
   */
  static double[] subspaceMinimum(double[] x, double[] g, double[] xc, boolean[] free, double[] b, double[] lower,
      double[] upper) {
    int n = x.length;
    int[] idx = new int[n];
    int nf = 0;
    for (int i = 0; i < n; i++) {
      if (free[i] && lower[i] < upper[i]) {
        idx[nf++] = i;
      }
    }
    if (nf == 0) {
      return xc;
    }
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = xc[i] - x[i];
    }
    double[] r = new double[nf];
    double[] a = new double[nf * nf];
    for (int p = 0; p < nf; p++) {
      int i = idx[p];
      double t = g[i];
      for (int j = 0; j < n; j++) {
        t += b[i * n + j] * z[j];
      }
      r[p] = -t;
      for (int q = 0; q < nf; q++) {
        a[p * nf + q] = b[i * n + idx[q]];
      }
    }
    if (!solveSpd(a, r, nf)) {
      return xc;
    }
    double[] xbar = xc.clone();
    double descent = 0;
    for (int p = 0; p < nf; p++) {
      int i = idx[p];
      xbar[i] = Math.min(upper[i], Math.max(lower[i], xc[i] + r[p]));
    }
    for (int i = 0; i < n; i++) {
      descent += (xbar[i] - x[i]) * g[i];
    }
    if (descent < 0) {
      return xbar;
    }
    double alpha = 1.0;
    for (int p = 0; p < nf; p++) {
      int i = idx[p];
      if (r[p] > 0) {
        alpha = Math.min(alpha, (upper[i] - xc[i]) / r[p]);
      } else if (r[p] < 0) {
        alpha = Math.min(alpha, (lower[i] - xc[i]) / r[p]);
      }
    }
    alpha = Math.max(0, alpha);
    xbar = xc.clone();
    for (int p = 0; p < nf; p++) {
      int i = idx[p];
      xbar[i] = Math.min(upper[i], Math.max(lower[i], xc[i] + alpha * r[p]));
    }
    return xbar;
  }

  /** In-place Cholesky solve of a small SPD system; false when not positive definite. */
  private static boolean solveSpd(double[] a, double[] rhs, int n) {
    for (int k = 0; k < n; k++) {
      double s = a[k * n + k];
      for (int j = 0; j < k; j++) {
        s -= a[k * n + j] * a[k * n + j];
      }
      if (!(s > 0)) {
        return false;
      }
      double lkk = Math.sqrt(s);
      a[k * n + k] = lkk;
      for (int i = k + 1; i < n; i++) {
        double t = a[i * n + k];
        for (int j = 0; j < k; j++) {
          t -= a[i * n + j] * a[k * n + j];
        }
        a[i * n + k] = t / lkk;
      }
    }
    for (int i = 0; i < n; i++) {
      double t = rhs[i];
      for (int j = 0; j < i; j++) {
        t -= a[i * n + j] * rhs[j];
      }
      rhs[i] = t / a[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double t = rhs[i];
      for (int j = i + 1; j < n; j++) {
        t -= a[j * n + i] * rhs[j];
      }
      rhs[i] = t / a[i * n + i];
    }
    return true;
  }

  private static void mul(double[] b, double[] v, double[] out, int n) {
    for (int i = 0; i < n; i++) {
      double t = 0;
      for (int j = 0; j < n; j++) {
        t += b[i * n + j] * v[j];
      }
      out[i] = t;
    }
  }

  private static double dot(double[] a, double[] c) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * c[i];
    }
    return s;
  }

  /**
   * Strong-Wolfe line search on {@code φ(a) = f(x + a·d)}, {@code a ∈ (0, 1]} (Nocedal and Wright,
   * Algorithms 3.5 and 3.6). The step never exceeds 1, so trial points stay in the box. Non-finite
   * trial values count as too large. If no Wolfe point is found within the evaluation limit, the
   * best point with sufficient decrease is accepted.
   */
  private static final class LineSearch {
    private final DifferentiableFunction fn;
    private final int n;
    int evaluations;
    double[] x;
    double[] g;
    double f;
    private final double[] xt;
    private final double[] gt;
    private double[] xLo;
    private double[] gLo;

    LineSearch(DifferentiableFunction fn, int n) {
      this.fn = fn;
      this.n = n;
      this.x = new double[n];
      this.g = new double[n];
      this.xt = new double[n];
      this.gt = new double[n];
      this.xLo = new double[n];
      this.gLo = new double[n];
    }

    private double phi(double[] x0, double[] d, double a) {
      for (int i = 0; i < n; i++) {
        xt[i] = x0[i] + a * d[i];
      }
      evaluations++;
      double v = fn.valueAndGradient(xt, gt);
      return Double.isFinite(v) && allFinite(gt) ? v : Double.POSITIVE_INFINITY;
    }

    private double slope(double[] d) {
      return dot(gt, d);
    }

    private void accept(double v) {
      System.arraycopy(xt, 0, x, 0, n);
      System.arraycopy(gt, 0, g, 0, n);
      f = v;
    }

    boolean search(double[] x0, double fx, double[] g0, double[] d, double dphi0, double stp0, int maxEvals) {
      evaluations = 0;
      double aPrev = 0;
      double fPrev = fx;
      double dPrev = dphi0;
      boolean havePrevPoint = false;
      double a = stp0;
      boolean first = true;
      while (evaluations < maxEvals) {
        double fa = phi(x0, d, a);
        double da = fa < Double.POSITIVE_INFINITY ? slope(d) : Double.NaN;
        if (fa > fx + C1 * a * dphi0 || (!first && fa >= fPrev)) {
          return zoom(x0, fx, g0, d, dphi0, aPrev, fPrev, dPrev, havePrevPoint, a, fa, da, maxEvals);
        }
        if (Math.abs(da) <= -C2 * dphi0) {
          accept(fa);
          return true;
        }
        if (da >= 0) {
          keepLo();
          return zoom(x0, fx, g0, d, dphi0, a, fa, da, true, aPrev, fPrev, dPrev, maxEvals);
        }
        if (a >= 1.0) {
          accept(fa);
          return true;
        }
        keepLo();
        havePrevPoint = true;
        aPrev = a;
        fPrev = fa;
        dPrev = da;
        a = Math.min(1.0, 4 * a);
        first = false;
      }
      if (havePrevPoint) {
        restoreLo(fPrev);
        return true;
      }
      return false;
    }

    private void keepLo() {
      System.arraycopy(xt, 0, xLo, 0, n);
      System.arraycopy(gt, 0, gLo, 0, n);
    }

    private void restoreLo(double fLo) {
      System.arraycopy(xLo, 0, x, 0, n);
      System.arraycopy(gLo, 0, g, 0, n);
      f = fLo;
    }

    /** Zoom between {@code lo} (sufficient decrease, lowest value so far) and {@code hi}. */
    private boolean zoom(double[] x0, double fx, double[] g0, double[] d, double dphi0, double aLo, double fLo,
        double dLo, boolean loIsPoint, double aHi, double fHi, double dHi, int maxEvals) {
      while (evaluations < maxEvals) {
        double width = aHi - aLo;
        if (Math.abs(width) <= 1e-14 * Math.max(1.0, Math.abs(aHi))) {
          break;
        }
        double a = interpolate(aLo, fLo, dLo, aHi, fHi, dHi);
        double lo = Math.min(aLo, aHi) + 0.1 * Math.abs(width);
        double hi = Math.max(aLo, aHi) - 0.1 * Math.abs(width);
        if (!(a >= lo && a <= hi)) {
          a = aLo + 0.5 * width;
        }
        double fa = phi(x0, d, a);
        double da = fa < Double.POSITIVE_INFINITY ? slope(d) : Double.NaN;
        if (fa > fx + C1 * a * dphi0 || fa >= fLo) {
          aHi = a;
          fHi = fa;
          dHi = da;
        } else {
          if (Math.abs(da) <= -C2 * dphi0) {
            accept(fa);
            return true;
          }
          if (da * (aHi - aLo) >= 0) {
            aHi = aLo;
            fHi = fLo;
            dHi = dLo;
          }
          aLo = a;
          fLo = fa;
          dLo = da;
          loIsPoint = true;
          keepLo();
        }
      }
      if (loIsPoint && aLo > 0 && fLo < fx) {
        restoreLo(fLo);
        return true;
      }
      return false;
    }

    /** Minimizer of the cubic through both end points, NaN when undefined. */
    private static double interpolate(double a0, double f0, double d0, double a1, double f1, double d1) {
      if (!Double.isFinite(f1) || !Double.isFinite(d1) || !Double.isFinite(d0)) {
        return Double.NaN;
      }
      double t1 = d0 + d1 - 3 * (f0 - f1) / (a0 - a1);
      double disc = t1 * t1 - d0 * d1;
      if (!(disc >= 0)) {
        return Double.NaN;
      }
      double t2 = Math.signum(a1 - a0) * Math.sqrt(disc);
      return a1 - (a1 - a0) * (d1 + t2 - t1) / (d1 - d0 + 2 * t2);
    }
  }
}
