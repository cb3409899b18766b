package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * The layout changes at the edges of the blocked part of a plan: NCHW (any buffer: a feed, a
 * direct-arena value) into a blocked heap value ({@link #toBlocked(BlockedGeometry)}), and a
 * blocked value back into NCHW ({@link #toNchw}) for an op outside it or for the caller. One task
 * per image and channel block (or a run of channel planes); rows move with bulk copies and are
 * interleaved in a heap strip, so a reorder costs a few passes over the value, paid only where the
 * layout changes.
 *
 * @param g the blocked value's geometry
 * @param toBlocked NCHW into blocked, or back
 */
record BlockedReorder(BlockedGeometry g, boolean toBlocked) implements Kernel {
  /** Least work of one {@link #toNchw} task, in floats moved. */
  static final int MIN_TASK_FLOATS = 2048;

  /** Shortest row {@link #toNchw} writes with one bulk put. */
  static final int BULK_ROW = 16;

  /** NCHW input 0 into blocked output 0 of geometry {@code g} (border and spare lanes zeroed). */
  static BlockedReorder toBlocked(BlockedGeometry g) {
    return new BlockedReorder(g, true);
  }

  /** Blocked input 0 of geometry {@code g} into NCHW output 0. */
  static BlockedReorder toNchw(BlockedGeometry g) {
    return new BlockedReorder(g, false);
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, g.w >= BULK_ROW ? g.w : planesPerTask() * g.h * g.w);
  }

  @Override
  public String toString() {
    return (toBlocked ? "Reorder[nchw to " : "Reorder[to nchw ") + g + "]";
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    if (toBlocked) {
      FloatBuffer src = in[0];
      FloatBuffer dst = out[0];
      pool.parallelFor(g.n * g.blocks, (t, worker) -> block(src, dst.array(), dst.arrayOffset(),
          t / g.blocks, t % g.blocks, pool.scratch(worker)));
    } else {
      FloatBuffer src = in[0];
      FloatBuffer dst = out[0];
      int planes = g.n * g.c;
      int per = planesPerTask();
      pool.parallelFor((planes + per - 1) / per, (t, worker) -> {
        Scratch s = pool.scratch(worker);
        int p1 = Math.min(planes, (t + 1) * per);
        if (g.w < BULK_ROW) {
          planes(src.array(), src.arrayOffset(), dst, t * per, p1, s);
          return;
        }
        for (int p = t * per; p < p1; p++) {
          channel(src.array(), src.arrayOffset(), dst, p / g.c, p % g.c, s);
        }
      });
    }
  }

  /**
   * Channel planes one task of {@link #toNchw} moves: at least {@value #MIN_TASK_FLOATS} floats,
   * so small planes (a pooled {@code 1 x 1} map: one float per channel) do not cost a task, with
   * its two contended atomic updates, per float.
   */
  int planesPerTask() {
    return Math.max(1, MIN_TASK_FLOATS / (g.h * g.w));
  }

  private void block(FloatBuffer src, float[] dst, int base, int img, int cb, Scratch s) {
    g.zeroBorder(dst, base, img, cb, cb + 1);
    int lanes = g.lanes;
    int hw = g.h * g.w;
    float[] row = s.floats(Scratch.ROW_A, g.w);
    for (int y = 0; y < g.h; y++) {
      int at = base + g.offset(img, cb, y, 0);
      if (lanes == 1) {
        src.get((img * g.c + cb) * hw + y * g.w, dst, at, g.w);
        continue;
      }
      for (int lane = 0; lane < lanes; lane++) {
        int c = cb * lanes + lane;
        if (c < g.c) {
          src.get((img * g.c + c) * hw + y * g.w, row, 0, g.w);
          for (int x = 0; x < g.w; x++) {
            dst[at + x * lanes + lane] = row[x];
          }
        } else {
          for (int x = 0; x < g.w; x++) {
            dst[at + x * lanes + lane] = 0f;
          }
        }
      }
    }
  }

  /**
   * NCHW planes {@code [p0, p1)} (plane = image x channel), whose rows are too short for a bulk
   * put each: gathered into one scratch run, then written with one bulk put (they are contiguous
   * in NCHW). A 1 x 1 map, e.g. after global pooling, was a put per float.
   */
  private void planes(float[] src, int base, FloatBuffer dst, int p0, int p1, Scratch s) {
    int lanes = g.lanes;
    int hw = g.h * g.w;
    float[] run = s.floats(Scratch.ROW_A, (p1 - p0) * hw);
    int i = 0;
    int img = p0 / g.c;
    int c = p0 - img * g.c;
    if (g.h == 1 && g.w == 1 && g.borderless()) {
      // a 1 x 1 map: an image's channels lie in a row, lane after lane, block after block
      for (int p = p0; p < p1; img++, c = 0) {
        int k = Math.min(p1 - p, g.c - c);
        System.arraycopy(src, base + g.offset(img, 0, 0, 0) + c, run, i, k);
        i += k;
        p += k;
      }
      dst.put(p0, run, 0, i);
      return;
    }
    int cb = c / lanes;
    int lane = c - cb * lanes;
    // (img, cb, lane) advance with the plane, without a division per plane
    for (int p = p0; p < p1; p++) {
      for (int y = 0; y < g.h; y++) {
        int at = base + g.offset(img, cb, y, 0) + lane;
        for (int x = 0; x < g.w; x++, i++) {
          run[i] = src[at + x * lanes];
        }
      }
      if (++c == g.c) {
        c = 0;
        cb = 0;
        lane = 0;
        img++;
      } else if (++lane == lanes) {
        lane = 0;
        cb++;
      }
    }
    dst.put(p0 * hw, run, 0, i);
  }

  private void channel(float[] src, int base, FloatBuffer dst, int img, int c, Scratch s) {
    int lanes = g.lanes;
    int cb = c / lanes;
    int lane = c - cb * lanes;
    int hw = g.h * g.w;
    float[] row = s.floats(Scratch.ROW_A, g.w);
    for (int y = 0; y < g.h; y++) {
      int at = base + g.offset(img, cb, y, 0) + lane;
      int to = (img * g.c + c) * hw + y * g.w;
      for (int x = 0; x < g.w; x++) {
        row[x] = src[at + x * lanes];
      }
      dst.put(to, row, 0, g.w);
    }
  }
}
