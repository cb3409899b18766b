package io.bocomp.train;

/** The learning rate at each optimizer step. */
public interface LearningRateSchedule {
  /**
   * @param step steps taken before this one (0-based)
   * @param totalSteps steps in the whole run
   * @param epoch the current epoch (0-based)
   */
  float at(int step, int totalSteps, int epoch);

  static LearningRateSchedule constant(float lr) {
    return (step, total, epoch) -> lr;
  }

  /** Cosine annealing from {@code lr} to 0 over the run (per step, no warm-up). */
  static LearningRateSchedule cosine(float lr) {
    return (step, total, epoch) -> (float) (lr * 0.5 * (1 + Math.cos(Math.PI * step / total)));
  }

  /** {@code lr · gamma^floor(epoch / every)}. */
  static LearningRateSchedule step(float lr, int every, float gamma) {
    return (step, total, epoch) -> (float) (lr * Math.pow(gamma, epoch / Math.max(1, every)));
  }
}
