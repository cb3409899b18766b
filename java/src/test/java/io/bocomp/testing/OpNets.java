package io.bocomp.testing;

import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tiny networks that together exercise every supported op and the awkward attribute cases the big
 * {@link TestNets} do not: MatMul, Sub/Mul/Div with broadcasting, LeakyRelu, PRelu, Sigmoid,
 * HardSigmoid, Tanh, MaxPool with asymmetric pads and ceil_mode, AveragePool with and without
 * count_include_pad, Transpose, Concat, Softmax, Conv with auto_pad SAME_UPPER / SAME_LOWER, with
 * dilations and unequal strides, Gemm with transA/alpha/beta, Flatten at axis 2 and Reshape with 0,
 * a standalone BatchNormalization, Clip and HardSwish, ConvTranspose, GlobalMaxPool and Squeeze.
 *
 * <p>Each net has one float input "input" whose axis 0 is the batch (-1, "N"); outputs keep the
 * samples independent (sample i of the output depends only on sample i of the input), so a test
 * can check batch consistency. Weights are seeded and He-scaled; opset 17.
 */
public final class OpNets {
  private OpNets() {}

  /** All nets by name, in a fixed order. */
  public static Map<String, Model> all(long seed) {
    Map<String, Model> m = new LinkedHashMap<>();
    m.put("matmul", matMul(seed));
    m.put("sub_mul_div", subMulDiv(seed));
    m.put("leaky_prelu", leakyPRelu(seed));
    m.put("sigmoids_tanh", sigmoidsTanh(seed));
    m.put("maxpool_pads_ceil", maxPoolPadsCeil(seed));
    m.put("avgpool_count_include_pad", averagePools(seed));
    m.put("transpose", transpose(seed));
    m.put("concat", concat(seed));
    m.put("gemm_softmax", gemmSoftmax(seed));
    m.put("conv_auto_pad", convAutoPad(seed));
    m.put("conv_dilations_strides", convDilationsStrides(seed));
    m.put("flatten_reshape", flattenReshape(seed));
    m.put("batchnorm_clip_hardswish", batchNormClipHardSwish(seed));
    m.put("convtranspose_globalmaxpool_squeeze", convTransposeGlobalMaxPoolSqueeze(seed));
    return m;
  }

  /** (N,16) -> MatMul (16,8) -> Add bias -> Tanh -> MatMul (8,4). */
  public static Model matMul(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("matmul");
    String x = b.input("input", -1, 16);
    x = b.add(b.matMul(x, b.constant("w1", r.he(16, 16, 8))), b.constant("b1", r.normal(0.1, 8)));
    x = b.matMul(b.tanh(x), b.constant("w2", r.he(8, 8, 4)));
    b.output(x, -1, 4);
    return b.buildModel();
  }

  /** (N,4,5,5): (x - c[4,1,1]) * d[1,5] / e[scalar], then / a positive (4,1,1), ReLU. */
  public static Model subMulDiv(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("sub_mul_div");
    String x = b.input("input", -1, 4, 5, 5);
    x = b.op("Sub", x, b.constant("c", r.normal(0.5, 4, 1, 1))).out();
    x = b.mul(x, b.constant("d", r.uniform(0.5, 1.5, 1, 5)));
    x = b.op("Div", x, b.constant("e", Tensor.scalar(1.5f))).out();
    x = b.op("Div", x, b.constant("f", r.uniform(0.5, 2.0, 4, 1, 1))).out();
    b.output(b.relu(x), -1, 4, 5, 5);
    return b.buildModel();
  }

  /** Conv 1x1 (3->6) -> LeakyRelu(0.1) -> PRelu with per-channel slope (6,1,1). */
  public static Model leakyPRelu(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("leaky_prelu");
    String x = b.input("input", -1, 3, 6, 6);
    x = b.conv("conv", x, r.conv(6, 3, 1, 1), r.normal(0.1, 6), 1, 0, 1);
    x = b.op("LeakyRelu", x).attr("alpha", 0.1f).out();
    x = b.op("PRelu", x, b.constant("slope", r.uniform(0.05, 0.5, 6, 1, 1))).out();
    b.output(x, -1, 6, 6, 6);
    return b.buildModel();
  }

