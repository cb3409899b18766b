package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.engine.cpu.CpuDecompositions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes filling one factor cache at once (two forked JVMs, each storing the same model's
 * factors 100 times) while this one reads it in a loop: every read finds either no file or a valid
 * one equal to the factors computed here (each write goes to its own temporary file and is renamed
 * over the target atomically; a reader holds the file it opened), no read ever warns of a corrupt
 * file, and no temporary file is left behind.
 */
class FactorCacheConcurrencyTest {
  @TempDir Path dir;

  /** The child: stores the factors of {@code Nets.plain(3)} into the cache {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path home = Path.of(args[0]);
    CompressibleModel m = CompressibleModel.of(Nets.plain(3), 17);
    FactorCache c = new FactorCache(new CpuDecompositions(), FactorCache.Settings.defaults(), home);
    ModelFactors f = c.compute(m);
    for (int i = 0; i < Integer.parseInt(args[1]); i++) {
      c.store(f, Path.of(args[2]));
    }
  }

  @Test
  void twoProcessesStoringTheSameCacheLeaveItValidForEveryReader() throws Exception {
    Path home = dir.resolve("home");
    Path model = dir.resolve("net.onnx");
    Files.write(model, new byte[] {1});
    CompressibleModel m = CompressibleModel.of(Nets.plain(3), 17);
    ModelFactors expected = new FactorCache(new CpuDecompositions(),
        FactorCache.Settings.defaults(), null).compute(m);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          FactorCacheConcurrencyTest.class.getName(), home.toString(), "100", model.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("child" + i + ".log").toFile())
          .start());
    }
    List<String> warnings = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        synchronized (warnings) {
          warnings.add(r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(FactorCache.class.getName());
    log.addHandler(h);
    int valid = 0;
    try {
      FactorCache reader = new FactorCache(new CpuDecompositions(),
          FactorCache.Settings.defaults(), home);
      while (children.stream().anyMatch(Process::isAlive)) {
        Optional<ModelFactors> read = reader.cached(m, model);
        if (read.isPresent()) {
          valid++;
          for (String layer : List.of("conv1", "fc1")) {
            LayerFactors a = expected.of(layer).orElseThrow();
            LayerFactors b = read.get().of(layer).orElseThrow();
            assertThat(b.totalEnergy()).isEqualTo(a.totalEnergy());
          }
        }
      }
      for (Process p : children) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      assertThat(reader.cached(m, model)).isPresent();
    } finally {
      log.removeHandler(h);
      children.forEach(Process::destroyForcibly);
    }
    assertThat(warnings).as("no read saw a corrupt or partial file").isEmpty();
    try (var s = Files.list(home.resolve("factors"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("one cache file, no temporary left").containsExactly(m.hash() + ".factors");
    }
    assertThat(valid).as("reads that found the file while the children wrote").isPositive();
  }
}
