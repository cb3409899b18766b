package io.bocomp.cuda;

import io.bocomp.engine.Backend;
import io.bocomp.engine.Decompositions;
import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import io.bocomp.model.op.OpsetForms;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CUDA {@link Backend}: compiles graphs of the common CNN operators ({@link GpuOps#SUPPORTED}:
 * Conv by im2col + cuBLAS SGEMM, Gemm/MatMul by cuBLAS, small custom kernels for the rest) into
 * {@link CudaExecutable}s whose activations stay on the GPU, and reduces the tuner's output
 * distance there (the fused distance kernel).
 *
 * <p>Found reflectively by the engine's backend selection: a public no-arg constructor, and the
 * static {@link #isAvailable()} / {@link #unavailableReason()} it checks first (so a host without
 * a GPU gets one clear line and the CPU backend). One stream and cuBLAS handle; one caller at a
 * time (executables lock the backend). Holds, across compiles: the device weights (keyed by host
 * tensor identity: a tuning run uploads each unchanged weight once), the activation arena, and
 * device copies of the tuner's feeds and reference (keyed by identity, least recently used first
 * out beyond {@link #PINNED_LIMIT}).
 *
 * <p>{@link #decompositions()} are the CPU's ({@link CpuDecompositions}), as before this backend
 * handed them out: the factor cache holds LAPACK's factors whichever backend wrote it, so a cache
 * file and the plans chosen from it do not depend on the backend. {@link CudaDecompositions} is
 * the device implementation, constructed explicitly (tests, benchmarks).
 */
public final class CudaBackend implements Backend {
  /** Idle device weights kept for reuse (bytes). */
  static final long IDLE_WEIGHT_BUDGET = 2L << 30;
  /** Host tensors (feeds, references) kept on the device by identity. */
  static final int PINNED_LIMIT = 16;

  private final Lane lane;
  private final DeviceArena arena = new DeviceArena();
  private final DeviceWeights weights = new DeviceWeights(IDLE_WEIGHT_BUDGET);
  private final FusedDistance fusedDistance;
  private final Map<Tensor, DeviceTensor> pinned = new IdentityHashMap<>();
  private final LinkedHashMap<Tensor, Boolean> pinOrder = new LinkedHashMap<>(16, 0.75f, true);
  private final CpuDecompositions decompositions = new CpuDecompositions();
  private boolean closed;

  /** Opens the GPU; throws {@link NativeException} with the reason when CUDA is unavailable. */
  public CudaBackend() {
    if (!isAvailable()) {
      throw new NativeException("CUDA backend unavailable: " + unavailableReason());
    }
    Lane l = new Lane();
    try {
      fusedDistance = new FusedDistance();
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    lane = l;
  }

  /** True when the native library loads and a GPU answers (see {@link Cuda}). */
  public static boolean isAvailable() {
    return Cuda.available();
  }

  /** One line saying why {@link #isAvailable()} is false; empty when it is true. */
  public static String unavailableReason() {
    return Cuda.unavailableReason();
  }

  @Override
  public String name() {
    return "cuda";
  }

  /**
   * Compiles a graph; weights stored quantized (DequantizeLinear of constants) are folded to the
   * floats they stand for first, as the CPU backend folds every constant node.
   */
  @Override
  public synchronized CudaExecutable compile(Graph graph) {
    ensureOpen();
    return new CudaExecutable(this, io.bocomp.model.QuantizedWeights.fold(graph));
  }

  /** Compiles a graph of the given opset in its canonical form ({@link OpsetForms}). */
  @Override
  public CudaExecutable compile(Graph graph, long opset) {
    return compile(OpsetForms.canonical(graph, opset));
  }

  @Override
  public java.util.Set<String> supportedOps() {
    return ops();
  }

  /** The op types the CUDA backend runs (its registry; no device needed to ask). */
  public static java.util.Set<String> ops() {
    return GpuOps.SUPPORTED;
  }

  Lane lane() {
    return lane;
  }

  DeviceArena arena() {
    return arena;
  }

  DeviceWeights weights() {
    return weights;
  }

  /** The device copy of a host tensor fed again and again (identity-keyed, bounded). */
  DeviceTensor pinned(Tensor host) {
    ensureOpen();
    DeviceTensor d = pinned.get(host);
    if (d == null) {
      if (!host.isFloat()) {
        throw new IllegalArgumentException("the GPU backend takes float32 tensors, got " + host);
      }
      d = DeviceTensor.upload(host);
      pinned.put(host, d);
      Iterator<Tensor> oldest = pinOrder.keySet().iterator();
      while (pinned.size() > PINNED_LIMIT && oldest.hasNext()) {
        Tensor victim = oldest.next();
        oldest.remove();
        pinned.remove(victim).close();
      }
    }
    pinOrder.put(host, Boolean.TRUE);
    return d;
  }

  /** The fused distance of n x d device values to a reference, on this backend's stream. */
  DistanceStats distance(DeviceTensor out, DeviceTensor ref, int n, int d) {
    return fusedDistance.run(lane, out.address(), ref.address(), n, d);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("CUDA backend is closed");
    }
  }

  /** Frees all device memory; executables of this backend must not be used afterwards. */
  @Override
  public Decompositions decompositions() {
    return decompositions;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pinned.values().forEach(DeviceTensor::close);
    pinned.clear();
    pinOrder.clear();
    weights.close();
    arena.close();
    fusedDistance.close();
    lane.close();
  }
}
