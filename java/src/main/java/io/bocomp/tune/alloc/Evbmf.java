package io.bocomp.tune.alloc;

import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * The rank that empirical variational Bayesian matrix factorization keeps, in closed form
 * (Nakajima, Sugiyama, Babacan, Tomioka, "Global analytic solution of fully-observed variational
 * Bayesian matrix factorization", JMLR 14, 2013; as Kim et al., "Compression of deep convolutional
 * neural networks for fast and low power mobile applications", ICLR 2016, use it for the Tucker-2
 * ranks of each channel unfolding).
 *
 * <p>For an L x M matrix (L &lt;= M, else transposed) with singular values s_1 &gt;= ... &gt;= s_H
 * (H &lt;= L; the energy beyond them is the residual ||Y||_F^2 - sum s_h^2):
 *
 * <ol>
 *   <li>alpha = L / M, tau_bar = 2.5129 sqrt(alpha), x_bar = (1 + tau_bar)(1 + alpha / tau_bar);
 *   <li>the noise variance sigma^2 minimizes the free energy
 *       F(sigma^2) = sum_{x_h &lt;= x_bar} (x_h - log x_h)
 *       + sum_{x_h &gt; x_bar} (x_h - tau(x_h) + log((tau(x_h) + 1) / x_h)
 *       + alpha log(tau(x_h) / alpha + 1)) + residual / (M sigma^2) + (L - H) log sigma^2,
 *       with x_h = s_h^2 / (M sigma^2) and tau(x) = (x - (1 + alpha)
 *       + sqrt((x - (1 + alpha))^2 - 4 alpha)) / 2, over [lower, upper]: upper = ||Y||_F^2 / (L M),
 *       lower = max(s_{e+1}^2 / (M x_bar), mean_{h &gt; e} s_h^2 / M) with
 *       e = min(ceil(L / (1 + alpha)) - 1, H) (one-based): its global minimum, the best of a
 *       256-point log grid refined by Brent's method between that point's neighbours;
 *   <li>the rank is the number of s_h above sqrt(M sigma^2 (1 + tau_bar)(1 + alpha / tau_bar)).
 * </ol>
 *
 * This is the algorithm of Nakajima's reference code (and of its Python port used for CNN
 * compression), except: {@code log x} is taken of x + 2.2e-16 so exact zero singular values stay
 * finite; when fewer than e + 1 singular values are known (a randomized truncation), the lower
 * bound takes the residual spread evenly over the unknown ones; the reference codes minimize F
 * with a bounded Brent search alone (absolute tolerance 1e-5), which can stop in the local minimum
 * at the upper end when F has two (the test's 4 x 8 case: sigma^2 = 4.14 and rank 0 there, against
 * the global minimum 0.319 and rank 2); here the global minimum is taken, to a relative 1e-10.
 */
public final class Evbmf {
  private static final double TAU_FACTOR = 2.5129;
  private static final double EPS = 2.220446049250313e-16;
  /** Points of the log grid the global minimum of F is sought on before Brent refines it. */
  private static final int GRID = 256;

  private Evbmf() {}

  /**
   * The result for one matrix.
   *
   * @param rank singular values kept
   * @param sigma2 the estimated noise variance
   * @param threshold the singular value threshold
   * @param lower the lower end of sigma2's search interval
   * @param upper its upper end
   */
  public record Result(int rank, double sigma2, double threshold, double lower, double upper) {}

  /**
   * @param rows rows of the matrix
   * @param cols columns
   * @param sigma its largest singular values, descending (at most min(rows, cols) are used)
   * @param frobenius2 ||Y||_F^2 (the residual beyond {@code sigma} is taken from it)
   */
  public static Result of(int rows, int cols, double[] sigma, double frobenius2) {
    int l = Math.min(rows, cols);
    int m = Math.max(rows, cols);
    int h = Math.min(sigma.length, l);
    if (h == 0) {
      return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] s = java.util.Arrays.copyOf(sigma, h);
    double alpha = (double) l / m;
    double tauBar = TAU_FACTOR * Math.sqrt(alpha);
    double xBar = (1 + tauBar) * (1 + alpha / tauBar);
    double kept = 0;
    for (double v : s) {
      kept += v * v;
    }
    double residual = h < l ? Math.max(0, frobenius2 - kept) : 0;
    int e = Math.min((int) Math.ceil(l / (1 + alpha)) - 1, h) - 1; // zero-based index e
    double upper = (kept + residual) / ((double) l * m);
    double lower;
    if (e + 1 < h) {
      double tail = 0;
      for (int i = e + 1; i < h; i++) {
        tail += s[i] * s[i];
      }
      lower = Math.max(s[e + 1] * s[e + 1] / (m * xBar), tail / (h - e - 1) / m);
    } else {
      lower = l > h ? residual / ((double) (l - h) * m) : 0;
    }
    if (!(upper > 0)) {
      return new Result(0, 0, 0, lower, upper);
    }
    if (!(lower > 0) || lower >= upper) {
      lower = Math.min(lower > 0 ? lower : upper * 1e-12, upper * (1 - 1e-12));
    }
    final int lf = l;
    final int mf = m;
    final int hf = h;
    final double res = residual;
    java.util.function.DoubleUnaryOperator energy =
        v -> freeEnergy(v, lf, mf, hf, s, res, alpha, xBar);
    // F can have two local minima in [lower, upper] (one often at the upper end): scan a log grid
    // for the global one, then refine it between the grid neighbours of the best point.
    double[] grid = new double[GRID];
    int best = 0;
    double bestF = Double.POSITIVE_INFINITY;
    for (int i = 0; i < GRID; i++) {
      grid[i] = i == GRID - 1 ? upper : lower * Math.pow(upper / lower, (double) i / (GRID - 1));
      double fv = energy.applyAsDouble(grid[i]);
      if (fv < bestF) {
        bestF = fv;
        best = i;
      }
    }
    double a = grid[Math.max(0, best - 1)];
    double b = grid[Math.min(GRID - 1, best + 1)];
    double sigma2 = new BrentOptimizer(1e-10, Math.max(Double.MIN_NORMAL, upper * 1e-15))
        .optimize(new MaxEval(10_000), new UnivariateObjectiveFunction(energy::applyAsDouble),
            GoalType.MINIMIZE, new SearchInterval(a, b, grid[best]))
        .getPoint();
    if (energy.applyAsDouble(sigma2) > bestF) {
      sigma2 = grid[best];
    }
    double threshold = Math.sqrt(m * sigma2 * (1 + tauBar) * (1 + alpha / tauBar));
    int rank = 0;
    for (double v : s) {
      if (v > threshold) {
        rank++;
      }
    }
    return new Result(rank, sigma2, threshold, lower, upper);
  }

  /** F(sigma^2) of the class comment (up to constants). */
  static double freeEnergy(double sigma2, int l, int m, int h, double[] s, double residual,
      double alpha, double xBar) {
    double obj = 0;
    for (int i = 0; i < h; i++) {
      double x = s[i] * s[i] / (m * sigma2);
      if (x > xBar) {
        double t = tau(x, alpha);
        obj += x - t + Math.log((t + 1) / x) + alpha * Math.log(t / alpha + 1);
      } else {
        obj += x - Math.log(x + EPS);
      }
    }
    return obj + residual / (m * sigma2) + (l - h) * Math.log(sigma2);
  }

  private static double tau(double x, double alpha) {
    double d = x - (1 + alpha);
    return 0.5 * (d + Math.sqrt(Math.max(0, d * d - 4 * alpha)));
  }
}
