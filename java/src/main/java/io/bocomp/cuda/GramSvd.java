package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkCusolver;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static io.bocomp.cuda.CudaCalls.doubles;
import static io.bocomp.cuda.CudaCalls.ints;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.IntPointer;

/**
 * The Gram route of the batched SVD, for matrices too large for one thread block: for A (m x n,
 * row-major, float) with k = min(m, n),
 *
 * <ol>
 *   <li>widen A to double; G = A^T A (m >= n) or A A^T (m < n), k x k, by one DSYRK;
 *   <li>G = Q diag(w) Q^T by cuSOLVER DSYEVD; s = sqrt(w), descending (kernel eig_to_svd);
 *   <li>the short side is Q itself (V, or U); the long side is one DGEMM and a scale by 1/s:
 *       U = A V S^-1 or Vt = S^-1 U^T A; both narrowed to float.
 * </ol>
 *
 * <p>Why double: the Gram matrix squares the condition number; in double the singular values keep
 * about 1e-16 * s_0^2 / s_j relative error, so everything above 1e-6 * s_0 stays accurate to float
 * precision (in float, everything below ~3e-4 * s_0 would be lost). Singular values below
 * {@link #RTOL} * s_0 get a zero long-side vector that the caller completes (see
 * {@link OrthonormalCompletion}). Cost: one DSYRK (k^2 * max(m,n) flops), one DSYEVD (~k^3), one
 * DGEMM (2 k^2 max(m,n)); workspace 2 m n + 2 k^2 + lwork doubles.
 *
 * <p>All work is enqueued on one {@link Lane} without host synchronization; the syevd status word
 * lands in {@code infoAddress} for the caller to check after the lane syncs.
 */
final class GramSvd {
  /** Singular values at or below RTOL * s_0 are treated as zero on this route. */
  static final float RTOL = 1e-6f;

  private GramSvd() {}

  /** Device addresses of one job: input A and outputs U, s, Vt (float, row-major). */
  record Job(int m, int n, long a, long u, long s, long vt) {
    int k() {
      return Math.min(m, n);
    }
  }

  /** Scratch layout for one job; consecutive jobs on a lane reuse the same scratch. */
  record Scratch(long a64, long gram, long w, long qDesc, long invS, long product, long work,
      int lwork) {}

  /** Doubles of cuSOLVER workspace for a k x k DSYEVD (a host-side query, no sync). */
  static int syevdWorkspace(Lane lane, int k) {
    try (IntPointer lwork = new IntPointer(1)) {
      checkCusolver(cusolver.cusolverDnDsyevd_bufferSize(lane.cusolverHandle,
          cusolver.CUSOLVER_EIG_MODE_VECTOR, cublas.CUBLAS_FILL_MODE_LOWER, k,
          doubles(lane.probe.address()), Math.max(k, 1), doubles(lane.probe.address()), lwork),
          "cusolverDnDsyevd_bufferSize(n=" + k + ")");
      return lwork.get();
    }
  }

  /** Adds this job's scratch to a layout; returns the offsets (addresses after reserve). */
  static Scratch plan(DeviceArena.Layout layout, int m, int n, int lwork) {
    long mn = (long) m * n;
    int k = Math.min(m, n);
    long kk = (long) k * k;
    return new Scratch(layout.doubles(mn), layout.doubles(kk), layout.doubles(k),
        layout.doubles(kk), layout.doubles(k), layout.doubles(mn), layout.doubles(lwork), lwork);
  }

