package io.bocomp.cuda;

/** One matrix on the Gram route ({@link GramSvd}) as a {@link LaneWork}. */
final class GramSvdWork implements LaneWork {
  private final GramSvd.Job job;
  private final int index;
  private GramSvd.Scratch scratch;
  private long infoOffset;

  GramSvdWork(GramSvd.Job job, int index) {
    this.job = job;
    this.index = index;
  }

  /** Estimated microseconds on an H100-class GPU: DSYEVD latency plus the DSYRK/DGEMM flops. */
  static double micros(int m, int n) {
    double k = Math.min(m, n);
    double len = Math.max(m, n);
    return 300 + 2e-6 * k * k * k + 1e-7 * k * k * len;
  }

  @Override
  public double cost() {
    return micros(job.m(), job.n());
  }

  @Override
  public void plan(Lane lane, DeviceArena.Layout scratchLayout, DeviceArena.Layout results) {
    scratch = GramSvd.plan(scratchLayout, job.m(), job.n(), GramSvd.syevdWorkspace(lane, job.k()));
    infoOffset = results.ints(1);
  }

  @Override
  public void enqueue(Lane lane) {
    GramSvd.enqueue(lane, job, scratch, lane.results.address(infoOffset));
  }

  @Override
  public void check(Lane lane) {
    int info = lane.downloadInts(lane.results.address(infoOffset), 1)[0];
    if (info != 0) {
      throw new NativeException("cusolverDnDsyevd on the Gram matrix of matrix #" + index + " ("
          + job.m() + " x " + job.n() + ") returned info " + info
          + (info > 0 ? " (eigenvalue iteration did not converge)" : " (bad argument)"));
    }
  }
}
