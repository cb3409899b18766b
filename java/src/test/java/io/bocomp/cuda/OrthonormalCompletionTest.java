package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Tensor;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The host completion of zero singular vectors: any subset of an orthonormal set, once zeroed and
 * completed, is orthonormal again, and the present vectors are left untouched.
 */
class OrthonormalCompletionTest {

  @Property(tries = 60)
  void completesAnySubsetToAnOrthonormalSet(@ForAll @IntRange(min = 1, max = 40) int len,
      @ForAll @IntRange(min = 1, max = 40) int countWanted, @ForAll long seed,
      @ForAll boolean columns) {
    int count = Math.min(countWanted, len);
    double[][] q = TestMatrices.orthonormalColumns(len, count, seed);
    int rows = columns ? len : count;
    int cols = columns ? count : len;
    float[] data = new float[rows * cols];
    for (int j = 0; j < count; j++) {
      for (int i = 0; i < len; i++) {
        data[columns ? i * cols + j : j * cols + i] = (float) q[j][i];
      }
    }
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ 0x5eed);
    int[] missing = r.ints(0, count).distinct().limit(1 + r.nextInt(count)).sorted().toArray();
    float[] original = data.clone();
    for (int j : missing) {
      for (int i = 0; i < len; i++) {
        data[columns ? i * cols + j : j * cols + i] = 0f;
      }
    }
    OrthonormalCompletion.complete(data, rows, cols, columns, missing);

    Tensor t = Tensor.of(new int[] {rows, cols}, data);
    double err = columns ? FactorChecks.columnOrthonormalityError(t)
        : FactorChecks.rowOrthonormalityError(t);
    assertThat(err).isLessThan(1e-5);
    for (int j = 0; j < count; j++) {
      if (Arrays.binarySearch(missing, j) < 0) {
        for (int i = 0; i < len; i++) {
          int at = columns ? i * cols + j : j * cols + i;
          assertThat(data[at]).isEqualTo(original[at]);
        }
      }
    }
  }

  @Property(tries = 20)
  void fillsEveryVectorOfAZeroMatrix(@ForAll @IntRange(min = 1, max = 30) int n) {
    float[] data = new float[n * n];
    int[] all = java.util.stream.IntStream.range(0, n).toArray();
    OrthonormalCompletion.complete(data, n, n, true, all);
    assertThat(FactorChecks.columnOrthonormalityError(Tensor.of(new int[] {n, n}, data)))
        .isLessThan(1e-6);
  }
}
