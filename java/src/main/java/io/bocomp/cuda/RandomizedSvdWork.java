package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.at;
import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkCuda;
import static io.bocomp.cuda.CudaCalls.checkCusolver;
import static io.bocomp.cuda.CudaCalls.floats;
import static io.bocomp.cuda.CudaCalls.ints;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy2DAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.IntPointer;

/**
 * Randomized truncated SVD (Halko, Martinsson and Tropp 2011, algorithms 4.4 and 5.1) of one
 * matrix A (m x n, row-major) on one lane: a Gaussian test matrix Omega (n x l, l = rank +
 * oversample, seeded on the host), Y = A Omega, {@code q} power iterations re-orthonormalized by
 * QR each half step (SGEQRF + SORGQR), Q = qr(Y), B = Q^T A (l x n), the SVD of B by the Gram
 * route in double ({@link GramSvd}), U = Q U_B, and the leading {@code rank} triplets copied out.
 * Float SGEMMs for the range finder; the small SVD is accurate to float precision. Requires
 * l <= min(m, n) (the caller does a full SVD otherwise).
 */
final class RandomizedSvdWork implements LaneWork {
  private final int m;
  private final int n;
  private final int rank;
  private final int l;
  private final int iterations;
  private final long seed;
  private final long a;
  private final long u;
  private final long s;
  private final long vt;
  private long omega;
  private long y;
  private long z;
  private long tau;
  private long qrWork;
  private int qrLwork;
  private long ub;
  private long sSmall;
  private long vtSmall;
  private long uFull;
  private GramSvd.Scratch gram;
  private long infoOffset;
  private int infoCount;

  RandomizedSvdWork(int m, int n, int rank, int oversample, int iterations, long seed, long a,
      long u, long s, long vt) {
    this.m = m;
    this.n = n;
    this.rank = rank;
    this.l = Math.min(rank + oversample, Math.min(m, n));
    this.iterations = iterations;
    this.seed = seed;
    this.a = a;
    this.u = u;
    this.s = s;
    this.vt = vt;
  }

  @Override
  public double cost() {
    return 1;
  }

  private int qrWorkspace(Lane lane, int rows) {
    try (IntPointer g = new IntPointer(1); IntPointer o = new IntPointer(1)) {
      checkCusolver(cusolver.cusolverDnSgeqrf_bufferSize(lane.cusolverHandle, rows, l,
          floats(lane.probe.address()), rows, g),
          "cusolverDnSgeqrf_bufferSize(" + rows + " x " + l + ")");
      checkCusolver(cusolver.cusolverDnSorgqr_bufferSize(lane.cusolverHandle, rows, l, l,
          floats(lane.probe.address()), rows, floats(lane.probe.address()), o),
          "cusolverDnSorgqr_bufferSize(" + rows + " x " + l + ")");
      return Math.max(g.get(), o.get());
    }
  }

  @Override
  public void plan(Lane lane, DeviceArena.Layout scratch, DeviceArena.Layout results) {
    omega = scratch.floats((long) n * l);
    y = scratch.floats((long) m * l);
    z = scratch.floats((long) n * l);
    tau = scratch.floats(l);
    qrLwork = Math.max(qrWorkspace(lane, m), qrWorkspace(lane, n));
    qrWork = scratch.floats(qrLwork);
    ub = scratch.floats((long) l * l);
    sSmall = scratch.floats(l);
    vtSmall = scratch.floats((long) l * n);
    uFull = scratch.floats((long) m * l);
    gram = GramSvd.plan(scratch, l, n, GramSvd.syevdWorkspace(lane, l));
    infoCount = 2 * (2 * iterations + 1) + 1;
    infoOffset = results.ints(infoCount);
  }

