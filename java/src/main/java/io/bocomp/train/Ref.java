package io.bocomp.train;

import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;

/**
 * A node input as the training graph sees it: an activation slot, a trained parameter, or a fixed
 * initializer (BN statistics, a constant scale).
 */
final class Ref {
  final String name;
  final int slot;
  final Parameter param;
  final Tensor constant;

  private Ref(String name, int slot, Parameter param, Tensor constant) {
    this.name = name;
    this.slot = slot;
    this.param = param;
    this.constant = constant;
  }

  static Ref slot(String name, int slot) {
    return new Ref(name, slot, null, null);
  }

  static Ref param(Parameter p) {
    return new Ref(p.name(), -1, p, null);
  }

  static Ref constant(String name, Tensor t) {
    return new Ref(name, -1, null, t);
  }

  boolean isSlot() {
    return slot >= 0;
  }

  FloatBuffer data(Workspace w) {
    return slot >= 0 ? w.val[slot] : param != null ? param.value() : constant.data();
  }

  int[] shape(Workspace w) {
    return slot >= 0 ? w.shape[slot] : param != null ? param.shape() : constant.shape();
  }

  /** Where this input's gradient accumulates, or null when none is needed. */
  FloatBuffer grad(Workspace w) {
    if (slot >= 0) {
      return w.requiresGrad[slot] ? w.grad[slot] : null;
    }
    return param != null ? w.paramGrad[param.index()] : null;
  }

  /** True if the gradient reaches a parameter through this input. */
  boolean needsGrad(boolean[] requiresGrad) {
    return slot >= 0 ? requiresGrad[slot] : param != null;
  }
}
