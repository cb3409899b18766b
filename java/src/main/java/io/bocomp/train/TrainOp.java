package io.bocomp.train;

import io.bocomp.model.Node;

/**
 * One node of the training graph: a forward pass that writes its output slot from its inputs, and a
 * backward pass that adds the gradient of the loss with respect to each input that needs one
 * ({@link Ref#grad}) from the output's gradient. Inputs keep their values until the backward pass.
 * Every op treats dimension 0 as the batch and never mixes samples, so a mini-batch can be split
 * into shards that run on different workers.
 */
abstract class TrainOp {
  final Node node;
  final Ref[] in;
  final int out;
  /** Position in the graph's op list (index into {@link Workspace#state}). */
  int index;

  TrainOp(Node node, Ref[] in, int out) {
    this.node = node;
    this.in = in;
    this.out = out;
  }

  abstract void forward(Workspace w);

  abstract void backward(Workspace w);

  /** True if this op's output depends on a trained parameter (and so needs a gradient). */
  boolean producesGrad(boolean[] requiresGrad) {
    for (Ref r : in) {
      if (r.needsGrad(requiresGrad)) {
        return true;
      }
    }
    return false;
  }
}
