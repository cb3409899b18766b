package io.bocomp.bo.optim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Sobol low-discrepancy sequence in {@code [0, 1)^d}, {@code d ≤ 128}, with the direction numbers
 * of Joe and Kuo (2008, {@code new-joe-kuo-6.21201}), generated in Gray-code order with 30-bit
 * precision (up to {@code 2³⁰} points).
 *
 * <p>Scrambled (the default) with Matoušek's random linear matrix scrambling followed by a random
 * digital shift, as SciPy's and PyTorch's {@code SobolEngine} do: each dimension's direction numbers
 * are multiplied by a random lower-triangular binary matrix with unit diagonal and every point is
 * XORed with a random 30-bit shift. This keeps the (t, s)-net structure, removes the point at the
 * origin and the alignment of the unscrambled sequence, and makes independent replicates from
 * different seeds. Not thread-safe.
 */
public final class SobolSequence {
  /** Largest supported dimension (the direction numbers shipped). */
  public static final int MAX_DIMENSION = 128;

  private static final int BITS = 30;
  private static final double SCALE = 1.0 / (1L << BITS);
  private static final int[][] DIRECTIONS = loadDirections();

  private final int d;
  private final int[][] v;
  private final int[] state;
  private long index;

  private SobolSequence(int d, int[][] v, int[] shift) {
    this.d = d;
    this.v = v;
    this.state = shift.clone();
  }

  /** The unscrambled sequence (its first point is the origin). */
  public static SobolSequence unscrambled(int dimension) {
    checkDimension(dimension);
    int[][] v = new int[dimension][];
    for (int j = 0; j < dimension; j++) {
      v[j] = DIRECTIONS[j].clone();
    }
    return new SobolSequence(dimension, v, new int[dimension]);
  }

  /** The sequence scrambled by linear matrix scrambling and a digital shift drawn from {@code seed}. */
  public static SobolSequence scrambled(int dimension, long seed) {
    checkDimension(dimension);
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] v = new int[dimension][BITS];
    int[] shift = new int[dimension];
    for (int j = 0; j < dimension; j++) {
      int[] rows = new int[BITS];
      for (int i = 0; i < BITS; i++) {
        // digit i (0 = most significant) is bit BITS-1-i; row i mixes in random more significant digits
        int higher = i == 0 ? 0 : (rng.nextInt() & (((1 << i) - 1) << (BITS - i)));
        rows[i] = higher | (1 << (BITS - 1 - i));
      }
      for (int k = 0; k < BITS; k++) {
        int src = DIRECTIONS[j][k];
        int out = 0;
        for (int i = 0; i < BITS; i++) {
          out |= (Integer.bitCount(rows[i] & src) & 1) << (BITS - 1 - i);
        }
        v[j][k] = out;
      }
      shift[j] = rng.nextInt() & ((1 << BITS) - 1);
    }
    return new SobolSequence(dimension, v, shift);
  }

  private static void checkDimension(int dimension) {
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException("Sobol dimension must be in [1, " + MAX_DIMENSION + "], got " + dimension);
    }
  }

  public int dimension() {
    return d;
  }

  /** Writes the next point into {@code out} ({@code d} entries from {@code offset}). */
  public void next(double[] out, int offset) {
    if (index >= (1L << BITS)) {
      throw new IllegalStateException("Sobol sequence exhausted after 2^" + BITS + " points");
    }
    for (int j = 0; j < d; j++) {
      out[offset + j] = state[j] * SCALE;
    }
    int c = Long.numberOfTrailingZeros(~index);
    for (int j = 0; j < d; j++) {
      state[j] ^= v[j][c];
    }
    index++;
  }

  public double[] next() {
    double[] p = new double[d];
    next(p, 0);
    return p;
  }

  /** The next {@code m} points as an {@code m×d} row-major array. */
  public double[] next(int m) {
    double[] p = new double[m * d];
    for (int i = 0; i < m; i++) {
      next(p, i * d);
    }
    return p;
  }

  /** Skips {@code count} points. */
  public void skip(long count) {
    for (long i = 0; i < count; i++) {
      int c = Long.numberOfTrailingZeros(~index);
      for (int j = 0; j < d; j++) {
        state[j] ^= v[j][c];
      }
      index++;
    }
  }

  private static int[][] loadDirections() {
    int[][] dirs = new int[MAX_DIMENSION][BITS];
    for (int k = 0; k < BITS; k++) {
      dirs[0][k] = 1 << (BITS - 1 - k);
    }
    String resource = "joe-kuo-6.21201-d128.txt";
    try (InputStream in = SobolSequence.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        int dim = Integer.parseInt(f[0]);
        int s = Integer.parseInt(f[1]);
        int a = Integer.parseInt(f[2]);
        int[] vj = dirs[dim - 1];
        for (int k = 0; k < s && k < BITS; k++) {
          vj[k] = Integer.parseInt(f[3 + k]) << (BITS - 1 - k);
        }
        for (int k = s; k < BITS; k++) {
          int value = vj[k - s] ^ (vj[k - s] >>> s);
          for (int i = 1; i < s; i++) {
            if (((a >>> (s - 1 - i)) & 1) != 0) {
              value ^= vj[k - i];
            }
          }
          vj[k] = value;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dirs;
  }
}
