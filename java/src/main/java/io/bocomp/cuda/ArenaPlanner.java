package io.bocomp.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places the tensors of one forward pass in a single device arena by liveness: tensor i lives over
 * steps [first[i], last[i]] (inclusive) and may share memory with any tensor whose interval does
 * not overlap. Greedy first-fit in order of definition, aligned to {@link DeviceArena#ALIGN}; not
 * optimal, but for chain-like CNNs the peak is close to the two largest adjacent activations.
 */
final class ArenaPlanner {
  private ArenaPlanner() {}

  /** Offsets and total size of a plan. */
  record Plan(long[] offsets, long total) {}

  static Plan plan(long[] bytes, int[] first, int[] last) {
    int n = bytes.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      if (last[i] < first[i]) {
        throw new IllegalArgumentException("tensor " + i + " dies before it is made");
      }
    }
    java.util.Arrays.sort(order, Comparator.<Integer>comparingInt(i -> first[i]).thenComparingInt(i -> i));
    long[] offsets = new long[n];
    List<Integer> placed = new ArrayList<>();
    long total = 0;
    for (int i : order) {
      List<long[]> busy = new ArrayList<>();
      for (int j : placed) {
        if (first[j] <= last[i] && first[i] <= last[j]) {
          busy.add(new long[] {offsets[j], offsets[j] + bytes[j]});
        }
      }
      busy.sort(Comparator.comparingLong(b -> b[0]));
      long candidate = 0;
      for (long[] b : busy) {
        if (candidate + bytes[i] <= b[0]) {
          break;
        }
        candidate = Math.max(candidate, align(b[1]));
      }
      offsets[i] = candidate;
      total = Math.max(total, candidate + bytes[i]);
      placed.add(i);
    }
    return new Plan(offsets, total);
  }

  static long align(long x) {
    return (x + DeviceArena.ALIGN - 1) / DeviceArena.ALIGN * DeviceArena.ALIGN;
  }
}
