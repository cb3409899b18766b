package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.ModelLoader;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import org.junit.jupiter.api.Test;

/** The wall-clock meter runs the graph it is given (no timing is asserted: that is for JMH). */
class LatencyMeterTest {
  @Test
  void theWallClockMeterReportsAFinitePositiveMedian() {
    Model model = ModelLoader.loadDefault();
    try (CpuBackend b = new CpuBackend()) {
      LatencySource meter = LatencyMeter.WALL_CLOCK.create(b, model.opset(),
          ModelLoader.defaultSample().head(2).images(), 1, 3);
      double ms = meter.measure(model.graph(), 0);
      assertThat(ms).isPositive().isFinite();
    }
  }
}
