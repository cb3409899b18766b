package io.bocomp.compress.cost;

import io.bocomp.compress.ChannelPath;
import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.LayerChoice;
import io.bocomp.compress.Method;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.model.QuantizedTensor;

/**
 * Closed-form parameters, MACs and bytes of a layer under a {@link LayerChoice}, from its shape and
 * ranks alone, equal to what {@link GraphCost} counts on the compressed graph:
 *
 * <ul>
 *   <li>dense (untouched): the original weight's non-zeros; with removed inputs or outputs, the
 *       kept elements
 *   <li>SVD at rank r: r (in + out) parameters, positions x r (in + out) MACs
 *   <li>Tucker-2 at (r_in, r_out): r_in Cin + r_out r_in kh kw + Cout r_out parameters;
 *       Hin Win Cin r_in + Hout Wout (r_in r_out kh kw + r_out Cout) MACs
 *   <li>magnitude pruning: elements minus zeroed weights (the original's own zeros counted when its
 *       inputs are untouched); MACs unchanged (a dense engine does the same work); bytes in the
 *       cheaper of dense and CSR ({@link GraphCost#csrBytes})
 *   <li>biases: one entry per kept output; other initializers (BN parameters, per-channel constants)
 *       lose the entries of removed channels
 *   <li>quantized layers ({@code bits > 0}): every weight tensor the method leaves (the dense or
 *       pruned weight, the two SVD factors, the three Tucker-2 factors) is stored dense as
 *       integer codes, so its parameters are all its elements (a pruned weight's zeros included)
 *       and its bytes are {@code ceil(elements x storage bits / 8)} (int2 for 2 bits, int4 for 3
 *       and 4, int8 for 5 to 8: {@link QuantizedTensor#storageType}) plus 4 per float32 scale:
 *       one per output channel of the tensor (per rank component for the second SVD factor,
 *       whose columns carry the spectrum), or for Gemm/MatMul tensors one per output and group of
 *       {@code g} inputs ({@code outputs x ceil(inputs / g)}); biases stay float32
 *       ({@link #quantizedBytes}). MACs are unchanged.
 * </ul>
 *
 * Factor tensors and kept filters are taken as dense (they hold no exact zeros unless the weights
 * did). Costs are per forward pass of the model's declared input shape (unknown dims count as 1).
 */
public final class AnalyticCost {
  private AnalyticCost() {}

  /** Parameters of the layer's weight (or its factors). */
  public static long weightParams(LayerChoice c) {
    CompressibleLayer l = c.layer();
    long elements = l.denseWeightElements(c.keptOutputs(), c.keptInputs());
    if (c.quantized()) {
      long total = 0;
      for (long[] t : tensors(c)) {
        total += t[0];
      }
      return total;
    }
    if (c.method() == null || c.method() == Method.FILTER_PRUNE) {
      return c.untouched() ? l.weightNonZeros() : elements;
    }
    switch (c.method()) {
      case SVD:
        return (long) c.rank() * (c.keptInputs() + c.keptOutputs());
      case TUCKER2:
        return (long) c.rankIn() * c.keptInputs()
            + (long) c.rankOut() * c.rankIn() * l.kernelArea() + (long) c.keptOutputs() * c.rankOut();
      default: // PRUNE
        long left = elements - c.zeroedWeights();
        return c.keptInputs() == l.inputs() ? Math.min(l.weightNonZeros(), left) : left;
    }
  }

  /** Parameters of the layer's bias after the choice. */
  public static long biasParams(LayerChoice c) {
    CompressibleLayer l = c.layer();
    return l.biasPerOutput() ? l.biasParams() / l.outputs() * c.keptOutputs() : l.biasParams();
  }

  /** Weight and bias parameters of the layer. */
  public static long params(LayerChoice c) {
    return weightParams(c) + biasParams(c);
  }

  /** MACs of the layer. */
  public static long macs(LayerChoice c) {
    CompressibleLayer l = c.layer();
    if (c.method() == Method.SVD) {
      return l.outputPositions() * c.rank() * (c.keptInputs() + c.keptOutputs());
    }
    if (c.method() == Method.TUCKER2) {
      return l.inputPositions() * c.keptInputs() * c.rankIn()
          + l.outputPositions() * ((long) c.rankIn() * c.rankOut() * l.kernelArea()
              + (long) c.rankOut() * c.keptOutputs());
    }
    return l.denseMacs(c.keptOutputs(), c.keptInputs());
  }

