package io.bocomp.cuda;

import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes a batch of device matrices to the two SVD algorithms and completes rank-deficient
 * results:
 *
 * <ul>
 *   <li>small and medium matrices ({@code k^2 * len <= JACOBI_MAX_WORK}, k = min(m,n),
 *       len = max(m,n)) go to ONE launch of the batched Jacobi kernel ({@link JacobiSvdWork}), a
 *       block per matrix;
 *   <li>larger ones each become a Gram-route work ({@link GramSvdWork}: DSYRK, DSYEVD, DGEMM),
 *       spread over the lanes.
 * </ul>
 *
 * The crossover: {@link #JACOBI_MAX_WORK} should sit where one Jacobi block stops beating the
 * Gram route's DSYEVD latency for a single matrix; GpuBenchmark's {@code crossover} section
 * measures exactly that table (Jacobi vs Gram by shape).
 *
 * <p>Afterwards each matrix whose route left zero singular vectors (exactly zero singular values
 * on the Jacobi route, at or below {@link GramSvd#RTOL} * s_0 on the Gram route) has them completed
 * on the host ({@link OrthonormalCompletion}): only rank-deficient matrices pay for that.
 */
final class BatchedSvd {
  /**
   * Jacobi iff k^2 * len is at most this. Measured on an H100 (benchmarks/results/
   * gpu-bench-h100.txt, GpuBenchmark {@code crossover}, one matrix at a time): Jacobi wins up to
   * 16x16 (0.26 vs 0.30 ms) and 16x144 (0.19 vs 0.25 ms, k^2 * len = 36864); the Gram route wins
   * from 32x32 (0.40 vs 0.46 ms, 32768) and 32x288 (0.36 vs 0.54 ms) on, by 26x at 128x1152. A
   * batch of small matrices shares one Jacobi launch, so the single-matrix crossover is a
   * conservative bound for batches.
   */
  static final long JACOBI_MAX_WORK = 16L * 16 * 144;
  /** Beyond this many columns the Jacobi kernel's k^2 sort and V matrix make no sense. */
  static final int JACOBI_MAX_K = 1024;

  private final LaneScheduler scheduler;
  private final int sharedLimitFloats;

  BatchedSvd(LaneScheduler scheduler, int sharedLimitFloats) {
    this.scheduler = scheduler;
    this.sharedLimitFloats = sharedLimitFloats;
  }

  static boolean useJacobi(SvdRoute route, int m, int n) {
    int k = Math.min(m, n);
    long len = Math.max(m, n);
    switch (route) {
      case JACOBI:
        return true;
      case GRAM:
        return false;
      default:
        return k <= JACOBI_MAX_K && (long) k * k * len <= JACOBI_MAX_WORK;
    }
  }

  /** SVD of every input into the matching preallocated outputs; all device memory. */
  void run(List<DeviceTensor> inputs, List<DeviceSvdFactors> outputs, SvdRoute route) {
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(inputs.size() + " matrices but " + outputs.size()
          + " output slots");
    }
    List<GramSvd.Job> jacobi = new ArrayList<>();
    List<LaneWork> works = new ArrayList<>();
    boolean[] jacobiRoute = new boolean[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      DeviceTensor a = inputs.get(i);
      DeviceSvdFactors f = outputs.get(i);
      checkShapes(i, a, f);
      int m = a.dim(0);
      int n = a.dim(1);
      if (Math.min(m, n) == 0) {
        continue;
      }
      GramSvd.Job job = new GramSvd.Job(m, n, a.address(), f.u().address(), f.s().address(),
          f.vt().address());
      jacobiRoute[i] = useJacobi(route, m, n);
      if (jacobiRoute[i]) {
        jacobi.add(job);
      } else {
        works.add(new GramSvdWork(job, i));
      }
    }
    if (!jacobi.isEmpty()) {
      works.add(new JacobiSvdWork(jacobi, sharedLimitFloats));
    }
    scheduler.run(works);
    for (int i = 0; i < inputs.size(); i++) {
      DeviceSvdFactors f = outputs.get(i);
      if (f.s().size() > 0) {
        completeNullVectors(f, jacobiRoute[i]);
      }
    }
  }

  /**
   * Replaces the zero singular vectors a route left for (numerically) zero singular values by an
   * orthonormal completion. They are on the long side: U's columns when m >= n, Vt's rows else.
   */
  static void completeNullVectors(DeviceSvdFactors f, boolean jacobiRoute) {
    float[] s = f.s().toHost().toFloatArray();
    int[] nulls = jacobiRoute ? zeros(s) : GramSvd.nullIndices(s);
    if (nulls.length == 0) {
      return;
    }
    boolean tall = f.m() >= f.n();
    DeviceTensor side = tall ? f.u() : f.vt();
    Tensor host = side.toHost();
    float[] data = host.toFloatArray();
    OrthonormalCompletion.complete(data, side.dim(0), side.dim(1), tall, nulls);
    side.copyFrom(Tensor.of(host.shape(), data));
  }

  private static int[] zeros(float[] s) {
    int count = 0;
    for (float v : s) {
      if (v == 0f) {
        count++;
      }
    }
    int[] out = new int[count];
    int c = 0;
    for (int j = 0; j < s.length; j++) {
      if (s[j] == 0f) {
        out[c++] = j;
      }
    }
    return out;
  }

  private static void checkShapes(int i, DeviceTensor a, DeviceSvdFactors f) {
    if (a.rank() != 2 || !a.isContiguous()) {
      throw new IllegalArgumentException("matrix #" + i + " must be a contiguous 2-D tensor, got " + a);
    }
    int m = a.dim(0);
    int n = a.dim(1);
    int k = Math.min(m, n);
    boolean ok = f.u().rank() == 2 && f.u().dim(0) == m && f.u().dim(1) == k
        && f.s().size() == k && f.vt().rank() == 2 && f.vt().dim(0) == k && f.vt().dim(1) == n
        && f.u().isContiguous() && f.vt().isContiguous();
    if (!ok) {
      throw new IllegalArgumentException("output slot #" + i + " does not fit a " + m + " x " + n
          + " SVD: u " + f.u() + ", s " + f.s() + ", vt " + f.vt());
    }
  }
}
