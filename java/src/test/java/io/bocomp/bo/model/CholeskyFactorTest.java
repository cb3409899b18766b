package io.bocomp.bo.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.junit.jupiter.api.Test;

class CholeskyFactorTest {
  static double[] randomSpd(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] b = new double[n * n];
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextDouble(-1, 1);
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += b[i * n + k] * b[j * n + k];
        }
        a[i * n + j] = s + (i == j ? 0.5 : 0);
      }
    }
    return a;
  }

  @Test
  void factorsSolvesAndInvertsLikeCommonsMath() {
    int n = 37;
    double[] a = randomSpd(n, 1);
    CholeskyFactor c = CholeskyFactor.factor(a, n, n);
    assertThat(c.jitter()).isZero();
    double[][] a2 = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a2[i][j] = a[i * n + j];
      }
    }
    CholeskyDecomposition ref = new CholeskyDecomposition(new Array2DRowRealMatrix(a2));
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        assertThat(c.lower(i, j)).isCloseTo(ref.getL().getEntry(i, j), within(1e-10));
      }
    }
    assertThat(c.logDeterminant()).isCloseTo(Math.log(ref.getDeterminant()), within(1e-9));
    double[] inv = c.inverse(null);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += a[i * n + k] * inv[k * n + j];
        }
        assertThat(s).isCloseTo(i == j ? 1 : 0, within(1e-8));
      }
    }
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = Math.sin(i);
    }
    double[] x = b.clone();
    c.solveLowerInPlace(x);
    c.solveUpperInPlace(x);
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < n; k++) {
        s += a[i * n + k] * x[k];
      }
      assertThat(s).isCloseTo(b[i], within(1e-9));
    }
  }

  @Test
  void largeInversesTakeTheTwoThreadPathAndStayExact() {
    for (int n : new int[] {CholeskyFactor.PARALLEL_INVERSE_FROM, 131, 202}) {
      double[] a = randomSpd(n, n);
      double[] inv = CholeskyFactor.factor(a, n, n).inverse(null, null);
      double worst = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int k = 0; k < n; k++) {
            s += a[i * n + k] * inv[k * n + j];
          }
          worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
          assertThat(inv[i * n + j]).isEqualTo(inv[j * n + i]);
        }
      }
      assertThat(worst).as("n=%d", n).isLessThan(1e-7);
    }
  }

  @Test
  void multipleRightHandSidesMatchSingleSolves() {
    int n = 20;
    int m = 7;
    CholeskyFactor c = CholeskyFactor.factor(randomSpd(n, 2), n, n);
    double[] bm = new double[n * m];
    for (int i = 0; i < bm.length; i++) {
      bm[i] = Math.cos(i * 0.37);
    }
    double[] solved = bm.clone();
    c.solveLowerInPlace(solved, m);
    for (int col = 0; col < m; col++) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = bm[i * m + col];
      }
      c.solveLowerInPlace(v);
      for (int i = 0; i < n; i++) {
        assertThat(solved[i * m + col]).isCloseTo(v[i], within(1e-12));
      }
    }
  }

  @Test
  void appendEqualsFullFactorization() {
    int n = 30;
    double[] a = randomSpd(n, 3);
    double[] lead = new double[(n - 2) * (n - 2)];
    for (int i = 0; i < n - 2; i++) {
      System.arraycopy(a, i * n, lead, i * (n - 2), n - 2);
    }
    CholeskyFactor inc = CholeskyFactor.factor(lead, n - 2, n - 2);
    for (int r = n - 2; r < n; r++) {
      double[] cross = new double[r];
      System.arraycopy(a, r * n, cross, 0, r);
      assertThat(inc.append(cross, a[r * n + r])).isTrue();
    }
    CholeskyFactor full = CholeskyFactor.factor(a, n, n);
    assertThat(inc.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        assertThat(inc.lower(i, j)).isCloseTo(full.lower(i, j), within(1e-10));
      }
    }
    assertThat(inc.logDeterminant()).isCloseTo(full.logDeterminant(), within(1e-9));
  }

  @Test
  void escalatesJitterOnASingularMatrixAndRejectsNaN() {
    int n = 4;
    double[] a = new double[n * n];
    for (int i = 0; i < n * n; i++) {
      a[i] = 1.0; // rank one: every point a duplicate
    }
    CholeskyFactor c = CholeskyFactor.factor(a, n, n);
    assertThat(c.jitter()).isGreaterThan(0).isLessThanOrEqualTo(1e-2);
    double[] bad = a.clone();
    bad[1] = Double.NaN;
    bad[4] = Double.NaN;
    assertThatThrownBy(() -> CholeskyFactor.factor(bad, n, n)).isInstanceOf(ModelFittingException.class);
    double[] negative = {-1, 0, 0, -1};
    assertThatThrownBy(() -> CholeskyFactor.factor(negative, 2, 2))
        .isInstanceOf(ModelFittingException.class)
        .hasMessageContaining("diagonal");
  }

  @Test
  void appendRefusesANonPositiveSchurComplement() {
    double[] a = {1, 0, 0, 1};
    CholeskyFactor c = CholeskyFactor.factor(a, 2, 2);
    assertThat(c.append(new double[] {1, 0}, 1.0)).isFalse();
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.append(new double[] {0.5, 0}, 1.0)).isTrue();
    assertThat(c.lower(2, 0)).isCloseTo(0.5, within(1e-15));
    assertThat(c.lower(2, 2)).isCloseTo(Math.sqrt(0.75), within(1e-15));
  }
}
