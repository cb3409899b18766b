package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The liveness planner never overlaps two tensors alive at the same step. */
class ArenaPlannerTest {

  @Property(tries = 200)
  void coLiveTensorsNeverOverlap(
      @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 5000) Integer> sizes,
      @ForAll long seed) {
    int n = sizes.size();
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    long[] bytes = new long[n];
    int[] first = new int[n];
    int[] last = new int[n];
    long peakLive = 0;
    for (int i = 0; i < n; i++) {
      bytes[i] = sizes.get(i);
      first[i] = r.nextInt(20);
      last[i] = first[i] + r.nextInt(6);
    }
    ArenaPlanner.Plan p = ArenaPlanner.plan(bytes, first, last);
    for (int i = 0; i < n; i++) {
      assertThat(p.offsets()[i] % DeviceArena.ALIGN).isZero();
      assertThat(p.offsets()[i] + bytes[i]).isLessThanOrEqualTo(p.total());
      for (int j = i + 1; j < n; j++) {
        boolean coLive = first[i] <= last[j] && first[j] <= last[i];
        boolean overlap = p.offsets()[i] < p.offsets()[j] + bytes[j]
            && p.offsets()[j] < p.offsets()[i] + bytes[i];
        if (coLive && bytes[i] > 0 && bytes[j] > 0) {
          assertThat(overlap).as("tensors " + i + " and " + j).isFalse();
        }
      }
    }
    for (int step = 0; step < 26; step++) {
      long live = 0;
      for (int i = 0; i < n; i++) {
        if (first[i] <= step && step <= last[i]) {
          live += bytes[i];
        }
      }
      peakLive = Math.max(peakLive, live);
    }
    assertThat(p.total()).isGreaterThanOrEqualTo(peakLive);
  }
}
