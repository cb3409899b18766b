package io.bocomp.engine.cpu;

import io.bocomp.engine.Parity;
import io.bocomp.model.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CPU kernel against ONNX Runtime on one-node models with awkward parameters: the engine's
 * output must be within {@code 1e-4 * max|ORT output|} (int64 outputs: identical).
 */
class CpuOpConformanceTest extends CpuConformance {

  @ParameterizedTest(name = "{0}")
  @MethodSource({"convolutions", "matrices", "elementwise", "pools", "layout", "shapes"})
  void matchesOnnxRuntime(OpCase c) {
    assertMatchesOnnxRuntime(c);
  }

  static Stream<OpCase> convolutions() {
    return Stream.of(
        OpCase.of("conv 3x3 pad 1", 13, "Conv").input("x", 1, 3, 8, 8).weight("w", 4, 3, 3, 3)
            .weight("b", 4).ints("pads", 1, 1, 1, 1),
        OpCase.of("conv batch 3 stride 2 asymmetric pads", 13, "Conv").input("x", 3, 5, 11, 10)
            .weight("w", 6, 5, 3, 3).weight("b", 6).ints("strides", 2, 2)
            .ints("pads", 0, 1, 2, 1),
        OpCase.of("conv dilation 2", 11, "Conv").input("x", 2, 4, 11, 9).weight("w", 5, 4, 3, 3)
            .ints("dilations", 2, 2).ints("pads", 2, 1, 2, 1),
        OpCase.of("conv groups 2 small", 13, "Conv").input("x", 3, 4, 7, 7)
            .weight("w", 6, 2, 3, 3).weight("b", 6).integer("group", 2).ints("pads", 1, 1, 1, 1),
        OpCase.of("conv groups 2 wide (im2col per group)", 13, "Conv").input("x", 2, 16, 9, 8)
            .weight("w", 12, 8, 3, 3).integer("group", 2).ints("strides", 1, 2),
        OpCase.of("depthwise 3x3", 13, "Conv").input("x", 2, 8, 9, 9).weight("w", 8, 1, 3, 3)
            .weight("b", 8).integer("group", 8).ints("pads", 1, 1, 1, 1),
        OpCase.of("depthwise stride 2 multiplier 2", 13, "Conv").input("x", 3, 6, 10, 11)
            .weight("w", 12, 1, 3, 3).integer("group", 6).ints("strides", 2, 2)
            .ints("pads", 1, 0, 1, 2),
        OpCase.of("depthwise dilation 2 batch 7", 13, "Conv").input("x", 7, 4, 12, 12)
            .weight("w", 4, 1, 3, 3).integer("group", 4).ints("dilations", 2, 2)
            .ints("pads", 2, 2, 2, 2),
        OpCase.of("auto_pad SAME_UPPER stride 2", 13, "Conv").input("x", 1, 3, 10, 10)
            .weight("w", 4, 3, 3, 3).string("auto_pad", "SAME_UPPER").ints("strides", 2, 2),
        OpCase.of("auto_pad SAME_LOWER even kernel", 13, "Conv").input("x", 2, 3, 9, 9)
            .weight("w", 4, 3, 4, 4).string("auto_pad", "SAME_LOWER").ints("strides", 2, 2),
        OpCase.of("auto_pad VALID", 13, "Conv").input("x", 2, 3, 9, 8).weight("w", 4, 3, 3, 2)
            .weight("b", 4).string("auto_pad", "VALID"),
        OpCase.of("pointwise 1x1 large image", 13, "Conv").input("x", 2, 16, 20, 20)
            .weight("w", 8, 16, 1, 1).weight("b", 8),
        OpCase.of("pointwise 1x1 small images batched", 13, "Conv").input("x", 7, 16, 7, 7)
            .weight("w", 24, 16, 1, 1).weight("b", 24),
        OpCase.of("1x1 stride 2 downsample", 13, "Conv").input("x", 3, 8, 14, 14)
            .weight("w", 16, 8, 1, 1).ints("strides", 2, 2),
        OpCase.of("7x7 stride 2 stem", 13, "Conv").input("x", 2, 3, 32, 32)
            .weight("w", 8, 3, 7, 7).weight("b", 8).ints("strides", 2, 2)
            .ints("pads", 3, 3, 3, 3),
        OpCase.of("batch 7 multi-image tiles", 13, "Conv").input("x", 7, 16, 6, 6)
            .weight("w", 24, 16, 3, 3).weight("b", 24).ints("pads", 1, 1, 1, 1),
        OpCase.of("large K 64x64", 13, "Conv").input("x", 2, 64, 8, 8).weight("w", 64, 64, 3, 3)
            .weight("b", 64).ints("pads", 1, 1, 1, 1),
        OpCase.of("winograd 3x3 even size", 13, "Conv").input("x", 2, 64, 12, 12)
            .weight("w", 64, 64, 3, 3).weight("b", 64).ints("pads", 1, 1, 1, 1),
        OpCase.of("winograd 3x3 odd sizes asymmetric pads batch 3", 13, "Conv")
            .input("x", 3, 64, 11, 13).weight("w", 72, 64, 3, 3).weight("b", 72)
            .ints("pads", 0, 1, 2, 1),
        OpCase.of("winograd 3x3 no padding no bias", 13, "Conv").input("x", 1, 80, 14, 12)
            .weight("w", 64, 80, 3, 3),
        OpCase.of("winograd 3x3 SAME_UPPER", 13, "Conv").input("x", 2, 64, 10, 15)
            .weight("w", 64, 64, 3, 3).string("auto_pad", "SAME_UPPER"),
        OpCase.of("few pixels many channels (channel tiles)", 13, "Conv").input("x", 2, 48, 3, 3)
            .weight("w", 136, 48, 3, 3).weight("b", 136).ints("pads", 1, 1, 1, 1),
        OpCase.of("channel tiles with stride 2", 13, "Conv").input("x", 1, 32, 4, 4)
            .weight("w", 96, 32, 3, 3).ints("pads", 1, 1, 1, 1).ints("strides", 2, 2),
        // Awkward shapes for the Vector API kernels (VectorConvKernel: 16/8-wide channel blocks,
        // 6-pixel tiles over polyphase planes; VectorWinogradKernel: 6-channel by 16-tile blocks).
        OpCase.of("vector direct 20 channels odd 9x7 batch 7", 13, "Conv").input("x", 7, 5, 9, 7)
            .weight("w", 20, 5, 3, 3).weight("b", 20).ints("pads", 1, 1, 1, 1),
        OpCase.of("vector direct 33 channels stride 2x1 dilation 2 batch 1", 13, "Conv")
            .input("x", 1, 7, 15, 12).weight("w", 33, 7, 3, 3).weight("b", 33)
            .ints("strides", 2, 1).ints("dilations", 2, 2).ints("pads", 2, 1, 1, 2),
        OpCase.of("vector direct groups 3 of 6 channels", 13, "Conv").input("x", 2, 18, 10, 9)
            .weight("w", 27, 6, 3, 3).weight("b", 27).integer("group", 3)
            .ints("pads", 1, 0, 0, 1),
        OpCase.of("vector direct 5x5 stride 3", 13, "Conv").input("x", 3, 4, 17, 16)
            .weight("w", 10, 4, 5, 5).ints("strides", 3, 3).ints("pads", 2, 2, 2, 2),
        OpCase.of("vector direct 1x1 13 to 21 channels batch 7", 13, "Conv")
            .input("x", 7, 13, 5, 5).weight("w", 21, 13, 1, 1).weight("b", 21),
        OpCase.of("vector winograd 65 to 67 channels odd 9x9 batch 7", 13, "Conv")
            .input("x", 7, 65, 9, 9).weight("w", 67, 65, 3, 3).weight("b", 67)
            .ints("pads", 1, 1, 1, 1),
        OpCase.of("vector winograd odd 8x9 output no padding", 13, "Conv")
            .input("x", 1, 64, 10, 11).weight("w", 64, 64, 3, 3),
        OpCase.of("3x3 with a 1x1 output (vector direct, not Winograd)", 13, "Conv")
            .input("x", 1, 16, 3, 3).weight("w", 16, 16, 3, 3),
        OpCase.of("vector winograd wide 5x31 asymmetric pads batch 1", 13, "Conv")
            .input("x", 1, 64, 5, 31).weight("w", 70, 64, 3, 3).weight("b", 70)
            .ints("pads", 0, 1, 2, 0),
        OpCase.of("3x3 stride 1, 20 to 40 channels (vector direct, not Winograd)", 13, "Conv")
            .input("x", 1, 20, 9, 9).weight("w", 40, 20, 3, 3).weight("b", 40)
            .ints("pads", 1, 1, 1, 1),
        OpCase.of("kernel_shape attribute, no bias", 9, "Conv").input("x", 1, 2, 5, 6)
            .weight("w", 3, 2, 2, 3).ints("kernel_shape", 2, 3),
        OpCase.of("conv 1-D", 13, "Conv").input("x", 2, 4, 17).weight("w", 6, 4, 5)
            .weight("b", 6).ints("pads", 2, 1).ints("strides", 2),
        OpCase.of("conv transpose stride 2", 13, "ConvTranspose").input("x", 2, 4, 5, 6)
            .weight("w", 4, 3, 3, 3).weight("b", 3).ints("strides", 2, 2),
        OpCase.of("conv transpose pads output_padding dilation", 13, "ConvTranspose")
            .input("x", 1, 3, 6, 5).weight("w", 3, 2, 3, 2).ints("strides", 2, 3)
            .ints("pads", 1, 0, 1, 1).ints("output_padding", 1, 2).ints("dilations", 1, 2),
        OpCase.of("conv transpose groups", 13, "ConvTranspose").input("x", 2, 4, 4, 4)
            .weight("w", 4, 3, 2, 2).weight("b", 6).integer("group", 2).ints("strides", 2, 2),
        OpCase.of("conv transpose output_shape", 13, "ConvTranspose").input("x", 1, 2, 4, 4)
            .weight("w", 2, 3, 3, 3).ints("strides", 2, 2).ints("output_shape", 8, 8),
        OpCase.of("conv transpose SAME_UPPER", 13, "ConvTranspose").input("x", 1, 2, 5, 4)
            .weight("w", 2, 3, 3, 3).ints("strides", 2, 2).string("auto_pad", "SAME_UPPER"),
        OpCase.of("conv transpose 1-D", 13, "ConvTranspose").input("x", 2, 3, 7)
            .weight("w", 3, 4, 3).ints("strides", 2).ints("pads", 1, 0),
        OpCase.of("conv 1-D depthwise", 13, "Conv").input("x", 2, 4, 17).weight("w", 4, 1, 3)
            .integer("group", 4).ints("pads", 1, 1));
  }

