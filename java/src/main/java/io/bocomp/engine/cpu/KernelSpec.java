package io.bocomp.engine.cpu;

import io.bocomp.model.ElemType;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;

/**
 * What a {@link KernelFactory} needs to compile one node: the node, the model's opset, every
 * input's and output's (fully known) shape, the inputs known before run time (weights, int64
 * shape operands; null for data computed at run time) and, for Conv/Gemm/MatMul hosts, an
 * activation and a residual input fused into the epilogue by the planner.
 */
final class KernelSpec {
  final Node node;
  final long opset;
  final int[][] inShapes;
  final Tensor[] consts;
  final int[][] outShapes;
  /** Activation applied after the op (fused from a following node), or null. */
  final Activation activation;
  /**
   * True when the planner fused a following Add: the kernel receives one extra input, after the
   * node's own, of the output's shape, added before the activation.
   */
  final boolean residual;
  /**
   * ONNX element type of each input and output ({@link io.bocomp.model.ElemType}; 0 for an absent
   * one). Run-time buffers are float32 whatever the type: integer and bool values are held as the
   * floats of their values (exact up to 2^24), so a kernel whose result depends on the type
   * (integer division, Cast) reads it here.
   */
  final int[] inTypes;
  final int[] outTypes;

  KernelSpec(Node node, long opset, int[][] inShapes, Tensor[] consts, int[][] outShapes,
      Activation activation, boolean residual, int[] inTypes, int[] outTypes) {
    this.node = node;
    this.opset = opset;
    this.inShapes = inShapes;
    this.consts = consts;
    this.outShapes = outShapes;
    this.activation = activation;
    this.residual = residual;
    this.inTypes = inTypes != null ? inTypes : defaultTypes(inShapes.length, consts);
    this.outTypes = outTypes != null ? outTypes : defaultTypes(outShapes.length, null);
  }

  KernelSpec(Node node, long opset, int[][] inShapes, Tensor[] consts, int[][] outShapes,
      Activation activation, boolean residual) {
    this(node, opset, inShapes, consts, outShapes, activation, residual, null, null);
  }

  KernelSpec(Node node, long opset, int[][] inShapes, Tensor[] consts, int[][] outShapes) {
    this(node, opset, inShapes, consts, outShapes, null, false);
  }

  /** Float for every slot, except constants, which have their own type. */
  private static int[] defaultTypes(int n, Tensor[] consts) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      Tensor c = consts != null && i < consts.length ? consts[i] : null;
      t[i] = c != null ? c.elemType() : ElemType.FLOAT;
    }
    return t;
  }

  /** True if output i holds integer or bool values (float-coded at run time). */
  boolean integerOutput(int i) {
    return i < outTypes.length && ElemType.isInteger(outTypes[i]);
  }

  int[] in(int i) {
    return inShapes[i];
  }

  int[] out(int i) {
    return outShapes[i];
  }

  /** True if input i is present (not an omitted optional input). */
  boolean has(int i) {
    return i < inShapes.length && !node.input(i).isEmpty();
  }

  /** Constant value of input i, or null. */
  Tensor constant(int i) {
    return i < consts.length ? consts[i] : null;
  }

  /** The constant value of input i, which must be known before run time. */
  Tensor requireConstant(int i, String what) {
    Tensor t = constant(i);
    if (t == null) {
      throw new UnsupportedOperatorException(node.label() + ": " + what
          + " must be a constant (computed from weights or shapes), not run-time data");
    }
    return t;
  }

  UnsupportedOperatorException unsupported(String what) {
    return new UnsupportedOperatorException(node.label() + ": " + what + " is not supported");
  }

  ModelFormatException malformed(String what) {
    return new ModelFormatException(node.label() + ": " + what);
  }
}
