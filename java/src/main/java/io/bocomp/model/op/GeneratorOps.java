package io.bocomp.model.op;

/** Schemas of the Generator ops (none yet). */
final class GeneratorOps {
  private GeneratorOps() {}

  static void register(OpTable.Registry r) {}
}