  static Stream<OpCase> matrices() {
    return Stream.of(
        OpCase.of("gemm plain", 13, "Gemm").input("a", 3, 5).weight("b", 5, 4),
        OpCase.of("gemm transB bias row", 13, "Gemm").input("a", 7, 6).weight("b", 4, 6)
            .weight("c", 4).integer("transB", 1),
        OpCase.of("gemm transA alpha beta C column", 13, "Gemm").input("a", 6, 3)
            .weight("b", 6, 5).weight("c", 3, 1).integer("transA", 1).real("alpha", 0.5f)
            .real("beta", 2f),
        OpCase.of("gemm transA transB scalar C", 11, "Gemm").input("a", 6, 3).weight("b", 5, 6)
            .weight("c", 1).integer("transA", 1).integer("transB", 1).real("beta", -1.5f),
        OpCase.of("gemm full C beta 0.3", 9, "Gemm").input("a", 4, 3).weight("b", 3, 5)
            .weight("c", 4, 5).real("beta", 0.3f),
        OpCase.of("gemm large split over columns", 13, "Gemm").input("a", 50, 300)
            .weight("b", 256, 300).weight("c", 256).integer("transB", 1),
        OpCase.of("gemm large split over rows", 13, "Gemm").input("a", 200, 300)
            .weight("b", 300, 10).weight("c", 1, 10),
        OpCase.of("gemm one row transB (gemv, split)", 13, "Gemm").input("a", 1, 700)
            .weight("b", 512, 700).weight("c", 512).integer("transB", 1),
        OpCase.of("gemm one row full C (gemv)", 13, "Gemm").input("a", 1, 700)
            .weight("b", 700, 300).weight("c", 1, 300).real("beta", 0.5f).real("alpha", 2f),
        OpCase.of("gemm without C", 13, "Gemm").input("a", 2, 3).weight("b", 3, 4),
        OpCase.of("matmul 2-D", 13, "MatMul").input("a", 5, 7).weight("b", 7, 3),
        OpCase.of("matmul 1-D x 2-D", 13, "MatMul").input("a", 7).weight("b", 7, 3),
        OpCase.of("matmul 2-D x 1-D", 13, "MatMul").input("a", 5, 7).weight("b", 7),
        OpCase.of("matmul 1-D x 1-D", 13, "MatMul").input("a", 7).weight("b", 7),
        OpCase.of("matmul batched shared B", 13, "MatMul").input("a", 2, 3, 4, 5)
            .weight("b", 5, 6),
        OpCase.of("matmul batch broadcast", 13, "MatMul").input("a", 2, 1, 4, 5)
            .input("b", 3, 5, 6),
        OpCase.of("matmul broadcast A", 13, "MatMul").input("a", 4, 5).input("b", 2, 5, 6),
        OpCase.of("matmul 3-D x 1-D", 13, "MatMul").input("a", 2, 4, 5).input("b", 5));
  }

