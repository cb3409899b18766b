package io.bocomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void failedWriteLeavesTargetAndNoTempFiles() throws IOException {
    Path target = Files.writeString(dir.resolve("out.bin"), "old");
    assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
      out.write("partial".getBytes(StandardCharsets.UTF_8));
      throw new IOException("disk full");
    })).isInstanceOf(BocompException.class).hasMessageContaining("disk full");
    assertThat(Files.readString(target)).isEqualTo("old");
    try (var s = Files.list(dir)) {
      assertThat(s).containsExactly(target);
    }
    AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
    assertThat(Files.readString(target)).isEqualTo("new");
    Path fresh = dir.resolve("fresh.bin");
    AtomicFiles.write(fresh, out -> out.write(1));
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(fresh))).as("not the temp file's 0600").isEqualTo("rw-r--r--");
  }

  @Test
  void missingDirectoryIsAClearError() {
    assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("no/such/x"), out -> { }))
        .hasMessageContaining("does not exist");
  }
}
