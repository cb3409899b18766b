package io.bocomp.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.bocomp.tune.Distance;
import io.bocomp.tune.parallel.Measurement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The messages bocomp members exchange, by numeric id (no class names on the wire): the driver's
 * {@link MeasureTask} to a worker, the worker's {@link FetchBlobTask} to the driver; answers are
 * byte arrays ({@link #encode}/{@link #decode} for a {@link Measurement}).
 */
final class ClusterMessages implements DataSerializableFactory {
  /** The factory id registered with Hazelcast ("boc"). */
  static final int FACTORY_ID = 0x626f63;
  static final int MEASURE = 1;
  static final int FETCH_BLOB = 2;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    switch (typeId) {
      case MEASURE:
        return new MeasureTask();
      case FETCH_BLOB:
        return new FetchBlobTask();
      default:
        return null;
    }
  }

  /** A measurement as bytes (doubles bit for bit). */
  static byte[] encode(Measurement m) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(b)) {
      out.writeBoolean(m.distance() != null);
      if (m.distance() != null) {
        out.writeDouble(m.distance().mean());
        out.writeDouble(m.distance().stderr());
        out.writeInt(m.distance().n());
      } else {
        out.writeUTF(m.failure());
      }
      out.writeDouble(m.buildMillis());
      out.writeDouble(m.forwardMillis());
      out.writeDouble(m.distanceMillis());
      out.writeUTF(m.worker());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static Measurement decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      Distance d = null;
      String failure = null;
      if (in.readBoolean()) {
        d = new Distance(in.readDouble(), in.readDouble(), in.readInt());
      } else {
        failure = in.readUTF();
      }
      return new Measurement(d, failure, in.readDouble(), in.readDouble(), in.readDouble(),
          in.readUTF());
    } catch (IOException e) {
      throw new UncheckedIOException("a worker's answer is truncated", e);
    }
  }
}
