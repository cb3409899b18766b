package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkCuda;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static org.bytedeco.cuda.global.cudart.cudaEventCreate;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventElapsedTime;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;

import io.bocomp.engine.Decompositions;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.cuda.cudart.CUevent_st;

/**
 * {@link Decompositions} on an NVIDIA GPU: the batched SVD ({@link BatchedSvd}: one-sided Jacobi
 * kernel for small matrices, DSYRK + DSYEVD + DGEMM above a size crossover), randomized
 * truncated SVD ({@link RandomizedSvdWork}), full-rank Tucker-2 HOSVD ({@link Tucker2Work}) and the
 * fused output distance (native/sq_distance.cu).
 *
 * <p>Two levels of API. The {@link Decompositions} methods take and return host tensors: inputs
 * are copied into a staging arena that this object keeps and reuses, so after the first call of a
 * given size no device memory is allocated. The device-level methods ({@link #svd(List, List)},
 * {@link #tucker2(List, List)}, {@link #distance(DeviceTensor, DeviceTensor)}) work on
 * {@link DeviceTensor}s the caller allocated once per run; nothing but status words and the
 * n + 2 distance values crosses to the host.
 *
 * <p>Independent matrices run concurrently on {@code lanes} (each a stream, cuBLAS and cuSOLVER
 * handles, workspaces and a host thread; see {@link LaneScheduler}). One caller at a time: the
 * methods are synchronized. Create through {@link CudaBackend#isAvailable()} checks: the
 * constructor throws {@link NativeException} when no GPU is usable.
 */
public final class CudaDecompositions implements Decompositions, AutoCloseable {
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final List<Lane> lanes = new ArrayList<>();
  private final ExecutorService threads;
  private final LaneScheduler scheduler;
  private final BatchedSvd batchedSvd;
  private final SvdRoute route;
  private final DeviceArena staging = new DeviceArena();
  private final FusedDistance fusedDistance;
  private boolean closed;

