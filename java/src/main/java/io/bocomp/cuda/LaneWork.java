package io.bocomp.cuda;

/**
 * A unit of GPU work that {@link LaneScheduler} places on one {@link Lane}: it lays out its device
 * buffers, enqueues its kernels and library calls without waiting, and after the lane has synced
 * checks the status words the device wrote (throwing {@link NativeException}).
 */
interface LaneWork {

  /** Relative cost, for balancing lanes (any consistent unit). */
  double cost();

  /**
   * Lays out buffers. {@code scratch} is a fresh layout for this work alone (consecutive works on a
   * lane share scratch memory, as the stream runs them one after another); {@code results} is
   * shared by all works on the lane and must hold everything {@link #check} reads.
   */
  void plan(Lane lane, DeviceArena.Layout scratch, DeviceArena.Layout results);

  /** Enqueues the work on the lane's stream, after both arenas were reserved. */
  void enqueue(Lane lane);

  /** After the lane synced: reads back status words and throws on failure. */
  void check(Lane lane);
}