  /**
   * Bytes of the layer's weight (dense, or CSR when pruned and cheaper; quantized:
   * {@link #quantizedBytes} of each weight tensor) and bias.
   */
  public static long bytes(LayerChoice c) {
    CompressibleLayer l = c.layer();
    if (c.untouched()) {
      return CompressibleModel.denseBytes(l);
    }
    long bias = 4 * biasParams(c);
    if (c.quantized()) {
      long total = bias;
      for (long[] t : tensors(c)) {
        total += c.group() == 0 ? quantizedBytes(t[0], (int) t[3], 0, c.bits(), 0)
            : quantizedBytes(t[0], (int) t[1], (int) t[2], c.bits(), c.group());
      }
      return total;
    }
    if (c.method() == Method.PRUNE) {
      long elements = l.denseWeightElements(c.keptOutputs(), c.keptInputs());
      long rows = l.outputAxis() == 0 ? c.keptOutputs() : c.keptInputs();
      return GraphCost.weightBytes(elements, weightParams(c), rows) + bias;
    }
    return 4 * weightParams(c) + bias;
  }

  /**
   * Bytes of one weight tensor stored quantized: its packed codes and its float32 scales.
   *
   * @param elements the tensor's elements
   * @param outputs its output channels (one scale each, or one per group)
   * @param inputs its inputs along the grouped axis (used when {@code group > 0})
   * @param bits the bit width (its storage type decides the packed size)
   * @param group inputs per scale, 0 for one scale per output channel
   */
  public static long quantizedBytes(long elements, int outputs, int inputs, int bits, int group) {
    long scales = group == 0 ? outputs : (long) outputs * ((inputs + group - 1) / group);
    return QuantizedTensor.packedBytes(elements, QuantizedTensor.storageType(bits)) + 4 * scales;
  }

  /**
   * The weight tensors a choice leaves, each as {elements, outputs, inputs, per-channel scales}:
   * the (kept or pruned) weight; the SVD factors (r x in, out x r; the second one's per-channel
   * scales are per rank component); the Tucker-2 factors (r_in x Cin, the core
   * r_out x r_in x kh x kw, Cout x r_out).
   */
  static long[][] tensors(LayerChoice c) {
    CompressibleLayer l = c.layer();
    int in = c.keptInputs();
    int out = c.keptOutputs();
    if (c.method() == Method.SVD) {
      int r = c.rank();
      return new long[][] {{(long) r * in, r, in, r}, {(long) out * r, out, r, r}};
    }
    if (c.method() == Method.TUCKER2) {
      int ri = c.rankIn();
      int ro = c.rankOut();
      return new long[][] {{(long) ri * in, ri, in, ri},
          {(long) ro * ri * l.kernelArea(), ro, ri, ro}, {(long) out * ro, out, ro, out}};
    }
    return new long[][] {{l.denseWeightElements(out, in), out, in / l.group(), out}};
  }

  /** Parameters of initializers outside the layers, after removed channels. */
  public static long otherParams(ResolvedPlan p) {
    return p.model().otherParams() - sideParamsRemoved(p);
  }

  /** Bytes of initializers outside the layers, after removed channels. */
  public static long otherBytes(ResolvedPlan p) {
    return p.model().otherBytes() - 4 * sideParamsRemoved(p);
  }

  /** Parameters of the whole compressed model. */
  public static long totalParams(ResolvedPlan p) {
    long t = otherParams(p);
    for (LayerChoice c : p.choices()) {
      t += params(c);
    }
    return t;
  }

  /** MACs of the whole compressed model. */
  public static long totalMacs(ResolvedPlan p) {
    long t = p.model().otherMacs();
    for (LayerChoice c : p.choices()) {
      t += macs(c);
    }
    return t;
  }

  /** Weight bytes of the whole compressed model. */
  public static long totalBytes(ResolvedPlan p) {
    long t = otherBytes(p);
    for (LayerChoice c : p.choices()) {
      t += bytes(c);
    }
    return t;
  }

  private static long sideParamsRemoved(ResolvedPlan p) {
    long removed = 0;
    for (LayerChoice c : p.choices()) {
      if (c.method() == Method.FILTER_PRUNE) {
        ChannelPath path = c.layer().channelPath();
        removed += path.sideParamsPerChannel() * (c.layer().outputs() - c.keptOutputs());
      }
    }
    return removed;
  }
}
