package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * A 2-D convolution built once for fixed shapes whose weights change between runs, for the
 * fine-tuner ({@code io.bocomp.train}): the inference engine's direct Vector API kernel
 * ({@link VectorConvKernel}) with its packed weights reloaded from the current parameters instead
 * of fixed at plan time. Not {@link VectorWinogradKernel}: on one thread at batch 32 the direct
 * kernel was faster on every 3x3 layer of the default model, forward and input gradient (the whole
 * training step 93.0 ms against 101.6 ms per 32 images, 2026-11-23). Two uses:
 *
 * <ul>
 *   <li>{@link #forward}: {@code y = conv(x, W) + b}, as the Conv node computes it;
 *   <li>{@link #inputGradient}: {@code dx += conv(dy, W')} for a stride-1 convolution, where
 *       {@code W'[g·C/g + c][m][i][j] = W[g·M/g + m][c][kh-1-i][kw-1-j]} (the weights flipped and
 *       their channel axes swapped within each group) and the padding is {@code d·(k-1) - pad} on
 *       each side. That is the adjoint of the forward convolution, computed as a convolution: no
 *       column matrix and no col2im scatter. The accumulation is the kernel's fused residual add,
 *       reading {@code dx} as the residual and writing it in place.
 * </ul>
 *
 * <p>An instance runs on the calling thread and owns its scratch: one per worker, not shared.
 * {@link #available()} is false without the Vector API ({@link VectorSupport}); callers then use
 * their own im2col path.
 */
public final class TrainableConv {
  private final VectorConvKernel kernel;
  private final WorkerPool pool;
  private final boolean accumulate;
  private final boolean hasBias;
  /** Input-gradient convolutions: the forward weights and the swapped, flipped ones. */
  private final float[] source;
  private final float[] flipped;
  private final int cg;
  private final int mg;
  private final int kh;
  private final int kw;
  private final int groups;

  private TrainableConv(KernelSpec spec, boolean accumulate, boolean hasBias, int[] forwardW,
      int groups) {
    ConvLayout l = new ConvLayout(spec);
    this.kernel = new VectorConvKernel(spec, l, 1);
    this.pool = new WorkerPool(1);
    pool.reserve(kernel);
    this.accumulate = accumulate;
    this.hasBias = hasBias;
    this.groups = groups;
    this.mg = forwardW[0] / groups;
    this.cg = forwardW[1];
    this.kh = forwardW[2];
    this.kw = forwardW[3];
    int size = accumulate ? spec.constant(1).size() : 0;
    this.source = accumulate ? new float[size] : null;
    this.flipped = accumulate ? new float[size] : null;
  }

  /** True if this JVM can run the Vector API kernels (else neither factory may be called). */
  public static boolean available() {
    return VectorSupport.enabled();
  }

  /**
   * The forward convolution of {@code conv} (a 2-D Conv node) for input shape {@code x} and weight
   * shape {@code w}, with a bias input when {@code bias}, followed by a Relu when {@code relu}.
   */
  public static TrainableConv forward(Node conv, long opset, int[] x, int[] w, boolean bias,
      boolean relu) {
    ConvGeometry g = geometry(conv, x, w);
    int[] y = {x[0], w[0], g.outSize(0), g.outSize(1)};
    Tensor[] consts = {null, Tensor.zeros(w), bias ? Tensor.zeros(w[0]) : null};
    int[][] ins = bias ? new int[][] {x, w, {w[0]}} : new int[][] {x, w};
    Activation act = relu ? Activation.of(Node.builder("Relu").build(), new Tensor[0])
        : null;
    KernelSpec spec = new KernelSpec(conv, opset, ins, consts, new int[][] {y}, act, false);
    return new TrainableConv(spec, false, bias, w, (int) conv.intAttr("group", 1));
  }

  /**
   * The input-gradient convolution of {@code conv} for input shape {@code x} and weight shape
   * {@code w}, or null when it is not a stride-1 convolution whose padding on every side is at
   * most {@code dilation·(kernel-1)} (those keep the caller's col2im path).
   */
  public static TrainableConv inputGradient(Node conv, long opset, int[] x, int[] w) {
    ConvGeometry g = geometry(conv, x, w);
    int groups = (int) conv.intAttr("group", 1);
    long[] pads = new long[4];
    for (int a = 0; a < 2; a++) {
      long reach = (long) g.dilation(a) * (w[2 + a] - 1);
      pads[a] = reach - g.padBegin(a);
      pads[2 + a] = reach - g.padEnd(a);
      if (g.stride(a) != 1 || pads[a] < 0 || pads[2 + a] < 0) {
        return null;
      }
    }
    int[] dy = {x[0], w[0], g.outSize(0), g.outSize(1)};
    int[] wt = {x[1], w[0] / groups, w[2], w[3]};
    Node adj = Node.builder("Conv").name(conv.name() + "/input_gradient").inputs("dy", "w")
        .outputs("dx").attr("kernel_shape", w[2], w[3]).attr("pads", pads)
        .attr("strides", 1, 1).attr("dilations", g.dilation(0), g.dilation(1))
        .attr("group", groups).build();
    KernelSpec spec = new KernelSpec(adj, opset, new int[][] {dy, wt, x},
        new Tensor[] {null, Tensor.zeros(wt)}, new int[][] {x}, null, true);
    return new TrainableConv(spec, true, false, w, groups);
  }

  private static ConvGeometry geometry(Node conv, int[] x, int[] w) {
    if (x.length != 4 || w.length != 4) {
      throw new IllegalArgumentException(conv.label() + ": trainable convolutions are 2-D, got"
          + " input rank " + x.length);
    }
    return ConvGeometry.of(conv, new int[] {x[2], x[3]}, new int[] {w[2], w[3]});
  }

  /**
   * Loads the current weights ({@code [M, C/group, kh, kw]}, the forward convolution's, for both
   * uses) and bias ({@code [M]}, forward only; null when built without one).
   */
  public void reload(FloatBuffer weights, FloatBuffer bias) {
    if (flipped == null) {
      kernel.reload(weights, hasBias ? bias : null);
      return;
    }
    int taps = kh * kw;
    weights.get(0, source, 0, source.length);
    for (int g = 0; g < groups; g++) {
      for (int mm = 0; mm < mg; mm++) {
        int src = (g * mg + mm) * cg * taps;
        for (int c = 0; c < cg; c++) {
          int dst = ((g * cg + c) * mg + mm) * taps;
          for (int t = 0; t < taps; t++) {
            flipped[dst + taps - 1 - t] = source[src + c * taps + t];
          }
        }
      }
    }
    kernel.reload(FloatBuffer.wrap(flipped), null);
  }

  /**
   * Forward: {@code out = conv(in)}. Input gradient: {@code out += conv(in, W')} with {@code in}
   * the output's gradient and {@code out} the input's.
   */
  public void run(FloatBuffer in, FloatBuffer out) {
    FloatBuffer[] ins = accumulate ? new FloatBuffer[] {in, null, out} : new FloatBuffer[] {in};
    kernel.run(ins, new FloatBuffer[] {out}, pool);
  }

  @Override
  public String toString() {
    return (accumulate ? "input gradient " : "forward ") + kernel;
  }
}
