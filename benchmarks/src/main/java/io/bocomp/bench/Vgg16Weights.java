package io.bocomp.bench;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.ValueInfo;

/**
 * A VGG-16-shaped graph with seeded random weights (the 13 3x3 convs at their channel counts on a
 * 1 x 3 x 224 x 224 input, max-pools, and fc6 25088 x 4096, fc7 4096 x 4096, fc8 4096 x 1000 as
 * Gemm with transB), with every value's shape recorded. For costing and factorizing only: about
 * 138 M parameters, not meant to be run.
 */
public final class Vgg16Weights {
  private static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512},
      {512, 512, 512}};

  private Vgg16Weights() {}

  public static Graph build(long seed) {
    Graph.Builder g = Graph.builder().name("vgg16");
    g.input(ValueInfo.floatTensor("input", 1, 3, 224, 224));
    String x = "input";
    int c = 3;
    int hw = 224;
    int layer = 0;
    for (int b = 0; b < BLOCKS.length; b++) {
      for (int i = 0; i < BLOCKS[b].length; i++) {
        int cout = BLOCKS[b][i];
        String name = "conv" + (b + 1) + "_" + (i + 1);
        g.initializer(name + ".weight", DecompositionInputs.gaussian(seed + layer++, cout, c, 3, 3));
        g.initializer(name + ".bias", DecompositionInputs.gaussian(seed + 100 + layer, cout));
        g.addNode(Node.builder("Conv").name(name).inputs(x, name + ".weight", name + ".bias")
            .outputs(name + ".y").attr("kernel_shape", 3L, 3L).attr("pads", 1L, 1L, 1L, 1L)
            .build());
        g.valueInfo(ValueInfo.floatTensor(name + ".y", 1, cout, hw, hw));
        g.addNode(Node.builder("Relu").name(name + "_relu").inputs(name + ".y")
            .outputs(name + "_relu.y").build());
        g.valueInfo(ValueInfo.floatTensor(name + "_relu.y", 1, cout, hw, hw));
        x = name + "_relu.y";
        c = cout;
      }
      hw /= 2;
      String pool = "pool" + (b + 1);
      g.addNode(Node.builder("MaxPool").name(pool).inputs(x).outputs(pool + ".y")
          .attr("kernel_shape", 2L, 2L).attr("strides", 2L, 2L).build());
      g.valueInfo(ValueInfo.floatTensor(pool + ".y", 1, c, hw, hw));
      x = pool + ".y";
    }
    g.addNode(Node.builder("Flatten").name("flatten").inputs(x).outputs("flatten.y")
        .attr("axis", 1L).build());
    g.valueInfo(ValueInfo.floatTensor("flatten.y", 1, c * hw * hw));
    x = "flatten.y";
    int in = c * hw * hw;
    int[] outs = {4096, 4096, 1000};
    for (int i = 0; i < 3; i++) {
      String name = "fc" + (6 + i);
      g.initializer(name + ".weight", DecompositionInputs.gaussian(seed + 200 + i, outs[i], in));
      g.initializer(name + ".bias", DecompositionInputs.gaussian(seed + 300 + i, outs[i]));
      g.addNode(Node.builder("Gemm").name(name).inputs(x, name + ".weight", name + ".bias")
          .outputs(name + ".y").attr("transB", 1L).build());
      g.valueInfo(ValueInfo.floatTensor(name + ".y", 1, outs[i]));
      x = name + ".y";
      if (i < 2) {
        g.addNode(Node.builder("Relu").name(name + "_relu").inputs(x).outputs(name + "_relu.y")
            .build());
        g.valueInfo(ValueInfo.floatTensor(name + "_relu.y", 1, outs[i]));
        x = name + "_relu.y";
      }
      in = outs[i];
    }
    g.output(ValueInfo.floatTensor(x, 1, 1000));
    return g.build();
  }
}
