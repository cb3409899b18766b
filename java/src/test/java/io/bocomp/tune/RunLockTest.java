package io.bocomp.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunLock} in one JVM: a held lock refuses a second holder and names the holder; released,
 * it can be taken again; a lock file left by a dead process (kill -9), or naming a reused PID, is
 * stale and taken over; a live holder on another host keeps the directory. The two-process case
 * (a forked JVM running {@code tune}, then killed with SIGKILL) is in {@code
 * io.bocomp.cli.RunDirectoryLockTest}.
 */
class RunLockTest {
  @TempDir Path dir;

  @Test
  void aHeldLockRefusesASecondHolderAndNamesTheFirst() {
    long pid = ProcessHandle.current().pid();
    try (RunLock first = RunLock.acquire(dir, "--out")) {
      assertThat(first.file()).isRegularFile();
      assertThatThrownBy(() -> RunLock.acquire(dir, "--resume"))
          .isInstanceOf(TuneConfigException.class)
          .hasMessageStartingWith("--resume " + dir + ": the run directory is in use by process "
              + pid + " on ")
          .hasMessageNotContaining("\n");
      assertThatThrownBy(() -> RunLock.checkFree(dir, "--out"))
          .isInstanceOf(TuneConfigException.class).hasMessageContaining("in use by process " + pid);
    }
    // released: free again, the file emptied
    RunLock.checkFree(dir, "--out");
    assertThat(dir.resolve(RunLock.FILE)).isEmptyFile();
    try (RunLock again = RunLock.acquire(dir, "--resume")) {
      assertThat(again.file()).content().contains("pid=" + pid);
    }
  }

  @Test
  void aLockFileOfADeadProcessIsStaleAndTakenOver() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long dead = p.pid();
    Files.writeString(dir.resolve(RunLock.FILE), new RunLock.Holder(dead,
        RunLock.Holder.hostName(), 1).toString());
    RunLock.checkFree(dir, "--resume");
    try (RunLock l = RunLock.acquire(dir, "--resume")) {
      assertThat(l.file()).content().contains("pid=" + ProcessHandle.current().pid())
          .doesNotContain("pid=" + dead + " ");
    }
  }

  @Test
  void aPidReusedByAnotherProcessIsNotTheHolder() throws Exception {
    // this JVM's PID, with a start time that is not this JVM's: the holder died and the PID came back
    long self = ProcessHandle.current().pid();
    long started = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
    Files.writeString(dir.resolve(RunLock.FILE),
        new RunLock.Holder(self, RunLock.Holder.hostName(), started - 60_000).toString());
    try (RunLock l = RunLock.acquire(dir, "--resume")) {
      assertThat(l.file()).content().contains("started=" + started);
    }
    // with the right start time it is alive: refused although no OS lock is held
    Files.writeString(dir.resolve(RunLock.FILE),
        new RunLock.Holder(self, RunLock.Holder.hostName(), started).toString());
    assertThatThrownBy(() -> RunLock.acquire(dir, "--resume"))
        .hasMessageContaining("in use by process " + self);
  }

  @Test
  void aHolderOnAnotherHostKeepsTheDirectoryAndTheErrorSaysWhatToDelete() throws Exception {
    Files.writeString(dir.resolve(RunLock.FILE),
        new RunLock.Holder(4242, "elsewhere.example", 1).toString());
    assertThatThrownBy(() -> RunLock.acquire(dir, "--resume"))
        .isInstanceOf(TuneConfigException.class)
        .hasMessageContaining("in use by process 4242 on elsewhere.example")
        .hasMessageContaining("delete " + dir.resolve(RunLock.FILE));
    assertThat(dir.resolve(RunLock.FILE)).content().contains("elsewhere.example");
  }

  @Test
  void aGarbledLockFileWithoutAnOsLockIsStale() throws Exception {
    Files.writeString(dir.resolve(RunLock.FILE), "not a holder line\u0000");
    try (RunLock l = RunLock.acquire(dir, "--out")) {
      assertThat(l.file()).content().startsWith("pid=");
    }
  }
}
