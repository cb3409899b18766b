package io.bocomp.tune;

import io.bocomp.BocompException;

/**
 * The budget is below what the strongest compression the search space allows reaches; the message
 * says the smallest reachable value.
 */
public final class InfeasibleBudgetException extends BocompException {
  private static final long serialVersionUID = 1L;
  private final double smallestReachable;

  public InfeasibleBudgetException(String message, double smallestReachable) {
    super(message);
    this.smallestReachable = smallestReachable;
  }

  /** The smallest R (as the budget's own unit: a fraction, or milliseconds) any plan reaches. */
  public double smallestReachable() {
    return smallestReachable;
  }
}
