package io.bocomp.engine;

import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.SplittableRandom;

/**
 * Seeded random CNNs for engine tests and benchmarks, built directly in the IR with a symbolic
 * batch dimension: a small VGG-style net (optionally with unfolded BatchNorms and PyTorch's
 * Shape/Gather/Unsqueeze/Concat/Reshape flatten idiom), a ResNet-18-shaped net (BatchNorms
 * folded into conv biases, as the importer leaves them), a VGG-16-shaped net and a
 * MobileNet-style depthwise net. Weights use He-style scaling so activations keep their scale.
 */
public final class TestNetworks {
  private TestNetworks() {}

  /** conv-bn-relu-pool x2, flatten, gemm-relu, gemm: input [N, 1, 28, 28], 10 outputs. */
  public static Graph smallCnn(long seed, boolean batchNorm, boolean torchFlatten) {
    Net n = new Net(seed, "x", 1, 28, 28);
    n.conv(16, 3, 1, 1, 1, !batchNorm);
    if (batchNorm) {
      n.batchNorm();
    }
    n.relu().maxPool(2, 2, 0);
    n.conv(32, 3, 1, 1, 1, !batchNorm);
    if (batchNorm) {
      n.batchNorm();
    }
    n.relu().maxPool(2, 2, 0);
    if (torchFlatten) {
      n.torchFlatten();
    } else {
      n.flatten();
    }
    n.gemm(64).relu().gemm(10);
    return n.build("logits");
  }

  /**
   * The default model's topology (tools/train_default.py) with BatchNorms folded: conv 32, 32,
   * pool, 64, 64, pool, 128, pool, then FC 512, 256, 10 on [N, 1, 28, 28].
   */
  public static Graph fashionCnn(long seed) {
    Net n = new Net(seed, "x", 1, 28, 28);
    n.conv(32, 3, 1, 1, 1, true).relu().conv(32, 3, 1, 1, 1, true).relu().maxPool(2, 2, 0);
    n.conv(64, 3, 1, 1, 1, true).relu().conv(64, 3, 1, 1, 1, true).relu().maxPool(2, 2, 0);
    n.conv(128, 3, 1, 1, 1, true).relu().maxPool(2, 2, 0);
    n.flatten().gemm(512).relu().gemm(256).relu().gemm(10);
    return n.build("logits");
  }

  /** ResNet-18 topology (widths 64..512 divided by {@code widthDivisor}), input [N, 3, s, s]. */
  public static Graph resnet18(long seed, int size, int widthDivisor) {
    Net n = new Net(seed, "x", 3, size, size);
    int w = 64 / widthDivisor;
    n.conv(w, 7, 2, 3, 1, true).relu().maxPool(3, 2, 1);
    int[] widths = {w, 2 * w, 4 * w, 8 * w};
    for (int stage = 0; stage < 4; stage++) {
      for (int block = 0; block < 2; block++) {
        int stride = stage > 0 && block == 0 ? 2 : 1;
        String in = n.current();
        int inC = n.c;
        int inH = n.h;
        int inW = n.w;
        n.conv(widths[stage], 3, stride, 1, 1, true).relu().conv(widths[stage], 3, 1, 1, 1, true);
        String main = n.current();
        String shortcut = in;
        if (stride != 1 || inC != widths[stage]) {
          n.at(in, inC, inH, inW).conv(widths[stage], 1, stride, 0, 1, true);
          shortcut = n.current();
        }
        n.add(main, shortcut).relu();
      }
    }
    n.globalAveragePool().flatten().gemm(10);
    return n.build("logits");
  }

  /** VGG-16 topology (13 convs, 5 pools, 3 FC), widths divided by {@code widthDivisor}. */
  public static Graph vgg16(long seed, int size, int widthDivisor) {
    Net n = new Net(seed, "x", 3, size, size);
    int[][] stages = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
    for (int[] stage : stages) {
      for (int c : stage) {
        n.conv(c / widthDivisor, 3, 1, 1, 1, true).relu();
      }
      n.maxPool(2, 2, 0);
    }
    n.flatten().gemm(4096 / widthDivisor).relu().gemm(4096 / widthDivisor).relu().gemm(10);
    return n.build("logits");
  }

  /** MobileNet-style: stem, depthwise-separable blocks with ReLU6 (Clip) and HardSwish. */
  public static Graph mobileNet(long seed, int size) {
    Net n = new Net(seed, "x", 3, size, size);
    n.conv(16, 3, 2, 1, 1, true).clip6();
    int[][] blocks = {{32, 1}, {48, 2}, {48, 1}, {64, 2}, {96, 1}};
    for (int[] b : blocks) {
      int c = n.c;
      n.conv(c, 3, b[1], 1, c, true).clip6();
      n.conv(b[0], 1, 1, 0, 1, true).hardSwish();
    }
    n.globalAveragePool().flatten().gemm(10);
    return n.build("logits");
  }

  /** A fluent builder of one graph, tracking the current value and its static [C, H, W]. */
  static final class Net {
    private final Graph.Builder g = Graph.builder();
    private final SplittableRandom rng;
    private String cur;
    private int c;
    private int h;
    private int w;
    private int features = -1;
    private int count;

