package io.bocomp.model.op;

/** Schemas of the Logic ops (none yet). */
final class LogicOps {
  private LogicOps() {}

  static void register(OpTable.Registry r) {}
}
