package io.bocomp.compress;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Builds small random-weight graphs for tests, recording every value's shape (so no shape inference
 * is needed). Weights are Gaussian with std 1/sqrt(fan-in); biases are non-zero.
 */
final class NetBuilder {
  private final Graph.Builder g = Graph.builder().name("test");
  private final Map<String, int[]> shapes = new HashMap<>();
  private final Random rnd;

  NetBuilder(long seed) {
    this.rnd = new Random(seed);
  }

  NetBuilder input(String name, int... shape) {
    g.input(ValueInfo.floatTensor(name, shape));
    shapes.put(name, shape.clone());
    return this;
  }

  int[] shape(String value) {
    return shapes.get(value).clone();
  }

  String conv(String name, String x, int cout, int k, int stride, int pad, int group,
      boolean bias) {
    int[] in = shapes.get(x);
    Tensor w = random(1.0 / Math.sqrt(in[1] / group * k * k), cout, in[1] / group, k, k);
    g.initializer(name + ".weight", w);
    Node.Builder n = Node.builder("Conv").name(name).outputs(name + ".y")
        .attr("kernel_shape", (long) k, (long) k).attr("strides", (long) stride, (long) stride)
        .attr("pads", (long) pad, (long) pad, (long) pad, (long) pad).attr("group", (long) group);
    if (bias) {
      g.initializer(name + ".bias", random(0.1, cout));
      n.inputs(x, name + ".weight", name + ".bias");
    } else {
      n.inputs(x, name + ".weight");
    }
    int oh = (in[2] + 2 * pad - k) / stride + 1;
    int ow = (in[3] + 2 * pad - k) / stride + 1;
    return add(n.build(), in[0], cout, oh, ow);
  }

  String gemm(String name, String x, int out, boolean transB, boolean bias) {
    int[] in = shapes.get(x);
    Tensor w = transB ? random(1.0 / Math.sqrt(in[1]), out, in[1])
        : random(1.0 / Math.sqrt(in[1]), in[1], out);
    g.initializer(name + ".weight", w);
    Node.Builder n = Node.builder("Gemm").name(name).outputs(name + ".y")
        .attr("transB", transB ? 1L : 0L);
    if (bias) {
      g.initializer(name + ".bias", random(0.1, out));
      n.inputs(x, name + ".weight", name + ".bias");
    } else {
      n.inputs(x, name + ".weight");
    }
    return add(n.build(), in[0], out);
  }

  /** MatMul by a [K, N] initializer followed by Add of a [N] bias. */
  String matmulBias(String name, String x, int out) {
    int[] in = shapes.get(x);
    g.initializer(name + ".weight", random(1.0 / Math.sqrt(in[in.length - 1]), in[in.length - 1], out));
    int[] o = in.clone();
    o[o.length - 1] = out;
    String y = add(Node.builder("MatMul").name(name).inputs(x, name + ".weight")
        .outputs(name + ".y").build(), o);
    g.initializer(name + "_bias.b", random(0.1, out));
    return add(Node.builder("Add").name(name + "_bias").inputs(y, name + "_bias.b")
        .outputs(name + "_bias.y").build(), o);
  }

  String relu(String name, String x) {
    return add(Node.builder("Relu").name(name).inputs(x).outputs(name + ".y").build(), shapes.get(x));
  }

  String maxPool(String name, String x, int k) {
    int[] in = shapes.get(x);
    return add(Node.builder("MaxPool").name(name).inputs(x).outputs(name + ".y")
        .attr("kernel_shape", (long) k, (long) k).attr("strides", (long) k, (long) k).build(),
        in[0], in[1], in[2] / k, in[3] / k);
  }

  String globalAveragePool(String name, String x) {
    int[] in = shapes.get(x);
    return add(Node.builder("GlobalAveragePool").name(name).inputs(x).outputs(name + ".y").build(),
        in[0], in[1], 1, 1);
  }

  String batchNorm(String name, String x) {
    int c = shapes.get(x)[1];
    g.initializer(name + ".scale", positive(c));
    g.initializer(name + ".B", random(0.1, c));
    g.initializer(name + ".mean", random(0.1, c));
    g.initializer(name + ".var", positive(c));
    return add(Node.builder("BatchNormalization").name(name)
        .inputs(x, name + ".scale", name + ".B", name + ".mean", name + ".var")
        .outputs(name + ".y").attr("epsilon", 1e-5f).build(), shapes.get(x));
  }

  /** Add of a per-channel constant shaped [C, 1, 1]. */
  String addChannelConstant(String name, String x) {
    int c = shapes.get(x)[1];
    g.initializer(name + ".c", random(0.1, c, 1, 1));
    return add(Node.builder("Add").name(name).inputs(x, name + ".c").outputs(name + ".y").build(),
        shapes.get(x));
  }

  String add2(String name, String a, String b) {
    return add(Node.builder("Add").name(name).inputs(a, b).outputs(name + ".y").build(),
        shapes.get(a));
  }

  String concat(String name, String a, String b) {
    int[] s = shapes.get(a).clone();
    s[1] += shapes.get(b)[1];
    return add(Node.builder("Concat").name(name).inputs(a, b).outputs(name + ".y")
        .attr("axis", 1L).build(), s);
  }

  String flatten(String name, String x) {
    int[] in = shapes.get(x);
    int f = 1;
    for (int d = 1; d < in.length; d++) {
      f *= in[d];
    }
    return add(Node.builder("Flatten").name(name).inputs(x).outputs(name + ".y")
        .attr("axis", 1L).build(), in[0], f);
  }

  /** Reshape to [batch, features] through an explicit int64 shape constant. */
  String reshapeToFeatures(String name, String x) {
    int[] in = shapes.get(x);
    int f = 1;
    for (int d = 1; d < in.length; d++) {
      f *= in[d];
    }
    g.initializer(name + ".shape", Tensor.ofLongs(new int[] {2}, new long[] {in[0], f}));
    return add(Node.builder("Reshape").name(name).inputs(x, name + ".shape")
        .outputs(name + ".y").build(), in[0], f);
  }

  NetBuilder output(String value) {
    g.output(ValueInfo.floatTensor(value, shapes.get(value)));
    return this;
  }

  Graph build() {
    return g.build();
  }

  private String add(Node n, int... shape) {
    g.addNode(n);
    String y = n.output(0);
    shapes.put(y, shape.clone());
    g.valueInfo(ValueInfo.floatTensor(y, shape));
    return y;
  }

  private Tensor random(double std, int... shape) {
    Tensor t = Tensor.zeros(shape);
    for (int i = 0; i < t.size(); i++) {
      t.set(i, (float) (rnd.nextGaussian() * std));
    }
    return t;
  }

  private Tensor positive(int n) {
    Tensor t = Tensor.zeros(n);
    for (int i = 0; i < n; i++) {
      t.set(i, (float) (0.5 + rnd.nextDouble()));
    }
    return t;
  }
}
