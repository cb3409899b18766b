package io.bocomp.engine.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Storage assignment for the values of one execution plan, computed once per plan:
 *
 * <ol>
 *   <li>Views (Reshape, Flatten, ...) share their input's buffer; an element-wise step may write
 *       its output over an input whose last reader it is (and which is not returned to the
 *       caller). Values sharing a buffer form one group with one lifetime.
 *   <li>Every group of computed values lives from the step that first writes it to the step that
 *       last reads it (to the end of the run if the caller wants it back); groups are placed in
 *       one arena, largest first, at the lowest offset free for their whole lifetime (greedy
 *       best-fit by size, as in TFLite's arena planner). Offsets are 64-byte aligned.
 * </ol>
 *
 * Values supplied from outside (feeds, weights, plan-time constants) are "external": they are
 * never written, never placed, and only views may share them. Values in the blocked layout
 * ({@link BlockedGeometry}) are placed the same way in a second arena, a heap {@code float[]}, and
 * share storage with nothing.
 */
final class ArenaLayout {
  private static final int ALIGN = 16;

  private final int[] size;
  private final boolean[] external;
  private final boolean[] keep;
  private final boolean[] heap;
  private final int[] parent;
  private final List<int[]> stepIns = new ArrayList<>();
  private final List<int[]> stepOuts = new ArrayList<>();
  private final List<Integer> stepShare = new ArrayList<>();
  private final List<Boolean> stepView = new ArrayList<>();
  private int[] offset;
  private int arenaFloats;
  private int heapFloats;

  /**
   * @param size element count of each value
   * @param external values supplied from outside the arena
   * @param keep values returned to the caller (alive to the end)
   * @param heap values placed in the heap arena
   */
  ArenaLayout(int[] size, boolean[] external, boolean[] keep, boolean[] heap) {
    this.size = size;
    this.external = external;
    this.keep = keep;
    this.heap = heap;
    this.parent = new int[size.length];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
  }

  /**
   * Records the next step.
   *
   * @param share for a view, the input it views (always shared); otherwise the input the step may
   *     overwrite in place, or -1
   */
  void addStep(int[] ins, int[] outs, int share, boolean view) {
    stepIns.add(ins);
    stepOuts.add(outs);
    stepShare.add(share);
    stepView.add(view);
  }

  int root(int v) {
    while (parent[v] != v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  }

  /** Arena offset of a value's buffer (its group's), or -1 for external values. */
  int offset(int v) {
    return offset[root(v)];
  }

  /** True if the value lives in the heap arena. */
  boolean heap(int v) {
    return heap[root(v)];
  }

  int arenaFloats() {
    return arenaFloats;
  }

  int heapFloats() {
    return heapFloats;
  }

  void layout() {
    int steps = stepIns.size();
    int n = size.length;
    int[] lastUse = new int[n];
    Arrays.fill(lastUse, -1);
    for (int s = 0; s < steps; s++) {
      for (int v : stepIns.get(s)) {
        if (v >= 0) {
          lastUse[v] = s;
        }
      }
    }
    for (int v = 0; v < n; v++) {
      if (keep[v]) {
        lastUse[v] = steps;
      }
    }
    int[] groupLast = lastUse.clone();
    int[] groupDef = new int[n];
    Arrays.fill(groupDef, Integer.MAX_VALUE);
    for (int s = 0; s < steps; s++) {
      int share = stepShare.get(s);
      int[] outs = stepOuts.get(s);
      for (int v : outs) {
        if (v >= 0) {
          groupDef[v] = Math.min(groupDef[v], s);
          groupLast[v] = Math.max(groupLast[v], s);
        }
      }
      if (share < 0 || outs.length == 0 || outs[0] < 0) {
        continue;
      }
      int in = stepIns.get(s)[share];
      int r = root(in);
      if (heap[r] || heap[outs[0]]) {
        continue;
      }
      boolean join = stepView.get(s)
          || (!external[r] && groupLast[r] == s && size[r] == size[outs[0]]
              && onlyReader(stepIns.get(s), share, r));
      if (join) {
        int o = outs[0];
        parent[o] = r;
        groupLast[r] = Math.max(groupLast[r], groupLast[o]);
        groupDef[r] = Math.min(groupDef[r], groupDef[o]);
        external[o] = external[r];
      }
    }
    // Place the groups of computed values.
    offset = new int[n];
    Arrays.fill(offset, -1);
    List<Integer> groups = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      if (root(v) == v && !external[v] && groupDef[v] != Integer.MAX_VALUE) {
        groups.add(v);
      }
    }
    groups.sort(Comparator.<Integer>comparingInt(v -> -size[v]).thenComparingInt(v -> groupDef[v]));
    arenaFloats = place(groups, false, groupDef, groupLast);
    heapFloats = place(groups, true, groupDef, groupLast);
  }

  /** Places the groups of one arena; returns its length. */
  private int place(List<Integer> groups, boolean inHeap, int[] groupDef, int[] groupLast) {
    List<Integer> placed = new ArrayList<>();
    int top = 0;
    for (int g : groups) {
      if (heap[g] != inHeap) {
        continue;
      }
      int len = align(size[g]);
      int def = groupDef[g];
      int last = Math.max(def, groupLast[g]);
      List<int[]> busy = new ArrayList<>();
      for (int p : placed) {
        int pDef = groupDef[p];
        int pLast = Math.max(pDef, groupLast[p]);
        if (pDef <= last && def <= pLast) {
          busy.add(new int[] {offset[p], offset[p] + align(size[p])});
        }
      }
      busy.sort(Comparator.comparingInt(a -> a[0]));
      int at = 0;
      for (int[] b : busy) {
        if (b[0] - at >= len) {
          break;
        }
        at = Math.max(at, b[1]);
      }
      offset[g] = at;
      top = Math.max(top, at + len);
      placed.add(g);
    }
    return top;
  }

  /** True if no input other than {@code ins[share]} reads group {@code r}. */
  private boolean onlyReader(int[] ins, int share, int r) {
    for (int i = 0; i < ins.length; i++) {
      if (i != share && ins[i] >= 0 && root(ins[i]) == r) {
        return false;
      }
    }
    return true;
  }

  private static int align(int n) {
    return Math.max(ALIGN, (n + ALIGN - 1) / ALIGN * ALIGN);
  }
}
