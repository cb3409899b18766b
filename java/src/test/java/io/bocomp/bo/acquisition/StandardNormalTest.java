package io.bocomp.bo.acquisition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class StandardNormalTest {
  @Test
  void cdfHasSmallRelativeErrorIntoTheLowerTail() {
    for (double z = -26; z <= 8; z += 0.01) {
      double ref = 0.5 * Erf.erfc(-z / Math.sqrt(2));
      // exp(−z²/2) of a rounded z² carries a relative error of about ε·z²/2, whoever computes it
      double tol = 2e-14 * (1 + z * z) * ref;
      assertThat(StandardNormal.cdf(z)).as("z=%f", z).isCloseTo(ref, within(tol + 1e-300));
    }
  }

  @Test
  void logCdfAndLogHAreFiniteAndAsymptoticallyRight() {
    for (double z : new double[] {-1e6, -1e12}) {
      double t = -z;
      // asymptotics, exact to double precision this far out:
      // log Φ(−t) = −t²/2 − log t − ½ log 2π − 1/t², log h(−t) = −t²/2 − 2 log t − ½ log 2π − 3/t²
      double lc = -0.5 * t * t - Math.log(t) - 0.5 * Math.log(2 * Math.PI) - 1 / (t * t);
      double lh = -0.5 * t * t - 2 * Math.log(t) - 0.5 * Math.log(2 * Math.PI) - 3 / (t * t);
      assertThat(StandardNormal.logCdf(z)).isCloseTo(lc, within(1e-14 * Math.abs(lc)));
      assertThat(StandardNormal.logH(z)).isCloseTo(lh, within(1e-14 * Math.abs(lh)));
    }
    // reference values computed with mpmath at 50 digits
    assertThat(StandardNormal.logCdf(-40)).isCloseTo(-804.6084420137537881666068, within(1e-11));
    assertThat(StandardNormal.logH(-40)).isCloseTo(-808.2985683566199602409399, within(1e-11));
    assertThat(StandardNormal.logCdf(-1000)).isCloseTo(-500007.8266948121843098062, within(1e-9));
    assertThat(StandardNormal.logH(-1000)).isCloseTo(-500014.7344520911584469149, within(1e-9));
    assertThat(StandardNormal.logH(-10)).isCloseTo(-55.553122036122356, within(1e-11));
    assertThat(StandardNormal.logH(-5)).isCloseTo(-16.74430116266099, within(1e-11));
    assertThat(StandardNormal.logH(0)).isCloseTo(Math.log(1 / Math.sqrt(2 * Math.PI)), within(1e-15));
    assertThat(StandardNormal.logH(3)).isCloseTo(Math.log(3.0003821543170477), within(1e-13));
  }

  @Test
  void hMatchesItsDefinitionAndDerivativesMatchDifferences() {
    for (double z = -6; z <= 4; z += 0.25) {
      double direct = StandardNormal.pdf(z) + z * StandardNormal.cdf(z);
      assertThat(StandardNormal.h(z)).isCloseTo(direct, within(1e-12 * Math.abs(direct) + 1e-16));
      double e = 1e-6;
      double fd = (StandardNormal.logH(z + e) - StandardNormal.logH(z - e)) / (2 * e);
      assertThat(StandardNormal.logHDerivative(z)).isCloseTo(fd, within(1e-6 * (1 + Math.abs(fd))));
      double fd2 = (StandardNormal.logCdf(z + e) - StandardNormal.logCdf(z - e)) / (2 * e);
      assertThat(StandardNormal.inverseMillsRatio(z)).isCloseTo(fd2, within(1e-6 * (1 + Math.abs(fd2))));
    }
  }
}
