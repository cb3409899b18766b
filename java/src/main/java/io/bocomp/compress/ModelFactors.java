package io.bocomp.compress;

import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The factors of every factorizable layer of one {@link CompressibleModel} (from a
 * {@link FactorCache}), plus the L1 ranking of each layer's filters for structured pruning
 * (computed on first use from the weights; no decomposition), and a bounded memo of quantized
 * weights ({@link #quantized}: the MSE scale search costs more than building a trial's graph, and
 * a search revisits the same layer settings). Immutable once built apart from its memos, and safe
 * to share between threads.
 */
public final class ModelFactors {
  private final CompressibleModel model;
  private final Map<String, LayerFactors> byLayer;
  private final Map<String, int[]> filterOrder = new ConcurrentHashMap<>();
  /** Elements of quantized weights kept in {@link #quantized}'s memo (about 8 bytes each). */
  static final long QUANTIZED_MEMO_ELEMENTS = 8_000_000L;
  private final LinkedHashMap<String, QuantizedTensor> quantized =
      new LinkedHashMap<>(16, 0.75f, true);
  private long quantizedElements;

  public ModelFactors(CompressibleModel model, Map<String, LayerFactors> byLayer) {
    this.model = model;
    this.byLayer = Collections.unmodifiableMap(new LinkedHashMap<>(byLayer));
  }

  public CompressibleModel model() {
    return model;
  }

  /** Factors of a layer, if it is factorizable (SVD or Tucker-2 applies). */
  public Optional<LayerFactors> of(String layer) {
    return Optional.ofNullable(byLayer.get(layer));
  }

  /** All factors, by layer name, in graph order. */
  public Map<String, LayerFactors> all() {
    return byLayer;
  }

  /**
   * The quantized weight of a setting, computed by {@code quantize} the first time (keyed by
   * everything that decides it: layer, tensor, method, ranks, kept channels, zeroed weights, bits,
   * group) and kept while the memo holds fewer than {@link #QUANTIZED_MEMO_ELEMENTS} elements,
   * least recently used first out.
   */
  public QuantizedTensor quantized(String key, java.util.function.Supplier<QuantizedTensor> quantize) {
    synchronized (quantized) {
      QuantizedTensor q = quantized.get(key);
      if (q != null) {
        return q;
      }
    }
    QuantizedTensor q = quantize.get();
    synchronized (quantized) {
      if (quantized.putIfAbsent(key, q) == null) {
        quantizedElements += q.codes().size();
        var it = quantized.entrySet().iterator();
        while (quantizedElements > QUANTIZED_MEMO_ELEMENTS && it.hasNext()) {
          quantizedElements -= it.next().getValue().codes().size();
          it.remove();
        }
      }
    }
    return q;
  }

  /**
   * Output channels of a layer in the order filter pruning removes them: ascending L1 norm of the
   * filter (its weights for that output), ties broken by index. Removing the first n of this order
   * removes the n weakest filters.
   */
  public int[] filterRemovalOrder(CompressibleLayer layer) {
    return filterOrder.computeIfAbsent(layer.name(), k -> l1Order(layer)).clone();
  }

  private int[] l1Order(CompressibleLayer layer) {
    Tensor w = model.graph().initializer(layer.weightName());
    int[] shape = w.shape();
    int outAxis = layer.outputAxis();
    int outs = shape[outAxis];
    int per = w.size() / outs;
    double[] l1 = new double[outs];
    FloatBuffer b = w.data();
    if (outAxis == 0) {
      for (int o = 0; o < outs; o++) {
        double acc = 0;
        for (int j = 0, base = o * per; j < per; j++) {
          acc += Math.abs(b.get(base + j));
        }
        l1[o] = acc;
      }
    } else { // [K, N] with outputs on axis 1
      for (int k = 0; k < per; k++) {
        for (int o = 0, base = k * outs; o < outs; o++) {
          l1[o] += Math.abs(b.get(base + o));
        }
      }
    }
    Integer[] idx = new Integer[outs];
    for (int i = 0; i < outs; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> l1[x] != l1[y] ? Double.compare(l1[x], l1[y]) : Integer.compare(x, y));
    int[] order = new int[outs];
    for (int i = 0; i < outs; i++) {
      order[i] = idx[i];
    }
    return order;
  }
}
