package io.bocomp.model;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operators (default ONNX domain) bocomp imports and executes: the one list the importer,
 * shape inference and the CLI consult, so an error message naming "the supported ops" never
 * disagrees with what actually runs. The CPU backend registers a kernel per op
 * ({@code engine.cpu.CpuKernels}); {@code SupportedOpsAgreementTest} proves the two sets are equal.
 *
 * <p>Shape, Gather and Unsqueeze are here because exporters (PyTorch's {@code x.view(x.size(0),
 * -1)}) emit them to compute a Flatten's target shape; they are meant for such shape subgraphs, not
 * as general tensor ops.
 */
public final class SupportedOps {
  private SupportedOps() {}

  /** The ONNX domain names that denote the default operator set. */
  public static final Set<String> DEFAULT_DOMAINS = Set.of("", "ai.onnx");

  /** Supported op types of the default domain, sorted by name. */
  public static final Set<String> OPS = Collections.unmodifiableSet(new TreeSet<>(Set.of(
      "Conv", "ConvTranspose", "Gemm", "MatMul",
      "Add", "Sub", "Mul", "Div",
      "Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
      "Flatten", "Reshape", "Squeeze", "Transpose", "Concat", "Softmax",
      "Identity", "Dropout", "Constant",
      "Shape", "Gather", "Unsqueeze")));

  /** True if a node of this domain and op type is supported. */
  public static boolean isSupported(String domain, String opType) {
    return DEFAULT_DOMAINS.contains(domain == null ? "" : domain) && OPS.contains(opType);
  }

  /** The supported ops as one comma-separated line, for error messages. */
  public static String listing() {
    return String.join(", ", OPS);
  }
}
