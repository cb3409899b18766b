package io.bocomp.train;

import io.bocomp.BocompException;
import io.bocomp.data.Dataset;
import io.bocomp.engine.BatchRunner;
import io.bocomp.engine.Executable;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Recovery fine-tuning of a compressed model toward its original: checks that the two models and
 * the data fit together, computes the original's outputs on every training image once (the
 * teacher never changes, so there is no teacher forward pass per step), compiles the student for
 * training (pruned zeros kept) and runs a {@link FineTuner}. The CLI's {@code finetune} command
 * and the tuner's {@code --finetune-epochs} both come through here.
 */
public final class Distillation {
  private Distillation() {}

  /** User-facing settings; {@link #defaults} are the command line's. */
  public record Settings(int epochs, int batch, float lr, String optimizer, float momentum,
      float weightDecay, String schedule, int stepEvery, float stepGamma, Loss.Kind loss,
      float temperature, float alpha, long seed, int threads, double clipNorm) {

    /**
     * The defaults, written only here (the command line shows them through
     * {@code cli.DistillationDefaults}), with {@code epochs} epochs on every core.
     */
    public static Settings defaults(int epochs) {
      return new Settings(epochs, 64, 0.01f, "sgd", 0.9f, 0f, "cosine", 1, 0.1f, Loss.Kind.KD, 4f,
          0.5f, 0L, Math.max(1, Runtime.getRuntime().availableProcessors()), 5.0);
    }

    /** These settings with learning rate {@code rate}. */
    public Settings withLr(float rate) {
      return new Settings(epochs, batch, rate, optimizer, momentum, weightDecay, schedule,
          stepEvery, stepGamma, loss, temperature, alpha, seed, threads, clipNorm);
    }

    /** Checks ranges; throws a {@link BocompException} naming the option. */
    public Settings validate() {
      require(epochs >= 0, "--epochs must be >= 0, got " + epochs);
      require(batch >= 1, "--batch must be >= 1, got " + batch);
      require(lr > 0 && Float.isFinite(lr), "--lr must be > 0, got " + lr);
      require(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
      require(weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
      require(temperature > 0, "--temperature must be > 0, got " + temperature);
      require(alpha >= 0 && alpha <= 1, "--alpha must be in [0, 1], got " + alpha);
      require(threads >= 1, "--threads must be >= 1, got " + threads);
      require(stepEvery >= 1, "--step-every must be >= 1, got " + stepEvery);
      require(clipNorm >= 0 && Double.isFinite(clipNorm),
          "--clip-norm must be >= 0 (0: no clipping), got " + clipNorm);
      require(optimizer.equals("sgd") || optimizer.equals("adam"),
          "--optimizer must be sgd or adam, got '" + optimizer + "'");
      require(schedule.equals("cosine") || schedule.equals("step") || schedule.equals("constant"),
          "--schedule must be cosine, step or constant, got '" + schedule + "'");
      return this;
    }

    FineTuner.Config toConfig() {
      LearningRateSchedule s = switch (schedule) {
        case "cosine" -> LearningRateSchedule.cosine(lr);
        case "step" -> LearningRateSchedule.step(lr, stepEvery, stepGamma);
        default -> LearningRateSchedule.constant(lr);
      };
      Optimizer o = optimizer.equals("adam") ? Optimizer.adam(weightDecay)
          : Optimizer.sgd(momentum, weightDecay);
      return new FineTuner.Config(epochs, batch, s, o, new Loss(loss, temperature, alpha), seed,
          threads, clipNorm);
    }

    /** One line for logs and JSON. */
    public String describe() {
      return String.format(Locale.ROOT, "%s lr %g%s, %s schedule, batch %d, %s loss (T %g, alpha %g),"
          + " weight decay %g, gradient norm clipped at %g, seed %d, %d thread(s)", optimizer, lr,
          optimizer.equals("sgd") ? " momentum " + momentum : "", schedule, batch,
          loss.name().toLowerCase(Locale.ROOT), temperature, alpha, weightDecay, clipNorm, seed,
          threads);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new BocompException(message);
      }
    }
  }

  /** What a fine-tuning did: the trained model, how the run ended and what was trained. */
  public record Outcome(Model model, FineTuner.Result result, long parameters, long frozenZeros,
      double teacherSeconds) {}

  /**
   * Fine-tunes {@code student} toward {@code reference} on {@code data}.
   *
   * @param studentName names the student in messages
   * @throws BocompException when models and data do not fit together, or an op cannot be trained
   */
  public static Outcome run(Model student, String studentName, Model reference,
      String referenceName, Dataset data, Settings settings, FineTuner.Listener listener,
      BooleanSupplier stop) {
    settings.validate();
    TrainingGraph graph = TrainingGraph.compile(student, true);
    checkFits(graph, student, studentName, reference, referenceName, data);
    long t0 = System.nanoTime();
    Tensor teacher = outputs(reference, data.images());
    double teacherSeconds = (System.nanoTime() - t0) / 1e9;
    int[] ts = teacher.shape();
    if (ts.length != 2) {
      throw new BocompException(referenceName + ": output '" + reference.graph().outputs().get(0)
          .name() + "' has shape " + Arrays.toString(ts) + "; fine-tuning needs [batch, classes]");
    }
    if (data.hasLabels()) {
      for (int i = 0; i < data.size(); i++) {
        int y = data.labels()[i];
        if (y < 0 || y >= ts[1]) {
          throw new BocompException("label " + y + " of image " + i + " is outside the model's "
              + ts[1] + " classes");
        }
      }
    }
    FineTuner tuner = new FineTuner(graph, settings.toConfig());
    FineTuner.Result r = tuner.run(data, teacher, listener, stop);
    return new Outcome(graph.export(), r, graph.parameterCount(), graph.frozenZeroCount(),
        teacherSeconds);
  }

  /** Outputs of {@code m} on {@code images} by the CPU inference engine. */
  public static Tensor outputs(Model m, Tensor images) {
    try (CpuBackend b = new CpuBackend(); Executable e = b.compile(m)) {
      BatchRunner runner = new BatchRunner(e, 250);
      return runner.run(images);
    }
  }

  private static void checkFits(TrainingGraph graph, Model student, String studentName,
      Model reference, String referenceName, Dataset data) {
    int[] sample = Arrays.copyOfRange(data.images().shape(), 1, data.images().rank());
    checkSample(graph.sampleShape(), sample, studentName);
    ValueInfo refIn = reference.graph().inputs().stream()
        .filter(v -> !reference.graph().isInitializer(v.name())).findFirst()
        .orElseThrow(() -> new BocompException(referenceName + " has no input"));
    int[] rs = refIn.shape();
    checkSample(rs == null ? null : Arrays.copyOfRange(rs, 1, rs.length), sample, referenceName);
    int[] so = declaredOutput(student);
    int[] ro = declaredOutput(reference);
    if (so != null && ro != null && so.length == ro.length) {
      for (int i = 1; i < so.length; i++) {
        if (so[i] >= 0 && ro[i] >= 0 && so[i] != ro[i]) {
          throw new BocompException(studentName + ": output shape " + Arrays.toString(so)
              + " differs from the reference's " + Arrays.toString(ro) + " (" + referenceName
              + ")");
        }
      }
    } else if (so != null && ro != null) {
      throw new BocompException(studentName + ": output rank " + so.length
          + " differs from the reference's " + ro.length + " (" + referenceName + ")");
    }
  }

  private static int[] declaredOutput(Model m) {
    ValueInfo v = m.graph().outputs().get(0);
    return v.shape();
  }

  private static void checkSample(int[] declared, int[] sample, String who) {
    if (declared == null) {
      return;
    }
    boolean ok = declared.length == sample.length;
    for (int i = 0; ok && i < declared.length; i++) {
      ok = declared[i] < 0 || declared[i] == sample[i];
    }
    if (!ok) {
      throw new BocompException(who + ": the input expects samples of shape "
          + Arrays.toString(declared) + " but the images are " + Arrays.toString(sample));
    }
  }
}
