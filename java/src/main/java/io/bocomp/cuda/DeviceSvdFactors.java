package io.bocomp.cuda;

import io.bocomp.engine.Decompositions.SvdFactors;

/**
 * Thin SVD factors in GPU memory: U (m x k), s (k, descending), Vt (k x n), row-major. A rank-r
 * truncation is a pair of views, no copy: {@code u().leadingColumns(r)} and {@code vt().rows(0, r)}.
 */
public record DeviceSvdFactors(DeviceTensor u, DeviceTensor s, DeviceTensor vt)
    implements AutoCloseable {

  /** Allocates factors for an m x n matrix (contents undefined until an SVD writes them). */
  public static DeviceSvdFactors allocate(int m, int n) {
    int k = Math.min(m, n);
    DeviceTensor u = DeviceTensor.allocate(m, k);
    DeviceTensor s = null;
    try {
      s = DeviceTensor.allocate(k);
      return new DeviceSvdFactors(u, s, DeviceTensor.allocate(k, n));
    } catch (RuntimeException e) {
      u.close();
      if (s != null) {
        s.close();
      }
      throw e;
    }
  }

  public int m() {
    return u.dim(0);
  }

  public int n() {
    return vt.dim(1);
  }

  /** Host copies of the three factors. */
  public SvdFactors toHost() {
    return new SvdFactors(u.toHost(), s.toHost(), vt.toHost());
  }

  @Override
  public void close() {
    u.close();
    s.close();
    vt.close();
  }
}