  /** Four lanes (or fewer on small hosts), automatic SVD routing. */
  public CudaDecompositions() {
    this(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), SvdRoute.AUTO);
  }

  /**
   * @param laneCount concurrent streams/threads for independent matrices (at least 1)
   * @param route SVD algorithm choice; {@link SvdRoute#AUTO} except when measuring
   */
  public CudaDecompositions(int laneCount, SvdRoute route) {
    CudaRuntime.Status st = CudaRuntime.status();
    if (!st.available()) {
      throw new NativeException("CUDA is not available: " + st.reason());
    }
    if (laneCount < 1) {
      throw new IllegalArgumentException("need at least one lane, got " + laneCount);
    }
    this.route = route;
    this.threads = Executors.newFixedThreadPool(laneCount, r -> {
      Thread t = new Thread(r, "bocomp-cuda-lane-" + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    FusedDistance distance = null;
    try {
      for (int i = 0; i < laneCount; i++) {
        lanes.add(new Lane());
      }
      int[] shared = {0};
      checkKernel(NativeKernels.bocomp_jacobi_svd_shared_limit(shared),
          "bocomp_jacobi_svd_shared_limit");
      distance = new FusedDistance();
      this.scheduler = new LaneScheduler(lanes, threads);
      this.batchedSvd = new BatchedSvd(scheduler, shared[0]);
    } catch (RuntimeException e) {
      if (distance != null) {
        distance.close();
      }
      releaseLanes();
      throw e;
    }
    this.fusedDistance = distance;
  }

  public SvdRoute route() {
    return route;
  }

  /** Lane 0, for work that callers serialize with this object's lock (the factor cache). */
  Lane primaryLane() {
    ensureOpen();
    return lanes.get(0);
  }

  /**
   * Decomposes the run's layers on the GPU and keeps the factors there; per-trial truncations are
   * views of them ({@link DeviceFactorCache}). Close the cache before this object.
   */
  @Override
  public DeviceFactorCache keepResident(Map<String, Tensor> matrices, Map<String, Tensor> kernels) {
    ensureOpen();
    return DeviceFactorCache.build(this, matrices, kernels);
  }

  // ---- device-level API --------------------------------------------------------------------

  /** Thin SVD of device matrices into preallocated device factors ({@link DeviceSvdFactors}). */
  public synchronized void svd(List<DeviceTensor> matrices, List<DeviceSvdFactors> out) {
    ensureOpen();
    batchedSvd.run(matrices, out, route);
  }

  /** Full-rank Tucker-2 of device conv kernels into preallocated device factors. */
  public synchronized void tucker2(List<DeviceTensor> kernels, List<DeviceTucker2Factors> out) {
    ensureOpen();
    if (kernels.size() != out.size()) {
      throw new IllegalArgumentException(kernels.size() + " kernels but " + out.size()
          + " output slots");
    }
    List<LaneWork> works = new ArrayList<>();
    for (int i = 0; i < kernels.size(); i++) {
      DeviceTensor w = kernels.get(i);
      DeviceTucker2Factors f = out.get(i);
      if (w.rank() != 4 || !w.isContiguous()) {
        throw new IllegalArgumentException("kernel #" + i + " must be a contiguous 4-D tensor "
            + "(Cout x Cin x kh x kw), got " + w);
      }
      if (!Arrays.equals(f.core().shape(), w.shape()) || f.uOut().dim(0) != w.dim(0)
          || f.uIn().dim(0) != w.dim(1)) {
        throw new IllegalArgumentException("output slot #" + i + " does not fit kernel " + w);
      }
      if (w.size() == 0) {
        continue;
      }
      works.add(new Tucker2Work(new Tucker2Work.Job(w.dim(0), w.dim(1), w.dim(2) * w.dim(3),
          w.address(), f.uOut().address(), f.uIn().address(), f.core().address(),
          f.eigOut().address(), f.eigIn().address()), i));
    }
    scheduler.run(works);
  }

  /**
   * Per-sample squared distance between device outputs and reference (same shape, [n, ...]),
   * reduced on the device; only n + 2 doubles come back.
   */
  public synchronized DistanceStats distance(DeviceTensor outputs, DeviceTensor reference) {
    ensureOpen();
    int[] shape = FusedDistance.checkShapes(outputs.shape(), reference.shape());
    if (!outputs.isContiguous() || !reference.isContiguous()) {
      throw new IllegalArgumentException("distance needs contiguous device tensors");
    }
    return fusedDistance.run(lanes.get(0), outputs.address(), reference.address(), shape[0],
        outputs.size() / shape[0]);
  }

  /**
   * Benchmark probe: mean device time in microseconds of one fused-distance kernel, timed with CUDA
   * events around {@code repetitions} back-to-back launches (results discarded).
   */
  public synchronized double distanceKernelMicros(DeviceTensor outputs, DeviceTensor reference,
      int repetitions) {
    ensureOpen();
    FusedDistance.checkShapes(outputs.shape(), reference.shape());
    int n = outputs.dim(0);
    int d = outputs.size() / n;
    Lane lane = lanes.get(0);
    long results = fusedDistance.reserve(n, d);
    CUevent_st start = new CUevent_st();
    CUevent_st stop = new CUevent_st();
    checkCuda(cudaEventCreate(start), "cudaEventCreate");
    checkCuda(cudaEventCreate(stop), "cudaEventCreate");
    try {
      checkCuda(cudaEventRecord(start, lane.stream), "cudaEventRecord");
      for (int r = 0; r < repetitions; r++) {
        fusedDistance.launch(lane, outputs.address(), reference.address(), n, d, results);
      }
      checkCuda(cudaEventRecord(stop, lane.stream), "cudaEventRecord");
      checkCuda(cudaEventSynchronize(stop), "cudaEventSynchronize");
      float[] ms = {0};
      checkCuda(cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
      return 1000.0 * ms[0] / Math.max(1, repetitions);
    } finally {
      cudaEventDestroy(start);
      cudaEventDestroy(stop);
    }
  }

  // ---- Decompositions (host tensors) ---------------------------------------------------------

  @Override
  public synchronized List<SvdFactors> svd(List<Tensor> matrices) {
    ensureOpen();
    DeviceArena.Layout layout = new DeviceArena.Layout();
    long[][] offsets = new long[matrices.size()][];
    for (int i = 0; i < matrices.size(); i++) {
      Tensor a = requireMatrix(matrices.get(i), i);
      int m = a.dim(0);
      int n = a.dim(1);
      int k = Math.min(m, n);
      offsets[i] = new long[] {layout.floats((long) m * n), layout.floats((long) m * k),
          layout.floats(k), layout.floats((long) k * n)};
    }
    staging.reserve(layout.total());
    List<DeviceTensor> inputs = new ArrayList<>();
    List<DeviceSvdFactors> outputs = new ArrayList<>();
    for (int i = 0; i < matrices.size(); i++) {
      Tensor a = matrices.get(i);
      int m = a.dim(0);
      int n = a.dim(1);
      int k = Math.min(m, n);
      DeviceTensor in = DeviceTensor.view(staging.address(offsets[i][0]), m, n);
      in.copyFrom(a);
      inputs.add(in);
      outputs.add(new DeviceSvdFactors(DeviceTensor.view(staging.address(offsets[i][1]), m, k),
          DeviceTensor.view(staging.address(offsets[i][2]), k),
          DeviceTensor.view(staging.address(offsets[i][3]), k, n)));
    }
    batchedSvd.run(inputs, outputs, route);
    List<SvdFactors> result = new ArrayList<>();
    for (DeviceSvdFactors f : outputs) {
      result.add(f.toHost());
    }
    return result;
  }

  @Override
  public synchronized SvdFactors truncatedSvd(Tensor matrix, int rank, int oversample,
      int powerIterations, long seed) {
    ensureOpen();
    Tensor a = requireMatrix(matrix, 0);
    int m = a.dim(0);
    int n = a.dim(1);
    int k = Math.min(m, n);
    if (rank < 1 || rank > k || oversample < 0 || powerIterations < 0) {
      throw new IllegalArgumentException("truncated SVD of a " + m + " x " + n + " matrix: rank "
          + rank + ", oversample " + oversample + ", power iterations " + powerIterations
          + " (need 1 <= rank <= " + k + ", both others >= 0)");
    }
    if (rank + oversample >= k) {
      SvdFactors full = svd(List.of(a)).get(0);
      return truncate(full, rank);
    }
    DeviceArena.Layout layout = new DeviceArena.Layout();
    long in = layout.floats((long) m * n);
    long u = layout.floats((long) m * rank);
    long s = layout.floats(rank);
    long vt = layout.floats((long) rank * n);
    staging.reserve(layout.total());
    DeviceTensor.view(staging.address(in), m, n).copyFrom(a);
    scheduler.run(List.of(new RandomizedSvdWork(m, n, rank, oversample, powerIterations, seed,
        staging.address(in), staging.address(u), staging.address(s), staging.address(vt))));
    DeviceSvdFactors f = new DeviceSvdFactors(DeviceTensor.view(staging.address(u), m, rank),
        DeviceTensor.view(staging.address(s), rank), DeviceTensor.view(staging.address(vt), rank, n));
    // The small SVD inside is a Gram-route SVD of an l x n matrix (l = rank + oversample < n):
    // its zero vectors, if any, are rows of Vt.
    float[] sv = f.s().toHost().toFloatArray();
    int[] nulls = GramSvd.nullIndices(sv);
    SvdFactors host = f.toHost();
    if (nulls.length > 0) {
      float[] v = host.vt().toFloatArray();
      OrthonormalCompletion.complete(v, rank, n, false, nulls);
      host = new SvdFactors(host.u(), host.s(), Tensor.of(new int[] {rank, n}, v));
    }
    return host;
  }

  @Override
  public synchronized List<Tucker2Factors> tucker2(List<Tensor> kernels) {
    ensureOpen();
    DeviceArena.Layout layout = new DeviceArena.Layout();
    long[][] offsets = new long[kernels.size()][];
    for (int i = 0; i < kernels.size(); i++) {
      Tensor w = kernels.get(i);
      if (w.rank() != 4 || !w.isFloat()) {
        throw new IllegalArgumentException("kernel #" + i + " must be a float Cout x Cin x kh x kw "
            + "tensor, got " + w);
      }
      long co = w.dim(0);
      long ci = w.dim(1);
      offsets[i] = new long[] {layout.floats(w.size()), layout.floats(co * co),
          layout.floats(ci * ci), layout.floats(w.size()), layout.floats(co), layout.floats(ci)};
    }
    staging.reserve(layout.total());
    List<DeviceTensor> inputs = new ArrayList<>();
    List<DeviceTucker2Factors> outputs = new ArrayList<>();
    for (int i = 0; i < kernels.size(); i++) {
      Tensor w = kernels.get(i);
      int co = w.dim(0);
      int ci = w.dim(1);
      DeviceTensor in = DeviceTensor.view(staging.address(offsets[i][0]), w.shape());
      in.copyFrom(w);
      inputs.add(in);
      outputs.add(new DeviceTucker2Factors(
          DeviceTensor.view(staging.address(offsets[i][1]), co, co),
          DeviceTensor.view(staging.address(offsets[i][2]), ci, ci),
          DeviceTensor.view(staging.address(offsets[i][3]), w.shape()),
          DeviceTensor.view(staging.address(offsets[i][4]), co),
          DeviceTensor.view(staging.address(offsets[i][5]), ci)));
    }
    tucker2(inputs, outputs);
    List<Tucker2Factors> result = new ArrayList<>();
    for (DeviceTucker2Factors f : outputs) {
      result.add(f.toHost());
    }
    return result;
  }

  @Override
  public synchronized DistanceStats distance(Tensor outputs, Tensor reference) {
    ensureOpen();
    int[] shape = FusedDistance.checkShapes(outputs.shape(), reference.shape());
    Lane lane = lanes.get(0);
    DeviceArena.Layout layout = new DeviceArena.Layout();
    long out = layout.floats(outputs.size());
    long ref = layout.floats(reference.size());
    lane.workspace.reserve(layout.total());
    lane.upload(lane.workspace.address(out), outputs.data(), 4L * outputs.size());
    lane.upload(lane.workspace.address(ref), reference.data(), 4L * reference.size());
    return fusedDistance.run(lane, lane.workspace.address(out), lane.workspace.address(ref),
        shape[0], outputs.size() / shape[0]);
  }

  private static Tensor requireMatrix(Tensor t, int i) {
    if (t.rank() != 2 || !t.isFloat()) {
      throw new IllegalArgumentException("matrix #" + i + " must be a 2-D float tensor, got " + t);
    }
    FloatBuffer data = t.data();
    for (int e = 0; e < t.size(); e++) {
      if (!Float.isFinite(data.get(e))) {
        throw new IllegalArgumentException("matrix #" + i + " has a non-finite value at ("
            + e / t.dim(1) + ", " + e % t.dim(1) + ")");
      }
    }
    return t;
  }

  static SvdFactors truncate(SvdFactors f, int rank) {
    int m = f.u().dim(0);
    int k = f.s().size();
    int n = f.vt().dim(1);
    float[] u = f.u().toFloatArray();
    float[] ur = new float[m * rank];
    for (int i = 0; i < m; i++) {
      System.arraycopy(u, i * k, ur, i * rank, rank);
    }
    float[] s = Arrays.copyOf(f.s().toFloatArray(), rank);
    float[] vt = Arrays.copyOf(f.vt().toFloatArray(), rank * n);
    return new SvdFactors(Tensor.of(new int[] {m, rank}, ur), Tensor.of(new int[] {rank}, s),
        Tensor.of(new int[] {rank, n}, vt));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("CudaDecompositions is closed");
    }
  }

  private void releaseLanes() {
    for (Lane lane : lanes) {
      try {
        lane.close();
      } catch (RuntimeException ignored) {
        // closing is best effort; the first failure was already reported
      }
    }
    lanes.clear();
    threads.shutdownNow();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    staging.close();
    fusedDistance.close();
    releaseLanes();
  }
}
