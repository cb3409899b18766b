package io.bocomp.tune;

import io.bocomp.BocompException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a stage's hook ({@link Stage#hook()}): {@code sh -c COMMAND} in the run directory, with
 * BOCOMP_STAGE, BOCOMP_STAGE_MODEL and BOCOMP_STAGE_OUTPUT set, stdout and stderr to
 * {@code stage-K-hook.log}. Fine-tuning itself is the hook's business.
 */
final class StageHook {
  private StageHook() {}

  /**
   * Runs the hook and returns the replacement model it wrote, or null when it wrote none.
   *
   * @throws BocompException when the hook cannot start or exits with a non-zero status
   */
  static Path run(String command, String stageName, int stage, Path runDir, Path model) {
    Path output = runDir.resolve("stage-" + (stage + 1) + "-hook-output.onnx");
    Path log = runDir.resolve("stage-" + (stage + 1) + "-hook.log");
    try {
      Files.deleteIfExists(output);
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(runDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("BOCOMP_STAGE", stageName);
      pb.environment().put("BOCOMP_STAGE_MODEL", model.toAbsolutePath().toString());
      pb.environment().put("BOCOMP_STAGE_OUTPUT", output.toAbsolutePath().toString());
      int exit = pb.start().waitFor();
      if (exit != 0) {
        throw new BocompException("stage '" + stageName + "' hook exited with status " + exit
            + " (its output is in " + log + ")");
      }
    } catch (IOException e) {
      throw new BocompException("stage '" + stageName + "' hook could not run (" + e.getMessage()
          + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BocompException("stage '" + stageName + "' hook was interrupted", e);
    }
    return Files.isRegularFile(output) ? output : null;
  }
}
