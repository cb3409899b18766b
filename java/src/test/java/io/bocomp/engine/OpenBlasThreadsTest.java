package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class OpenBlasThreadsTest {

  @Test
  void withSetsTheCountForTheCallAndRestoresIt() {
    int before = OpenBlasThreads.current();
    int target = before == 2 ? 3 : 2;
    assertThat(OpenBlasThreads.with(target, OpenBlasThreads::current)).isEqualTo(target);
    assertThat(OpenBlasThreads.current()).isEqualTo(before);
    assertThat(OpenBlasThreads.with(0, OpenBlasThreads::current)).isEqualTo(before);
  }

  @Test
  void openCpuBackendsKeepOpenBlasSingleThreadedUntilTheLastCloses() {
    int before = OpenBlasThreads.with(3, () -> {
      // inside: 3 threads; backends opening now must save and restore 3, then `with` restores
      try (CpuBackend a = new CpuBackend()) {
        assertThat(OpenBlasThreads.current()).isEqualTo(1);
        try (CpuBackend b = new CpuBackend()) {
          assertThat(OpenBlasThreads.current()).isEqualTo(1);
        }
        assertThat(OpenBlasThreads.current()).isEqualTo(1);
      }
      return OpenBlasThreads.current();
    });
    assertThat(before).isEqualTo(3);
  }
}
