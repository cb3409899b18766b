package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactorCacheTest {
  @TempDir Path dir;

  private final CpuDecompositions dec = new CpuDecompositions();

  private Path modelFile() throws IOException {
    Path f = dir.resolve("net.onnx");
    Files.write(f, new byte[] {1});
    return f;
  }

  @Test
  void aSecondLoadReadsTheFactorsFromDiskWithoutDecomposing() throws IOException {
    CompressibleModel m = CompressibleModel.of(Nets.plain(1), 17);
    Path model = modelFile();
    FactorCache first = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    ModelFactors a = first.load(m, model);
    assertThat(first.layersDecomposed()).isEqualTo(5);
    Path file = first.cacheFile(m, model);
    assertThat(file).isEqualTo(dir.resolve("home").resolve("factors").resolve(m.hash() + ".factors"))
        .isRegularFile();
    try (var beside = Files.list(dir)) {
      assertThat(beside.map(p -> p.getFileName().toString())).as("nothing beside the model")
          .containsExactlyInAnyOrder("net.onnx", "home");
    }

    FactorCache second = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    ModelFactors b = second.load(CompressibleModel.of(Nets.plain(1), 17), model);
    assertThat(second.layersDecomposed()).isZero();
    for (String layer : List.of("conv1", "conv2", "conv3", "fc1", "fc2")) {
      LayerFactors x = a.of(layer).orElseThrow();
      LayerFactors y = b.of(layer).orElseThrow();
      assertThat(y.isSvd()).isEqualTo(x.isSvd());
      if (x.isSvd()) {
        assertThat(y.svd().u().contentEquals(x.svd().u())).isTrue();
        assertThat(y.svd().s().contentEquals(x.svd().s())).isTrue();
        assertThat(y.svd().vt().contentEquals(x.svd().vt())).isTrue();
      } else {
        assertThat(y.tucker().core().contentEquals(x.tucker().core())).isTrue();
        assertThat(y.tucker().uIn().contentEquals(x.tucker().uIn())).isTrue();
        assertThat(y.tucker().eigOut().contentEquals(x.tucker().eigOut())).isTrue();
      }
      assertThat(y.totalEnergy()).isEqualTo(x.totalEnergy());
    }
  }

  @Test
  void aTrialAtAnyRankIsASliceNeverADecomposition() {
    Graph g = Nets.plain(2);
    CompressibleModel m = CompressibleModel.of(g, 17);
    ModelFactors f = new FactorCache(dec, FactorCache.Settings.defaults(), dir).compute(m);
    long before = dec.decompositionCount();
    for (int r = 1; r <= 6; r++) {
      CompressionPlan.of(List.of(PlanEntry.svdRank("fc1", r), PlanEntry.svdRank("conv3", r),
          PlanEntry.tucker2("conv2", r, r + 1), PlanEntry.energy("conv1", Method.TUCKER2, 0.5 + r / 20.0),
          PlanEntry.prune("fc2", r / 10.0)))
          .apply(g, f, ApplyOptions.defaults().withKeepDenseIfNotCheaper(false));
    }
    assertThat(dec.decompositionCount()).isEqualTo(before);
  }

  @Test
  void corruptTruncatedOrForeignCacheFilesAreIgnoredWithAWarningAndRebuilt() throws IOException {
    CompressibleModel m = CompressibleModel.of(Nets.plain(3), 17);
    Path model = modelFile();
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    c.load(m, model);
    Path file = c.cacheFile(m, model);
    byte[] good = Files.readAllBytes(file);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x40;
    assertRebuilt(m, model, file, flipped, "checksum");
    assertRebuilt(m, model, file, java.util.Arrays.copyOf(good, good.length - 100), "ends early");
    byte[] other = good.clone();
    other[20] ^= 1; // inside the model hash
    assertRebuilt(m, model, file, other, "another model");
    // Another settings fingerprint.
    FactorCache.Settings s = new FactorCache.Settings(1L << 24, 64, 10, 2, 1);
    Files.write(file, good);
    FactorCache c2 = new FactorCache(dec, s, dir.resolve("home"));
    List<String> warnings = captureWarnings(() -> c2.load(m, model));
    assertThat(warnings).anyMatch(w -> w.contains("other settings"));
    assertThat(c2.layersDecomposed()).isEqualTo(5);
  }

  private void assertRebuilt(CompressibleModel m, Path model, Path file, byte[] content,
      String reason) throws IOException {
    Files.write(file, content);
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    List<String> warnings = captureWarnings(() -> c.load(m, model));
    assertThat(warnings).as(reason).anyMatch(w -> w.contains(reason) && w.contains("rebuilding"));
    assertThat(c.layersDecomposed()).isEqualTo(5);
    FactorCache again = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    again.load(m, model);
    assertThat(again.layersDecomposed()).as("rebuilt file is valid").isZero();
  }

  @Test
  void theCacheFileIsKeyedByTheModelHashWhereverTheModelLies() {
    CompressibleModel m = CompressibleModel.of(Nets.plain(4), 17);
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    c.load(m, null);
    Path file = dir.resolve("home").resolve("factors").resolve(m.hash() + ".factors");
    assertThat(file).exists();
    assertThat(c.cacheFile(m, Path.of("/proc/nonexistent/model.onnx"))).isEqualTo(file);
    assertThat(c.cacheFile(m, dir.resolve("elsewhere/copy.onnx"))).isEqualTo(file);
  }

  @Test
  void twoModelsKeepTheirOwnFilesSideBySide() throws IOException {
    Path model = modelFile();
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    CompressibleModel m1 = CompressibleModel.of(Nets.plain(5), 17);
    c.load(m1, model);
    CompressibleModel m2 = CompressibleModel.of(Nets.plain(6), 17);
    c.load(m2, model);
    assertThat(m1.hash()).isNotEqualTo(m2.hash());
    assertThat(c.cacheFile(m1, model)).exists();
    assertThat(c.cacheFile(m2, model)).exists();
    FactorCache again = new FactorCache(dec, FactorCache.Settings.defaults(), dir.resolve("home"));
    again.load(CompressibleModel.of(Nets.plain(5), 17), model);
    assertThat(again.layersDecomposed()).as("the first model's file is still valid").isZero();
  }

  @Test
  void anUnwritableCacheDirectoryComputesWithoutCachingAndOneWarning() throws IOException {
    Path ro = dir.resolve("ro");
    Files.createDirectory(ro);
    Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString(
        "r-xr-xr-x"));
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(ro),
        "running as root: a read-only directory is writable all the same");
    CompressibleModel m = CompressibleModel.of(Nets.plain(8), 17);
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), ro);
    List<String> warnings = captureWarnings(() -> c.load(m, dir.resolve("model.onnx")));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("without caching").contains(ro.resolve("factors")
        .toString());
    assertThat(c.layersDecomposed()).isEqualTo(5);
    try (var files = Files.list(ro)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCacheDirectoryThatCannotBeCreatedComputesWithoutCachingAndOneWarning() throws IOException {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x"); // a directory cannot be created below a file, not even by root
    CompressibleModel m = CompressibleModel.of(Nets.plain(8), 17);
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), file.resolve("cache"));
    List<String> warnings = captureWarnings(() -> c.load(m, dir.resolve("model.onnx")));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("without caching").contains("cannot be written")
        .contains(file.resolve("cache").resolve("factors").toString());
    assertThat(c.layersDecomposed()).isEqualTo(5);
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void aValidFileInAReadOnlyCacheDirectoryIsRead() throws IOException {
    CompressibleModel m = CompressibleModel.of(Nets.plain(9), 17);
    Path shared = dir.resolve("shared");
    new FactorCache(dec, FactorCache.Settings.defaults(), shared).load(m, null);
    Files.setPosixFilePermissions(shared.resolve("factors"),
        java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    FactorCache c = new FactorCache(dec, FactorCache.Settings.defaults(), shared);
    List<String> warnings = captureWarnings(() -> c.load(CompressibleModel.of(Nets.plain(9), 17),
        null));
    assertThat(warnings).isEmpty();
    assertThat(c.layersDecomposed()).isZero();
  }

  @Test
  void theDefaultDirectoryIsXdgCacheHomeElseDotCacheAndAnExplicitOneWins() {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    java.util.Map<String, String> props = new java.util.HashMap<>();
    props.put("user.home", "/home/u");
    assertThat(FactorCacheDirectory.resolve(null, env::get, props::get))
        .isEqualTo(Path.of("/home/u/.cache/bocomp"));
    env.put("XDG_CACHE_HOME", "relative/cache"); // the XDG spec: relative paths are ignored
    assertThat(FactorCacheDirectory.resolve(null, env::get, props::get))
        .isEqualTo(Path.of("/home/u/.cache/bocomp"));
    env.put("XDG_CACHE_HOME", "/var/cache/u");
    assertThat(FactorCacheDirectory.resolve(null, env::get, props::get))
        .isEqualTo(Path.of("/var/cache/u/bocomp"));
    props.put(FactorCacheDirectory.PROPERTY, "/tmp/suite-cache");
    assertThat(FactorCacheDirectory.resolve(null, env::get, props::get))
        .isEqualTo(Path.of("/tmp/suite-cache"));
    assertThat(FactorCacheDirectory.resolve(Path.of("/opt/c"), env::get, props::get))
        .isEqualTo(Path.of("/opt/c"));
  }

  @Test
  void largeLayersGetARandomizedTruncationAndHigherRanksAreRejected() {
    Graph g = Nets.plain(7);
    CompressibleModel m = CompressibleModel.of(g, 17);
    // fc1 is 16 x 40 = 640 elements: above a 600-element threshold, truncated at rank 5.
    FactorCache c = new FactorCache(dec, new FactorCache.Settings(600, 5, 4, 2, 9), dir);
    ModelFactors f = c.compute(m);
    LayerFactors fc1 = f.of("fc1").orElseThrow();
    assertThat(fc1.truncated()).isTrue();
    assertThat(fc1.maxRank()).isEqualTo(5);
    assertThat(f.of("fc2").orElseThrow().truncated()).isFalse();
    ModelFactors full = c.compute(CompressibleModel.of(g, 17));
    assertThat(full.of("fc1").orElseThrow().totalEnergy())
        .isEqualTo(Reference.squaredNorm(g.initializer("fc1.weight")), org.assertj.core.api.Assertions.within(1e-3));
    assertThatThrownBy(() -> CompressionPlan.of(List.of(PlanEntry.svdRank("fc1", 6)))
        .resolve(f, ApplyOptions.defaults()))
        .isInstanceOf(InvalidPlanException.class).hasMessageContaining("rank 6 outside [1, 5]")
        .hasMessageContaining("randomized");
    Tensor s = fc1.svd().s();
    assertThat(s.get(0)).isGreaterThan(s.get(4));
  }

  private static List<String> captureWarnings(Runnable r) {
    Logger log = Logger.getLogger(FactorCache.class.getName());
    List<String> out = new java.util.ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord rec) {
        out.add(rec.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(h);
    try {
      r.run();
    } finally {
      log.removeHandler(h);
    }
    return out;
  }
}