  @Override
  public void enqueue(Lane lane) {
    final DeviceArena ws = lane.workspace;
    final long info = lane.results.address(infoOffset);
    final String what = " (randomized SVD of a " + m + " x " + n + " matrix, rank " + rank + ")";
    FloatBuffer gaussian = Tensor.allocate(n * l);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < n * l; i++) {
      gaussian.put(i, (float) random.nextGaussian());
    }
    lane.upload(ws.address(omega), gaussian, 4L * n * l);
    int slot = 0;
    // Row-major A is column-major B = A^T (n x m, ld n).
    gemm(lane, cublas.CUBLAS_OP_T, m, l, n, a, n, ws.address(omega), n, ws.address(y), m,
        "Y = A Omega" + what);
    for (int it = 0; it < iterations; it++) {
      orthonormalize(lane, ws.address(y), m, info + 4L * slot, what);
      slot += 2;
      gemm(lane, cublas.CUBLAS_OP_N, n, l, m, a, n, ws.address(y), m, ws.address(z), n,
          "Z = A^T Q" + what);
      orthonormalize(lane, ws.address(z), n, info + 4L * slot, what);
      slot += 2;
      gemm(lane, cublas.CUBLAS_OP_T, m, l, n, a, n, ws.address(z), n, ws.address(y), m,
          "Y = A Z" + what);
    }
    orthonormalize(lane, ws.address(y), m, info + 4L * slot, what);
    slot += 2;
    // Z = B Q (n x l column-major) is Q^T A as a row-major l x n matrix.
    gemm(lane, cublas.CUBLAS_OP_N, n, l, m, a, n, ws.address(y), m, ws.address(z), n,
        "Q^T A" + what);
    GramSvd.enqueue(lane, new GramSvd.Job(l, n, ws.address(z), ws.address(ub), ws.address(sSmall),
        ws.address(vtSmall)), gram, info + 4L * slot);
    // U^T (l x m column-major) = U_B^T Q^T: row-major U_B is column-major U_B^T.
    checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_T, l,
        m, l, lane.oneF, floats(ws.address(ub)), l, floats(ws.address(y)), m, lane.zeroF,
        floats(ws.address(uFull)), l), "cublasSgemm(U = Q U_B)" + what);
    checkCuda(cudaMemcpy2DAsync(at(u), 4L * rank, at(ws.address(uFull)), 4L * l, 4L * rank, m,
        cudaMemcpyDeviceToDevice, lane.stream), "cudaMemcpy2DAsync(U[:, :rank])" + what);
    checkCuda(cudaMemcpyAsync(at(s), at(ws.address(sSmall)), 4L * rank, cudaMemcpyDeviceToDevice,
        lane.stream), "cudaMemcpyAsync(s[:rank])" + what);
    checkCuda(cudaMemcpyAsync(at(vt), at(ws.address(vtSmall)), 4L * rank * n,
        cudaMemcpyDeviceToDevice, lane.stream), "cudaMemcpyAsync(Vt[:rank])" + what);
  }

  /** C (rows x cols, column-major) = op(B) X with B the column-major view of A. */
  private static void gemm(Lane lane, int opB, int rows, int cols, int inner, long b, int ldb,
      long x, int ldx, long c, int ldc, String what) {
    checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle, opB, cublas.CUBLAS_OP_N, rows, cols, inner,
        lane.oneF, floats(b), ldb, floats(x), ldx, lane.zeroF, floats(c), ldc),
        "cublasSgemm(" + what.trim() + ")");
  }

  /** Replaces the rows x l column-major matrix at x by the Q of its QR factorization. */
  private void orthonormalize(Lane lane, long x, int rows, long info, String what) {
    long t = lane.workspace.address(tau);
    long w = lane.workspace.address(qrWork);
    checkCusolver(cusolver.cusolverDnSgeqrf(lane.cusolverHandle, rows, l, floats(x), rows,
        floats(t), floats(w), qrLwork, ints(info)), "cusolverDnSgeqrf" + what);
    checkCusolver(cusolver.cusolverDnSorgqr(lane.cusolverHandle, rows, l, l, floats(x), rows,
        floats(t), floats(w), qrLwork, ints(info + 4)), "cusolverDnSorgqr" + what);
  }

  @Override
  public void check(Lane lane) {
    int[] info = lane.downloadInts(lane.results.address(infoOffset), infoCount);
    for (int i = 0; i < info.length; i++) {
      if (info[i] != 0) {
        throw new NativeException("randomized SVD of a " + m + " x " + n + " matrix: cuSOLVER step "
            + i + " returned info " + info[i]);
      }
    }
  }
}
