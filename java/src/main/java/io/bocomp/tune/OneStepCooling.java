package io.bocomp.tune;

/** No cooling ({@code --cooling none}): the bound is the budget from the first trial on. */
public final class OneStepCooling implements CoolingSchedule {
  @Override
  public String name() {
    return "none";
  }

  @Override
  public double bound(int t, int total, double kappa0, double kappa) {
    return kappa;
  }
}
