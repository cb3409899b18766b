package io.bocomp.cluster;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's store of the stages it serves: stage id to its {@link ContextCodec} blobs, read in
 * chunks by workers ({@link FetchBlobTask}). Thread-safe.
 */
final class StageBlobs {
  private final Map<String, Map<String, byte[]>> stages = new ConcurrentHashMap<>();

  void put(String id, Map<String, byte[]> blobs) {
    stages.put(id, Map.copyOf(blobs));
  }

  void remove(String id) {
    stages.remove(id);
  }

  /** The chunk, or null when the stage or blob is unknown or the range is outside it. */
  byte[] chunk(String id, String blob, int offset, int length) {
    Map<String, byte[]> s = stages.get(id);
    byte[] b = s == null ? null : s.get(blob);
    if (b == null || offset < 0 || length < 0 || offset > b.length) {
      return null;
    }
    return Arrays.copyOfRange(b, offset, (int) Math.min(b.length, (long) offset + length));
  }
}
