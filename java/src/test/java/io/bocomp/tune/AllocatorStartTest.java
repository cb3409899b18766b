package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.ModelLoader;
import io.bocomp.data.Dataset;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.tune.alloc.AllocationProblem;
import io.bocomp.tune.alloc.Allocator;
import io.bocomp.tune.alloc.Allocators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner starts where the one-shot allocators end: their plans are the first trials after the
 * uniform one (journalled with phase "allocator:NAME"), so the tuner's answer is never worse on its
 * own sample than any of them, however few its trials.
 */
class AllocatorStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void withFewTrialsTheTunerIsAtLeastAsGoodAsEveryAllocatorOnItsSample() throws Exception {
    Model model = ModelLoader.loadDefault();
    // the first 400 images, without labels (no top-1 pass over them: a faster test)
    Dataset sample = DefaultModelRuns.unlabeledSample(400);
    // 25% of the parameters: the uniform plan is poor there (L in the hundreds, 11% top-1)
    DefaultModelRuns.Tuned run = DefaultModelRuns.tune(DefaultModelRuns.inputs(model, sample),
        DefaultModelRuns.quarterOfParams(8, 16, 3).build(), dir.resolve("run"));
    TuneResult r = run.result();
    SearchSpace space = run.space();
    List<String> phases = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("run").resolve(Journal.FILE))) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("trial")) {
        phases.add(n.path("phase").asText());
      }
    }
    // every allocator's plan joins the design after the uniform one, unless an earlier seed
    // resolves to the same plan in the tuner's space (with energy fractions, the energy
    // allocator's plan is the uniform one)
    AllocationProblem p = AllocationProblem.of(space, CostMetric.PARAMS, 0.25);
    List<String> expected = new ArrayList<>(List.of("uniform"));
    List<String> seen = new ArrayList<>();
    for (Allocator a : Allocators.oneShot()) {
      String plan = EvaluationCache.key(space.resolve(a.allocate(p).theta()));
      if (!a.name().equals("uniform") && !seen.contains(plan)) {
        expected.add("allocator:" + a.name());
      }
      seen.add(plan);
    }
    assertThat(expected).as("some allocators add plans of their own").hasSizeGreaterThan(3);
    assertThat(phases.subList(0, expected.size())).containsExactlyElementsOf(expected);

    // every allocator's plan, measured on the tuner's own sample
    SampleSet samples = SampleSet.draw(sample, 16, 3, Tuner.SAMPLE_BATCH);
    Map<String, Double> losses = new LinkedHashMap<>();
    try (CpuBackend b = new CpuBackend();
        IncrementalEvaluator ev = DefaultModelRuns.evaluator(b, model, space, samples)) {
      for (Allocator a : Allocators.oneShot()) {
        losses.put(a.name(), DefaultModelRuns.distance(space, ev, a.allocate(p).theta()));
      }
    }
    assertThat(losses.get("uniform")).as("the uniform plan is poor here").isGreaterThan(50);
    for (Map.Entry<String, Double> e : losses.entrySet()) {
      assertThat(r.distance().mean()).as("tuner vs %s", e.getKey())
          .isLessThanOrEqualTo(e.getValue());
    }
    assertThat(r.json().path("params").path("fraction").asDouble()).isLessThanOrEqualTo(0.25);
  }
}
