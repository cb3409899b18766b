package io.bocomp.train;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * One worker's tensors for a forward and backward pass over its shard of a mini-batch: every
 * activation (kept until the backward pass), the gradient of each activation that needs one, the
 * worker's own parameter gradients (summed over workers after the pass) and per-op scratch. Buffers
 * grow to the largest shard seen and are reused across steps: no allocation per step.
 */
final class Workspace {
  final int[][] shape;
  final FloatBuffer[] val;
  final FloatBuffer[] grad;
  final FloatBuffer[] paramGrad;
  final boolean[] requiresGrad;
  /** Per-op state the backward pass needs (max-pool argmax indices). */
  final Object[] state;
  private final FloatBuffer[] scratch = new FloatBuffer[4];
  private final float[][] heap = new float[4][];

  Workspace(int slots, boolean[] requiresGrad, List<Parameter> params, int ops) {
    this.shape = new int[slots][];
    this.val = new FloatBuffer[slots];
    this.grad = new FloatBuffer[slots];
    this.requiresGrad = requiresGrad;
    this.paramGrad = new FloatBuffer[params.size()];
    for (Parameter p : params) {
      paramGrad[p.index()] = Buffers.ensure(null, p.size());
    }
    this.state = new Object[ops];
  }

  /** Sets a slot's shape and returns its value buffer (contents unspecified). */
  FloatBuffer output(int slot, int[] s) {
    shape[slot] = s;
    int n = Buffers.size(s);
    val[slot] = Buffers.ensure(val[slot], n);
    if (requiresGrad[slot]) {
      grad[slot] = Buffers.ensure(grad[slot], n);
    }
    return val[slot];
  }

  /** Zeroes the gradients of every slot that has one and of every parameter. */
  void zeroGrads() {
    for (int s = 0; s < grad.length; s++) {
      if (requiresGrad[s] && shape[s] != null) {
        Buffers.zero(grad[s], 0, Buffers.size(shape[s]));
      }
    }
    for (FloatBuffer g : paramGrad) {
      Buffers.zero(g, 0, g.capacity());
    }
  }

  /** Direct scratch buffer {@code id} (0..3) of at least {@code n} floats. */
  FloatBuffer scratch(int id, int n) {
    scratch[id] = Buffers.ensure(scratch[id], n);
    return scratch[id];
  }

  /** Heap scratch array {@code id} (0..3) of at least {@code n} floats. */
  float[] heap(int id, int n) {
    if (heap[id] == null || heap[id].length < n) {
      heap[id] = new float[n];
    }
    return heap[id];
  }
}
