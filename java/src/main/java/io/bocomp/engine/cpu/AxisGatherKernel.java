package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Copies an input into an output whose elements are chosen axis by axis:
 * {@code y[o_0, ..., o_k] = x[map_0(o_0), ..., map_k(o_k)]}, or a fill value where any
 * {@code map_d(o_d)} is -1. Slice (strided ranges), Pad (every mode; -1 is the constant),
 * Tile (indices modulo the input length) and Expand (0 on broadcast axes) are all such maps.
 *
 * <p>Algorithm: trailing axes whose map is the identity are merged into one contiguous block of
 * {@code inner} floats. The innermost remaining axis becomes a list of segments in float units:
 * runs of consecutive source blocks (one bulk copy each), runs of one repeated block (broadcast)
 * and runs of the fill value. Where the innermost axis breaks into many short segments (a
 * reversed or strided slice, small blocks), it is gathered instead: the source span of the row is
 * copied into a heap array in one bulk read and picked from there. Short rows are assembled in a
 * heap strip of about {@value Strips#STRIP} floats (bulk reads, array fills) and written with one
 * bulk put per strip; rows longer than that are written segment by segment, buffer to buffer.
 * Rows (every index of the outer axes, the offset summed from per-axis offset tables) run in
 * parallel.
 *
 * <p>Limits: the input and output sizes must fit an int (as everywhere in the engine).
 */
final class AxisGatherKernel implements Kernel {
  /** Segment kinds. */
  private static final int COPY = 0;
  private static final int REPEAT = 1;
  private static final int FILL = 2;

  private final int fillInput;
  private final float fillDefault;
  private final boolean empty;
  /** Per outer axis (all but the innermost remaining one): source offset per index, or -1. */
  private final int[][] outerOff;
  private final int[] outerDims;
  private final int rows;
  private final int rowLen;
  /** Segments: kind, output position, source offset, length (floats), block (REPEAT only). */
  private final int[] segKind;
  private final int[] segOut;
  private final int[] segSrc;
  private final int[] segLen;
  private final int inner;
  /** Gather mode: per innermost element the source offset (or -1); null in segment mode. */
  private final int[] gather;
  private final int gatherMin;
  private final int gatherSpan;

  /**
   * @param inDims the input shape, of the output's rank (leading 1s added for broadcasting)
   * @param maps per axis, the input index each output index reads (-1: the fill value)
   * @param fillInput input whose first element is the fill value, or -1 to use {@code fill}
   * @param fill the fill value when {@code fillInput} is -1 or that input is absent
   */
  AxisGatherKernel(int[] inDims, int[][] maps, int fillInput, float fill) {
    this.fillInput = fillInput;
    this.fillDefault = fill;
    int r = maps.length;
    boolean isEmpty = false;
    for (int[] m : maps) {
      isEmpty |= m.length == 0;
    }
    this.empty = isEmpty;
    int k = r;
    int blk = 1;
    while (k > 0 && identity(maps[k - 1], inDims[k - 1])) {
      blk *= inDims[k - 1];
      k--;
    }
    this.inner = blk;
    int[] stride = new int[r];
    int acc = 1;
    for (int d = r - 1; d >= 0; d--) {
      stride[d] = acc;
      acc *= inDims[d];
    }
    if (k == 0 || isEmpty) {
      // the whole output is one block (a copy of the input), or there is nothing to write
      this.outerOff = new int[0][];
      this.outerDims = new int[0];
      this.rows = isEmpty ? 0 : 1;
      this.rowLen = isEmpty ? 0 : blk;
      this.segKind = new int[] {COPY};
      this.segOut = new int[] {0};
      this.segSrc = new int[] {0};
      this.segLen = new int[] {blk};
      this.gather = null;
      this.gatherMin = 0;
      this.gatherSpan = 0;
      return;
    }
    int last = k - 1;
    this.outerOff = new int[last][];
    this.outerDims = new int[last];
    int rowCount = 1;
    for (int d = 0; d < last; d++) {
      outerOff[d] = offsets(maps[d], stride[d]);
      outerDims[d] = maps[d].length;
      rowCount *= maps[d].length;
    }
    this.rows = rowCount;
    int[] lastOff = offsets(maps[last], stride[last]);
    int width = lastOff.length;
    this.rowLen = width * blk;
    List<int[]> segs = segments(lastOff, blk);
    if (blk < 8 && segs.size() * 8 > width) {
      int min = Integer.MAX_VALUE;
      int max = -1;
      for (int o : lastOff) {
        if (o >= 0) {
          min = Math.min(min, o);
          max = Math.max(max, o);
        }
      }
      int[] g = new int[width * blk];
      for (int i = 0; i < width; i++) {
        for (int j = 0; j < blk; j++) {
          g[i * blk + j] = lastOff[i] < 0 ? -1 : lastOff[i] - min + j;
        }
      }
      this.gather = g;
      this.gatherMin = max < 0 ? 0 : min;
      this.gatherSpan = max < 0 ? 0 : max - min + blk;
      this.segKind = this.segOut = this.segSrc = this.segLen = null;
    } else {
      this.gather = null;
      this.gatherMin = 0;
      this.gatherSpan = 0;
      int n = segs.size();
      segKind = new int[n];
      segOut = new int[n];
      segSrc = new int[n];
      segLen = new int[n];
      for (int i = 0; i < n; i++) {
        int[] s = segs.get(i);
        segKind[i] = s[0];
        segOut[i] = s[1];
        segSrc[i] = s[2];
        segLen[i] = s[3];
      }
    }
  }

  private static boolean identity(int[] map, int dim) {
    if (map.length != dim) {
      return false;
    }
    for (int i = 0; i < dim; i++) {
      if (map[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static int[] offsets(int[] map, int stride) {
    int[] off = new int[map.length];
    for (int i = 0; i < map.length; i++) {
      off[i] = map[i] < 0 ? -1 : map[i] * stride;
    }
    return off;
  }

  /** Segments {kind, out, src, len} of the innermost axis, in floats. */
  private static List<int[]> segments(int[] off, int blk) {
    List<int[]> segs = new ArrayList<>();
    int[] cur = null;
    for (int i = 0; i < off.length; i++) {
      int o = off[i];
      int out = i * blk;
      if (cur != null) {
        int prev = off[i - 1];
        if (o < 0 && cur[0] == FILL) {
          cur[3] += blk;
          continue;
        }
        if (o >= 0 && prev >= 0 && cur[0] == COPY && o == prev + blk) {
          cur[3] += blk;
          continue;
        }
        if (o >= 0 && o == prev && (cur[0] == REPEAT || (cur[0] == COPY && cur[3] == blk))) {
          cur[0] = REPEAT;
          cur[3] += blk;
          continue;
        }
      }
      cur = o < 0 ? new int[] {FILL, out, 0, blk} : new int[] {COPY, out, o, blk};
      segs.add(cur);
    }
    return segs;
  }

  /** Rows staged per bulk write when rows are short (a strip of at most {@link Strips#STRIP}). */
  private int rowsPerStrip() {
    return rowLen == 0 || rowLen > Strips.STRIP ? 1 : Strips.STRIP / rowLen;
  }

  @Override
  public void reserve(Scratch s) {
    s.floats(Scratch.ROW_A, Math.max(gatherSpan, inner));
    s.floats(Scratch.ROW_B, rowsPerStrip() * rowLen);
  }

  @Override
  public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
    if (empty || rows == 0 || rowLen == 0) {
      return;
    }
    FloatBuffer x = in[0];
    FloatBuffer y = out[0];
    float fill = fillInput >= 0 && fillInput < in.length && in[fillInput] != null
        ? in[fillInput].get(0) : fillDefault;
    int per = rowsPerStrip();
    int grain = Math.max(1, Strips.GRAIN / rowLen);
    Strips.forRange(pool, rows, grain, (r0, r1, w) -> {
      Scratch s = pool.scratch(w);
      float[] stage = s.floats(Scratch.ROW_A, Math.max(gatherSpan, inner));
      float[] strip = s.floats(Scratch.ROW_B, per * rowLen);
      if (rowLen > Strips.STRIP && gather == null) {
        for (int r = r0; r < r1; r++) {
          writeLongRow(x, y, base(r), r * rowLen, stage, strip, fill);
        }
        return;
      }
      for (int r = r0; r < r1; r += per) {
        int n = Math.min(per, r1 - r);
        for (int q = 0; q < n; q++) {
          buildRow(x, base(r + q), strip, q * rowLen, stage, fill);
        }
        y.put(r * rowLen, strip, 0, n * rowLen);
      }
    });
  }

  /** Assembles one output row at {@code strip[off ...]}. */
  private void buildRow(FloatBuffer x, int base, float[] strip, int off, float[] stage,
      float fill) {
    if (base < 0) {
      Arrays.fill(strip, off, off + rowLen, fill);
    } else if (gather != null) {
      x.get(base + gatherMin, stage, 0, gatherSpan);
      int[] g = gather;
      for (int i = 0; i < rowLen; i++) {
        int j = g[i];
        strip[off + i] = j < 0 ? fill : stage[j];
      }
    } else {
      for (int i = 0; i < segKind.length; i++) {
        int len = segLen[i];
        int at = off + segOut[i];
        switch (segKind[i]) {
          case COPY:
            x.get(base + segSrc[i], strip, at, len);
            break;
          case FILL:
            Arrays.fill(strip, at, at + len, fill);
            break;
          default: // REPEAT: one block of `inner` floats, len / inner times
            if (inner == 1) {
              Arrays.fill(strip, at, at + len, x.get(base + segSrc[i]));
            } else {
              x.get(base + segSrc[i], strip, at, inner);
              for (int p = inner; p < len; p += inner) {
                System.arraycopy(strip, at, strip, at + p, inner);
              }
            }
            break;
        }
      }
    }
  }

  /**
   * Writes one row longer than a strip segment by segment, straight into the output (bulk
   * buffer-to-buffer copies); {@code row} holds at least a row of scratch.
   */
  private void writeLongRow(FloatBuffer x, FloatBuffer y, int base, int o, float[] stage,
      float[] row, float fill) {
    if (base < 0) {
      Arrays.fill(row, 0, rowLen, fill);
      y.put(o, row, 0, rowLen);
      return;
    }
    for (int i = 0; i < segKind.length; i++) {
      int len = segLen[i];
      int at = o + segOut[i];
      switch (segKind[i]) {
        case COPY:
          y.put(at, x, base + segSrc[i], len);
          break;
        case FILL:
          Arrays.fill(row, 0, len, fill);
          y.put(at, row, 0, len);
          break;
        default:
          if (inner == 1) {
            Arrays.fill(row, 0, len, x.get(base + segSrc[i]));
            y.put(at, row, 0, len);
          } else {
            x.get(base + segSrc[i], stage, 0, inner);
            for (int p = 0; p < len; p += inner) {
              y.put(at + p, stage, 0, inner);
            }
          }
          break;
      }
    }
  }

  /** Source offset of row r, or -1 if an outer axis reads the fill value there. */
  private int base(int r) {
    int base = 0;
    int rem = r;
    for (int d = outerDims.length - 1; d >= 0; d--) {
      int dim = outerDims[d];
      int off = outerOff[d][rem % dim];
      if (off < 0) {
        return -1;
      }
      base += off;
      rem /= dim;
    }
    return base;
  }
}
