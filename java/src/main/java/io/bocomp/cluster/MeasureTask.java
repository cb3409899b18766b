package io.bocomp.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.UUID;

/**
 * Driver to worker: measure one plan of a stage. Carries the stage's id (the worker fetches the
 * stage from {@code driver} the first time it sees it), the trial, the attempt (a re-dispatch
 * after a worker died has a higher one) and the plan as JSON. Runs on the worker's
 * {@value ClusterMember#MEASURE_EXECUTOR} executor; answers {@link ClusterMessages#encode}d bytes.
 */
final class MeasureTask extends ClusterTask {
  private String context;
  private UUID driver;
  private int trial;
  private int attempt;
  private String plan;

  MeasureTask() {
    super(ClusterMessages.MEASURE);
  }

  MeasureTask(String context, UUID driver, int trial, int attempt, String plan) {
    this();
    this.context = context;
    this.driver = driver;
    this.trial = trial;
    this.attempt = attempt;
    this.plan = plan;
  }

  @Override
  public byte[] call() {
    Object state = state();
    if (!(state instanceof WorkerNode w)) {
      throw new IllegalStateException("member " + hz.getCluster().getLocalMember()
          + " is not a bocomp worker");
    }
    return ClusterMessages.encode(w.measure(hz, context, driver, trial, plan));
  }

  int trial() {
    return trial;
  }

  int attempt() {
    return attempt;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(context);
    out.writeLong(driver.getMostSignificantBits());
    out.writeLong(driver.getLeastSignificantBits());
    out.writeInt(trial);
    out.writeInt(attempt);
    out.writeString(plan);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    context = in.readString();
    driver = new UUID(in.readLong(), in.readLong());
    trial = in.readInt();
    attempt = in.readInt();
    plan = in.readString();
  }
}
