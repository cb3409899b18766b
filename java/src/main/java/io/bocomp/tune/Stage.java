package io.bocomp.tune;

import java.util.List;

/**
 * One stage of a staged run (e.g. the VGG-16 protocol: conv layers first, then the FC layers):
 * which layers it searches, with how many trials, under which budget and method, and the shell
 * command to run after it (the fine-tuning hook). Layers of earlier stages keep the values those
 * stages chose.
 *
 * <p>The hook runs with {@code sh -c}, its output going to {@code stage-K-hook.log} in the run
 * directory, and the environment variables {@code BOCOMP_STAGE} (the stage name),
 * {@code BOCOMP_STAGE_MODEL} (the stage's compressed model, an ONNX file) and
 * {@code BOCOMP_STAGE_OUTPUT} (where the hook may write a replacement model, e.g. the fine-tuned
 * one). When that file exists after the hook, the next stages start from it; otherwise from the
 * stage's plan on the unchanged base model. A non-zero exit stops the run.
 *
 * @param name the stage's name
 * @param layers patterns of the layers it searches (empty: all)
 * @param trials its trials (0: the run's)
 * @param budget its budget (null: the run's)
 * @param method its method (null: the run's)
 * @param hook shell command run after it (null: none)
 */
public record Stage(String name, List<String> layers, int trials, Budget budget,
    MethodChoice method, String hook) {
  public Stage {
    layers = List.copyOf(layers);
  }

  /** The single stage of a run without a "stages" list. */
  public static Stage whole() {
    return new Stage("all", List.of(), 0, null, null, null);
  }
}
