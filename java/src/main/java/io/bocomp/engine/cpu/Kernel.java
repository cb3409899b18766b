package io.bocomp.engine.cpu;

import java.nio.FloatBuffer;

/**
 * One node (or a fused chain of nodes) compiled for fixed input shapes. Buffers are direct views
 * whose index 0 is the tensor's first element; an input whose value decides the output shape (an
 * int64 shape or axes operand, read at plan time from the spec) is passed as null, and so is an
 * output nothing reads. Integer and bool values are float-coded (see {@link KernelSpec#inTypes}).
 */
interface Kernel {
  /** Computes the outputs from the inputs, using the pool for parallel loops. */
  void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool);

  /**
   * How many of the node's outputs the kernel writes (output i gets a buffer, or null when
   * nothing reads it); a node whose output at or past this count is read is refused at plan time.
   */
  default int outputs() {
    return 1;
  }

  /**
   * Index of an input that output 0 may share storage with (element-wise ops whose output has
   * that input's shape: each element is read before the same element is written), or -1.
   */
  default int inPlaceInput() {
    return -1;
  }

  /**
   * Grows a worker's scratch to everything {@link #run} will ask of it, so that all scratch
   * allocation happens when a plan is built, never during runs.
   */
  default void reserve(Scratch s) {}

  /** A kernel from a run body and its scratch reservation. */
  static Kernel of(Kernel body, java.util.function.Consumer<Scratch> reserve) {
    return new Kernel() {
      @Override
      public void run(FloatBuffer[] in, FloatBuffer[] out, WorkerPool pool) {
        body.run(in, out, pool);
      }

      @Override
      public void reserve(Scratch s) {
        reserve.accept(s);
      }
    };
  }
}
