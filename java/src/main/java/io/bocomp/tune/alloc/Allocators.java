package io.bocomp.tune.alloc;

import java.util.List;

/** The allocators bocomp ships, in report order. */
public final class Allocators {
  private Allocators() {}

  /** The one-shot rules: uniform, energy, ALDS, EVBMF, LC threshold. */
  public static List<Allocator> oneShot() {
    return List.of(new UniformAllocator(), new EnergyThresholdAllocator(), new AldsAllocator(),
        new EvbmfAllocator(), new LcThresholdAllocator());
  }

  /** The one-shot rules that read the spectra (all but uniform). */
  public static List<Allocator> spectral() {
    return List.of(new EnergyThresholdAllocator(), new AldsAllocator(), new EvbmfAllocator(),
        new LcThresholdAllocator());
  }
}
