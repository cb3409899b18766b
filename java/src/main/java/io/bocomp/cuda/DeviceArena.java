package io.bocomp.cuda;

/**
 * A reusable device workspace: one block that is carved into buffers per operation and reused by
 * the next one, so a tuning run allocates device memory while it warms up and then never again.
 * Callers lay out their buffers first ({@link Layout}, offsets only), then {@link #reserve} the
 * layout's total (a new, larger block only when the old one is too small; that frees the old block,
 * which synchronizes the device) and turn offsets into addresses with {@link #address}.
 *
 * <p>Not thread-safe: each {@link Lane} owns its arenas. Reserving again invalidates earlier
 * addresses, so a caller reserves once per operation, before it enqueues any work.
 */
final class DeviceArena implements AutoCloseable {
  /** Alignment of every buffer (cudaMalloc's own, and enough for vector loads). */
  static final long ALIGN = 256;

  private DeviceMemory block;

  /** Makes the arena at least {@code bytes} large; earlier addresses become invalid. */
  void reserve(long bytes) {
    if (block != null && block.bytes() >= bytes) {
      return;
    }
    long grown = block == null ? bytes : Math.max(bytes, block.bytes() + block.bytes() / 4);
    if (block != null) {
      block.close();
      block = null;
    }
    block = DeviceMemory.allocate(grown);
  }

  /** Device address of a layout offset (after {@link #reserve}). */
  long address(long offset) {
    if (block == null || offset < 0 || offset > block.bytes()) {
      throw new IllegalStateException("offset " + offset + " outside the reserved arena");
    }
    return block.address() + offset;
  }

  long capacity() {
    return block == null ? 0 : block.bytes();
  }

  @Override
  public void close() {
    if (block != null) {
      block.close();
      block = null;
    }
  }

  /** Buffer offsets within an arena, each aligned to {@link #ALIGN}. */
  static final class Layout {
    private long total;

    /** Reserves {@code bytes} and returns their offset. */
    long add(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative buffer size " + bytes);
      }
      long offset = (total + ALIGN - 1) / ALIGN * ALIGN;
      total = offset + bytes;
      return offset;
    }

    long floats(long count) {
      return add(Math.multiplyExact(count, 4L));
    }

    long doubles(long count) {
      return add(Math.multiplyExact(count, 8L));
    }

    long ints(long count) {
      return add(Math.multiplyExact(count, 4L));
    }

    long total() {
      return total;
    }
  }
}