    Net(long seed, String input, int c, int h, int w) {
      this.rng = new SplittableRandom(seed);
      this.cur = input;
      this.c = c;
      this.h = h;
      this.w = w;
      g.name("net" + seed);
      g.input(new ValueInfo(input, ValueInfo.ELEM_FLOAT, new int[] {-1, c, h, w},
          new String[] {"N", null, null, null}));
    }

    String current() {
      return cur;
    }

    Net at(String value, int c, int h, int w) {
      this.cur = value;
      this.c = c;
      this.h = h;
      this.w = w;
      return this;
    }

    private String name(String kind) {
      return kind + (count++);
    }

    private Tensor uniform(float scale, int... shape) {
      float[] v = new float[Tensor.checkedSize(shape)];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
      }
      return Tensor.of(shape, v);
    }

    private String weight(String kind, Tensor t) {
      String n = name(kind);
      g.initializer(n, t);
      return n;
    }

    private Net node(Node.Builder b, String out) {
      g.addNode(b.name(out + "_node").outputs(out).build());
      cur = out;
      return this;
    }

    Net conv(int out, int k, int stride, int pad, int group, boolean bias) {
      int fanIn = c / group * k * k;
      String wt = weight("w", uniform((float) Math.sqrt(6.0 / fanIn), out, c / group, k, k));
      String o = name("conv");
      Node.Builder b = Node.builder("Conv").attr("kernel_shape", (long) k, k)
          .attr("strides", (long) stride, stride).attr("pads", (long) pad, pad, pad, pad)
          .attr("group", (long) group);
      b.inputs(bias ? new String[] {cur, wt, weight("b", uniform(0.1f, out))}
          : new String[] {cur, wt});
      node(b, o);
      c = out;
      h = (h + 2 * pad - k) / stride + 1;
      w = (w + 2 * pad - k) / stride + 1;
      return this;
    }

    Net batchNorm() {
      float[] var = new float[c];
      for (int i = 0; i < c; i++) {
        var[i] = (float) (0.5 + rng.nextDouble());
      }
      String s = weight("bn_scale", uniform(1f, c));
      String b = weight("bn_bias", uniform(0.2f, c));
      String m = weight("bn_mean", uniform(0.2f, c));
      String v = weight("bn_var", Tensor.of(new int[] {c}, var));
      return node(Node.builder("BatchNormalization").inputs(cur, s, b, m, v)
          .attr("epsilon", 1e-5f), name("bn"));
    }

    Net relu() {
      return node(Node.builder("Relu").inputs(cur), name("relu"));
    }

    Net clip6() {
      String lo = weight("lo", Tensor.scalar(0f));
      String hi = weight("hi", Tensor.scalar(6f));
      return node(Node.builder("Clip").inputs(cur, lo, hi), name("relu6"));
    }

    Net hardSwish() {
      return node(Node.builder("HardSwish").inputs(cur), name("hswish"));
    }

    Net maxPool(int k, int s, int p) {
      node(Node.builder("MaxPool").inputs(cur).attr("kernel_shape", (long) k, k)
          .attr("strides", (long) s, s).attr("pads", (long) p, p, p, p), name("pool"));
      h = (h + 2 * p - k) / s + 1;
      w = (w + 2 * p - k) / s + 1;
      return this;
    }

    Net globalAveragePool() {
      node(Node.builder("GlobalAveragePool").inputs(cur), name("gap"));
      h = 1;
      w = 1;
      return this;
    }

    Net add(String a, String b) {
      return node(Node.builder("Add").inputs(a, b), name("add"));
    }

    Net flatten() {
      features = c * h * w;
      return node(Node.builder("Flatten").inputs(cur).attr("axis", 1L), name("flat"));
    }

    /** x.view(x.size(0), -1) as PyTorch exports it. */
    Net torchFlatten() {
      String x = cur;
      String shape = name("shape");
      g.addNode(Node.builder("Shape").name(shape + "_node").inputs(x).outputs(shape).build());
      String zero = weight("idx", Tensor.ofLongs(new int[0], new long[] {0}));
      String dim0 = name("dim0");
      g.addNode(Node.builder("Gather").name(dim0 + "_node").inputs(shape, zero).outputs(dim0)
          .attr("axis", 0L).build());
      String axes = weight("axes", Tensor.ofLongs(new int[] {1}, new long[] {0}));
      String un = name("unsq");
      g.addNode(Node.builder("Unsqueeze").name(un + "_node").inputs(dim0, axes).outputs(un)
          .build());
      String minus = weight("minus1", Tensor.ofLongs(new int[] {1}, new long[] {-1}));
      String cat = name("cat");
      g.addNode(Node.builder("Concat").name(cat + "_node").inputs(un, minus).outputs(cat)
          .attr("axis", 0L).build());
      features = c * h * w;
      return node(Node.builder("Reshape").inputs(x, cat), name("flat"));
    }

    Net gemm(int out) {
      int in = features;
      String wt = weight("fc_w", uniform((float) Math.sqrt(6.0 / in), out, in));
      String b = weight("fc_b", uniform(0.1f, out));
      node(Node.builder("Gemm").inputs(cur, wt, b).attr("transB", 1L), name("fc"));
      features = out;
      return this;
    }

    Graph build(String output) {
      g.addNode(Node.builder("Identity").name("output").inputs(cur).outputs(output).build());
      g.output(new ValueInfo(output, ValueInfo.ELEM_FLOAT, new int[] {-1, features},
          new String[] {"N", null}));
      return g.build();
    }
  }
}
