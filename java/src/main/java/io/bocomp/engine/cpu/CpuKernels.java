package io.bocomp.engine.cpu;

import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.op.OpTable;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The CPU backend's operator registry: which op types of the op table ({@link OpTable}) it runs
 * and how. Ops fall in three kinds:
 * kernels (a {@link KernelFactory} each), views (Flatten, Reshape, Squeeze, Unsqueeze, Identity,
 * Dropout: the output is the input's buffer under another shape) and plan-time ops (Constant and
 * Shape, whose values never depend on run-time data).
 */
final class CpuKernels {
  /** Factories that also need the pool's thread count (to size work tiles). */
  @FunctionalInterface
  interface ThreadedFactory {
    Kernel create(KernelSpec spec, int threads);
  }

  private static final Map<String, ThreadedFactory> KERNELS = new TreeMap<>();
  private static final Set<String> VIEWS =
      Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout");
  private static final Set<String> PLAN_TIME = Set.of("Constant", "Shape");

  static {
    for (String op : new String[] {"Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid",
        "HardSwish", "Tanh"}) {
      register(op, UnaryKernel::create);
    }
    for (String op : new String[] {"Add", "Sub", "Mul", "Div", "PRelu"}) {
      register(op, BinaryKernel::create);
    }
    for (String op : new String[] {"Exp", "Log", "Neg", "Abs", "Reciprocal", "Sqrt", "Erf",
        "Gelu", "Elu", "Selu", "Celu", "ThresholdedRelu", "Softplus", "Softsign", "Mish", "Floor",
        "Ceil", "Round", "Sign", "Sin", "Cos"}) {
      register(op, UnaryKernel::create);
    }
    register("Pow", BinaryKernel::create);
    register("Mod", BinaryKernel::create);
    for (String op : new String[] {"Min", "Max", "Sum", "Mean"}) {
      register(op, VariadicKernel::create);
    }
    KERNELS.put("Conv", ConvKernel::create);
    register("ConvTranspose", ConvTransposeKernel::create);
    register("Gemm", GemmKernel::gemm);
    register("MatMul", GemmKernel::matMul);
    for (String op : new String[] {"MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool"}) {
      register(op, PoolKernel::create);
    }
    register("BatchNormalization", BatchNormKernel::create);
    register("Softmax", SoftmaxKernel::create);
    register("LogSoftmax", SoftmaxKernel::create);
    register("Hardmax", SoftmaxKernel::create);
    for (String op : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
        "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
        "ReduceLogSumExp"}) {
      KERNELS.put(op, ReduceKernel::create);
    }
    register("ArgMax", ArgReduceKernel::create);
    register("ArgMin", ArgReduceKernel::create);
    KERNELS.put("LayerNormalization", LayerNormKernel::create);
    KERNELS.put("InstanceNormalization", GroupNormKernel::create);
    KERNELS.put("GroupNormalization", GroupNormKernel::create);
    register("Transpose", LayoutKernels::transpose);
    register("Concat", LayoutKernels::concat);
    register("Gather", GatherKernels::gather);
    register("GatherElements", GatherKernels::gatherElements);
    register("Slice", MovementKernels::slice);
    register("Split", MovementKernels::split);
    register("Pad", MovementKernels::pad);
    register("Expand", MovementKernels::expand);
    register("Tile", MovementKernels::tile);
    register("DepthToSpace", MovementKernels::depthToSpace);
    register("SpaceToDepth", MovementKernels::spaceToDepth);
    register("Size", MovementKernels::size);
    register("Einsum", EinsumKernel::create);
    register("Cast", CastKernel::cast);
    register("CastLike", CastKernel::castLike);
    for (String op : new String[] {"Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
        "And", "Or", "Xor"}) {
      register(op, LogicKernels::binary);
    }
    for (String op : new String[] {"Not", "IsNaN", "IsInf"}) {
      register(op, LogicKernels::unary);
    }
    register("Where", LogicKernels::where);
    register("ConstantOfShape", GeneratorKernels::constantOfShape);
    register("Range", GeneratorKernels::range);
    register("EyeLike", GeneratorKernels::eyeLike);
    register("Resize", ResizeKernel::create);
    register("Upsample", ResizeKernel::create);
    register("QuantizeLinear", QuantizeKernels::quantize);
    register("DequantizeLinear", QuantizeKernels::dequantize);
  }

  private CpuKernels() {}

  private static void register(String op, KernelFactory f) {
    KERNELS.put(op, (spec, threads) -> f.create(spec));
  }

  /** Every op type the CPU backend runs, sorted. */
  static Set<String> supportedOps() {
    Set<String> all = new TreeSet<>(KERNELS.keySet());
    all.addAll(VIEWS);
    all.addAll(PLAN_TIME);
    return Collections.unmodifiableSet(all);
  }

  static boolean isView(String opType) {
    return VIEWS.contains(opType);
  }

  /**
   * Throws {@link UnsupportedOperatorException} naming the node and its op: with the known ops
   * when the op table lacks it, with the CPU backend's ops when only this backend does.
   */
  static void requireSupported(Node node) {
    OpTable.schema(node);
    if (!supportedOps().contains(node.opType())) {
      throw OpTable.unsupportedBy(node, "the CPU backend", supportedOps());
    }
  }

  /** Compiles a node that has a kernel. */
  static Kernel create(KernelSpec spec, int threads) {
    ThreadedFactory f = KERNELS.get(spec.node.opType());
    if (f == null) {
      throw new IllegalStateException(spec.node.label() + " has no kernel");
    }
    return f.create(spec, threads);
  }
}
