package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCublas;
import static io.bocomp.cuda.CudaCalls.floats;

import io.bocomp.engine.Decompositions.DeviceResidentFactors;
import io.bocomp.engine.Decompositions.LowRankFactors;
import io.bocomp.engine.Decompositions.Tucker2Layers;
import io.bocomp.engine.FactorEntries;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.cuda.global.cublas;

/**
 * The GPU factor cache of a tuning run ({@link CudaDecompositions#keepResident}).
 *
 * <p>Design. Built once: every weight is uploaded, decomposed on the device (batched SVD, Tucker-2)
 * and the input copy freed; what stays resident per SVD entry is US = U diag(s) (m x k, one
 * cublasSdgmm), s and Vt (k x n); per Tucker-2 entry the {@link DeviceTucker2Factors}. Every
 * truncation a trial asks for is a <em>view</em> of that memory — US's leading r columns (a strided
 * {@link DeviceTensor}, row stride k), Vt's leading r rows, the leading columns of U_out and U_in,
 * the core's leading (rOut, rIn) block (row stride Cin*kh*kw) — exposed as device tensors by
 * {@link #svdLeft}, {@link #svdRight}, {@link #tuckerOut}, {@link #tuckerIn}, {@link #tuckerCore}
 * for GPU consumers, so per-trial slicing never copies a factor. The engine-level methods
 * reconstruct from those views with cuBLAS reading them in place (one SGEMM for a low-rank weight,
 * a strided-batched SGEMM and an SGEMM for a Tucker-2 kernel) into a scratch arena reused across
 * trials, and copy only the result to the host; the factor-returning methods copy only the slices.
 *
 * <p>Limits: one caller at a time (it shares lane 0 and the lock of its {@link CudaDecompositions});
 * the cache must be closed before its decompositions object. Device memory: about
 * m*k + k*n floats per SVD entry and Cout^2 + Cin^2 + Cout*Cin*kh*kw per Tucker-2 entry.
 */
public final class DeviceFactorCache implements DeviceResidentFactors {
  private final CudaDecompositions owner;
  // SVD entries' u holds US = U diag(s)
  private final FactorEntries<DeviceSvdFactors, DeviceTucker2Factors> entries =
      new FactorEntries<>();
  private final DeviceArena scratch = new DeviceArena();
  private boolean closed;

  private DeviceFactorCache(CudaDecompositions owner) {
    this.owner = owner;
  }

  /** Uploads and decomposes all entries; see the class comment. */
  static DeviceFactorCache build(CudaDecompositions owner, Map<String, Tensor> matrices,
      Map<String, Tensor> kernels) {
    List<DeviceTensor> inputs = new ArrayList<>();
    DeviceFactorCache cache = new DeviceFactorCache(owner);
    try {
      List<DeviceSvdFactors> svdOut = new ArrayList<>();
      for (Map.Entry<String, Tensor> e : matrices.entrySet()) {
        Tensor a = e.getValue();
        if (a.rank() != 2) {
          throw new IllegalArgumentException("matrix '" + e.getKey() + "' is not 2-D: " + a);
        }
        inputs.add(DeviceTensor.upload(a));
        DeviceSvdFactors f = DeviceSvdFactors.allocate(a.dim(0), a.dim(1));
        cache.entries.putMatrix(e.getKey(), f);
        svdOut.add(f);
      }
      owner.svd(new ArrayList<>(inputs), svdOut);
      closeAll(inputs);
      List<DeviceTensor> kin = new ArrayList<>();
      List<DeviceTucker2Factors> kout = new ArrayList<>();
      for (Map.Entry<String, Tensor> e : kernels.entrySet()) {
        Tensor w = e.getValue();
        if (w.rank() != 4) {
          throw new IllegalArgumentException("kernel '" + e.getKey() + "' is not 4-D: " + w);
        }
        DeviceTensor d = DeviceTensor.upload(w);
        inputs.add(d);
        kin.add(d);
        DeviceTucker2Factors f = DeviceTucker2Factors.allocate(w.shape());
        cache.entries.putKernel(e.getKey(), f);
        kout.add(f);
      }
      owner.tucker2(kin, kout);
      closeAll(inputs);
      synchronized (owner) {
        Lane lane = owner.primaryLane();
        for (DeviceSvdFactors f : svdOut) {
          int m = f.u().dim(0);
          int k = f.s().size();
          if (m > 0 && k > 0) {
            // U row-major (m x k) is column-major U^T (k x m): scale its rows by s, in place.
            checkCublas(cublas.cublasSdgmm(lane.cublasHandle, cublas.CUBLAS_SIDE_LEFT, k, m,
                floats(f.u().address()), k, floats(f.s().address()), 1, floats(f.u().address()), k),
                "cublasSdgmm(U diag(s))");
          }
        }
        lane.sync();
      }
      return cache;
    } catch (RuntimeException e) {
      closeAll(inputs);
      cache.close();
      throw e;
    }
  }