  static Stream<OpCase> elementwise() {
    return Stream.of(
        OpCase.of("add same shape", 13, "Add").input("a", 2, 3, 4).input("b", 2, 3, 4),
        OpCase.of("add channel bias", 13, "Add").input("a", 3, 4, 5, 6).weight("b", 4, 1, 1),
        OpCase.of("mul outer broadcast", 13, "Mul").input("a", 3, 1, 5).input("b", 4, 1),
        OpCase.of("sub broadcast left", 13, "Sub").input("a", 1, 5).input("b", 3, 1),
        OpCase.of("div scalar", 13, "Div").input("a", 2, 3, 5).scalar("b", 3f),
        OpCase.of("div by tensor", 13, "Div").input("a", 4, 6)
            .weight("b", Parity.random(7, 0.5f, 2f, 4, 6)),
        OpCase.of("sub scalar minus tensor", 13, "Sub").scalar("a", 1f).input("b", 2, 3),
        OpCase.of("add long rows", 13, "Add").input("a", 2, 9000).input("b", 2, 9000),
        OpCase.of("prelu channel slope", 9, "PRelu").input("x", 2, 3, 4, 4).weight("s", 3, 1, 1),
        OpCase.of("prelu scalar slope", 16, "PRelu").input("x", 2, 5).weight("s", 1),
        OpCase.of("relu", 14, "Relu").input("x", 3, 40000),
        OpCase.of("leaky relu", 16, "LeakyRelu").input("x", 2, 7, 9).real("alpha", 0.2f),
        OpCase.of("clip attributes (opset 6)", 6, "Clip").input("x", 3, 17).real("min", -0.3f)
            .real("max", 0.4f),
        OpCase.of("clip min and max inputs", 11, "Clip").input("x", 3, 17).scalar("lo", -0.3f)
            .scalar("hi", 0.4f),
        OpCase.of("clip max only", 13, "Clip").input("x", 3, 17).skip().scalar("hi", 0.25f),
        OpCase.of("clip no bounds", 13, "Clip").input("x", 3, 17),
        OpCase.of("sigmoid", 13, "Sigmoid").input("x", 4, 33),
        OpCase.of("hard sigmoid", 13, "HardSigmoid").input("x", 4, 33).real("alpha", 0.3f)
            .real("beta", 0.4f),
        OpCase.of("hard swish", 14, "HardSwish").input("x", Parity.random(3, -5f, 5f, 4, 33)),
        OpCase.of("tanh", 13, "Tanh").input("x", 4, 33),
        OpCase.of("batchnorm 4-D", 15, "BatchNormalization").input("x", 3, 4, 5, 6)
            .weight("scale", 4).weight("bias", 4).weight("mean", 4)
            .weight("var", Parity.random(9, 0.5f, 2f, 4)).real("epsilon", 1e-3f),
        OpCase.of("batchnorm 2-D (opset 9)", 9, "BatchNormalization").input("x", 5, 4)
            .weight("scale", 4).weight("bias", 4).weight("mean", 4)
            .weight("var", Parity.random(9, 0.5f, 2f, 4)),
        OpCase.of("softmax legacy axis 1 coerces to 2-D", 11, "Softmax").input("x", 2, 3, 4),
        OpCase.of("softmax legacy default axis 4-D", 11, "Softmax").input("x", 2, 3, 2, 2),
        OpCase.of("softmax opset 13 non-last axis", 13, "Softmax").input("x", 2, 3, 4)
            .integer("axis", 1),
        OpCase.of("softmax opset 13 default last axis", 13, "Softmax").input("x", 5, 10),
        OpCase.of("softmax opset 13 axis 0", 13, "Softmax").input("x", 3, 2, 5)
            .integer("axis", -3));
  }

