package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.checkCusolver;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static io.bocomp.cuda.CudaCalls.floats;
import static io.bocomp.cuda.CudaCalls.ints;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.IntPointer;

/**
 * Full-rank Tucker-2 (HOSVD on the output- and input-channel modes) of one conv kernel W
 * (Cout x Cin x s, s = kh*kw), float, on one lane:
 *
 * <ol>
 *   <li>G0 = W_(0) W_(0)^T by SSYRK on W as stored; the mode-1 unfolding W_(1) by one permute
 *       kernel, then G1 = W_(1) W_(1)^T by SSYRK;
 *   <li>SSYEVD of both; eigenpairs reversed to descending order (kernel reverse_eigenpairs);
 *   <li>core = W x_0 U_out^T x_1 U_in^T: one SGEMM (T1^T = W_(0)^T U_out) and one strided-batched
 *       SGEMM over the Cout slices (core_o = U_in^T T1_o);
 *   <li>U_out, U_in to row-major by SGEAM transposes.
 * </ol>
 *
 * <p>Precision: float throughout, as the PyTorch HOSVD peer; eigenvalues carry about
 * sqrt(Cin*s) * eps * lambda_max absolute error. Workspace: Cout^2 + Cin^2 (Gram) twice, the
 * unfolding and T1 (Cout*Cin*s each), and the larger SSYEVD workspace.
 */
final class Tucker2Work implements LaneWork {

  /** Device addresses: input W and the outputs, in {@link DeviceTucker2Factors}' layout. */
  record Job(int cout, int cin, int spatial, long w, long uOut, long uIn, long core, long eigOut,
      long eigIn) {}

  private final Job job;
  private final int index;
  private long g0;
  private long g1;
  private long w0;
  private long w1;
  private long q0;
  private long q1;
  private long unfolded;
  private long t1;
  private long work;
  private int lwork0;
  private int lwork1;
  private long infoOffset;

  Tucker2Work(Job job, int index) {
    this.job = job;
    this.index = index;
  }

  @Override
  public double cost() {
    double a = job.cout();
    double b = job.cin();
    return 600 + 2e-6 * (a * a * a + b * b * b) + 1e-7 * (a + b) * a * b * job.spatial();
  }

  private static int syevdWorkspace(Lane lane, int n) {
    try (IntPointer lwork = new IntPointer(1)) {
      checkCusolver(cusolver.cusolverDnSsyevd_bufferSize(lane.cusolverHandle,
          cusolver.CUSOLVER_EIG_MODE_VECTOR, cublas.CUBLAS_FILL_MODE_LOWER, n,
          floats(lane.probe.address()), Math.max(n, 1), floats(lane.probe.address()), lwork),
          "cusolverDnSsyevd_bufferSize(n=" + n + ")");
      return lwork.get();
    }
  }

  @Override
  public void plan(Lane lane, DeviceArena.Layout scratch, DeviceArena.Layout results) {
    long co = job.cout();
    long ci = job.cin();
    long volume = co * ci * job.spatial();
    lwork0 = syevdWorkspace(lane, job.cout());
    lwork1 = syevdWorkspace(lane, job.cin());
    g0 = scratch.floats(co * co);
    g1 = scratch.floats(ci * ci);
    w0 = scratch.floats(co);
    w1 = scratch.floats(ci);
    q0 = scratch.floats(co * co);
    q1 = scratch.floats(ci * ci);
    unfolded = scratch.floats(volume);
    t1 = scratch.floats(volume);
    work = scratch.floats(Math.max(lwork0, lwork1));
    infoOffset = results.ints(2);
  }

