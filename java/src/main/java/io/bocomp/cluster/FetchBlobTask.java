package io.bocomp.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * Worker to driver: bytes {@code offset .. offset+length-1} of one blob of a stage
 * ({@link ContextCodec}), or null when the driver does not serve that stage (any more). Runs on the
 * driver's {@value ClusterMember#FETCH_EXECUTOR} executor.
 */
final class FetchBlobTask extends ClusterTask {
  private String context;
  private String blob;
  private int offset;
  private int length;

  FetchBlobTask() {
    super(ClusterMessages.FETCH_BLOB);
  }

  FetchBlobTask(String context, String blob, int offset, int length) {
    this();
    this.context = context;
    this.blob = blob;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public byte[] call() {
    Object state = state();
    return state instanceof StageBlobs s ? s.chunk(context, blob, offset, length) : null;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(context);
    out.writeString(blob);
    out.writeInt(offset);
    out.writeInt(length);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    context = in.readString();
    blob = in.readString();
    offset = in.readInt();
    length = in.readInt();
  }
}
