package io.bocomp.bo;

import io.bocomp.bo.model.InputTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The search box: named continuous and integer dimensions, built with {@link #builder()}. Maps
 * user points to the unit cube the surrogate works in (integer dimensions are rounded inside the
 * model, see {@link InputTransform}) and validates user points. At most {@link #MAX_DIMENSIONS}
 * dimensions (the Sobol direction numbers shipped; a GP with ARD lengthscales is of little use well
 * before that). Immutable.
 *
 * <pre>{@code
 * Space space = Space.builder()
 *     .continuous("keep_fraction", 0.05, 1.0)
 *     .integer("rank", 1, 64)
 *     .build();
 * }</pre>
 */
public final class Space {
  /** Largest supported number of dimensions. */
  public static final int MAX_DIMENSIONS = 128;
  /** Integer bounds beyond this magnitude are rejected (doubles stay exact well beyond). */
  private static final double MAX_INTEGER_MAGNITUDE = 1L << 40;

  private final List<Dimension> dims;
  private final InputTransform transform;

  private Space(List<Dimension> dims) {
    this.dims = List.copyOf(dims);
    int d = dims.size();
    double[] lo = new double[d];
    double[] hi = new double[d];
    boolean[] integer = new boolean[d];
    for (int j = 0; j < d; j++) {
      lo[j] = dims.get(j).lower();
      hi[j] = dims.get(j).upper();
      integer[j] = dims.get(j).integer();
    }
    this.transform = new InputTransform(lo, hi, integer);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder of a {@link Space}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final List<Dimension> dims = new ArrayList<>();

    /** A continuous dimension {@code [lower, upper]}, {@code lower < upper}, both finite. */
    public Builder continuous(String name, double lower, double upper) {
      dims.add(new Dimension(name, lower, upper, false));
      return this;
    }

    /** An integer dimension {@code lower..upper} (inclusive), {@code lower < upper}. */
    public Builder integer(String name, long lower, long upper) {
      dims.add(new Dimension(name, lower, upper, true));
      return this;
    }

    /** Adds a dimension as described by {@code d}. */
    public Builder dimension(Dimension d) {
      dims.add(d);
      return this;
    }

    /**
     * @throws InvalidSpaceException for no dimensions, more than {@link #MAX_DIMENSIONS}, a blank or
     *     repeated name, non-finite, zero-width or inverted bounds
     */
    public Space build() {
      if (dims.isEmpty()) {
        throw new InvalidSpaceException("the search space has no dimensions");
      }
      if (dims.size() > MAX_DIMENSIONS) {
        throw new InvalidSpaceException(
            "the search space has " + dims.size() + " dimensions; at most " + MAX_DIMENSIONS + " are supported");
      }
      Set<String> names = new HashSet<>();
      for (Dimension d : dims) {
        String n = d.name();
        if (n == null || n.isBlank()) {
          throw new InvalidSpaceException("dimension " + (names.size() + 1) + " has a blank name");
        }
        if (!names.add(n)) {
          throw new InvalidSpaceException("dimension '" + n + "' is defined twice");
        }
        if (!Double.isFinite(d.lower()) || !Double.isFinite(d.upper())) {
          throw new InvalidSpaceException("dimension '" + n + "' has non-finite bounds [" + d.lower() + ", "
              + d.upper() + "]");
        }
        if (d.lower() > d.upper()) {
          throw new InvalidSpaceException("dimension '" + n + "' has inverted bounds [" + d.lower() + ", "
              + d.upper() + "]");
        }
        if (d.lower() == d.upper()) {
          throw new InvalidSpaceException("dimension '" + n + "' has zero width [" + d.lower() + ", " + d.upper()
              + "]; fix its value outside the optimizer or widen it");
        }
        if (d.integer() && (d.lower() != Math.rint(d.lower()) || d.upper() != Math.rint(d.upper())
            || Math.abs(d.lower()) > MAX_INTEGER_MAGNITUDE || Math.abs(d.upper()) > MAX_INTEGER_MAGNITUDE)) {
          throw new InvalidSpaceException("integer dimension '" + n + "' needs integer bounds within ±2^40, got ["
              + d.lower() + ", " + d.upper() + "]");
        }
        if (d.integer() && d.upper() - d.lower() + 1 > Integer.MAX_VALUE) {
          throw new InvalidSpaceException("integer dimension '" + n + "' has more than 2^31 - 1 values; declare it"
              + " continuous and round in the objective");
        }
      }
      return new Space(dims);
    }
  }

  public int dimension() {
    return dims.size();
  }

  public List<Dimension> dimensions() {
    return dims;
  }

  public Dimension dimension(int j) {
    return dims.get(j);
  }

  public boolean hasIntegers() {
    return transform.hasIntegers();
  }

  /** The map to and from the unit cube, with rounding of integer dimensions. */
  public InputTransform transform() {
    return transform;
  }

  /** Discrete levels per dimension as the acquisition optimizer wants them (0 = continuous). */
  int[] levels() {
    int[] l = new int[dims.size()];
    for (int j = 0; j < l.length; j++) {
      l[j] = transform.levels(j);
    }
    return l;
  }

  /**
   * A validated copy of a user point with integer coordinates rounded: coordinates must be finite,
   * within the bounds (up to {@code 10⁻⁹} of the width, then clamped), and within {@code 10⁻⁶} of an
   * integer on integer dimensions.
   *
   * @throws InvalidObservationException naming the offending dimension
   */
  public double[] validate(double[] x) {
    if (x == null || x.length != dims.size()) {
      throw new InvalidObservationException("point has " + (x == null ? "no" : String.valueOf(x.length))
          + " coordinates, the space has " + dims.size());
    }
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      Dimension d = dims.get(j);
      double v = x[j];
      if (!Double.isFinite(v)) {
        throw new InvalidObservationException("dimension '" + d.name() + "' has non-finite value " + v);
      }
      double tol = 1e-9 * (d.upper() - d.lower());
      if (v < d.lower() - tol || v > d.upper() + tol) {
        throw new InvalidObservationException("dimension '" + d.name() + "' value " + v + " is outside ["
            + d.lower() + ", " + d.upper() + "]");
      }
      v = Math.min(d.upper(), Math.max(d.lower(), v));
      if (d.integer()) {
        double r = Math.rint(v);
        if (Math.abs(r - v) > 1e-6) {
          throw new InvalidObservationException("integer dimension '" + d.name() + "' has non-integer value " + v);
        }
        v = r;
      }
      out[j] = v;
    }
    return out;
  }

  /** Unit-cube coordinates of a (validated) user point. */
  public double[] toModel(double[] x) {
    double[] u = new double[x.length];
    transform.toModel(x, u);
    return u;
  }

  /** User coordinates of a unit-cube point; integer dimensions come out as exact integers. */
  public double[] toUser(double[] u) {
    double[] x = new double[u.length];
    transform.toUser(u, x);
    return x;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Space s && s.dims.equals(dims);
  }

  @Override
  public int hashCode() {
    return dims.hashCode();
  }

  @Override
  public String toString() {
    return "Space" + dims;
  }
}
