package io.bocomp.engine.cpu;

/** Builds the {@link Kernel} of one op type for a {@link KernelSpec}. */
@FunctionalInterface
interface KernelFactory {
  /**
   * @throws io.bocomp.model.UnsupportedOperatorException for attribute values or operand kinds the
   *     kernel does not implement, naming the node
   */
  Kernel create(KernelSpec spec);
}
