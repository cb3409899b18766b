package io.bocomp.compress;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * SHA-256 identity of a model's structure and weights: node names, op types and inputs in graph
 * order, then every initializer's name, type, shape and bytes (float32 little-endian, int64
 * little-endian). Two files with the same layers and weights hash alike whatever their metadata; any
 * changed weight changes the hash. Keys the factor cache and the optional "model" field of a plan.
 */
public final class ModelHash {
  private ModelHash() {}

  /** Lower-case hex SHA-256 of the graph. */
  public static String of(Graph g) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    for (Node n : g.nodes()) {
      text(md, "node");
      text(md, n.name());
      text(md, n.opType());
      for (String in : n.inputs()) {
        text(md, in);
      }
    }
    ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, Tensor> e : g.initializers().entrySet()) {
      Tensor t = e.getValue();
      text(md, "init");
      text(md, e.getKey());
      text(md, t.dtype().name());
      for (int d : t.shape()) {
        text(md, Integer.toString(d));
      }
      if (t.isFloat()) {
        FloatBuffer src = t.data();
        while (src.hasRemaining()) {
          chunk.clear();
          FloatBuffer dst = chunk.asFloatBuffer();
          int n = Math.min(dst.capacity(), src.remaining());
          dst.put(src.slice().limit(n));
          src.position(src.position() + n);
          chunk.limit(n * Float.BYTES);
          md.update(chunk);
        }
      } else {
        ByteBuffer lb = ByteBuffer.allocate(t.size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        lb.asLongBuffer().put(t.toLongArray());
        md.update(lb);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void text(MessageDigest md, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update(ByteBuffer.allocate(4).putInt(b.length).array());
    md.update(b);
  }
}