  private static void closeAll(List<DeviceTensor> tensors) {
    for (DeviceTensor t : tensors) {
      t.close();
    }
    tensors.clear();
  }

  // ---- device views (no copies) --------------------------------------------------------------

  /** U_r diag(s_r) of an SVD entry: an m x r view (row stride k). */
  public DeviceTensor svdLeft(String key, int rank) {
    DeviceSvdFactors f = matrix(key);
    FactorEntries.checkRank(key, rank, f.s().size());
    return f.u().leadingColumns(rank);
  }

  /** Vt_r of an SVD entry: an r x n view. */
  public DeviceTensor svdRight(String key, int rank) {
    DeviceSvdFactors f = matrix(key);
    FactorEntries.checkRank(key, rank, f.s().size());
    return f.vt().rows(0, rank);
  }

  /** U_out's leading rOut columns (Cout x rOut view, row stride Cout). */
  public DeviceTensor tuckerOut(String key, int rOut) {
    DeviceTucker2Factors f = kernel(key);
    FactorEntries.checkRank(key + " (output mode)", rOut, f.uOut().dim(0));
    return f.uOut().leadingColumns(rOut);
  }

  /** U_in's leading rIn columns (Cin x rIn view, row stride Cin). */
  public DeviceTensor tuckerIn(String key, int rIn) {
    DeviceTucker2Factors f = kernel(key);
    FactorEntries.checkRank(key + " (input mode)", rIn, f.uIn().dim(0));
    return f.uIn().leadingColumns(rIn);
  }

  /** The core's leading block as an rOut x (rIn*kh*kw) view (row stride Cin*kh*kw). */
  public DeviceTensor tuckerCore(String key, int rOut, int rIn) {
    DeviceTucker2Factors f = kernel(key);
    FactorEntries.checkRank(key + " (output mode)", rOut, f.uOut().dim(0));
    FactorEntries.checkRank(key + " (input mode)", rIn, f.uIn().dim(0));
    return f.coreSlice(rOut, rIn);
  }

  // ---- DeviceResidentFactors -----------------------------------------------------------------

  @Override
  public Set<String> matrixKeys() {
    return entries.matrixKeys();
  }

  @Override
  public Set<String> kernelKeys() {
    return entries.kernelKeys();
  }

  @Override
  public Tensor singularValues(String key) {
    return matrix(key).s().toHost();
  }

  @Override
  public Tensor modeEigenvalues(String key, int mode) {
    FactorEntries.checkMode(mode);
    DeviceTucker2Factors f = kernel(key);
    return (mode == 0 ? f.eigOut() : f.eigIn()).toHost();
  }

  @Override
  public LowRankFactors lowRank(String key, int rank) {
    return new LowRankFactors(svdLeft(key, rank).toHost(), svdRight(key, rank).toHost());
  }

