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
  /** What the task carries, in the order {@link #writeData} writes it. */
  private record Request(String context, UUID driver, int trial, int attempt, String plan) {}

  private Request request;

  MeasureTask() {
    super(ClusterMessages.MEASURE);
  }

  MeasureTask(String context, UUID driver, int trial, int attempt, String plan) {
    this();
    this.request = new Request(context, driver, trial, attempt, plan);
  }

  @Override
  public byte[] call() {
    Object state = state();
    if (!(state instanceof WorkerNode w)) {
      throw new IllegalStateException("member " + hz.getCluster().getLocalMember()
          + " is not a bocomp worker");
    }
    Request r = request;
    return ClusterMessages.encode(w.measure(hz, r.context(), r.driver(), r.trial(), r.plan()));
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(request.context());
    out.writeLong(request.driver().getMostSignificantBits());
    out.writeLong(request.driver().getLeastSignificantBits());
    out.writeInt(request.trial());
    out.writeInt(request.attempt());
    out.writeString(request.plan());
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    // arguments are evaluated left to right: the order writeData wrote them in
    request = new Request(in.readString(), new UUID(in.readLong(), in.readLong()), in.readInt(),
        in.readInt(), in.readString());
  }
}
