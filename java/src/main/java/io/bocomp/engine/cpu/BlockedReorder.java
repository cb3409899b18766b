package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * The layout changes at the edges of the blocked part of a plan: NCHW (any buffer: a feed, a
 * direct-arena value) into a blocked heap value ({@link #toBlocked(BlockedGeometry)}), and a
 * blocked value back into NCHW ({@link #toNchw}) for an op outside it or for the caller. One task
 * per image and channel block (or channel); rows move with bulk copies and are interleaved in a
 * heap strip, so a reorder costs a few passes over the value, paid only where the layout changes.
 *
 * @param g the blocked value's geometry
 * @param toBlocked NCHW into blocked, or back
 */
record BlockedReorder(BlockedGeometry g, boolean toBlocked) implements Kernel {
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
    s.floats(Scratch.ROW_A, g.w);
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
      pool.parallelFor(g.n * g.c, (t, worker) -> channel(src.array(), src.arrayOffset(), dst,
          t / g.c, t % g.c, pool.scratch(worker)));
    }
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

  private void channel(float[] src, int base, FloatBuffer dst, int img, int c, Scratch s) {
    int lanes = g.lanes;
    int cb = c / lanes;
    int lane = c - cb * lanes;
    int hw = g.h * g.w;
    float[] row = s.floats(Scratch.ROW_A, g.w);
    for (int y = 0; y < g.h; y++) {
      int at = base + g.offset(img, cb, y, 0) + lane;
      for (int x = 0; x < g.w; x++) {
        row[x] = src[at + x * lanes];
      }
      dst.put((img * g.c + c) * hw + y * g.w, row, 0, g.w);
    }
  }
}
