package io.bocomp.compress;

import java.util.Set;

/**
 * A layer bocomp can compress: a Conv, Gemm or MatMul node whose weight is an initializer, with the
 * geometry the analytic cost models need (so costing a plan never builds a graph).
 *
 * <p>Which methods apply:
 *
 * <ul>
 *   <li>Conv (2-D, group 1) with a kernel larger than 1x1: {@code tucker2}, {@code prune},
 *       {@code filter_prune} (when its channel path allows, see {@link ChannelPath}).
 *   <li>1x1 Conv (group 1): {@code svd} on the [Cout, Cin] matrix, {@code prune},
 *       {@code filter_prune}.
 *   <li>Gemm / MatMul with a 2-D initializer weight: {@code svd}, {@code prune},
 *       {@code filter_prune}.
 *   <li>Grouped and depthwise convs are left alone by the factorizations and by filter pruning
 *       (their channels are tied to their groups); only unstructured {@code prune} applies.
 *   <li>Every layer takes {@code quantize} (and any method's entry may carry bits).
 * </ul>
 *
 * @param name the ONNX node name plans refer to
 * @param nodeIndex position of the node in the graph
 * @param kind the operator
 * @param weightName initializer holding the weight (input 1)
 * @param biasName initializer holding the bias (Conv input 2, Gemm C), or null
 * @param biasParams elements of the bias counted with this layer (0 if none or shared)
 * @param biasPerOutput true if the bias has one entry per output (sliced by filter pruning)
 * @param weightShape shape of the weight as stored: Conv [Cout, Cin/g, kh, kw]; Gemm [K, N] or
 *     [N, K] (transB); MatMul [K, N]
 * @param outputAxis axis of {@code weightShape} indexing outputs (0 for Conv and Gemm with transB)
 * @param outputs output channels or features
 * @param inputs input channels or features (Cin for a conv, whatever its group)
 * @param kernelH kernel height (1 for FC layers)
 * @param kernelW kernel width (1 for FC layers)
 * @param group conv groups (1 for FC layers)
 * @param rows for FC layers, the rows the weight multiplies (product of the input's leading dims);
 *     for convs, the batch size (unknown dims count as 1)
 * @param inH conv input height (1 for FC)
 * @param inW conv input width (1 for FC)
 * @param outH conv output height (1 for FC)
 * @param outW conv output width (1 for FC)
 * @param weightNonZeros non-zero entries of the weight, counted once
 * @param methods the methods that apply
 * @param channelPath what filter pruning touches downstream, or null when it cannot
 * @param filterPruneBlocker why filter pruning cannot apply, or null when it can
 */
public record CompressibleLayer(String name, int nodeIndex, Kind kind, String weightName,
    String biasName, long biasParams, boolean biasPerOutput, int[] weightShape, int outputAxis,
    int outputs, int inputs, int kernelH, int kernelW, int group, long rows, int inH, int inW,
    int outH, int outW, long weightNonZeros, Set<Method> methods, ChannelPath channelPath,
    String filterPruneBlocker) {

  /** The operator of a layer. */
  public enum Kind {
    CONV, GEMM, MATMUL
  }

  public CompressibleLayer {
    weightShape = weightShape.clone();
    methods = Set.copyOf(methods);
  }
  /** The methods that apply, in {@link Method} order, as their plan names ("svd, prune"). */
  public String methodNames() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (Method m : Method.values()) {
      if (methods.contains(m)) {
        names.add(m.json());
      }
    }
    return String.join(", ", names);
  }


  @Override
  public int[] weightShape() {
    return weightShape.clone();
  }

  /** kh * kw (1 for FC layers). */
  public int kernelArea() {
    return kernelH * kernelW;
  }

  /** Elements of the weight. */
  public long weightElements() {
    return (long) outputs * (inputs / group) * kernelArea();
  }

  /**
   * Rows x columns of the matrix that SVD factorizes, as stored: the weight itself for FC layers,
   * [Cout, Cin] for a 1x1 conv.
   */
  public int[] matrixShape() {
    return kind == Kind.CONV ? new int[] {outputs, inputs} : weightShape();
  }

  /** Output spatial positions per sample times the batch/rows factor (1 x 1 for FC layers). */
  public long outputPositions() {
    return rows * outH * outW;
  }

  /** Input spatial positions times the batch factor (for the first 1x1 of a Tucker-2). */
  public long inputPositions() {
    return rows * inH * inW;
  }

  /** MACs of the dense layer (with {@code keptOut} outputs and {@code keptIn} inputs). */
  public long denseMacs(int keptOut, int keptIn) {
    return outputPositions() * keptOut * (keptIn / group) * kernelArea();
  }

  /** Dense weight elements with {@code keptOut} outputs and {@code keptIn} inputs. */
  public long denseWeightElements(int keptOut, int keptIn) {
    return (long) keptOut * (keptIn / group) * kernelArea();
  }

  /** Label for messages: "Conv layer 'conv3'". */
  public String label() {
    String op = kind == Kind.CONV ? "Conv" : kind == Kind.GEMM ? "Gemm" : "MatMul";
    return op + " layer '" + name + "'";
  }
}
