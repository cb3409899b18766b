package io.bocomp.engine;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keyed entries of a factor cache ({@link Decompositions.DeviceResidentFactors}): SVD entries
 * and Tucker-2 entries by key, in insertion order, with the lookups and argument checks every
 * implementation makes — a missing key names itself and the keys there are; a rank outside
 * {@code [0, max]} and a Tucker-2 mode other than 0 or 1 are refused naming the entry. The factor
 * types are the implementation's ({@code S} for SVD entries, {@code T} for Tucker-2 entries: host
 * tensors for {@link HostResidentFactors}, device buffers for the GPU cache). Not thread-safe; the
 * owning cache serializes access.
 */
public final class FactorEntries<S, T> {
  private final Map<String, S> svd = new LinkedHashMap<>();
  private final Map<String, T> tucker = new LinkedHashMap<>();

  /** Adds (or replaces) an SVD entry. */
  public void putMatrix(String key, S factors) {
    svd.put(key, factors);
  }

  /** Adds (or replaces) a Tucker-2 entry. */
  public void putKernel(String key, T factors) {
    tucker.put(key, factors);
  }

  /** Keys of the SVD entries (a read-only view). */
  public Set<String> matrixKeys() {
    return Collections.unmodifiableSet(svd.keySet());
  }

  /** Keys of the Tucker-2 entries (a read-only view). */
  public Set<String> kernelKeys() {
    return Collections.unmodifiableSet(tucker.keySet());
  }

  /** The SVD entry under {@code key}; throws naming the key if there is none. */
  public S matrix(String key) {
    S f = svd.get(key);
    if (f == null) {
      throw new IllegalArgumentException("no SVD entry '" + key + "' (have " + svd.keySet() + ")");
    }
    return f;
  }

  /** The Tucker-2 entry under {@code key}; throws naming the key if there is none. */
  public T kernel(String key) {
    T f = tucker.get(key);
    if (f == null) {
      throw new IllegalArgumentException("no Tucker-2 entry '" + key + "' (have " + tucker.keySet()
          + ")");
    }
    return f;
  }

  /** All SVD entries, in insertion order (a read-only view). */
  public Collection<S> matrices() {
    return Collections.unmodifiableCollection(svd.values());
  }

  /** All Tucker-2 entries, in insertion order (a read-only view). */
  public Collection<T> kernels() {
    return Collections.unmodifiableCollection(tucker.values());
  }

  /** Forgets every entry (the caller releases what they hold first). */
  public void clear() {
    svd.clear();
    tucker.clear();
  }

  /** Refuses a truncation rank outside {@code [0, max]}, naming {@code what}. */
  public static void checkRank(String what, int rank, int max) {
    if (rank < 0 || rank > max) {
      throw new IllegalArgumentException("rank " + rank + " out of range [0, " + max + "] for '"
          + what + "'");
    }
  }

  /** Refuses a Tucker-2 mode other than 0 (output channels) or 1 (input channels). */
  public static void checkMode(int mode) {
    if (mode != 0 && mode != 1) {
      throw new IllegalArgumentException("Tucker-2 mode must be 0 or 1, got " + mode);
    }
  }
}
