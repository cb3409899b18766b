package io.bocomp.compress;

import io.bocomp.engine.OpenBlasThreads;
import io.bocomp.engine.cpu.Blas;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * HOOI (higher-order orthogonal iteration, De Lathauwer et al. 2000) for Tucker-2 at fixed ranks,
 * started from the HOSVD slices: each sweep replaces U_in by the leading r_in eigenvectors of the
 * mode-1 Gram of W x0 U_out^T, then U_out by the leading r_out of the mode-0 Gram of W x1 U_in^T
 * ({@code ssyrk} + {@code ssyevd}), and the core is W x0 U_out^T x1 U_in^T. Each sweep never
 * increases the error of the HOSVD start. This is per-trial linear algebra, so it runs only when
 * {@link ApplyOptions#hooiIterations()} asks for it.
 */
final class TuckerRefinement {
  private TuckerRefinement() {}

  /** Refined factors: U_out [Cout, r_out], U_in [Cin, r_in], core [r_out, r_in, kh, kw]. */
  record Result(Tensor uOut, Tensor uIn, Tensor core) {}

  static Result refine(Tensor w, Tensor uOut, Tensor uIn, int sweeps) {
    return OpenBlasThreads.with(1, () -> sweep(w, uOut, uIn, sweeps));
  }

  private static Result sweep(Tensor w, Tensor uOut, Tensor uIn, int sweeps) {
    int cout = w.dim(0);
    int cin = w.dim(1);
    int k2 = w.dim(2) * w.dim(3);
    int rout = uOut.dim(1);
    int rin = uIn.dim(1);
    FloatBuffer w0 = w.data(); // [Cout, Cin k2]
    FloatBuffer w1 = CpuDecompositions.permute01(w0, cout, cin, k2); // [Cin, Cout k2]
    for (int s = 0; s < sweeps; s++) {
      // T = U_out^T W0: [r_out, Cin k2]; its mode-1 unfolding [Cin, r_out k2].
      FloatBuffer t = Tensor.allocate(rout * cin * k2);
      Blas.sgemm(true, false, rout, cin * k2, cout, 1f, uOut.data(), 0, rout, w0, 0, cin * k2, 0f,
          t, 0, cin * k2);
      uIn = leadingEigenvectors(CpuDecompositions.permute01(t, rout, cin, k2), cin, rout * k2, rin);
      // A = U_in^T W1: [r_in, Cout k2]; its mode-0 unfolding [Cout, r_in k2].
      FloatBuffer a = Tensor.allocate(rin * cout * k2);
      Blas.sgemm(true, false, rin, cout * k2, cin, 1f, uIn.data(), 0, rin, w1, 0, cout * k2, 0f,
          a, 0, cout * k2);
      uOut = leadingEigenvectors(CpuDecompositions.permute01(a, rin, cout, k2), cout, rin * k2, rout);
    }
    FloatBuffer a = Tensor.allocate(rin * cout * k2);
    Blas.sgemm(true, false, rin, cout * k2, cin, 1f, uIn.data(), 0, rin, w1, 0, cout * k2, 0f, a,
        0, cout * k2);
    FloatBuffer ap = CpuDecompositions.permute01(a, rin, cout, k2); // [Cout, r_in k2]
    Tensor core = Tensor.zeros(rout, rin, w.dim(2), w.dim(3));
    Blas.sgemm(true, false, rout, rin * k2, cout, 1f, uOut.data(), 0, rout, ap, 0, rin * k2, 0f,
        core.data(), 0, rin * k2);
    return new Result(uOut, uIn, core);
  }

  /** Leading r eigenvectors (as columns, [n, r]) of X X^T for the row-major n x m matrix X. */
  private static Tensor leadingEigenvectors(FloatBuffer x, int n, int m, int r) {
    FloatBuffer gram = Tensor.allocate(n * n);
    Blas.ssyrkUpper(n, m, 1f, x, 0, m, 0f, gram, 0, n);
    Tensor all = CpuDecompositions.symmetricEigenDescending(gram, n, Tensor.zeros(n));
    return TensorSlices.leadingColumns(all, r, null);
  }
}
