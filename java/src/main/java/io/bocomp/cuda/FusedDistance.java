package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.at;
import static io.bocomp.cuda.CudaCalls.checkCuda;
import static io.bocomp.cuda.CudaCalls.checkKernel;
import static org.bytedeco.cuda.global.cudart.cudaMemset;

import io.bocomp.engine.Decompositions.DistanceStats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * The fused output distance (native/sq_distance.cu) on one lane: its own small workspace (partial
 * sums and the n + 2 results) and the kernel's integer ticket counter, zeroed once; launches on a
 * lane are serialized by the stream, which the counter needs. Only n + 2 doubles come back.
 */
final class FusedDistance implements AutoCloseable {
  private final DeviceArena workspace = new DeviceArena();
  private final DeviceMemory counter;
  private long partialsAddress;

  FusedDistance() {
    counter = DeviceMemory.allocate(4);
    try {
      checkCuda(cudaMemset(at(counter.address()), 0, 4), "cudaMemset(distance counter)");
    } catch (RuntimeException e) {
      counter.close();
      throw e;
    }
  }

  /** Distance of n rows of d floats at {@code out} to those at {@code ref} (device addresses). */
  DistanceStats run(Lane lane, long out, long ref, int n, int d) {
    long results = reserve(n, d);
    launch(lane, out, ref, n, d, results);
    ByteBuffer host = ByteBuffer.allocateDirect(8 * (n + 2)).order(ByteOrder.nativeOrder());
    lane.download(host, results, 8L * (n + 2));
    DoubleBuffer values = host.asDoubleBuffer();
    double[] perSample = new double[n];
    values.get(perSample);
    double mean = values.get();
    double stderr = values.get();
    return new DistanceStats(mean, stderr, n, perSample);
  }

  /** Reserves the workspace and returns the address of the n + 2 results. */
  long reserve(int n, int d) {
    DeviceArena.Layout layout = new DeviceArena.Layout();
    long partials = layout.doubles(NativeKernels.bocomp_sq_distance_workspace(n, d));
    long results = layout.doubles(n + 2L);
    workspace.reserve(layout.total());
    partialsAddress = workspace.address(partials);
    return workspace.address(results);
  }

  /** Enqueues one launch (after {@link #reserve}); results land at {@code results}. */
  void launch(Lane lane, long out, long ref, int n, int d, long results) {
    checkKernel(NativeKernels.bocomp_sq_distance(n, d, out, ref, partialsAddress, counter.address(),
        results, results + 8L * n, lane.streamAddress()), "bocomp_sq_distance(" + n + " x " + d + ")");
  }

  static int[] checkShapes(int[] out, int[] ref) {
    if (!java.util.Arrays.equals(out, ref)) {
      throw new IllegalArgumentException("outputs " + java.util.Arrays.toString(out)
          + " and reference " + java.util.Arrays.toString(ref) + " differ in shape");
    }
    if (out.length == 0 || out[0] < 1) {
      throw new IllegalArgumentException("distance needs at least one sample, got shape "
          + java.util.Arrays.toString(out));
    }
    return out;
  }

  @Override
  public void close() {
    workspace.close();
    counter.close();
  }
}
