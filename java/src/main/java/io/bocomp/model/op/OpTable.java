package io.bocomp.model.op;

import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one table of ONNX operators bocomp knows: each op's {@link OpSchema} (arity, output shapes
 * and types, value inputs, canonical form). Import accepts exactly these ops; every executor
 * (CPU, CUDA, training) registers kernels for a subset, keyed by the same names, and says which
 * with its own {@code supportedOps()}: "supported by X" is always derived from an executor's
 * registry, never from a hand-kept list.
 *
 * <p>The schemas are grouped by family, one class each ({@link NnOps}, {@link ElementwiseOps},
 * {@link LayoutOps}, ...): a new op is a new entry in its family, not a new branch in a switch.
 */
public final class OpTable {
  /** The ONNX domain names that denote the default operator set. */
  public static final Set<String> DEFAULT_DOMAINS = Set.of("", "ai.onnx");

  private static final Map<String, OpSchema> SCHEMAS = new TreeMap<>();

  static {
    Registry r = s -> {
      if (SCHEMAS.putIfAbsent(s.name(), s) != null) {
        throw new IllegalStateException(s.name() + " is registered twice");
      }
    };
    NnOps.register(r);
    ElementwiseOps.register(r);
    LayoutOps.register(r);
    NormalizationOps.register(r);
    ReductionOps.register(r);
    ResizeOps.register(r);
    LogicOps.register(r);
    GeneratorOps.register(r);
    QuantizeOps.register(r);
  }

  /** Where a family puts its schemas. */
  @FunctionalInterface
  interface Registry {
    void add(OpSchema schema);
  }

  private OpTable() {}

  /** Every op type of the default domain bocomp knows, sorted by name. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(SCHEMAS.keySet());
  }

  /** The schema of an op type of the default domain. */
  public static Optional<OpSchema> find(String opType) {
    return Optional.ofNullable(SCHEMAS.get(opType));
  }

  /** True if the domain denotes the default ONNX operator set. */
  public static boolean isDefaultDomain(String domain) {
    return DEFAULT_DOMAINS.contains(domain == null ? "" : domain);
  }

  /**
   * The schema of a node's op.
   *
   * @throws UnsupportedOperatorException naming the node, its op and the known ops
   */
  public static OpSchema schema(Node node) {
    OpSchema s = isDefaultDomain(node.domain()) ? SCHEMAS.get(node.opType()) : null;
    if (s == null) {
      throw unsupported(node);
    }
    return s;
  }

  /** The known ops as one comma-separated line, for error messages. */
  public static String listing() {
    return String.join(", ", SCHEMAS.keySet());
  }

  /** "node 'n' uses unsupported op X; supported ops: ..." (the op with its domain if not default). */
  public static UnsupportedOperatorException unsupported(Node node) {
    return new UnsupportedOperatorException("node '" + node.name() + "' uses unsupported op "
        + qualified(node) + "; supported ops: " + listing());
  }

  /**
   * One line for a known op that an executor lacks: "node 'n' (op X) is not supported by the CUDA
   * backend; it runs A, B, ...".
   *
   * @param executor how to name the executor ("the CUDA backend", "fine-tuning")
   * @param runs the ops the executor runs
   */
  public static UnsupportedOperatorException unsupportedBy(Node node, String executor,
      Set<String> runs) {
    return new UnsupportedOperatorException("node '" + node.name() + "' (op " + qualified(node)
        + ") is not supported by " + executor + "; it runs " + String.join(", ",
        new java.util.TreeSet<>(runs)));
  }

  private static String qualified(Node node) {
    return isDefaultDomain(node.domain()) ? node.opType() : node.domain() + "." + node.opType();
  }
}
