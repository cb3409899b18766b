package io.bocomp.compress;

import io.bocomp.model.Tensor;

/**
 * Unstructured magnitude pruning (Han et al. 2015; the per-layer pruning of Chen et al. 2018): sets
 * exactly {@code count} weights with the smallest |w| to zero, ties broken by position (lowest flat
 * index first). Linear time: the threshold is the count-th smallest |w|, found by quickselect on a
 * copy, not by sorting.
 */
public final class MagnitudePruning {
  private MagnitudePruning() {}

  /** A copy of {@code w} with its {@code count} smallest-magnitude entries zeroed. */
  public static Tensor prune(Tensor w, long count) {
    int n = w.size();
    if (count < 0 || count > n) {
      throw new IllegalArgumentException("cannot zero " + count + " of " + n + " weights");
    }
    float[] v = new float[n];
    w.data().get(v);
    if (count == n) {
      return Tensor.zeros(w.shape());
    }
    if (count > 0) {
      float[] mag = new float[n];
      for (int i = 0; i < n; i++) {
        mag[i] = Math.abs(v[i]);
      }
      float threshold = select(mag, (int) count - 1);
      int below = 0;
      for (int i = 0; i < n; i++) {
        if (Math.abs(v[i]) < threshold) {
          v[i] = 0f;
          below++;
        }
      }
      int ties = (int) count - below;
      for (int i = 0; i < n && ties > 0; i++) {
        if (Math.abs(v[i]) == threshold) {
          v[i] = 0f;
          ties--;
        }
      }
    }
    return Tensor.of(w.shape(), v);
  }

  /** The k-th smallest (0-based) value of {@code a}, which is reordered. Hoare quickselect. */
  static float select(float[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float pivot = median(a[lo], a[mid], a[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          float t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static float median(float a, float b, float c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
