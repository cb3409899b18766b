package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import java.util.List;

/**
 * Schemas of the layer ops: convolutions, matrix products (Gemm, MatMul, Einsum), pooling, batch
 * normalization.
 * Convolution and pooling windows follow {@link io.bocomp.model.ConvGeometry}.
 */
final class NnOps {
  private NnOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Conv").inputs(2, 3)
        .shape((n, in) -> ConvShapes.conv(n, in.shape(0), in.shape(1), in.shape(2)))
        .summary("N-D convolution with groups, pads, auto_pad, strides and dilations").build());
    r.add(OpSchema.builder("ConvTranspose").inputs(2, 3)
        .shape((n, in) -> ConvShapes.convTranspose(n, in.shape(0), in.shape(1)))
        .summary("transposed convolution (output_padding, output_shape, groups)").build());
    r.add(OpSchema.builder("Gemm").inputs(2, 3)
        .shape((n, in) -> MatrixShapes.gemm(n, in.shape(0), in.shape(1), in.shape(2)))
        .summary("alpha * A' * B' + beta * C").build());
    r.add(OpSchema.builder("MatMul").inputs(2, 2)
        .shape((n, in) -> MatrixShapes.matMul(n, in.shape(0), in.shape(1)))
        .summary("numpy matmul, batch dimensions broadcast").build());
    r.add(OpSchema.builder("Einsum").inputs(1, Integer.MAX_VALUE).shape(EinsumEquation::shape)
        .summary("Einsum of one or two operands (ellipsis, broadcasting, implicit output); no"
            + " diagonals (an index repeated within an operand), no three or more operands")
        .build());
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      r.add(OpSchema.builder(op).inputs(1, 1).outputs(op.equals("MaxPool") ? 2 : 1)
          .shapes((n, in) -> {
            int[] s = ConvShapes.pool(n, in.shape(0));
            return n.outputs().size() > 1 ? new int[][] {s, s} : new int[][] {s};
          })
          .types((n, t, o) -> o == 0 ? OpSchema.TypeRule.SAME.outputType(n, t, 0)
              : ValueInfo.ELEM_INT64)
          .summary("N-D " + (op.equals("MaxPool") ? "max" : "average")
              + " pooling (pads, ceil_mode, dilations)").build());
    }
    for (String op : new String[] {"GlobalAveragePool", "GlobalMaxPool"}) {
      r.add(OpSchema.builder(op).shape((n, in) -> ConvShapes.globalPool(n, in.shape(0)))
          .summary("pooling over all spatial axes").build());
    }
    r.add(OpSchema.builder("BatchNormalization").inputs(5, 5).outputs(5)
        .shapes(NnOps::batchNormShapes).upgrade(NnOps::batchNormUpgrade)
        .summary("inference-mode batch normalization (folded into a preceding Conv/Gemm at"
            + " import)").build());
  }

  private static int[][] batchNormShapes(Node node, OpInputs in) {
    int[] x = in.shape(0);
    int n = node.outputs().size();
    int[][] out = new int[n][];
    out[0] = x;
    // training-mode outputs (running mean and variance, saved statistics) have shape [C]
    int[] c = x != null && x.length > 1 ? new int[] {x[1]} : new int[] {-1};
    for (int i = 1; i < n; i++) {
      out[i] = c;
    }
    for (int i = 1; i < 5 && x != null && x.length > 1; i++) {
      int[] p = in.shape(i);
      if (p != null && (p.length != 1 || (p[0] >= 0 && x[1] >= 0 && p[0] != x[1]))) {
        throw new ModelFormatException(node.label() + ": input " + i + " has shape "
            + java.util.Arrays.toString(p) + ", not [" + x[1] + "]");
      }
    }
    return out;
  }

  /** Before opset 9: the spatial attribute (1 is today's meaning; 0 is per-activation BN). */
  private static List<Node> batchNormUpgrade(Node node, OpsetForms.Context c) {
    if (!node.hasAttribute("spatial") && !node.hasAttribute("is_test")
        && !node.hasAttribute("consumed_inputs")) {
      return List.of(node);
    }
    if (node.intAttr("spatial", 1) != 1) {
      throw new UnsupportedOperatorException(node.label() + ": spatial=0 (per-activation batch"
          + " normalization, opset < 9) is not supported");
    }
    return List.of(node.toBuilder().removeAttr("spatial").removeAttr("is_test")
        .removeAttr("consumed_inputs").build());
  }
}
