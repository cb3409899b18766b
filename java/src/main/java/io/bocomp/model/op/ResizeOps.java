package io.bocomp.model.op;

/** Schemas of the Resize ops (none yet). */
final class ResizeOps {
  private ResizeOps() {}

  static void register(OpTable.Registry r) {}
}
