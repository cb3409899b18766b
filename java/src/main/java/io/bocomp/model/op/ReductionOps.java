package io.bocomp.model.op;

/** Schemas of the Reduction ops (none yet). */
final class ReductionOps {
  private ReductionOps() {}

  static void register(OpTable.Registry r) {}
}
