package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.Measurement;
import io.bocomp.tune.parallel.StageContext;
import io.bocomp.tune.parallel.TrialExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * q-batches measured by several local workers ({@link BatchStageRunner},
 * {@link LocalTrialExecutor}) on the embedded default model: the run does not depend on the
 * number of workers or on the order answers arrive in, a run stopped inside a batch resumes to the
 * same run, and q = 1 proposes what the sequential tuner proposes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParallelTuningTest {
  private static Tuner.Inputs inputs;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    // 200 unlabeled images: no top-1 pass over the 2,000 of the embedded sample
    inputs = DefaultModelRuns.unlabeledInputs(200);
  }

  static RunConfig config(int trials, int q) {
    return DefaultModelRuns.quarterOfParams(trials, 8, 3).parallel(q).build();
  }

  /** A run of {@code c} on {@code workers} local workers. */
  private static TuneResult onWorkers(int workers, RunConfig c, Path out, boolean resume,
      DefaultModelRuns.ListenerFactory l) {
    try (LocalTrialExecutor e = new LocalTrialExecutor(workers)) {
      return run(c, out, resume, e, l);
    }
  }

  private static TuneResult run(RunConfig c, Path out, boolean resume, TrialExecutor e,
      DefaultModelRuns.ListenerFactory l) {
    try (Tuner t = Tuner.prepare(inputs, c, new CpuBackend(1), out, resume, "test")) {
      if (e != null) {
        t.evaluateOn(e);
      }
      return t.run(l.create(t));
    }
  }

  @Test
  void theRunDoesNotDependOnTheWorkersOrOnTheOrderAnswersArriveIn() {
    RunConfig c = config(22, 3);
    TuneResult one = onWorkers(1, c, dir.resolve("one"), false, t -> TuneListener.NONE);
    TuneResult two = onWorkers(2, c, dir.resolve("two"), false, t -> TuneListener.NONE);
    TuneResult reversed;
    try (ReversingExecutor e = new ReversingExecutor(new LocalTrialExecutor(2))) {
      reversed = run(c, dir.resolve("reversed"), false, e, t -> TuneListener.NONE);
      assertThat(e.reordered.get()).as("answers overtaken by later ones").isGreaterThan(0);
    }
    List<JsonNode> a = JournalTrials.of(one.dir());
    assertThat(a).hasSize(22);
    assertThat(JournalTrials.of(two.dir())).isEqualTo(a);
    assertThat(JournalTrials.of(reversed.dir())).isEqualTo(a);
    assertThat(JournalTrials.answer(two.dir())).isEqualTo(JournalTrials.answer(one.dir()));
    assertThat(JournalTrials.answer(reversed.dir())).isEqualTo(JournalTrials.answer(one.dir()));
    assertThat(one.partial()).isFalse();

    // the BO batches hold q distinct networks, and BO proposed them (not all explore fallbacks)
    int design = JournalTrials.firstInPhase(a, "bo");
    for (int s = design; s + 3 <= a.size(); s += 3) {
      Set<String> plans = new HashSet<>();
      for (int i = s; i < s + 3; i++) {
        plans.add(a.get(i).path("plan").asText());
      }
      assertThat(plans).as("batch at trial %d", s).hasSize(3);
    }
    assertThat(a.stream().filter(t -> t.path("phase").asText().equals("bo")).count())
        .isGreaterThanOrEqualTo(6);
  }

  @Test
  void aRunStoppedInsideABatchResumesToTheSameRun() {
    // 14 design trials (uniform, four allocators, Sobol), then batches of 4: the stop falls in the
    // second batch with trials left after it
    RunConfig c = config(28, 4);
    TuneResult whole = onWorkers(2, c, dir.resolve("whole"), false, t -> TuneListener.NONE);
    List<JsonNode> all = JournalTrials.of(whole.dir());
    int design = JournalTrials.firstInPhase(all, "bo", "explore");
    int stopAt = design + 5; // the second trial of the second BO batch
    Path cut = dir.resolve("cut");
    TuneResult partial = onWorkers(2, c, cut, false, t -> new TuneListener() {
      @Override
      public void trialRecorded(TrialRecord record, double best) {
        if (record.trial() == stopAt) {
          t.requestStop();
        }
      }
    });
    assertThat(stopAt).as("the stop lies before the last trial").isLessThan(c.trials - 1);
    assertThat(partial.partial()).isTrue();
    assertThat(JournalTrials.of(cut)).hasSize(stopAt + 1);
    TuneResult resumed = onWorkers(1, c, cut, true, t -> TuneListener.NONE);
    assertThat(resumed.partial()).isFalse();
    assertThat(JournalTrials.of(cut)).isEqualTo(all);
    assertThat(JournalTrials.answer(cut)).isEqualTo(JournalTrials.answer(whole.dir()));
  }

  @Test
  void qOfOneOnTwoWorkersProposesWhatTheSequentialTunerProposes() {
    RunConfig c = config(12, 1);
    TuneResult sequential = run(c, dir.resolve("seq"), false, null, t -> TuneListener.NONE);
    TuneResult parallel = onWorkers(2, c, dir.resolve("par"), false, t -> TuneListener.NONE);
    // the sequential run measured on a one-thread backend too, so L is the same bits
    assertThat(JournalTrials.of(parallel.dir())).isEqualTo(JournalTrials.of(sequential.dir()));
  }

  @Test
  void aSecondStageIsMeasuredOnTheFirstStagesPlanAsTheSequentialTunerMeasuresIt() {
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.3)).samples(8)
        .seed(5).stages(List.of(
            new Stage("conv", List.of("/features/*"), 6, new Budget(CostMetric.MACS, 0.6), null,
                null),
            new Stage("fc", List.of("/classifier/*"), 6, null, null, null)))
        .build();
    TuneResult sequential = run(c, dir.resolve("seq"), false, null, t -> TuneListener.NONE);
    TuneResult parallel = onWorkers(2, c, dir.resolve("par"), false, t -> TuneListener.NONE);
    List<JsonNode> a = JournalTrials.of(sequential.dir());
    assertThat(a).hasSize(12);
    assertThat(a.get(11).path("stage").asInt()).isEqualTo(1);
    assertThat(JournalTrials.of(parallel.dir())).isEqualTo(a);
    assertThat(JournalTrials.answer(parallel.dir())).isEqualTo(JournalTrials.answer(sequential.dir()));
  }

  @Test
  void aResumeWithAnotherQIsRefusedNamingIt() throws Exception {
    Path out = dir.resolve("run");
    run(config(6, 2), out, false, null, t -> TuneListener.NONE);
    byte[] before = Files.readAllBytes(out.resolve(Journal.FILE));
    assertThatThrownBy(() -> run(config(6, 3), out, true, null, t -> TuneListener.NONE))
        .isInstanceOf(JournalMismatchException.class).hasMessageContaining("parallel");
    assertThat(Files.readAllBytes(out.resolve(Journal.FILE))).isEqualTo(before);
  }

  @Test
  void aLatencyBudgetIsRefusedInParallel() {
    RunConfig c = RunConfig.builder().budget(new Budget(CostMetric.LATENCY_MS, 1.0)).trials(4)
        .samples(8).parallel(2).build();
    Path out = dir.resolve("lat");
    assertThatThrownBy(() -> run(c, out, false, null, t -> TuneListener.NONE))
        .isInstanceOf(TuneConfigException.class).hasMessageContaining("latency");
    assertThat(Files.exists(out)).isFalse();
  }

  /**
   * Delivers the answers of a local executor late, later for earlier submissions (trial i of a
   * batch of k waits (k - i) x 15 ms after its measurement), so later trials overtake earlier ones.
   */
  private static final class ReversingExecutor implements TrialExecutor {
    private final TrialExecutor inner;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final AtomicInteger reordered = new AtomicInteger();
    private final AtomicInteger lastDelivered = new AtomicInteger(-1);

    ReversingExecutor(TrialExecutor inner) {
      this.inner = inner;
    }

    @Override
    public String describe() {
      return "reversing " + inner.describe();
    }

    @Override
    public Session open(StageContext context) {
      Session s = inner.open(context);
      return new Session() {
        @Override
        public CompletableFuture<Measurement> submit(int trial, CompressionPlan plan) {
          CompletableFuture<Measurement> out = new CompletableFuture<>();
          long delay = (4 - trial % 4) * 15L;
          s.submit(trial, plan).whenComplete((m, e) -> timer.schedule(() -> {
            if (lastDelivered.getAndSet(trial) > trial) {
              reordered.incrementAndGet();
            }
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              out.complete(m);
            }
          }, delay, TimeUnit.MILLISECONDS));
          return out;
        }

        @Override
        public void close() {
          s.close();
        }
      };
    }

    @Override
    public void close() {
      timer.shutdownNow();
      inner.close();
    }
  }
}
