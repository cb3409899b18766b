package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The lane placement is a deterministic longest-first greedy schedule (no GPU needed). */
class LaneSchedulerTest {

  @Property(tries = 100)
  void everyWorkLandsOnExactlyOneLaneAndTheScheduleIsBalanced(
      @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0.1, max = 1000) Double> costs,
      @ForAll @IntRange(min = 1, max = 6) int lanes) {
    List<LaneWork> works = new ArrayList<>();
    for (double c : costs) {
      works.add(new Fixed(c));
    }
    List<List<LaneWork>> a = LaneScheduler.assign(works, lanes);
    assertThat(a).hasSize(lanes);
    Map<LaneWork, Integer> seen = new IdentityHashMap<>();
    double max = 0;
    double total = 0;
    double biggest = 0;
    for (List<LaneWork> lane : a) {
      double load = 0;
      for (LaneWork w : lane) {
        seen.merge(w, 1, Integer::sum);
        load += w.cost();
      }
      max = Math.max(max, load);
      total += load;
    }
    for (double c : costs) {
      biggest = Math.max(biggest, c);
    }
    assertThat(seen).hasSize(works.size());
    assertThat(seen.values()).containsOnly(1);
    // Graham's bound for longest-processing-time-first: makespan <= 4/3 OPT, and OPT >= both
    // the average load and the largest job.
    double lower = Math.max(total / lanes, biggest);
    assertThat(max).isLessThanOrEqualTo(4.0 / 3.0 * lower + 1e-9);
    assertThat(LaneScheduler.assign(works, lanes)).isEqualTo(a);
  }

  private record Fixed(double cost) implements LaneWork {
    @Override
    public void plan(Lane lane, DeviceArena.Layout scratch, DeviceArena.Layout results) {}

    @Override
    public void enqueue(Lane lane) {}

    @Override
    public void check(Lane lane) {}
  }
}
