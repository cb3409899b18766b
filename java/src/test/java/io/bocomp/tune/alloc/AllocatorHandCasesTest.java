package io.bocomp.tune.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.compress.CompressibleModel;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Tensor;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.MethodChoice;
import io.bocomp.tune.SearchSpace;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules on cases worked out by hand.
 *
 * <p>The model: x[N, 16] - fcA (16 -&gt; 16) - relu - fcB (16 -&gt; 16), both Gemm with a (zero)
 * bias, each weight U diag(sigma) V^T with seeded random orthogonal U and V (no zero entries), so
 * its singular values are known: A has 16, 8, 4, ..., 16 / 2^15 (each half the one before), B has
 * 10, 9, 8, 7, 6, 4.5, 3.5, 2.6, 1.5, 1 and six zeros. ||A||_F^2 = 256 (1 - 4^-16) / (3/4) =
 * 341.33, ||B||_F^2 = 372.51. 544 parameters (two 256-weight matrices, two 16-entry biases); SVD
 * rank r costs 32 r + 16, and at r = 8 (256 weights) a layer is no cheaper than dense, so each
 * dimension offers ranks 1..7 and dense. At 45% of the parameters (244.8) the two ranks may add up
 * to 6: 32 (rA + rB) + 32 &lt;= 244.8 (7 ranks: 256).
 */
class AllocatorHandCasesTest {
  private static final double[] SIGMA_B = {10, 9, 8, 7, 6, 4.5, 3.5, 2.6, 1.5, 1};
  private static final double NORM_B = 372.51;
  private static SearchSpace space;
  private static AllocationProblem problem;

