package io.bocomp.bo;

/**
 * One coordinate of a {@link Space}: a continuous interval {@code [lower, upper]} or the integers
 * {@code lower..upper} (both inclusive).
 */
public record Dimension(String name, double lower, double upper, boolean integer) {
  /** Number of values of an integer dimension, 0 for a continuous one. */
  public long levels() {
    return integer ? (long) upper - (long) lower + 1 : 0;
  }
}
