package io.bocomp.bo.model;

/**
 * Maps the user's box to the unit cube the surrogate works in, and rounds integer dimensions
 * <em>inside</em> the model: an integer dimension {@code [lo, hi]} is relaxed to the interval
 * {@code [lo − ½, hi + ½]}, which is mapped to {@code [0, 1]}, so that each of its {@code hi − lo + 1}
 * values owns a cell of equal width {@code 1/(hi − lo + 1)} and uniform samples of the cube are uniform
 * over the integers. {@link #round} snaps a unit-cube point to the centre of its cell; the GP applies
 * it to every input, so its posterior is piecewise constant along integer dimensions (the approach of
 * Garrido-Merchán and Hernández-Lobato, 2020) and never predicts at a non-integer rank.
 *
 * <p>Immutable.
 */
public final class InputTransform {
  private final int d;
  private final double[] lower;
  private final double[] width;
  /** 0 for a continuous dimension, else the number of integer values. */
  private final int[] levels;

  /**
   * @param lower lower bounds in user space
   * @param upper upper bounds in user space, {@code > lower} (integer dimensions may have {@code ==})
   * @param integer which dimensions take integer values (their bounds must be integers)
   */
  public InputTransform(double[] lower, double[] upper, boolean[] integer) {
    this.d = lower.length;
    this.lower = new double[d];
    this.width = new double[d];
    this.levels = new int[d];
    for (int j = 0; j < d; j++) {
      if (integer[j]) {
        long lo = Math.round(lower[j]);
        long hi = Math.round(upper[j]);
        long count = hi - lo + 1;
        if (count < 1 || count > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("integer dimension " + j + " has " + count + " values");
        }
        this.levels[j] = (int) count;
        this.lower[j] = lo - 0.5;
        this.width[j] = count;
      } else {
        this.lower[j] = lower[j];
        this.width[j] = upper[j] - lower[j];
      }
    }
  }

  public int dimension() {
    return d;
  }

  /** Number of integer values of dimension {@code j}, 0 when it is continuous. */
  public int levels(int j) {
    return levels[j];
  }

  public boolean isInteger(int j) {
    return levels[j] > 0;
  }

  public boolean hasIntegers() {
    for (int l : levels) {
      if (l > 0) {
        return true;
      }
    }
    return false;
  }

  /** User point to unit cube (integer coordinates are rounded first). */
  public void toModel(double[] user, double[] out) {
    for (int j = 0; j < d; j++) {
      double v = levels[j] > 0 ? Math.rint(user[j]) : user[j];
      out[j] = (v - lower[j]) / width[j];
    }
    round(out, out);
  }

  /** Unit-cube point to user space; integer coordinates come out as exact integers. */
  public void toUser(double[] model, double[] out) {
    for (int j = 0; j < d; j++) {
      double u = Math.min(1.0, Math.max(0.0, model[j]));
      if (levels[j] > 0) {
        out[j] = lower[j] + 0.5 + cell(u, levels[j]);
      } else {
        out[j] = lower[j] + u * width[j];
      }
    }
  }

  /** Snaps integer coordinates of a unit-cube point to their cell centres ({@code in == out} allowed). */
  public void round(double[] in, double[] out) {
    for (int j = 0; j < d; j++) {
      int k = levels[j];
      out[j] = k > 0 ? (cell(in[j], k) + 0.5) / k : in[j];
    }
  }

  private static int cell(double u, int k) {
    int c = (int) Math.floor(u * k);
    return c < 0 ? 0 : (c >= k ? k - 1 : c);
  }
}
