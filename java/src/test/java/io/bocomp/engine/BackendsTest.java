package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.BocompException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackendsTest {
  private final List<LogRecord> records = new ArrayList<>();
  private final Logger logger = Logger.getLogger(Backends.class.getName());
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void capture() {
    logger.addHandler(handler);
  }

  @AfterEach
  void release() {
    logger.removeHandler(handler);
  }

  @Test
  void cpuIsAlwaysThere() {
    try (Backend b = Backends.create("cpu")) {
      assertThat(b.name()).isEqualTo("cpu");
    }
    assertThat(records).isEmpty();
  }

  @Test
  void cudaFallsBackToCpuWithOneWarning() {
    try (Backend b = Backends.create("cuda")) {
      // On a build without io.bocomp.cuda.CudaBackend (or without a GPU) this is the CPU backend;
      // where a real CUDA backend is present it answers "cuda" and nothing is logged.
      if (b.name().equals("cpu")) {
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(records.get(0).getMessage())
            .startsWith("CUDA backend unavailable (").endsWith("); running on the CPU")
            .doesNotContain("\n")
            .as("the backend's own reason, not a failed construction")
            .doesNotContain("CUDA backend unavailable: ");
      } else {
        assertThat(records).isEmpty();
      }
    }
  }

  @Test
  void missingCudaClassIsReportedAsSuch() {
    try (Backend b = Backends.cudaOrCpu("io.bocomp.cuda.NoSuchBackend", true)) {
      assertThat(b.name()).isEqualTo("cpu");
    }
    assertThat(records).singleElement().extracting(LogRecord::getMessage).asString()
        .contains("no CUDA support");
  }

  @Test
  void autoFallsBackSilently() {
    try (Backend b = Backends.cudaOrCpu("io.bocomp.cuda.NoSuchBackend", false)) {
      assertThat(b.name()).isEqualTo("cpu");
    }
    assertThat(records).isEmpty();
  }

  @Test
  void unknownNamesListTheValidOnes() {
    assertThatThrownBy(() -> Backends.create("tpu")).isInstanceOf(BocompException.class)
        .hasMessageContaining("'tpu'").hasMessageContaining("cpu, cuda, auto");
  }
}