  @BeforeAll
  static void build() {
    double[] sa = new double[16];
    double[] sb = new double[16];
    for (int i = 0; i < 16; i++) {
      sa[i] = 16 * Math.pow(2, -i);
      sb[i] = i < SIGMA_B.length ? SIGMA_B[i] : 0;
    }
    GraphBuilder g = new GraphBuilder("two_fc", 17);
    String x = g.input("x", -1, 16);
    x = g.relu(g.gemm("fcA", x, weight(sa, 1), Tensor.zeros(16), true));
    x = g.gemm("fcB", x, weight(sb, 3), Tensor.zeros(16), true);
    g.output(x, -1, 16);
    ModelFactors f = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), null)
        .compute(CompressibleModel.of(g.build(), 17));
    space = SearchSpace.build(f, SearchSpace.Options.of(MethodChoice.AUTO));
    problem = AllocationProblem.of(space, CostMetric.PARAMS, 0.45);
  }

  /** U diag(s) V^T, U and V orthonormalized seeded Gaussian matrices; no entry is zero. */
  private static Tensor weight(double[] s, long seed) {
    double[][] u = orthogonal(seed);
    double[][] v = orthogonal(seed + 1);
    float[] w = new float[256];
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 16; j++) {
        double acc = 0;
        for (int k = 0; k < 16; k++) {
          acc += u[i][k] * s[k] * v[j][k];
        }
        w[i * 16 + j] = (float) acc;
        assertThat(w[i * 16 + j]).isNotZero();
      }
    }
    return Tensor.of(new int[] {16, 16}, w);
  }

  private static double[][] orthogonal(long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[][] q = new double[16][16];
    for (int c = 0; c < 16; c++) { // Gram-Schmidt on the columns
      double[] v = new double[16];
      for (int i = 0; i < 16; i++) {
        v[i] = r.nextGaussian();
      }
      for (int p = 0; p < c; p++) {
        double d = 0;
        for (int i = 0; i < 16; i++) {
          d += v[i] * q[i][p];
        }
        for (int i = 0; i < 16; i++) {
          v[i] -= d * q[i][p];
        }
      }
      double n = 0;
      for (double x : v) {
        n += x * x;
      }
      for (int i = 0; i < 16; i++) {
        q[i][c] = v[i] / Math.sqrt(n);
      }
    }
    return q;
  }

  private static int rank(Allocation r, String layer) {
    LayerChoice c = space.resolve(r.theta()).choice(layer);
    return c.method() == null ? 16 : c.rank();
  }

  /** The plan gives fcA rank {@code a} and fcB rank {@code b} (16: dense). */
  private static void assertRanks(Allocation r, int a, int b) {
    assertThat(rank(r, "fcA")).as("rank of fcA").isEqualTo(a);
    assertThat(rank(r, "fcB")).as("rank of fcB").isEqualTo(b);
  }

  @Test
  void theSpaceOffersRanksOneToSevenAndDense() {
    assertThat(space.dimension()).isEqualTo(2);
    assertThat(problem.original().params()).isEqualTo(544);
    Ladder l = problem.ladders().get(1);
    assertThat(l.size()).isEqualTo(8);
    assertThat(l.cost(0, CostMetric.PARAMS)).isEqualTo(48);
    assertThat(l.cost(6, CostMetric.PARAMS)).isEqualTo(240);
    assertThat(l.cost(7, CostMetric.PARAMS)).isEqualTo(272);
    ResolvedPlan top = space.resolve(new double[] {l.values[7], l.values[7]});
    assertThat(top.choice("fcB").method()).isNull();
  }

  /**
   * ALDS: layer errors sigma_{r+1} / sigma_1 for r = 1..7 are A: 0.5, 0.25, 0.125, ... and B: 0.9,
   * 0.8, 0.7, 0.6, 0.45, 0.35, 0.26. Epsilon in [0.5, 0.6) gives A rank 1, B rank 5: 6 ranks, 224
   * parameters. Any epsilon below 0.5 needs A at rank 2 (7 ranks, 256 &gt; 244.8). So ALDS returns
   * ranks (1, 5) with epsilon 0.5 (A's error; B's is 0.45), and its next plan has 256 parameters.
   */
  @Test
  void aldsTakesTheSmallestGlobalErrorThatFits() {
    Allocation r = new AldsAllocator().allocate(problem);
    assertRanks(r, 1, 5);
    assertThat(r.parameter()).isCloseTo(0.5, within(1e-5));
    assertThat(r.fraction()).isEqualTo(224.0 / 544);
    assertThat(r.nextFraction()).isEqualTo(256.0 / 544);
  }

  /**
   * LC: sigma_i^2 / ||W||_F^2 in decreasing order over both layers (one rank costs 32 parameters in
   * each): A1 0.750, B1 0.268, B2 0.217, A2 0.1875, B3 0.172, B4 0.132, B5 0.0966, B6 0.0544, A3
   * 0.0469, ... The 6 ranks the budget allows go to the first six: A rank 2, B rank 4, 224
   * parameters; lambda = (49 / 372.51) / 32 = 0.0041106 is where B's 4th rank is just kept, and the
   * next plan (B5 added) has 256.
   */
  @Test
  void lcKeepsTheSingularValuesWorthTheirCost() {
    Allocation r = new LcThresholdAllocator().allocate(problem);
    assertRanks(r, 2, 4);
    assertThat(r.parameter()).isCloseTo(49 / NORM_B / 32, within(1e-7));
    assertThat(r.fraction()).isEqualTo(224.0 / 544);
    assertThat(r.nextFraction()).isEqualTo(256.0 / 544);
  }

  /**
   * The C-step's minimizer over B's ladder equals the rule "keep sigma_i while sigma_i^2 /
   * ||W||_F^2 &gt; lambda c" (c = 32 parameters per rank), for lambdas where the rule keeps at most
   * 6 ranks (beyond, the dense layer, 272 parameters and no error, is the better point: the
   * resolver's break-even, which the rule alone does not know).
   */
  @Test
  void lcsMinimizerIsTheThresholdRuleOnAnSvdLayer() {
    Ladder l = problem.ladders().get(1);
    List<Integer> hull = LcThresholdAllocator.hull(l, CostMetric.PARAMS);
    int expected = 6;
    for (double lambda : new double[] {0.0013, 0.0025, 0.0035, 0.0045, 0.006, 0.0075}) {
      int keep = 0;
      for (double v : SIGMA_B) {
        keep += v * v / NORM_B > lambda * 32 ? 1 : 0;
      }
      int best = hull.get(0);
      for (int o : hull) {
        if (l.err2[o] + lambda * l.cost(o, CostMetric.PARAMS)
            < l.err2[best] + lambda * l.cost(best, CostMetric.PARAMS)) {
          best = o;
        }
      }
      assertThat(keep).as("lambda %s", lambda).isEqualTo(expected--);
      assertThat(l.ranks[best][0]).as("lambda %s", lambda).isEqualTo(keep);
    }
  }

  /**
   * Energy: kept fractions A 0.750, 0.9375, 0.984, ...; B 0.268, 0.486, 0.658, 0.789, 0.886, ...
   * Six ranks: (1, 5) keeps min(0.750, 0.886) = 0.750, (2, 4) min(0.9375, 0.789) = 0.789. e in
   * (0.750, 0.789] gives (2, 4); e above 0.789 needs B at rank 5 (7 ranks, 256 parameters).
   */
  @Test
  void energyKeepsOneFractionEverywhere() {
    Allocation r = new EnergyThresholdAllocator().allocate(problem);
    assertRanks(r, 2, 4);
    assertThat(r.parameter()).isCloseTo((100 + 81 + 64 + 49) / NORM_B, within(1e-5));
    assertThat(r.nextFraction()).isEqualTo(256.0 / 544);
  }

  /** Uniform: the same rank fraction, ranks (r, r): 3 + 3 fit, 4 + 4 (288) do not. */
  @Test
  void uniformGivesBothLayersTheSameRank() {
    Allocation r = new UniformAllocator().allocate(problem);
    assertRanks(r, 3, 3);
    assertThat(r.nextFraction()).isEqualTo(288.0 / 544);
  }

  /**
   * EVBMF by hand (derived with numpy/scipy from the algorithm in {@link Evbmf}'s comment): a 6 x
   * 10 matrix with singular values 10, 8, 3, 1.5, 1.0, 0.6. alpha = 0.6, tau_bar = 2.5129
   * sqrt(0.6) = 1.94648, x_bar = (1 + tau_bar)(1 + alpha / tau_bar) = 3.85473; e =
   * min(ceil(6 / 1.6) - 1, 6) = 3 (one-based), so lower = max(1.5^2 / (10 x_bar), (1.5^2 + 1 +
   * 0.6^2) / 3 / 10) = max(0.05837, 0.12033) = 0.12033; upper = 176.61 / 60 = 2.9435. F has one
   * minimum on that interval, at sigma^2 = 0.463505 (F = 14.0246; F(0.3) = 14.317, F(0.7) =
   * 14.218), so the threshold is sqrt(10 sigma^2 x_bar) = 4.22693 and two singular values (10, 8)
   * exceed it: rank 2.
   */
  @Test
  void evbmfRankOfAHandCase() {
    Evbmf.Result r = Evbmf.of(6, 10, new double[] {10, 8, 3, 1.5, 1.0, 0.6}, 176.61);
    assertThat(r.lower()).isCloseTo(0.120333, within(1e-6));
    assertThat(r.upper()).isCloseTo(2.9435, within(1e-9));
    assertThat(r.sigma2()).isCloseTo(0.463505, within(2e-6));
    assertThat(r.threshold()).isCloseTo(4.22693, within(2e-5));
    assertThat(r.rank()).isEqualTo(2);
    // transposing changes nothing
    assertThat(Evbmf.of(10, 6, new double[] {10, 8, 3, 1.5, 1.0, 0.6}, 176.61).rank()).isEqualTo(2);
  }

  /**
   * A 4 x 8 matrix with singular values 9, 7, 1.2, 1.0: alpha = 0.5, x_bar = 3.55828, e = 1
   * (zero-based), lower = max(1.2^2 / (8 x_bar), (1.44 + 1) / 2 / 8) = 0.1525, upper = 132.44 / 32
   * = 4.13875. F has two local minima there: sigma^2 = 0.319334 (F = 9.32136, threshold
   * sqrt(8 sigma^2 x_bar) = 3.01500, rank 2) and the upper end (F = 9.34843, threshold 10.85,
   * rank 0), where scipy's bounded Brent search (the Python ports) stops. The global minimum is
   * the estimate: rank 2.
   */
  @Test
  void evbmfTakesTheGlobalMinimumOfTheFreeEnergy() {
    Evbmf.Result r = Evbmf.of(4, 8, new double[] {9, 7, 1.2, 1.0}, 132.44);
    assertThat(r.lower()).isCloseTo(0.1525, within(1e-9));
    assertThat(r.upper()).isCloseTo(4.13875, within(1e-9));
    assertThat(r.sigma2()).isCloseTo(0.319334, within(2e-6));
    assertThat(r.threshold()).isCloseTo(3.01500, within(2e-5));
    assertThat(r.rank()).isEqualTo(2);
  }

  /** A truncated spectrum: the unknown tail's energy (the residual) enters F and the bounds. */
  @Test
  void evbmfOfATruncatedSpectrumUsesTheResidual() {
    double[] full = {10, 8, 3, 1.5, 1.0, 0.6};
    Evbmf.Result all = Evbmf.of(6, 10, full, 176.61);
    Evbmf.Result top = Evbmf.of(6, 10, new double[] {10, 8, 3, 1.5, 1.0}, 176.61);
    assertThat(top.upper()).isCloseTo(all.upper(), within(1e-12));
    assertThat(top.rank()).isEqualTo(2);
  }
}
