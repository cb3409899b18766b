package io.bocomp.bench.gpu;

import io.bocomp.cuda.Cuda;
import io.bocomp.cuda.CudaDecompositions;
import io.bocomp.cuda.DeviceSvdFactors;
import io.bocomp.cuda.DeviceTensor;
import io.bocomp.cuda.DeviceTucker2Factors;
import io.bocomp.cuda.SvdRoute;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * GPU benchmarks of issue 7, run side by side with benchmarks/peers/torch_gpu_peers.py on the same
 * host (the GPU-host bundle's run-gpu-bench.sh runs both):
 *
 * <ul>
 *   <li>{@code svd}: batched thin SVD of all VGG-16 layer matrices (13 conv unfoldings
 *       Cout x Cin*9 and the FC matrices 25088x4096, 4096x4096, 4096x1000), device-resident
 *       inputs and outputs, as torch.linalg.svd sees them;
 *   <li>{@code tucker}: full-rank Tucker-2 HOSVD of all 13 VGG-16 conv kernels;
 *   <li>{@code distance}: the fused output distance on 50 x 1000 logits and larger, with the
 *       achieved bandwidth;
 *   <li>{@code crossover}: one matrix, Jacobi kernel vs Gram route, by size (sets
 *       BatchedSvd.JACOBI_MAX_WORK).
 * </ul>
 *
 * Weights are seeded uniform random values in [-1, 1) (SVD and HOSVD time hardly depends on
 * them; Jacobi sweeps do a little). Every figure: one warm-up (it also sizes the reusable device
 * workspaces), then the median and minimum of N wall-clock runs; each run ends with the device
 * synchronized (the operations return only after their lanes synced). The distance kernel alone is
 * timed with CUDA events around back-to-back launches.
 *
 * <p>Run: {@code java -cp <bundle jars> io.bocomp.bench.gpu.GpuBenchmark [svd|tucker|distance|
 * crossover|all] [runs]}.
 */
public final class GpuBenchmark {
  /** VGG-16 conv layers (Cout, Cin), all 3x3. */
  static final int[][] VGG16_CONV = {{64, 3}, {64, 64}, {128, 64}, {128, 128}, {256, 128},
      {256, 256}, {256, 256}, {512, 256}, {512, 512}, {512, 512}, {512, 512}, {512, 512},
      {512, 512}};
  /** VGG-16 FC matrices as the issue lists them (in x out). */
  static final int[][] VGG16_FC = {{25088, 4096}, {4096, 4096}, {4096, 1000}};

  private GpuBenchmark() {}

  public static void main(String[] args) {
    String what = args.length > 0 ? args[0] : "all";
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.println("# " + Cuda.describe());
    if (!Cuda.available()) {
      System.exit(2);
    }
    int failures = 0;
    // quick sections first, so a time limit cuts the least
    failures += section(what, "distance", GpuBenchmark::distance);
    failures += section(what, "tucker", () -> tucker(runs));
    failures += section(what, "svd", () -> svd(runs));
    failures += section(what, "crossover", () -> crossover(runs));
    System.exit(failures == 0 ? 0 : 1);
  }

  /** Runs one section if selected; a failure is reported and the next section still runs. */
  private static int section(String selected, String name, Runnable body) {
    if (!selected.equals("all") && !selected.equals(name)) {
      return 0;
    }
    try {
      body.run();
      return 0;
    } catch (RuntimeException e) {
      System.out.println(name + " FAILED: " + e);
      e.printStackTrace(System.out);
      return 1;
    }
  }

  static List<int[]> vggMatrices() {
    List<int[]> shapes = new ArrayList<>();
    for (int[] c : VGG16_CONV) {
      shapes.add(new int[] {c[0], c[1] * 9});
    }
    shapes.addAll(Arrays.asList(VGG16_FC));
    return shapes;
  }

  static void svd(int runs) {
    List<int[]> shapes = vggMatrices();
    List<DeviceTensor> inputs = new ArrayList<>();
    List<DeviceSvdFactors> outputs = new ArrayList<>();
    long seed = 1;
    for (int[] s : shapes) {
      inputs.add(DeviceTensor.upload(uniform(seed++, s)));
      outputs.add(DeviceSvdFactors.allocate(s[0], s[1]));
    }
    try (CudaDecompositions gpu = new CudaDecompositions(4, SvdRoute.AUTO)) {
      double[] t = time(runs, () -> gpu.svd(inputs, outputs));
      report("svd-vgg16", "all " + shapes.size() + " matrices, 4 lanes, auto route", t);
      for (int i = 0; i < shapes.size(); i++) {
        List<DeviceTensor> one = List.of(inputs.get(i));
        List<DeviceSvdFactors> out = List.of(outputs.get(i));
        double[] ti = time(Math.min(runs, 3), () -> gpu.svd(one, out));
        report("svd-vgg16-layer", shapes.get(i)[0] + "x" + shapes.get(i)[1] + " alone", ti);
      }
      List<DeviceTensor> conv = inputs.subList(0, VGG16_CONV.length);
      List<DeviceSvdFactors> convOut = outputs.subList(0, VGG16_CONV.length);
      report("svd-vgg16-conv", "13 conv unfoldings only", time(runs, () -> gpu.svd(conv, convOut)));
    } finally {
      inputs.forEach(DeviceTensor::close);
      outputs.forEach(DeviceSvdFactors::close);
    }
  }

  static void tucker(int runs) {
    List<DeviceTensor> kernels = new ArrayList<>();
    List<DeviceTucker2Factors> outputs = new ArrayList<>();
    long seed = 100;
    for (int[] c : VGG16_CONV) {
      int[] shape = {c[0], c[1], 3, 3};
      kernels.add(DeviceTensor.upload(uniform(seed++, shape)));
      outputs.add(DeviceTucker2Factors.allocate(shape));
    }
    try (CudaDecompositions gpu = new CudaDecompositions(4, SvdRoute.AUTO)) {
      report("tucker2-vgg16", "13 conv kernels, 4 lanes", time(runs, () -> gpu.tucker2(kernels, outputs)));
    } finally {
      kernels.forEach(DeviceTensor::close);
      outputs.forEach(DeviceTucker2Factors::close);
    }
  }

  static void distance() {
    int[][] sizes = {{50, 1000}, {1000, 1000}, {50, 100_000}, {50, 1_000_000}, {1000, 100_000}};
    try (CudaDecompositions gpu = new CudaDecompositions(1, SvdRoute.AUTO)) {
      for (int[] s : sizes) {
        try (DeviceTensor out = DeviceTensor.upload(uniform(7, s));
            DeviceTensor ref = DeviceTensor.upload(uniform(8, s))) {
          double bytes = 2.0 * 4 * s[0] * s[1];
          int reps = (int) Math.max(20, Math.min(2000, 4e9 / bytes));
          gpu.distanceKernelMicros(out, ref, reps);  // warm-up
          double kernel = gpu.distanceKernelMicros(out, ref, reps);
          double[] call = time(50, () -> gpu.distance(out, ref));
          System.out.printf(Locale.ROOT, "distance %dx%d kernel_us=%.2f kernel_GBps=%.1f"
              + " call_median_us=%.1f call_GBps=%.1f (peak HBM ~3350 GB/s on H100 SXM)%n", s[0],
              s[1], kernel, bytes / kernel / 1e3, call[0] * 1e3, bytes / (call[0] * 1e6));
        }
      }
    }
  }

  static void crossover(int runs) {
    int[] ks = {8, 16, 32, 48, 64, 96, 128, 192, 256};
    int[] ratios = {1, 9};
    try (CudaDecompositions jacobi = new CudaDecompositions(1, SvdRoute.JACOBI);
        CudaDecompositions gram = new CudaDecompositions(1, SvdRoute.GRAM)) {
      for (int r : ratios) {
        for (int k : ks) {
          int[] shape = {k, k * r};
          try (DeviceTensor a = DeviceTensor.upload(uniform(k * 31L + r, shape));
              DeviceSvdFactors f = DeviceSvdFactors.allocate(shape[0], shape[1])) {
            double[] tj = time(runs, () -> jacobi.svd(List.of(a), List.of(f)));
            double[] tg = time(runs, () -> gram.svd(List.of(a), List.of(f)));
            System.out.printf(Locale.ROOT,
                "crossover %dx%d k2len=%d jacobi_median_ms=%.3f gram_median_ms=%.3f winner=%s%n",
                shape[0], shape[1], (long) k * k * k * r, tj[0], tg[0], tj[0] < tg[0] ? "jacobi" : "gram");
          }
        }
      }
    }
  }

  /** Median and minimum (ms) of {@code runs} timed runs after one warm-up. */
  static double[] time(int runs, Runnable op) {
    op.run();
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      op.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return new double[] {sorted[runs / 2], sorted[0], runs};
  }

  static void report(String name, String detail, double[] t) {
    System.out.printf(Locale.ROOT, "%s median_ms=%.3f min_ms=%.3f runs=%d (%s)%n", name, t[0], t[1],
        (int) t[2], detail);
  }

  /** Seeded uniform [-1, 1) values, generated in parallel chunks. */
  static Tensor uniform(long seed, int... shape) {
    int n = Tensor.checkedSize(shape);
    FloatBuffer b = Tensor.allocate(n);
    int chunk = 1 << 20;
    IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + c);
      int end = Math.min(n, (c + 1) * chunk);
      for (int i = c * chunk; i < end; i++) {
        b.put(i, (float) (2 * r.nextDouble() - 1));
      }
    });
    return Tensor.wrap(shape, b);
  }
}
