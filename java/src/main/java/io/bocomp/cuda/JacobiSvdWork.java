package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.checkKernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * One launch of the batched one-sided Jacobi kernel (native/jacobi_svd.cu) over many small and
 * medium matrices: a block per matrix, its columns in shared memory when they fit, else in a
 * global scratch slice of this work. The job table (64-byte {@code bocomp_svd_job} records) and the
 * per-matrix sweep counts live in the lane's results arena.
 */
final class JacobiSvdWork implements LaneWork {
  /** Rotation threshold: tolFactor * sqrt(len) * FLT_EPSILON, LAPACK sgesvj's choice. */
  static final float TOL_FACTOR = 1.0f;
  /** One-sided Jacobi converges quadratically; 60 sweeps only run out on non-finite input. */
  static final int MAX_SWEEPS = 60;
  private static final int RECORD_BYTES = 64;

  private final List<GramSvd.Job> jobs;  // same device addresses as the Gram route: a, u, s, vt
  private final int sharedLimitFloats;
  private long[] workOffsets;
  private long recordsOffset;
  private long sweepsOffset;
  private int sharedFloats;

  JacobiSvdWork(List<GramSvd.Job> jobs, int sharedLimitFloats) {
    this.jobs = List.copyOf(jobs);
    this.sharedLimitFloats = sharedLimitFloats;
  }

  /** Floats of X, V, s and the sort permutation for an m x n matrix. */
  static long floatsNeeded(int m, int n) {
    long k = Math.min(m, n);
    return k * (Math.max(m, n) + k + 2);
  }

  /** Estimated microseconds of one block on an H100-class SM (for lane balancing). */
  static double blockMicros(int m, int n) {
    int k = Math.min(m, n);
    int len = Math.max(m, n);
    double pairsPerWarp = Math.ceil(k / 2.0 / 16);
    return 10.0 * Math.max(k - 1, 1) * pairsPerWarp * (len / 4.0 + 100) / 1700.0;
  }

  @Override
  public double cost() {
    double worst = 0;
    for (GramSvd.Job j : jobs) {
      worst = Math.max(worst, blockMicros(j.m(), j.n()));
    }
    return 20 + worst;
  }

  @Override
  public void plan(Lane lane, DeviceArena.Layout scratch, DeviceArena.Layout results) {
    workOffsets = new long[jobs.size()];
    sharedFloats = 0;
    for (int b = 0; b < jobs.size(); b++) {
      GramSvd.Job j = jobs.get(b);
      long need = floatsNeeded(j.m(), j.n());
      if (need <= sharedLimitFloats) {
        sharedFloats = (int) Math.max(sharedFloats, need);
        workOffsets[b] = -1;
      } else {
        workOffsets[b] = scratch.floats(need);
      }
    }
    recordsOffset = results.add((long) RECORD_BYTES * jobs.size());
    sweepsOffset = results.ints(jobs.size());
  }

  @Override
  public void enqueue(Lane lane) {
    ByteBuffer records = ByteBuffer.allocateDirect(RECORD_BYTES * jobs.size())
        .order(ByteOrder.nativeOrder());
    int maxPlayers = 2;
    for (int b = 0; b < jobs.size(); b++) {
      GramSvd.Job j = jobs.get(b);
      records.putLong(j.m()).putLong(j.n()).putLong(j.a()).putLong(j.u()).putLong(j.s())
          .putLong(j.vt())
          .putLong(workOffsets[b] < 0 ? 0L : lane.workspace.address(workOffsets[b]))
          .putLong(0L);
      int k = Math.min(j.m(), j.n());
      maxPlayers = Math.max(maxPlayers, k + (k & 1));
    }
    records.clear();
    long recordsAddress = lane.results.address(recordsOffset);
    lane.upload(recordsAddress, records, (long) RECORD_BYTES * jobs.size());
    int threads = Math.min(512, Math.max(64, 32 * (maxPlayers / 2)));
    threads = (threads + 31) / 32 * 32;
    checkKernel(NativeKernels.bocomp_jacobi_svd_batched(jobs.size(), recordsAddress, sharedFloats,
        threads, TOL_FACTOR, MAX_SWEEPS, lane.results.address(sweepsOffset), lane.streamAddress()),
        "bocomp_jacobi_svd_batched(" + jobs.size() + " matrices)");
  }

  @Override
  public void check(Lane lane) {
    int[] sweeps = lane.downloadInts(lane.results.address(sweepsOffset), jobs.size());
    for (int b = 0; b < sweeps.length; b++) {
      if (sweeps[b] < 0) {
        GramSvd.Job j = jobs.get(b);
        throw new NativeException("Jacobi SVD of matrix #" + b + " (" + j.m() + " x " + j.n() + ") "
            + (sweeps[b] == -1 ? "did not converge in " + MAX_SWEEPS + " sweeps (non-finite input?)"
                : "had no workspace (internal error)"));
      }
    }
  }
}
