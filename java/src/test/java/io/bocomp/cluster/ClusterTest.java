package io.bocomp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.bocomp.ModelLoader;
import io.bocomp.compress.FactorCacheDirectory;
import io.bocomp.data.Dataset;
import io.bocomp.data.Npy;
import io.bocomp.model.Model;
import io.bocomp.tune.Budget;
import io.bocomp.tune.CostMetric;
import io.bocomp.tune.JournalTrials;
import io.bocomp.tune.RunConfig;
import io.bocomp.tune.TrialRecord;
import io.bocomp.tune.TuneListener;
import io.bocomp.tune.TuneResult;
import io.bocomp.tune.Tuner;
import io.bocomp.tune.parallel.LocalTrialExecutor;
import io.bocomp.tune.parallel.TrialExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters of 2-3 members on 127.0.0.1 (workers in this JVM, a driver in this JVM or forked):
 * a member with another token is refused; a worker terminated mid-run leaves the result identical
 * to the run of one local worker; a worker joining mid-run gets work; a driver killed with SIGKILL
 * and resumed while the workers stay up finishes the same run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTest {
  private static final String TOKEN = "test-token-0123";
  private static Model model;
  private static Dataset sample;
  /** The same 200 images as a .npy file, for the forked driver's --images. */
  private static Path sampleFile;
  /** The run of one local worker, the reference of both cluster runs. */
  private static Path reference;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void load() {
    model = ModelLoader.loadDefault();
    // 200 unlabeled images: no top-1 pass over the 2,000 of the embedded sample
    sampleFile = shared.resolve("sample.npy");
    Npy.write(ModelLoader.defaultSample().head(200).images(), sampleFile);
    sample = new Dataset(Npy.read(sampleFile), null);
    try (LocalTrialExecutor e = new LocalTrialExecutor(1)) {
      reference = run(shared.resolve("local"), false, e, TuneListener.NONE).dir();
    }
    assertThat(JournalTrials.of(reference)).hasSize(TRIALS);
  }

  private static Tuner.Inputs inputs() {
    return new Tuner.Inputs(model, "fashion-cnn.onnx", null, sample, sampleFile.toString());
  }

  private static final int TRIALS = 20;

  /** What `bocomp tune --images sample.npy --trials 20 --samples 8 --seed 3 --parallel 3` computes. */
  private static RunConfig config() {
    return RunConfig.builder().budget(new Budget(CostMetric.PARAMS, 0.25)).trials(TRIALS)
        .samples(8).seed(3).parallel(3).build();
  }

  private static TuneResult run(Path out, boolean resume, TrialExecutor e, TuneListener l) {
    try (Tuner t = Tuner.prepare(inputs(), config(), "cpu", out, resume, "test")) {
      t.evaluateOn(e);
      return t.run(l);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static ClusterSettings member(String token, int port, String... join) {
    return new ClusterSettings("test", token, "127.0.0.1", port, List.of(join));
  }

  @Test
  void aMemberWithAnotherTokenIsRefused() throws Exception {
    int p = freePort();
    try (ClusterWorker a = ClusterWorker.start(member(TOKEN, p), 1)) {
      int q = freePort();
      assertThatThrownBy(() -> ClusterWorker.start(member("another-token-42", q,
          "127.0.0.1:" + p), 1))
          .isInstanceOf(ClusterJoinException.class)
          .hasMessageContaining("127.0.0.1:" + p + " refused this member")
          .hasMessageContaining("token");
      assertThat(a.members()).isEqualTo(1);
      // and a driver with the wrong token too
      assertThatThrownBy(() -> ClusterTrialExecutor.join(member("another-token-42", freePort(),
          "127.0.0.1:" + p))).isInstanceOf(ClusterJoinException.class);
    }
  }

  @Test
  void bocompExceptionsCrossBetweenMembersAndForeignClassesDoNot() throws Exception {
    try (ClusterWorker w = ClusterWorker.start(member(TOKEN, freePort()), 1)) {
      SerializationService ss = ((SerializationServiceSupport) w.instance())
          .getSerializationService();
      Object back = ss.toObject(ss.toData(new io.bocomp.BocompException("the stage differs")));
      assertThat((Object) back).isInstanceOf(io.bocomp.BocompException.class)
          .hasFieldOrPropertyWithValue("message", "the stage differs");
      Object state = ss.toObject(ss.toData(new IllegalStateException("java.* passes")));
      assertThat(state).isInstanceOf(IllegalStateException.class);
      // a class outside the filter's packages is refused on arrival
      var foreign = ss.toData(new com.fasterxml.jackson.core.JsonParseException(null, "x"));
      assertThatThrownBy(() -> ss.toObject(foreign))
          .hasStackTraceContaining("is not allowed");
    }
  }

  @Test
  void nothingListeningIsSaidSo() throws Exception {
    int p = freePort();
    assertThatThrownBy(() -> ClusterWorker.start(member(TOKEN, freePort(), "127.0.0.1:" + p), 1))
        .isInstanceOf(ClusterJoinException.class)
        .hasMessageContaining("nothing answers at 127.0.0.1:" + p);
  }

  @Test
  void aWorkerTerminatedMidRunLeavesTheResultOfOneLocalWorker() throws Exception {
    int p = freePort();
    int p2 = freePort();
    try (ClusterWorker w1 = ClusterWorker.start(member(TOKEN, p), 1);
        ClusterWorker w2 = ClusterWorker.start(member(TOKEN, p2, "127.0.0.1:" + p), 2);
        ClusterTrialExecutor driver = ClusterTrialExecutor.join(member(TOKEN, freePort(),
            "127.0.0.1:" + p))) {
      assertThat(driver.workers()).isEqualTo(2);
      // once past the design, as soon as w2 measures a trial, it crashes (in the middle of it)
      CountDownLatch past = new CountDownLatch(1);
      AtomicBoolean terminated = new AtomicBoolean();
      Thread crash = new Thread(() -> {
        try {
          past.await();
          while (!driver.busyWorkers().contains(w2.address())) {
            Thread.sleep(1);
          }
          w2.terminate();
          terminated.set(true);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      crash.setDaemon(true);
      crash.start();
      TuneResult clustered = run(dir.resolve("cluster"), false, driver, new TuneListener() {
        @Override
        public void trialRecorded(TrialRecord r, double best) {
          if (r.trial() >= 10) {
            past.countDown();
          }
        }
      });
      crash.interrupt();
      crash.join();
      assertThat(terminated).as("w2 was terminated while measuring").isTrue();
      assertThat(driver.requeued()).as("trials re-queued").isGreaterThanOrEqualTo(1);
      assertThat(driver.workers()).isEqualTo(1);
      assertThat(clustered.partial()).isFalse();
      assertThat(JournalTrials.of(clustered.dir())).isEqualTo(JournalTrials.of(reference));
      assertThat(JournalTrials.answer(clustered.dir())).isEqualTo(JournalTrials.answer(reference));
    }
  }

  @Test
  void aWorkerJoiningMidRunGetsWork() throws Exception {
    int p = freePort();
    try (ClusterWorker w1 = ClusterWorker.start(member(TOKEN, p), 1);
        ClusterTrialExecutor driver = ClusterTrialExecutor.join(member(TOKEN, freePort(),
            "127.0.0.1:" + p))) {
      List<ClusterWorker> late = new ArrayList<>();
      int p2 = freePort();
      try {
        TuneResult r = run(dir.resolve("cluster"), false, driver, new TuneListener() {
          @Override
          public void trialRecorded(TrialRecord t, double best) {
            if (t.trial() == 0) { // w2 is a member before the first BO batch is sent
              late.add(ClusterWorker.start(member(TOKEN, p2, "127.0.0.1:" + p), 1));
            }
          }
        });
        assertThat(driver.workers()).isEqualTo(2);
        // each BO batch holds 3 trials and w1 one slot: w2 measured some of them
        assertThat(late.get(0).measured()).isGreaterThan(0);
        assertThat(JournalTrials.of(r.dir())).isEqualTo(JournalTrials.of(reference));
      } finally {
        late.forEach(ClusterWorker::close);
      }
    }
  }

  @Test
  void aKilledDriverResumedWhileTheWorkersStayUpFinishesTheSameRun() throws Exception {
    int p = freePort();
    Path out = dir.resolve("cluster");
    try (ClusterWorker w1 = ClusterWorker.start(member(TOKEN, p), 1);
        ClusterWorker w2 = ClusterWorker.start(member(TOKEN, freePort(), "127.0.0.1:" + p), 1)) {
      Process driver = forkDriver(out, p);
      try {
        long end = System.nanoTime() + 120_000_000_000L;
        while (trialLines(out) < 8 && driver.isAlive() && System.nanoTime() < end) {
          Thread.sleep(5);
        }
        assertThat(driver.isAlive()).as("the forked driver still runs (log: %s)",
            log()).isTrue();
        driver.destroyForcibly(); // SIGKILL
        assertThat(driver.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        driver.destroyForcibly();
      }
      int done = trialLines(out);
      assertThat(done).as("trials journalled before the kill").isBetween(8, TRIALS - 1);
      assertThat(w1.members()).as("both workers stay up").isGreaterThanOrEqualTo(2);
      assertThat(w2.members()).isGreaterThanOrEqualTo(2);
      TuneResult resumed;
      try (ClusterTrialExecutor d = ClusterTrialExecutor.join(member(TOKEN, freePort(),
          "127.0.0.1:" + p))) {
        resumed = run(out, true, d, TuneListener.NONE);
      }
      assertThat(resumed.partial()).isFalse();
      assertThat(JournalTrials.of(out)).isEqualTo(JournalTrials.of(reference));
      assertThat(JournalTrials.answer(out)).isEqualTo(JournalTrials.answer(reference));
    }
  }

  /** `bocomp tune --cluster 127.0.0.1:PORT ...` in another JVM, as config() describes it. */
  private Process forkDriver(Path out, int workerPort) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    for (String prop : List.of("org.bytedeco.javacpp.cachedir", FactorCacheDirectory.PROPERTY)) {
      if (System.getProperty(prop) != null) {
        cmd.add("-D" + prop + "=" + System.getProperty(prop));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.bocomp.cli.Main");
    cmd.addAll(List.of("tune", "--images", sampleFile.toString(), "--trials",
        Integer.toString(TRIALS), "--samples", "8", "--seed", "3", "--parallel", "3", "--cluster", "127.0.0.1:" + workerPort, "--cluster-name", "test", "--bind",
        "127.0.0.1", "--port", Integer.toString(freePort()), "--out", out.toString(), "--quiet"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("driver.log").toFile());
    pb.environment().put(ClusterSettings.TOKEN_ENV, TOKEN);
    return pb.start();
  }

  private String log() throws IOException {
    Path l = dir.resolve("driver.log");
    return Files.exists(l) ? Files.readString(l) : "(none)";
  }

  private static int trialLines(Path out) throws IOException {
    Path j = out.resolve("journal.jsonl");
    if (!Files.exists(j)) {
      return 0;
    }
    int n = 0;
    for (String line : Files.readAllLines(j)) {
      if (line.contains("\"type\":\"trial\"")) {
        n++;
      }
    }
    return n;
  }
}
