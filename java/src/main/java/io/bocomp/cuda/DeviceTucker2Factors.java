package io.bocomp.cuda;

import io.bocomp.engine.Decompositions.Tucker2Factors;

/**
 * Full-rank Tucker-2 factors of a conv kernel (Cout x Cin x kh x kw) in GPU memory, in the layout
 * of {@link Tucker2Factors}: uOut (Cout x Cout) and uIn (Cin x Cin) with eigenvectors as columns,
 * core (Cout x Cin x kh x kw), eigenvalues descending. Truncation to (rOut, rIn) is views, no copy:
 * {@code uOut().leadingColumns(rOut)}, {@code uIn().leadingColumns(rIn)}, and the core's rows
 * {@code [0, rOut)} restricted to their first {@code rIn * kh * kw} values
 * ({@link #coreSlice(int, int)}).
 */
public record DeviceTucker2Factors(DeviceTensor uOut, DeviceTensor uIn, DeviceTensor core,
    DeviceTensor eigOut, DeviceTensor eigIn) implements AutoCloseable {

  /** Allocates factors for a kernel of the given shape (contents undefined until written). */
  public static DeviceTucker2Factors allocate(int[] kernelShape) {
    if (kernelShape.length != 4) {
      throw new IllegalArgumentException("Tucker-2 needs a 4-D conv kernel, got rank "
          + kernelShape.length);
    }
    int cout = kernelShape[0];
    int cin = kernelShape[1];
    DeviceTensor[] made = new DeviceTensor[5];
    try {
      made[0] = DeviceTensor.allocate(cout, cout);
      made[1] = DeviceTensor.allocate(cin, cin);
      made[2] = DeviceTensor.allocate(kernelShape);
      made[3] = DeviceTensor.allocate(cout);
      made[4] = DeviceTensor.allocate(cin);
      return new DeviceTucker2Factors(made[0], made[1], made[2], made[3], made[4]);
    } catch (RuntimeException e) {
      for (DeviceTensor t : made) {
        if (t != null) {
          t.close();
        }
      }
      throw e;
    }
  }

  /** The (rOut x rIn x kh x kw) leading core block as an rOut x (rIn*kh*kw) strided view. */
  public DeviceTensor coreSlice(int rOut, int rIn) {
    int spatial = core.dim(2) * core.dim(3);
    return core.rows(0, rOut).leadingColumns(rIn * spatial);
  }

  /** Host copies of all five tensors. */
  public Tucker2Factors toHost() {
    return new Tucker2Factors(uOut.toHost(), uIn.toHost(), core.toHost(), eigOut.toHost(),
        eigIn.toHost());
  }

  @Override
  public void close() {
    uOut.close();
    uIn.close();
    core.close();
    eigOut.close();
    eigIn.close();
  }
}