  @Override
  public void enqueue(Lane lane) {
    final int co = job.cout();
    final int ci = job.cin();
    final int sp = job.spatial();
    final long stream = lane.streamAddress();
    final DeviceArena ws = lane.workspace;
    final long info = lane.results.address(infoOffset);
    final String what = " (Tucker-2 of kernel #" + index + ", " + co + " x " + ci + " x " + sp + ")";
    // Row-major W (co x ci*sp) is column-major (ci*sp x co) with ld ci*sp.
    checkCublas(cublas.cublasSsyrk_v2(lane.cublasHandle, cublas.CUBLAS_FILL_MODE_LOWER,
        cublas.CUBLAS_OP_T, co, ci * sp, lane.oneF, floats(job.w()), ci * sp, lane.zeroF,
        floats(ws.address(g0)), co), "cublasSsyrk(mode 0)" + what);
    checkKernel(NativeKernels.bocomp_unfold_mode1(co, ci, sp, job.w(), ws.address(unfolded), stream),
        "bocomp_unfold_mode1" + what);
    checkCublas(cublas.cublasSsyrk_v2(lane.cublasHandle, cublas.CUBLAS_FILL_MODE_LOWER,
        cublas.CUBLAS_OP_T, ci, co * sp, lane.oneF, floats(ws.address(unfolded)), co * sp,
        lane.zeroF, floats(ws.address(g1)), ci), "cublasSsyrk(mode 1)" + what);
    checkCusolver(cusolver.cusolverDnSsyevd(lane.cusolverHandle, cusolver.CUSOLVER_EIG_MODE_VECTOR,
        cublas.CUBLAS_FILL_MODE_LOWER, co, floats(ws.address(g0)), co, floats(ws.address(w0)),
        floats(ws.address(work)), lwork0, ints(info)), "cusolverDnSsyevd(mode 0)" + what);
    checkCusolver(cusolver.cusolverDnSsyevd(lane.cusolverHandle, cusolver.CUSOLVER_EIG_MODE_VECTOR,
        cublas.CUBLAS_FILL_MODE_LOWER, ci, floats(ws.address(g1)), ci, floats(ws.address(w1)),
        floats(ws.address(work)), lwork1, ints(info + 4)), "cusolverDnSsyevd(mode 1)" + what);
    checkKernel(NativeKernels.bocomp_reverse_eigenpairs_f32(co, ws.address(w0), ws.address(g0),
        ws.address(q0), job.eigOut(), stream), "bocomp_reverse_eigenpairs(mode 0)" + what);
    checkKernel(NativeKernels.bocomp_reverse_eigenpairs_f32(ci, ws.address(w1), ws.address(g1),
        ws.address(q1), job.eigIn(), stream), "bocomp_reverse_eigenpairs(mode 1)" + what);
    // T1^T (ci*sp x co, column-major) = W_(0)^T U_out; its memory is T1 = U_out^T W_(0) row-major.
    checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N,
        ci * sp, co, co, lane.oneF, floats(job.w()), ci * sp, floats(ws.address(q0)), co,
        lane.zeroF, floats(ws.address(t1)), ci * sp), "cublasSgemm(mode-0 product)" + what);
    // For each output slice o: core_o^T (sp x ci, column-major) = T1_o^T U_in.
    checkCublas(cublas.cublasSgemmStridedBatched(lane.cublasHandle, cublas.CUBLAS_OP_N,
        cublas.CUBLAS_OP_N, sp, ci, ci, lane.oneF, floats(ws.address(t1)), sp, (long) ci * sp,
        floats(ws.address(q1)), ci, 0L, lane.zeroF, floats(job.core()), sp, (long) ci * sp, co),
        "cublasSgemmStridedBatched(mode-1 product)" + what);
    // U (row-major, eigenvectors as columns) = transpose of the column-major eigenvector matrix.
    checkCublas(cublas.cublasSgeam(lane.cublasHandle, cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N, co, co,
        lane.oneF, floats(ws.address(q0)), co, lane.zeroF, floats(job.uOut()), co,
        floats(job.uOut()), co), "cublasSgeam(U_out)" + what);
    checkCublas(cublas.cublasSgeam(lane.cublasHandle, cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N, ci, ci,
        lane.oneF, floats(ws.address(q1)), ci, lane.zeroF, floats(job.uIn()), ci,
        floats(job.uIn()), ci), "cublasSgeam(U_in)" + what);
  }

  @Override
  public void check(Lane lane) {
    int[] info = lane.downloadInts(lane.results.address(infoOffset), 2);
    for (int mode = 0; mode < 2; mode++) {
      if (info[mode] != 0) {
        throw new NativeException("cusolverDnSsyevd of the mode-" + mode + " Gram matrix of kernel #"
            + index + " (" + job.cout() + " x " + job.cin() + " x " + job.spatial()
            + ") returned info " + info[mode]);
      }
    }
  }
}
