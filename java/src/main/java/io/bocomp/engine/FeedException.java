package io.bocomp.engine;

import io.bocomp.BocompException;

/**
 * The feeds or wanted names given to {@link Executable#run} do not fit the graph: a graph input
 * is missing, a name is unknown, a tensor has the wrong element type or a shape the model does not
 * accept. The message names the value and, for shapes, what the model expects.
 */
public class FeedException extends BocompException {
  private static final long serialVersionUID = 1L;

  public FeedException(String message) {
    super(message);
  }
}