  /** (N,6): Concat(Sigmoid, HardSigmoid(alpha 0.3, beta 0.4), HardSigmoid default, Tanh) on axis 1. */
  public static Model sigmoidsTanh(long seed) {
    GraphBuilder b = new GraphBuilder("sigmoids_tanh");
    String x = b.input("input", -1, 6);
    String hs = b.op("HardSigmoid", x).attr("alpha", 0.3f).attr("beta", 0.4f).out();
    String hd = b.op("HardSigmoid", x).out();
    b.output(b.concat(1, b.sigmoid(x), hs, hd, b.tanh(x)), -1, 24);
    return b.buildModel();
  }

  /** (N,2,7,7): MaxPool 3x3/2 with pads (1,0,0,1) and ceil_mode, then MaxPool 2x2/1. */
  public static Model maxPoolPadsCeil(long seed) {
    GraphBuilder b = new GraphBuilder("maxpool_pads_ceil");
    String x = b.input("input", -1, 2, 7, 7);
    x = b.op("MaxPool", x).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L)
        .attr("pads", 1L, 0L, 0L, 1L).attr("ceil_mode", 1L).out();
    b.output(b.op("MaxPool", x).attr("kernel_shape", 2L, 2L).out(), -1, 2, 3, 3);
    return b.buildModel();
  }

  /**
   * (N,3,6,6): AveragePool 3x3/2 pad 1 with count_include_pad = 1 and, on a second output, the
   * same with count_include_pad = 0 and ceil_mode.
   */
  public static Model averagePools(long seed) {
    GraphBuilder b = new GraphBuilder("avgpool_count_include_pad");
    String x = b.input("input", -1, 3, 6, 6);
    b.output(b.op("AveragePool", x).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L)
        .attr("pads", 1L, 1L, 1L, 1L).attr("count_include_pad", 1L).out(), -1, 3, 3, 3);
    b.output(b.op("AveragePool", x).attr("kernel_shape", 3L, 3L).attr("strides", 2L, 2L)
        .attr("pads", 1L, 1L, 1L, 1L).attr("ceil_mode", 1L).out(), -1, 3, 4, 4);
    return b.buildModel();
  }

  /** (N,3,4,5) -> Transpose(0,2,3,1) -> MatMul (3,6) -> Transpose(0,3,1,2). */
  public static Model transpose(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("transpose");
    String x = b.input("input", -1, 3, 4, 5);
    x = b.transpose(x, 0, 2, 3, 1);
    x = b.matMul(x, b.constant("w", r.he(3, 3, 6)));
    b.output(b.transpose(x, 0, 3, 1, 2), -1, 6, 4, 5);
    return b.buildModel();
  }

  /** Two convs of one input (3x3 -> 4, 1x1 -> 2), concatenated on channels, ReLU. */
  public static Model concat(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("concat");
    String x = b.input("input", -1, 3, 5, 5);
    String a = b.conv("conv_a", x, r.conv(4, 3, 3, 3), r.normal(0.1, 4), 1, 1, 1);
    String c = b.conv("conv_b", x, r.conv(2, 3, 1, 1), null, 1, 0, 1);
    b.output(b.relu(b.concat(1, a, c)), -1, 6, 5, 5);
    return b.buildModel();
  }

  /**
   * (N,12): Gemm transB=0, alpha 0.7, beta 0.3, C of shape (1,8); Transpose to (8,N); Gemm
   * transA=1 (reads it back as (N,8)) with transB=1; Softmax over the last axis.
   */
  public static Model gemmSoftmax(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("gemm_softmax");
    String x = b.input("input", -1, 12);
    x = b.op("Gemm", x, b.constant("w1", r.he(12, 12, 8)), b.constant("c1", r.normal(0.5, 1, 8)))
        .attr("alpha", 0.7f).attr("beta", 0.3f).out();
    x = b.transpose(b.relu(x), 1, 0);
    x = b.op("Gemm", x, b.constant("w2", r.he(8, 5, 8)), b.constant("c2", r.normal(0.1, 5)))
        .attr("transA", 1L).attr("transB", 1L).out();
    b.output(b.softmax(x, -1), -1, 5);
    return b.buildModel();
  }

  /** Conv 4x4/2 with auto_pad SAME_UPPER (odd total padding), then Conv 2x2 SAME_LOWER. */
  public static Model convAutoPad(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("conv_auto_pad");
    String x = b.input("input", -1, 3, 9, 9);
    x = b.op("Conv", x, b.constant("w1", r.conv(4, 3, 4, 4)), b.constant("b1", r.normal(0.1, 4)))
        .attr("kernel_shape", 4L, 4L).attr("strides", 2L, 2L).attr("auto_pad", "SAME_UPPER").out();
    x = b.op("Conv", b.relu(x), b.constant("w2", r.conv(5, 4, 2, 2)))
        .attr("kernel_shape", 2L, 2L).attr("auto_pad", "SAME_LOWER").out();
    b.output(x, -1, 5, 5, 5);
    return b.buildModel();
  }

  /** Conv 3x3 dilation 2, stride (2,1), pads (2,1,1,2); then grouped conv (groups 2) dilation (1,3). */
  public static Model convDilationsStrides(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("conv_dilations_strides");
    String x = b.input("input", -1, 4, 11, 10);
    x = b.conv("conv1", x, r.conv(6, 4, 3, 3), r.normal(0.1, 6), new long[] {2, 1},
        new long[] {2, 1, 1, 2}, new long[] {2, 2}, 1);
    x = b.conv("conv2", b.relu(x), r.conv(4, 3, 3, 3), null, new long[] {1, 2},
        new long[] {1, 3, 1, 3}, new long[] {1, 3}, 2);
    b.output(x, -1, 4, 5, 5);
    return b.buildModel();
  }

  /** (N,2,3,4): Flatten axis 2 -> (2N,12), ReLU, Reshape (-1,24) -> (N,24), Reshape (0,4,-1) -> (N,4,6). */
  public static Model flattenReshape(long seed) {
    GraphBuilder b = new GraphBuilder("flatten_reshape");
    String x = b.input("input", -1, 2, 3, 4);
    x = b.relu(b.flatten(x, 2));
    x = b.reshape(x, -1, 24);
    x = b.reshape(x, 0, 4, -1);
    b.output(x, -1, 4, 6);
    return b.buildModel();
  }

  /**
   * (N,4,5,5): ReLU -> BatchNormalization (not after a conv, so it stays unfolded) -> Clip(-1, 1)
   * -> HardSwish -> GlobalAveragePool.
   */
  public static Model batchNormClipHardSwish(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("batchnorm_clip_hardswish");
    String x = b.input("input", -1, 4, 5, 5);
    x = TestNets.bn(b, r, "bn", b.relu(x), 4, 0.8, 1.2);
    x = b.hardSwish(b.clip(x, -1f, 1f));
    b.output(b.globalAveragePool(x), -1, 4, 1, 1);
    return b.buildModel();
  }

  /**
   * (N,4,5,5): ConvTranspose 4 -> 3 channels (3x3, stride 2, pads 1, output 9x9) with bias ->
   * GlobalMaxPool -> Squeeze axes (2, 3) (an input, opset 13 on) -> (N,3).
   */
  public static Model convTransposeGlobalMaxPoolSqueeze(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("convtranspose_globalmaxpool_squeeze");
    String x = b.input("input", -1, 4, 5, 5);
    x = b.op("ConvTranspose", x, b.constant("w", r.he(4 * 9, 4, 3, 3, 3)),
        b.constant("b", r.normal(0.1, 3))).attr("kernel_shape", 3, 3).attr("strides", 2, 2)
        .attr("pads", 1, 1, 1, 1).out();
    x = b.op("GlobalMaxPool", x).out();
    x = b.op("Squeeze", x, b.constant("axes", Tensor.ofLongs(new int[] {2}, new long[] {2, 3})))
        .out();
    b.output(x, -1, 3);
    return b.buildModel();
  }
}
