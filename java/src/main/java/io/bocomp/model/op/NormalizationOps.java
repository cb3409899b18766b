package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.ValueInfo;
import java.util.Arrays;
import java.util.List;

/**
 * Schemas of the normalizing ops: Softmax, LogSoftmax and Hardmax over one axis
 * ({@link SoftmaxAxis}; the same opset history), and the mean/variance normalizations
 * LayerNormalization (over the trailing axes from {@code axis}), InstanceNormalization (per sample
 * and channel) and GroupNormalization (per sample and group of channels), whose attributes are
 * typed by {@link MeanVarianceNorm}.
 */
final class NormalizationOps {
  private NormalizationOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Softmax").shape((n, in) -> in.shape(0))
        .upgrade(NormalizationOps::softmaxUpgrade)
        .summary("exp(x) / sum(exp(x)) over one axis (default -1)").build());
    r.add(OpSchema.builder("LogSoftmax").shape((n, in) -> in.shape(0))
        .upgrade(NormalizationOps::softmaxUpgrade)
        .summary("x - max - log(sum(exp(x - max))) over one axis (default -1)").build());
    r.add(OpSchema.builder("Hardmax").shape((n, in) -> in.shape(0))
        .upgrade(NormalizationOps::softmaxUpgrade)
        .summary("1 at the first maximum along one axis (default -1), 0 elsewhere").build());
    r.add(OpSchema.builder("LayerNormalization").inputs(2, 3).outputs(3)
        .shapes(NormalizationOps::layerNormShapes)
        .types((n, t, o) -> o == 0 ? OpSchema.TypeRule.SAME.outputType(n, t, 0)
            : ValueInfo.ELEM_FLOAT)
        .summary("(x - mean) / sqrt(var + epsilon) * scale + B over the axes from axis (default"
            + " -1); outputs Mean and InvStdDev; scale and B as large as the normalized block")
        .build());
    r.add(OpSchema.builder("InstanceNormalization").inputs(3, 3)
        .shape(NormalizationOps::instanceNormShape)
        .upgrade(NormalizationOps::instanceNormUpgrade)
        .summary("(x - mean) / sqrt(var + epsilon) * scale[c] + B[c] per sample and channel")
        .build());
    r.add(OpSchema.builder("GroupNormalization").inputs(3, 3)
        .shape(NormalizationOps::groupNormShape)
        .summary("(x - mean) / sqrt(var + epsilon) * scale + bias per sample and group of"
            + " channels; scale and bias per group (opset 18) or per channel (opset 21)").build());
  }

  /** Output shapes of LayerNormalization: Y like X; Mean and InvStdDev with 1s from axis on. */
  private static int[][] layerNormShapes(Node node, OpInputs in) {
    int[] x = in.shape(0);
    int outs = node.outputs().size();
    int[][] out = new int[outs][];
    out[0] = x;
    if (x == null) {
      return out;
    }
    int axis = MeanVarianceNorm.layerAxis(node, x.length);
    int[] stats = x.clone();
    Arrays.fill(stats, axis, x.length, 1);
    for (int i = 1; i < outs; i++) {
      out[i] = stats;
    }
    int[] norm = Arrays.copyOfRange(x, axis, x.length);
    for (int i = 1; i <= 2; i++) {
      int[] p = in.shape(i);
      if (p != null && !broadcastsTo(p, norm)) {
        throw new ModelFormatException(node.label() + ": input " + i + " has shape "
            + Arrays.toString(p) + ", which does not broadcast to the normalized shape "
            + Arrays.toString(norm));
      }
    }
    return out;
  }

  /** True if {@code p} broadcasts unidirectionally to {@code target} (unknown dims pass). */
  private static boolean broadcastsTo(int[] p, int[] target) {
    if (p.length > target.length) {
      return false;
    }
    for (int i = 1; i <= p.length; i++) {
      int a = p[p.length - i];
      int b = target[target.length - i];
      if (a >= 0 && b >= 0 && a != 1 && a != b) {
        return false;
      }
    }
    return true;
  }

  private static int[] instanceNormShape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    if (x == null) {
      return null;
    }
    if (x.length < 3) {
      throw new ModelFormatException(node.label() + ": input of rank " + x.length
          + "; InstanceNormalization needs [N, C, D1, ...]");
    }
    for (int i = 1; i <= 2; i++) {
      int[] p = in.shape(i);
      if (p != null && (p.length != 1 || (p[0] >= 0 && x[1] >= 0 && p[0] != x[1]))) {
        throw new ModelFormatException(node.label() + ": input " + i + " has shape "
            + Arrays.toString(p) + ", not [" + x[1] + "]");
      }
    }
    return x;
  }

  /** Opset 1's InstanceNormalization had a consumed_inputs attribute (legacy, ignored). */
  private static List<Node> instanceNormUpgrade(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("consumed_inputs")) {
      return List.of(node);
    }
    return List.of(node.toBuilder().removeAttr("consumed_inputs").build());
  }

  private static int[] groupNormShape(Node node, OpInputs in) {
    int[] x = in.shape(0);
    if (x == null) {
      return null;
    }
    if (x.length < 2) {
      throw new ModelFormatException(node.label() + ": input of rank " + x.length
          + "; GroupNormalization needs [N, C, ...]");
    }
    int g = MeanVarianceNorm.groups(node, x[1]);
    for (int i = 1; i <= 2; i++) {
      int[] p = in.shape(i);
      if (p != null && (p.length != 1 || (p[0] >= 0 && x[1] >= 0 && p[0] != g
          && p[0] != x[1]))) {
        throw new ModelFormatException(node.label() + ": input " + i + " has shape "
            + Arrays.toString(p) + ", not [" + g + "] (per group, opset 18) or [" + x[1]
            + "] (per channel, opset 21)");
      }
    }
    return x;
  }

  /**
   * Before opset 13 Softmax, LogSoftmax and Hardmax flattened the input to 2-D at {@code axis}
   * (default 1) and normalized each row; since 13 they normalize along one axis (default -1). The
   * two agree when the axis is the last one; otherwise the old form becomes Flatten, the op over
   * the last axis, and a Reshape back to the input's shape.
   */
  static List<Node> softmaxUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 13) {
      return List.of(node);
    }
    long axis = node.intAttr("axis", 1);
    int rank = c.rank(node.input(0));
    if (rank >= 0 && (axis == rank - 1 || axis == -1)) {
      return List.of(node.toBuilder().attr("axis", -1L).build());
    }
    String x = node.input(0);
    String flat = c.fresh(node.output(0) + "_2d");
    String rows = c.fresh(node.output(0) + "_rows");
    String shape = c.fresh(node.output(0) + "_shape");
    Node flatten = Node.builder("Flatten").name(c.fresh(node.name() + "_flatten")).inputs(x)
        .outputs(flat).attr("axis", axis).build();
    Node op = node.toBuilder().inputs(flat).outputs(rows).attr("axis", -1L).build();
    Node shapeOf = Node.builder("Shape").name(c.fresh(node.name() + "_shape")).inputs(x)
        .outputs(shape).build();
    Node back = Node.builder("Reshape").name(c.fresh(node.name() + "_restore"))
        .inputs(rows, shape).outputs(node.output(0)).build();
    return List.of(flatten, op, shapeOf, back);
  }
}