  @Override
  public Tensor lowRankWeight(String key, int rank) {
    DeviceTensor left = svdLeft(key, rank);
    DeviceTensor right = svdRight(key, rank);
    int m = left.dim(0);
    int n = right.dim(1);
    Tensor w = Tensor.zeros(m, n);
    if (rank == 0 || m == 0 || n == 0) {
      return w;
    }
    synchronized (owner) {
      ensureOpen();
      Lane lane = owner.primaryLane();
      DeviceArena.Layout layout = new DeviceArena.Layout();
      long out = layout.floats((long) m * n);
      scratch.reserve(layout.total());
      // Row-major W = left right is column-major W^T = right^T left^T:
      // right (r x n, row-major) is column-major n x r (ld n); left's r columns are the first r
      // rows of the column-major k x m view (ld k).
      checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N,
          n, m, rank, lane.oneF, floats(right.address()), n, floats(left.address()),
          (int) left.rowStride(), lane.zeroF, floats(scratch.address(out)), n),
          "cublasSgemm(low-rank weight '" + key + "', rank " + rank + ")");
      lane.download(w.data(), scratch.address(out), 4L * m * n);
    }
    return w;
  }

  @Override
  public Tucker2Layers tucker2(String key, int rOut, int rIn) {
    DeviceTucker2Factors f = kernel(key);
    int[] shape = f.core().shape();
    int cout = shape[0];
    int cin = shape[1];
    float[] in = tuckerIn(key, rIn).toHost().toFloatArray();  // Cin x rIn
    float[] first = new float[rIn * cin];
    for (int c = 0; c < cin; c++) {
      for (int j = 0; j < rIn; j++) {
        first[j * cin + c] = in[c * rIn + j];
      }
    }
    Tensor core = tuckerCore(key, rOut, rIn).toHost();
    Tensor last = tuckerOut(key, rOut).toHost();
    return new Tucker2Layers(Tensor.of(new int[] {rIn, cin, 1, 1}, first),
        core.reshape(rOut, rIn, shape[2], shape[3]), last.reshape(cout, rOut, 1, 1));
  }

  @Override
  public Tensor tucker2Weight(String key, int rOut, int rIn) {
    DeviceTucker2Factors f = kernel(key);
    int[] shape = f.core().shape();
    int cout = shape[0];
    int cin = shape[1];
    int sp = shape[2] * shape[3];
    DeviceTensor uOut = tuckerOut(key, rOut);
    DeviceTensor uIn = tuckerIn(key, rIn);
    Tensor w = Tensor.zeros(shape);
    if (rOut == 0 || rIn == 0 || w.size() == 0) {
      return w;
    }
    synchronized (owner) {
      ensureOpen();
      Lane lane = owner.primaryLane();
      DeviceArena.Layout layout = new DeviceArena.Layout();
      long t = layout.floats((long) rOut * cin * sp);
      long out = layout.floats(w.size());
      scratch.reserve(layout.total());
      // T[a] (Cin x sp) = U_in_r core[a, :rIn]: per a, column-major T[a]^T (sp x Cin) =
      // core[a]^T (sp x rIn, ld sp) times U_in_r^T (the first rIn rows of column-major U_in^T).
      checkCublas(cublas.cublasSgemmStridedBatched(lane.cublasHandle, cublas.CUBLAS_OP_N,
          cublas.CUBLAS_OP_N, sp, cin, rIn, lane.oneF, floats(f.core().address()), sp,
          (long) cin * sp, floats(uIn.address()), cin, 0L, lane.zeroF, floats(scratch.address(t)),
          sp, (long) cin * sp, rOut), "cublasSgemmStridedBatched(Tucker-2 '" + key + "' mode 1)");
      // W (Cout x Cin*sp) = U_out_r T: column-major W^T = T^T (Cin*sp x rOut) U_out_r^T.
      checkCublas(cublas.cublasSgemm_v2(lane.cublasHandle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N,
          cin * sp, cout, rOut, lane.oneF, floats(scratch.address(t)), cin * sp,
          floats(uOut.address()), cout, lane.zeroF, floats(scratch.address(out)), cin * sp),
          "cublasSgemm(Tucker-2 '" + key + "' mode 0)");
      lane.download(w.data(), scratch.address(out), 4L * w.size());
    }
    return w;
  }

  private DeviceSvdFactors matrix(String key) {
    ensureOpen();
    return entries.matrix(key);
  }

  private DeviceTucker2Factors kernel(String key) {
    ensureOpen();
    return entries.kernel(key);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("device factor cache is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    entries.matrices().forEach(DeviceSvdFactors::close);
    entries.kernels().forEach(DeviceTucker2Factors::close);
    scratch.close();
  }
}
