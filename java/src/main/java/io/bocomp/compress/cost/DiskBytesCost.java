package io.bocomp.compress.cost;

import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.ResolvedPlan;

/**
 * Bytes of a plan's weights ({@link AnalyticCost#bytes}; equals {@link GraphCost#bytes}): float32
 * tensors dense, magnitude-pruned weights in the cheaper of dense and a CSR-like format (4-byte
 * values and column indices, 4-byte row pointers). The ONNX file itself stores pruned weights dense;
 * this is the size a sparse-aware format would need.
 */
public final class DiskBytesCost extends AnalyticCostModel {
  @Override
  public String metric() {
    return "bytes";
  }

  @Override
  long layer(LayerChoice c) {
    return AnalyticCost.bytes(c);
  }

  @Override
  long original(CompressibleLayer l) {
    return CompressibleModel.denseBytes(l);
  }

  @Override
  long other(ResolvedPlan p) {
    return AnalyticCost.otherBytes(p);
  }

  @Override
  long originalOther(ResolvedPlan p) {
    return p.model().otherBytes();
  }
}
