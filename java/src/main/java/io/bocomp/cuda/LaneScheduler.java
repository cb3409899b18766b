package io.bocomp.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a batch of {@link LaneWork}s on a fixed set of lanes, one host thread per lane: works are
 * placed longest-first on the least-loaded lane (a deterministic greedy schedule); each lane lays
 * out and reserves its arenas once, enqueues all its works, syncs once, then checks them. Lanes
 * overlap on the GPU, and so does the host-side work of cuSOLVER and of JNI calls.
 */
final class LaneScheduler {
  private final List<Lane> lanes;
  private final ExecutorService threads;

  LaneScheduler(List<Lane> lanes, ExecutorService threads) {
    this.lanes = List.copyOf(lanes);
    this.threads = threads;
  }

  int laneCount() {
    return lanes.size();
  }

  /** Runs all works and returns when every lane has finished (rethrowing the first failure). */
  void run(List<? extends LaneWork> works) {
    if (works.isEmpty()) {
      return;
    }
    List<List<LaneWork>> assignment = assign(works, lanes.size());
    if (works.size() == 1) {
      runOnLane(lanes.get(0), assignment.get(0));  // one work: no thread hop
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < lanes.size(); i++) {
      List<LaneWork> mine = assignment.get(i);
      if (!mine.isEmpty()) {
        Lane lane = lanes.get(i);
        futures.add(threads.submit(() -> runOnLane(lane, mine)));
      }
    }
    RuntimeException failure = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r
              : new NativeException("GPU lane failed: " + e.getCause(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new NativeException("interrupted while waiting for the GPU", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Longest-processing-time-first greedy placement; ties go to the lowest lane index. */
  static List<List<LaneWork>> assign(List<? extends LaneWork> works, int laneCount) {
    List<List<LaneWork>> out = new ArrayList<>();
    double[] load = new double[laneCount];
    for (int i = 0; i < laneCount; i++) {
      out.add(new ArrayList<>());
    }
    List<LaneWork> sorted = new ArrayList<>(works);
    sorted.sort(Comparator.comparingDouble(LaneWork::cost).reversed());
    for (LaneWork w : sorted) {
      int best = 0;
      for (int i = 1; i < laneCount; i++) {
        if (load[i] < load[best]) {
          best = i;
        }
      }
      out.get(best).add(w);
      load[best] += w.cost();
    }
    return out;
  }

  private static void runOnLane(Lane lane, List<LaneWork> works) {
    DeviceArena.Layout results = new DeviceArena.Layout();
    long scratch = 0;
    for (LaneWork w : works) {
      DeviceArena.Layout s = new DeviceArena.Layout();
      w.plan(lane, s, results);
      scratch = Math.max(scratch, s.total());
    }
    lane.workspace.reserve(scratch);
    lane.results.reserve(results.total());
    for (LaneWork w : works) {
      w.enqueue(lane);
    }
    lane.sync();
    for (LaneWork w : works) {
      w.check(lane);
    }
  }
}
