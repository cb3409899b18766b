package io.bocomp.tune;

import io.bocomp.data.InputSource;
import io.bocomp.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The n inputs the distance objective is measured on, drawn once per run: the first n of a seeded
 * Fisher-Yates permutation of the inputs' rows, kept in that order and cut into batches of at
 * most {@code batchSize}. The same dataset, n and seed always give the same inputs; {@link #sha256}
 * identifies them (in the journal's fingerprint).
 */
public final class SampleSet {
  private final int[] indices;
  private final List<Tensor> batches;
  private final String sha256;

  private SampleSet(int[] indices, List<Tensor> batches, String sha256) {
    this.indices = indices;
    this.batches = List.copyOf(batches);
    this.sha256 = sha256;
  }

  /**
   * @throws TuneConfigException when n is not in [1, dataset size]
   */
  public static SampleSet draw(InputSource data, int n, long seed, int batchSize) {
    if (n < 1 || n > data.size()) {
      throw new TuneConfigException("--samples " + n + " must lie in [1, " + data.size()
          + "] (the number of images given)");
    }
    int[] all = new int[data.size()];
    Arrays.setAll(all, i -> i);
    int[] idx = drawRows(all, n, seed);
    List<Tensor> batches = new ArrayList<>();
    for (int start = 0; start < n; start += batchSize) {
      int[] part = Arrays.copyOfRange(idx, start, Math.min(n, start + batchSize));
      batches.add(data.rows(part));
    }
    return new SampleSet(idx, batches, hash(batches));
  }

  /**
   * {@code n} of {@code rows} drawn without replacement, in the order drawn: the first {@code n}
   * of a Fisher-Yates shuffle seeded with {@code seed}; {@code rows} is left as it is.
   */
  static int[] drawRows(int[] rows, int n, long seed) {
    int[] perm = rows.clone();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      int j = i + rng.nextInt(perm.length - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return Arrays.copyOf(perm, n);
  }

  /**
   * The sample set of inputs drawn elsewhere (a cluster worker receives the driver's batches): the
   * same rows and batches, the same {@link #sha256}.
   */
  public static SampleSet of(int[] indices, List<Tensor> batches) {
    return new SampleSet(indices.clone(), batches, hash(batches));
  }

  /** Dataset rows used, in order. */
  public int[] indices() {
    return indices.clone();
  }

  public int size() {
    return indices.length;
  }

  /** The inputs, batch by batch (the batches are never modified). */
  public List<Tensor> batches() {
    return batches;
  }

  /** SHA-256 of the inputs' shapes and float bits. */
  public String sha256() {
    return sha256;
  }

  private static String hash(List<Tensor> batches) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Tensor t : batches) {
        md.update(Arrays.toString(t.shape()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        FloatBuffer f = t.data();
        ByteBuffer b = ByteBuffer.allocate(4 * f.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        md.update(b.array());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
