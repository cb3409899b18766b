package io.bocomp.cuda;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;

/**
 * A small CNN with every operator the GPU backend runs, at awkward sizes (odd spatial dims,
 * asymmetric pads, SAME padding, strides 2, a pointwise conv, broadcasting adds, a residual).
 * ONNX Runtime reads it through {@link io.bocomp.testing.OrtReference}.
 */
final class TestNetworks {
  private TestNetworks() {}

  static final String INPUT = "x";
  static final String PROBS = "probs";
  static final String POOLED = "pooled";

  static Graph cnn() {
    Graph.Builder g = Graph.builder().name("awkward-cnn");
    g.input(new ValueInfo(INPUT, ValueInfo.ELEM_FLOAT, new int[] {-1, 3, 17, 13},
        new String[] {"N", null, null, null}));
    g.initializer("w1", TestMatrices.gaussian(1, 8, 3, 3, 3));
    g.initializer("b1", TestMatrices.gaussian(2, 8));
    g.initializer("w2", TestMatrices.gaussian(3, 6, 8, 1, 1));
    g.initializer("bn_scale", TestMatrices.gaussian(4, 6));
    g.initializer("bn_b", TestMatrices.gaussian(5, 6));
    g.initializer("bn_mean", TestMatrices.gaussian(6, 6));
    Tensor var = TestMatrices.gaussian(7, 6);
    for (int i = 0; i < 6; i++) {
      var.set(i, 0.5f + Math.abs(var.get(i)));
    }
    g.initializer("bn_var", var);
    g.initializer("clip_min", Tensor.scalar(0f));
    g.initializer("clip_max", Tensor.scalar(6f));
    g.initializer("w3", TestMatrices.gaussian(8, 6, 6, 3, 3));
    g.initializer("b3", TestMatrices.gaussian(9, 6));
    g.initializer("chan", TestMatrices.gaussian(10, 6, 1, 1));
    g.initializer("wg", TestMatrices.gaussian(11, 10, 54));
    g.initializer("bg", TestMatrices.gaussian(12, 10));
    g.initializer("wm", TestMatrices.gaussian(13, 10, 7));
    g.initializer("shape", Tensor.ofLongs(new int[] {2}, new long[] {-1, 7}));
    g.addNode(Node.builder("Conv").name("c1").inputs(INPUT, "w1", "b1").outputs("c1")
        .attr("pads", 1, 1, 1, 1).attr("strides", 2, 2).build());
    g.addNode(Node.builder("Relu").name("r1").inputs("c1").outputs("r1").build());
    g.addNode(Node.builder("MaxPool").name("p1").inputs("r1").outputs("p1")
        .attr("kernel_shape", 3, 3).attr("strides", 2, 2).attr("pads", 1, 0, 1, 0).build());
    g.addNode(Node.builder("Conv").name("c2").inputs("p1", "w2").outputs("c2").build());
    g.addNode(Node.builder("BatchNormalization").name("bn").outputs("bn")
        .inputs("c2", "bn_scale", "bn_b", "bn_mean", "bn_var").attr("epsilon", 1e-3f).build());
    g.addNode(Node.builder("Clip").name("cl").inputs("bn", "clip_min", "clip_max").outputs("cl").build());
    g.addNode(Node.builder("Conv").name("c3").inputs("cl", "w3", "b3").outputs("c3")
        .attr("auto_pad", "SAME_UPPER").attr("strides", 2, 1).build());
    g.addNode(Node.builder("AveragePool").name("ap").inputs("c3").outputs("ap")
        .attr("kernel_shape", 2, 2).attr("pads", 0, 0, 1, 1).attr("count_include_pad", 0L).build());
    g.addNode(Node.builder("Add").name("ad").inputs("ap", "chan").outputs("ad").build());
    g.addNode(Node.builder("Add").name("res").inputs("ad", "c3").outputs("res").build());
    g.addNode(Node.builder("GlobalAveragePool").name("gap").inputs("res").outputs(POOLED).build());
    g.addNode(Node.builder("Flatten").name("fl").inputs("res").outputs("fl").build());
    g.addNode(Node.builder("Dropout").name("dr").inputs("fl").outputs("dr").build());
    g.addNode(Node.builder("Gemm").name("g1").inputs("dr", "wg", "bg").outputs("g1")
        .attr("transB", 1L).attr("alpha", 0.5f).attr("beta", 2f).build());
    g.addNode(Node.builder("MatMul").name("mm").inputs("g1", "wm").outputs("mm").build());
    g.addNode(Node.builder("Reshape").name("rs").inputs("mm", "shape").outputs("rs").build());
    g.addNode(Node.builder("Softmax").name("sm").inputs("rs").outputs(PROBS).attr("axis", -1L).build());
    g.output(new ValueInfo(PROBS, ValueInfo.ELEM_FLOAT, new int[] {-1, 7}, null));
    g.output(new ValueInfo(POOLED, ValueInfo.ELEM_FLOAT, new int[] {-1, 6, 1, 1}, null));
    return g.build();
  }
}
