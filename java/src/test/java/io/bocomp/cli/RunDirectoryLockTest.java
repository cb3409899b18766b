package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.compress.FactorCacheDirectory;
import io.bocomp.tune.Journal;
import io.bocomp.tune.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second process on a live run directory: {@code tune --resume D} and {@code tune --out D}
 * while another JVM tunes in D get one error line and exit 2, and write nothing there; after that
 * JVM is killed with SIGKILL its lock is stale and the run can be resumed, its journal intact.
 */
class RunDirectoryLockTest {
  @TempDir Path dir;

  @Test
  @Timeout(300) // a child that never starts its run fails the test instead of hanging it
  void aSecondProcessIsRefusedWhileTheRunLivesAndResumesAfterAKill9() throws Exception {
    Path run = dir.resolve("run");
    Path log = dir.resolve("child.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector",
        "-D" + FactorCacheDirectory.PROPERTY + "=" + System.getProperty(
            FactorCacheDirectory.PROPERTY, dir.resolve("cache").toString()),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "tune", "--trials", "400", "--samples", "16", "--out", run.toString(), "--quiet");
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      Path lock = run.resolve(RunLock.FILE);
      Path journal = run.resolve(Journal.FILE);
      while (!(Files.isRegularFile(journal) && Files.size(lock) > 0)) {
        assertThat(child.isAlive()).as("the child ended early: %s", read(log)).isTrue();
        Thread.sleep(50);
      }
      assertThat(lock).content().contains("pid=" + child.pid());

      List<String> before = names(run);
      CliRunner resume = CliRunner.run("tune", "--trials", "400", "--samples", "16", "--resume",
          run.toString());
      assertThat(resume.exitCode).as(resume.toString()).isEqualTo(2);
      assertThat(resume.err.trim()).doesNotContain("\n")
          .startsWith("bocomp: error: --resume " + run
              + ": the run directory is in use by process " + child.pid() + " on ");
      CliRunner out = CliRunner.run("tune", "--trials", "12", "--out", run.toString());
      assertThat(out.exitCode).as(out.toString()).isEqualTo(2);
      assertThat(out.err.trim()).doesNotContain("\n")
          .contains("in use by process " + child.pid());
      assertThat(names(run)).as("the refused commands wrote nothing").isSubsetOf(
          union(before, List.of("compressed.onnx", "result.json", "report.html")));
      assertThat(child.isAlive()).as(read(log)).isTrue();

      child.destroyForcibly().waitFor(); // SIGKILL: the lock file stays, naming a dead PID
      assertThat(lock).content().contains("pid=" + child.pid());
      Journal.Contents j = Journal.read(journal); // a whole journal, a partial line at most
      assertThat(j.lines()).isNotEmpty();
      try (RunLock taken = RunLock.acquire(run, "--resume")) {
        assertThat(taken.file()).content().contains("pid=" + ProcessHandle.current().pid());
      }
    } finally {
      child.destroyForcibly();
    }
  }

  private static List<String> names(Path d) throws Exception {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".journal"))
          .sorted().toList();
    }
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> u = new java.util.ArrayList<>(a);
    u.addAll(b);
    return u;
  }

  private static String read(Path f) {
    try {
      String s = Files.readString(f);
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (Exception e) {
      return "(" + e + ")";
    }
  }
}
