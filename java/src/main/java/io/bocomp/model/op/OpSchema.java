package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ValueInfo;
import java.util.Arrays;
import java.util.List;

/**
 * The rules of one ONNX operator, written once for every executor: how many inputs and outputs it
 * takes, the shapes and element types of its outputs, which inputs' <i>values</i> (not only their
 * shapes) decide the output shape (so they must be known when a graph is planned for fixed input
 * shapes), which inputs it reads only the shape of, and how an older opset's form of the op is
 * rewritten into the canonical form ({@link OpsetForms}). Executors (CPU, CUDA, training) read
 * the canonical form only.
 */
public final class OpSchema {
  /** Output shapes of a node (one per output; -1 for an unknown dimension, null for unknown rank). */
  @FunctionalInterface
  public interface ShapeRule {
    int[][] outputShapes(Node node, OpInputs in);
  }

  /** Output element types (ONNX {@code TensorProto.DataType} numbers) from the input types. */
  @FunctionalInterface
  public interface TypeRule {
    /**
     * @param inputTypes each input's element type (0 where unknown or absent)
     * @return the element type of output {@code output}
     */
    int outputType(Node node, int[] inputTypes, int output);

    /** Every output has input 0's type. */
    TypeRule SAME = (n, t, o) -> t.length > 0 && t[0] != 0 ? t[0] : ValueInfo.ELEM_FLOAT;

    /** A fixed type for every output. */
    static TypeRule fixed(int type) {
      return (n, t, o) -> type;
    }
  }

  /**
   * Rewrites an older opset's form of a node into the canonical one. Returns the replacement
   * nodes, or the node itself (as a one-element list) when it is canonical already.
   */
  @FunctionalInterface
  public interface Upgrade {
    List<Node> apply(Node node, OpsetForms.Context context);
  }

  private final String name;
  private final int minInputs;
  private final int maxInputs;
  private final int maxOutputs;
  private final ShapeRule shapes;
  private final TypeRule types;
  private final boolean[] valueInputs;
  private final boolean[] shapeOnlyInputs;
  private final Upgrade upgrade;
  private final String summary;

  private OpSchema(Builder b) {
    this.name = b.name;
    this.minInputs = b.minInputs;
    this.maxInputs = b.maxInputs;
    this.maxOutputs = b.maxOutputs;
    this.shapes = b.shapes;
    this.types = b.types;
    this.valueInputs = b.valueInputs.clone();
    this.shapeOnlyInputs = b.shapeOnlyInputs.clone();
    this.upgrade = b.upgrade;
    this.summary = b.summary;
  }

  /** A schema for op type {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** One line on what the op computes and the limits bocomp puts on it, for docs and `inspect`. */
  public String summary() {
    return summary;
  }

  /** True if the value of input i decides the output shape (Reshape's shape, Slice's starts...). */
  public boolean valueDecidesShape(int i) {
    return i < valueInputs.length && valueInputs[i];
  }

  /**
   * True if only the shape (or type) of input i is read (Shape, Size, CastLike's target): its
   * producer need not run.
   */
  public boolean readsOnlyShape(int i) {
    return i < shapeOnlyInputs.length && shapeOnlyInputs[i];
  }

  /** Output shapes after checking the node's arity. */
  public int[][] outputShapes(Node node, OpInputs in) {
    checkArity(node);
    return shapes.outputShapes(node, in);
  }

  /** Element type of output {@code output} given the input element types. */
  public int outputType(Node node, int[] inputTypes, int output) {
    return types.outputType(node, inputTypes, output);
  }

  /** The canonical form of the node ({@link OpsetForms}). */
  public List<Node> upgrade(Node node, OpsetForms.Context context) {
    return upgrade.apply(node, context);
  }

  /**
   * Checks the required inputs are present and the input and output counts are in range.
   *
   * @throws ModelFormatException naming the node
   */
  public void checkArity(Node node) {
    int n = node.inputs().size();
    if (n > maxInputs) {
      throw new ModelFormatException(node.label() + " has " + n + " inputs; " + name
          + " takes at most " + maxInputs);
    }
    for (int i = 0; i < minInputs; i++) {
      if (i >= n || node.input(i).isEmpty()) {
        throw new ModelFormatException(node.label() + " needs " + minInputs + " input"
            + (minInputs == 1 ? "" : "s") + ", input " + i + " is missing");
      }
    }
    int m = node.outputs().size();
    if (m == 0 || node.outputs().stream().allMatch(String::isEmpty)) {
      throw new ModelFormatException(node.label() + " has no outputs");
    }
    if (m > maxOutputs) {
      throw new ModelFormatException(node.label() + " has " + m + " outputs; " + name
          + " produces at most " + maxOutputs);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds an {@link OpSchema}. */
  public static final class Builder {
    private final String name;
    private int minInputs = 1;
    private int maxInputs = 1;
    private int maxOutputs = 1;
    private ShapeRule shapes;
    private TypeRule types = TypeRule.SAME;
    private boolean[] valueInputs = new boolean[0];
    private boolean[] shapeOnlyInputs = new boolean[0];
    private Upgrade upgrade = (n, c) -> List.of(n);
    private String summary = "";

    private Builder(String name) {
      this.name = name;
    }

    /** Required and maximal input counts ({@link Integer#MAX_VALUE}: variadic). */
    public Builder inputs(int min, int max) {
      this.minInputs = min;
      this.maxInputs = max;
      return this;
    }

    /** Most outputs the op produces (optional outputs included). */
    public Builder outputs(int max) {
      this.maxOutputs = max;
      return this;
    }

    public Builder shapes(ShapeRule r) {
      this.shapes = r;
      return this;
    }

    /** Shape rule for one output. */
    public Builder shape(java.util.function.BiFunction<Node, OpInputs, int[]> r) {
      this.shapes = (n, in) -> new int[][] {r.apply(n, in)};
      return this;
    }

    public Builder types(TypeRule r) {
      this.types = r;
      return this;
    }

    /** Inputs whose values decide the output shape. */
    public Builder valueInputs(int... inputs) {
      this.valueInputs = flags(inputs);
      return this;
    }

    /** Inputs of which only the shape is read. */
    public Builder shapeOnlyInputs(int... inputs) {
      this.shapeOnlyInputs = flags(inputs);
      return this;
    }

    public Builder upgrade(Upgrade u) {
      this.upgrade = u;
      return this;
    }

    public Builder summary(String s) {
      this.summary = s;
      return this;
    }

    private static boolean[] flags(int[] idx) {
      int max = Arrays.stream(idx).max().orElse(-1);
      boolean[] f = new boolean[max + 1];
      for (int i : idx) {
        f[i] = true;
      }
      return f;
    }

    public OpSchema build() {
      if (shapes == null) {
        throw new IllegalStateException(name + " has no shape rule");
      }
      return new OpSchema(this);
    }
  }
}