  static Stream<OpCase> pools() {
    return Stream.of(
        OpCase.of("maxpool 2x2 stride 2", 13, "MaxPool").input("x", 2, 3, 8, 8)
            .ints("kernel_shape", 2, 2).ints("strides", 2, 2),
        OpCase.of("maxpool 2x2 stride 2 odd size", 13, "MaxPool").input("x", 2, 3, 7, 9)
            .ints("kernel_shape", 2, 2).ints("strides", 2, 2),
        OpCase.of("maxpool 3x3 stride 2 pad 1", 13, "MaxPool").input("x", 2, 3, 16, 16)
            .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1),
        OpCase.of("maxpool ceil mode", 13, "MaxPool").input("x", 1, 2, 7, 7)
            .ints("kernel_shape", 2, 2).ints("strides", 2, 2).integer("ceil_mode", 1),
        OpCase.of("maxpool ceil mode with pads", 13, "MaxPool").input("x", 1, 2, 8, 8)
            .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
            .integer("ceil_mode", 1),
        OpCase.of("maxpool ceil mode drops window in padding", 13, "MaxPool")
            .input("x", 2, 2, 5, 5).ints("kernel_shape", 2, 2).ints("strides", 2, 2)
            .ints("pads", 1, 1, 1, 1).integer("ceil_mode", 1),
        OpCase.of("avgpool ceil mode drops window in padding", 13, "AveragePool")
            .input("x", 2, 2, 5, 5).ints("kernel_shape", 2, 2).ints("strides", 2, 2)
            .ints("pads", 1, 1, 1, 1).integer("ceil_mode", 1).integer("count_include_pad", 1),
        OpCase.of("maxpool dilation", 13, "MaxPool").input("x", 1, 2, 9, 9)
            .ints("kernel_shape", 2, 2).ints("dilations", 2, 2),
        OpCase.of("maxpool SAME_UPPER", 13, "MaxPool").input("x", 2, 2, 7, 6)
            .ints("kernel_shape", 3, 3).ints("strides", 2, 2).string("auto_pad", "SAME_UPPER"),
        OpCase.of("maxpool 1-D", 13, "MaxPool").input("x", 2, 3, 11)
            .ints("kernel_shape", 3).ints("strides", 2),
        OpCase.of("avgpool exclude pad", 13, "AveragePool").input("x", 2, 3, 7, 7)
            .ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1),
        OpCase.of("avgpool include pad", 13, "AveragePool").input("x", 2, 3, 7, 7)
            .ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1)
            .integer("count_include_pad", 1),
        OpCase.of("avgpool ceil mode include pad", 13, "AveragePool").input("x", 1, 2, 8, 8)
            .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 1, 1, 1, 1)
            .integer("ceil_mode", 1).integer("count_include_pad", 1),
        OpCase.of("avgpool ceil mode exclude pad", 13, "AveragePool").input("x", 1, 2, 8, 8)
            .ints("kernel_shape", 3, 3).ints("strides", 2, 2).ints("pads", 0, 0, 1, 1)
            .integer("ceil_mode", 1),
        OpCase.of("avgpool 2x2 stride 2 opset 7", 7, "AveragePool").input("x", 3, 4, 6, 6)
            .ints("kernel_shape", 2, 2).ints("strides", 2, 2),
        OpCase.of("global average pool", 13, "GlobalAveragePool").input("x", 3, 5, 7, 6),
        OpCase.of("global max pool", 13, "GlobalMaxPool").input("x", 3, 5, 7, 6));
  }

  static Stream<OpCase> layout() {
    return Stream.of(
        OpCase.of("flatten axis 1", 13, "Flatten").input("x", 2, 3, 4, 5),
        OpCase.of("flatten axis 0", 13, "Flatten").input("x", 2, 3, 4).integer("axis", 0),
        OpCase.of("flatten axis -1", 13, "Flatten").input("x", 2, 3, 4).integer("axis", -1),
        OpCase.of("reshape 0 and -1", 13, "Reshape").input("x", 2, 3, 4, 5).longs("s", 0, -1, 5),
        OpCase.of("reshape explicit", 14, "Reshape").input("x", 2, 6).longs("s", 3, 2, 2),
        OpCase.of("transpose reverse", 13, "Transpose").input("x", 2, 3, 4),
        OpCase.of("transpose NCHW to NHWC", 13, "Transpose").input("x", 2, 3, 4, 5)
            .ints("perm", 0, 2, 3, 1),
        OpCase.of("transpose keeps last axis", 13, "Transpose").input("x", 2, 3, 4, 5)
            .ints("perm", 1, 0, 2, 3),
        OpCase.of("transpose with unit dims", 13, "Transpose").input("x", 1, 3, 1, 5)
            .ints("perm", 3, 2, 0, 1),
        OpCase.of("concat axis 1 three inputs", 13, "Concat").input("a", 2, 3, 4)
            .input("b", 2, 1, 4).weight("c", 2, 2, 4).integer("axis", 1),
        OpCase.of("concat negative axis", 13, "Concat").input("a", 2, 3).input("b", 2, 5)
            .integer("axis", -1),
        OpCase.of("gather axis 0", 13, "Gather").input("x", 5, 3).longs("i", 4, 0, -1, 2),
        OpCase.of("gather axis 1 scalar index", 13, "Gather").input("x", 2, 5, 3)
            .weight("i", Tensor.ofLongs(new int[0], new long[] {-2})).integer("axis", 1),
        OpCase.of("unsqueeze axes attribute", 11, "Unsqueeze").input("x", 3, 4)
            .ints("axes", 0, 3),
        OpCase.of("unsqueeze axes input", 13, "Unsqueeze").input("x", 3, 4).longs("a", -1, 1),
        OpCase.of("squeeze axes attribute", 11, "Squeeze").input("x", 1, 3, 1, 4)
            .ints("axes", 0, 2),
        OpCase.of("squeeze all unit axes", 13, "Squeeze").input("x", 1, 3, 1, 4),
        OpCase.of("squeeze axes input", 13, "Squeeze").input("x", 1, 3, 1, 4).longs("a", -2),
        OpCase.of("identity", 13, "Identity").input("x", 3, 4),
        OpCase.of("dropout opset 12 inference", 12, "Dropout").input("x", 3, 4),
        OpCase.of("dropout opset 7 ratio attribute", 7, "Dropout").input("x", 3, 4)
            .real("ratio", 0.3f));
  }

  static Stream<OpCase> shapes() {
    return Stream.of(
        OpCase.of("shape", 13, "Shape").input("x", 2, 3, 4).int64Output(),
        OpCase.of("shape start end (opset 15)", 15, "Shape").input("x", 2, 3, 4, 5)
            .integer("start", 1).integer("end", -1).int64Output(),
        OpCase.of("int64 gather of a shape", 13, "Gather")
            .weight("s", Tensor.ofLongs(new int[] {4}, new long[] {2, 3, 4, 5}))
            .longs("i", 0, 3).int64Output(),
        OpCase.of("int64 concat", 13, "Concat").longs("a", 7).longs("b", -1, 5)
            .integer("axis", 0).int64Output(),
        OpCase.of("int64 mul broadcast", 13, "Mul")
            .weight("a", Tensor.ofLongs(new int[] {2, 1}, new long[] {3, -4}))
            .longs("b", 5, 6, 7).int64Output(),
        OpCase.of("int64 div truncates", 13, "Div").longs("a", 7, -7, 9).longs("b", 2, 2, -4)
            .int64Output());
  }
}
