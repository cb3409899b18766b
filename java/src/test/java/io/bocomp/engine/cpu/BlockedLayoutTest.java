package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Tensor;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Graphs that run on the blocked channel layout ({@link BlockedPlan}) against ONNX Runtime: the
 * awkward cases of its kernels (channel counts that do not fill a block, an activation that moves
 * zero, a residual whose border differs from the output's, tap chunks, tiles that cross rows and
 * images, depthwise row remainders, every pooling form, wanted intermediates) at batch 1 and 3.
 * With the Vector API each graph must also have been planned on the blocked layout (it has
 * reorders); without it the same graphs check the NCHW kernels.
 */
class BlockedLayoutTest {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);
  private static int seed = 100;

  private static Tensor w(int... shape) {
    float scale = (float) Math.sqrt(3.0 / (shape[1] * shape[2] * shape[3]));
    return Parity.random(seed++, -scale, scale, shape);
  }

  private static Tensor b(int n) {
    return Parity.random(seed++, -0.2f, 0.2f, n);
  }

  /** The name of every graph's input. */
  private static final String X = "x";

  /** A builder whose graph has the input {@link #X}, {@code [batch, channels, height, width]}. */
  private static GraphBuilder graph(String name, int channels, int height, int width) {
    GraphBuilder gb = new GraphBuilder(name);
    gb.input(X, -1, channels, height, width);
    return gb;
  }

  /** A k x k convolution (k odd) with bias, stride 1, padded to keep the map's size. */
  private static String same(GraphBuilder gb, String name, String in, int out, int inCh, int k) {
    return gb.conv(name, in, w(out, inCh, k, k), b(out), 1, k / 2, 1);
  }

  /**
   * Declares {@code wanted} the outputs of {@code gb}'s graph and compares each with ONNX Runtime
   * at the given batches (input x in the graph's shape with the batch set; messages name the
   * graph).
   */
  private static void check(GraphBuilder gb, List<String> wanted, int... batches) {
    wanted.forEach(gb::output);
    Graph g = gb.build();
    String what = g.name();
    int[] inShape = g.inputs().get(0).shape();
    try (CpuExecutable e = (CpuExecutable) cpu.get().compile(g, 17)) {
      for (int n : batches) {
        int[] shape = inShape.clone();
        shape[0] = n;
        Map<String, Tensor> feeds = Map.of(X, Parity.random(7 + n, shape));
        Map<String, Tensor> expected = OrtReference.run(g, 17, feeds, wanted);
        Map<String, Tensor> actual = e.run(feeds, wanted);
        for (String v : wanted) {
          Parity.assertClose(what + " batch " + n + " " + v, expected.get(v), actual.get(v));
        }
        if (VectorSupport.enabled()) {
          assertThat(e.reorderCount(feeds, wanted)).as(what + ": planned blocked").isPositive();
        } else {
          assertThat(e.reorderCount(feeds, wanted)).as(what + ": no blocked layout").isZero();
        }
      }
    }
  }

  @Test
  void residualWhoseBorderDiffersFromTheOutputs() {
    // x is read by a padded conv (border 1) and by the fused Add of a 1x1 conv (output border 0)
    GraphBuilder gb = graph("residual", 20, 9, 11);
    String s = gb.relu(same(gb, "stem", X, 20, 20, 3));
    String y = gb.relu(same(gb, "a", s, 20, 20, 3));
    y = gb.add(same(gb, "b", y, 20, 20, 1), s);
    y = same(gb, "c", y, 33, 20, 1);
    check(gb, List.of(y), 1, 3);
  }

  @Test
  void channelsThatDoNotFillABlockThroughASigmoid() {
    // Sigmoid(0) = 0.5: the spare lanes must be zeroed again before the next conv reads them
    GraphBuilder gb = graph("sigmoid", 3, 13, 10);
    String y = gb.sigmoid(same(gb, "a", X, 7, 3, 3));
    y = gb.conv("b", y, w(20, 7, 3, 3), b(20), new long[] {2, 1}, new long[] {1, 0, 2, 1},
        new long[] {1, 2}, 1);
    y = gb.op("HardSigmoid", y).attr("alpha", 0.3f).out();
    y = gb.conv("c", y, w(5, 20, 2, 2), null, 1, 0, 1);
    check(gb, List.of(y), 1, 3);
  }

  @Test
  void manyTapsSplitIntoChunksAndWantedIntermediates() {
    GraphBuilder gb = graph("chunks", 96, 5, 6);
    String h = same(gb, "a", X, 200, 96, 3);
    String r = gb.clip(h, 0f, 6f);
    String y = same(gb, "b", r, 40, 200, 3);
    y = gb.op("LeakyRelu", y).attr("alpha", 0.1f).out();
    check(gb, List.of(y, r), 1, 3);
  }

  @Test
  void depthwiseStridesAndRowRemainders() {
    GraphBuilder gb = graph("depthwise", 24, 19, 21);
    String e = gb.clip(same(gb, "pw", X, 40, 24, 1), 0f, 6f);
    String y = gb.clip(gb.conv("dw", e, w(40, 1, 3, 3), b(40), 2, 1, 40), 0f, 6f);
    String z = gb.conv("dw2", y, w(40, 1, 5, 5), b(40), 1, 2, 40);
    y = gb.add(z, y);
    y = gb.hardSwish(gb.conv("pw2", y, w(16, 40, 1, 1), null, 1, 0, 1));
    // e, 21 wide, also leaves the blocked layout: rows long enough for the bulk row copy
    check(gb, List.of(y, e), 1, 3);
  }

  @Test
  void depthwise3x3RowGroups() {
    // BlockedDepthwise3x3 takes rows 8 pixels at a time, the rest in groups of 4, 3, 2 or 1:
    // widths 15 (8 + 4 + 3), 5 (4 + 1), 16 at stride 1, 8, 4, 3 at stride 2; 20 channels (a
    // partial block)
    GraphBuilder gb = graph("depthwise3x3", 20, 11, 15);
    String a = gb.clip(gb.conv("s1", X, w(20, 1, 3, 3), b(20), 1, 1, 20), 0f, 6f);
    String c = gb.conv("s2", X, w(20, 1, 3, 3), b(20), 2, 1, 20);
    String d = gb.conv("s2b", c, w(20, 1, 3, 3), null, 2, 1, 20);
    String e = gb.add(gb.conv("s1b", a, w(20, 1, 3, 3), b(20), 1, 1, 20), a);
    check(gb, List.of(e, c, d), 1, 2);
    GraphBuilder narrow = new GraphBuilder("depthwise3x3 narrow");
    String xn = narrow.input("x", -1, 16, 4, 5);
    String yn = narrow.conv("s1", xn, w(16, 1, 3, 3), b(16), 1, 1, 16);
    String zn = narrow.conv("s2", xn, w(16, 1, 3, 3), b(16), 2, 1, 16);
    check(narrow, List.of(yn, zn), 1);
    GraphBuilder wide = new GraphBuilder("depthwise3x3 wide");
    String xw = wide.input("x", -1, 16, 3, 16);
    String yw = wide.relu(wide.conv("s1", xw, w(16, 1, 3, 3), b(16), 1, 1, 16));
    check(wide, List.of(yw), 1);
    // the remainders: stride 1 widths 14 (8 + 4 + 2), 11 (8 + 3), 9 (8 + 1); stride 2 outputs
    // 7 (4 + 3), 6 (4 + 2), 5 (4 + 1)
    for (int width : new int[] {14, 11, 9}) {
      GraphBuilder r = new GraphBuilder("depthwise3x3 width " + width);
      String xr = r.input("x", -1, 16, 3, width);
      String s1 = r.conv("s1", xr, w(16, 1, 3, 3), b(16), 1, 1, 16);
      String s2 = r.conv("s2", xr, w(16, 1, 3, 3), b(16), 2, 1, 16);
      check(r, List.of(s1, s2), 1);
    }
  }

  @Test
  void poolingForms() {
    GraphBuilder gb = graph("pools", 3, 23, 17);
    String c = gb.relu(gb.conv("a", X, w(18, 3, 7, 7), b(18), 2, 3, 1));
    String m = gb.maxPool(c, 3, 2, 1);
    String a = gb.op("AveragePool", c).attr("kernel_shape", 3L, 2L).attr("strides", 2L, 2L)
        .attr("pads", 1L, 0L, 1L, 1L).attr("count_include_pad", 1L).attr("ceil_mode", 1L).out();
    String a2 = gb.op("AveragePool", c).attr("kernel_shape", 2L, 2L).attr("strides", 2L, 2L)
        .out();
    String ga = gb.globalAveragePool(same(gb, "b", m, 20, 18, 3));
    String gm = gb.op("GlobalMaxPool", a).out();
    check(gb, List.of(m, a, a2, ga, gm), 1, 3);
  }

  @Test
  void poolWindowsInsideTheInputAndAcrossItsBorder() {
    // kernel, stride, pads (top, left, bottom, right), dilation: windows wholly inside the input
    // take the straight-line path, the others the clipped one; both must agree with ORT
    long[][] forms = {{2, 2, 0, 0, 0, 0, 1}, {3, 2, 1, 1, 1, 1, 1}, {3, 1, 1, 0, 1, 2, 1},
        {2, 1, 0, 0, 1, 1, 2}, {3, 3, 2, 2, 2, 2, 2}, {4, 2, 1, 1, 1, 1, 1}};
    for (String op : List.of("MaxPool", "AveragePool")) {
      GraphBuilder gb = new GraphBuilder(op + " windows");
      String c = gb.relu(gb.conv("a", gb.input("x", -1, 3, 13, 11), w(18, 3, 3, 3), b(18), 1, 1, 1));
      List<String> outs = new java.util.ArrayList<>();
      for (long[] f : forms) {
        GraphBuilder.Op p = gb.op(op, c).attr("kernel_shape", f[0], f[0])
            .attr("strides", f[1], f[1]).attr("pads", f[2], f[3], f[4], f[5]);
        // MaxPool: dilation f[6]; AveragePool: count_include_pad = f[6] - 1
        outs.add((op.equals("MaxPool") ? p.attr("dilations", f[6], f[6])
            : p.attr("count_include_pad", f[6] - 1)).out());
      }
      check(gb, outs, 1, 3);
    }
  }

  @Test
  void aOneByOneMapBackToNchwInRunsThatSplitImages() {
    // 60 images x 40 channels of 1 x 1: the reorder's tasks take 2048 planes each, so the second
    // starts inside image 51; channels 32..39 sit in a half-used block
    GraphBuilder gb = graph("1x1 to nchw", 3, 5, 5);
    check(gb, List.of(gb.globalAveragePool(same(gb, "a", X, 40, 3, 3))), 60, 1);
  }

  @Test
  void standaloneAddAndActivationWithTwoReaders() {
    GraphBuilder gb = graph("elementwise", 17, 8, 8);
    String p = same(gb, "a", X, 17, 17, 3);
    String q = same(gb, "b", X, 17, 17, 1);
    String r = gb.tanh(p);
    String s = gb.add(r, q);
    String t = gb.add(s, r);
    String y = gb.conv("c", t, w(8, 17, 3, 3), null, 1, 1, 1);
    check(gb, List.of(y), 1, 3);
  }

  @Test
  void oneNetworkAcrossBatchSizes() {
    GraphBuilder gb = graph("net", 1, 12, 12);
    String y = gb.relu(same(gb, "a", X, 32, 1, 3));
    y = gb.maxPool(gb.relu(same(gb, "b", y, 64, 32, 3)), 2, 2, 0);
    y = gb.relu(same(gb, "c", y, 48, 64, 3));
    y = gb.flatten(y, 1);
    y = gb.gemm("fc", y, Parity.random(seed++, -0.05f, 0.05f, 10, 48 * 36), b(10), true);
    check(gb, List.of(y), 1, 2, 7);
  }

  @Test
  void blocksAreOneVectorWide() {
    assumeTrue(VectorSupport.enabled(), "needs the Vector API");
    boolean narrow = "8".equals(System.getProperty("bocomp.cpu.lanes", "").trim())
        || jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() < 512;
    assertThat(VectorSupport.blockedLanes()).isEqualTo(narrow ? 8 : 16);
  }

  @Test
  void withoutTheVectorApiNothingIsBlocked() {
    assumeTrue(VectorSupport.modulePresent(), "needs the module to turn it off");
    GraphBuilder gb = new GraphBuilder("off");
    String x = gb.input("x", 2, 8, 6, 6);
    String y = gb.relu(same(gb, "a", x, 8, 8, 3));
    gb.output(y);
    Graph g = gb.build();
    Map<String, Tensor> feeds = Map.of("x", Parity.random(3, 2, 8, 6, 6));
    VectorSupport.forced = false;
    try (CpuExecutable e = (CpuExecutable) cpu.get().compile(g, 17)) {
      assertThat(e.reorderCount(feeds, List.of(y))).isZero();
      Parity.assertClose("off", OrtReference.run(g, 17, feeds, List.of(y)).get(y),
          e.run(feeds, List.of(y)).get(y));
    } finally {
      VectorSupport.forced = null;
    }
  }
}