  /** Enqueues the whole route for one job on the lane, using scratch at {@code base} offsets. */
  static void enqueue(Lane lane, Job job, Scratch offsets, long infoAddress) {
    final int m = job.m();
    final int n = job.n();
    final int k = job.k();
    final long stream = lane.streamAddress();
    final DeviceArena ws = lane.workspace;
    final long a64 = ws.address(offsets.a64());
    final long gram = ws.address(offsets.gram());
    final long w = ws.address(offsets.w());
    final long qDesc = ws.address(offsets.qDesc());
    final long invS = ws.address(offsets.invS());
    final long product = ws.address(offsets.product());
    final long work = ws.address(offsets.work());
    final String what = " (Gram-route SVD of a " + m + " x " + n + " matrix)";

    checkKernel(NativeKernels.bocomp_cast_f32_to_f64((long) m * n, job.a(), a64, stream),
        "bocomp_cast_f32_to_f64" + what);
    // In column-major terms the row-major A is B = A^T (n x m, ld n).
    if (m >= n) {
      checkCublas(cublas.cublasDsyrk_v2(lane.cublasHandle, cublas.CUBLAS_FILL_MODE_LOWER,
          cublas.CUBLAS_OP_N, n, m, lane.oneD, doubles(a64), n, lane.zeroD, doubles(gram), n),
          "cublasDsyrk(B B^T)" + what);
    } else {
      checkCublas(cublas.cublasDsyrk_v2(lane.cublasHandle, cublas.CUBLAS_FILL_MODE_LOWER,
          cublas.CUBLAS_OP_T, m, n, lane.oneD, doubles(a64), n, lane.zeroD, doubles(gram), m),
          "cublasDsyrk(B^T B)" + what);
    }
    checkCusolver(cusolver.cusolverDnDsyevd(lane.cusolverHandle,
        cusolver.CUSOLVER_EIG_MODE_VECTOR, cublas.CUBLAS_FILL_MODE_LOWER, k, doubles(gram), k,
        doubles(w), doubles(work), offsets.lwork(), ints(infoAddress)), "cusolverDnDsyevd" + what);
    checkKernel(NativeKernels.bocomp_eig_to_svd(k, w, gram, qDesc, job.s(), invS, RTOL, stream),
        "bocomp_eig_to_svd" + what);
    if (m >= n) {
      // V = qDesc (n x n column-major) = Vt row-major, memory for memory.
      checkKernel(NativeKernels.bocomp_scale_cast_f64_to_f32(n, n, qDesc, 0,
          NativeKernels.SCALE_NONE, 0, job.vt(), stream), "bocomp_scale_cast(Vt)" + what);
      // C = V^T B (n x m column-major) = U S as a row-major m x n; scale column j by 1/s_j.
      checkCublas(cublas.cublasDgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N,
          n, m, n, lane.oneD, doubles(qDesc), n, doubles(a64), n, lane.zeroD, doubles(product), n),
          "cublasDgemm(V^T B)" + what);
      checkKernel(NativeKernels.bocomp_scale_cast_f64_to_f32(m, n, product, invS,
          NativeKernels.SCALE_COLS, 0, job.u(), stream), "bocomp_scale_cast(U)" + what);
    } else {
      // U = qDesc (m x m column-major): row-major U is its transpose.
      checkKernel(NativeKernels.bocomp_scale_cast_f64_to_f32(m, m, qDesc, 0,
          NativeKernels.SCALE_NONE, 1, job.u(), stream), "bocomp_scale_cast(U)" + what);
      // C = B U (n x m column-major) = S Vt as a row-major m x n; scale row j by 1/s_j.
      checkCublas(cublas.cublasDgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N,
          n, m, m, lane.oneD, doubles(a64), n, doubles(qDesc), m, lane.zeroD, doubles(product), n),
          "cublasDgemm(B U)" + what);
      checkKernel(NativeKernels.bocomp_scale_cast_f64_to_f32(m, n, product, invS,
          NativeKernels.SCALE_ROWS, 0, job.vt(), stream), "bocomp_scale_cast(Vt)" + what);
    }
  }

  /**
   * Indices of singular values this route treats as zero: the same float comparison the
   * eig_to_svd kernel makes, so host and device agree bit for bit.
   */
  static int[] nullIndices(float[] s) {
    int count = 0;
    for (float v : s) {
      if (!isKept(v, s[0])) {
        count++;
      }
    }
    int[] out = new int[count];
    int c = 0;
    for (int j = 0; j < s.length; j++) {
      if (!isKept(s[j], s[0])) {
        out[c++] = j;
      }
    }
    return out;
  }

  private static boolean isKept(float s, float s0) {
    return s > 0f && s > RTOL * s0;
  }
}
