package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForegroundCompilationTest {
  @BeforeEach
  void onHotSpot() {
    String vm = System.getProperty("java.vm.name", "");
    assumeTrue(vm.contains("HotSpot") || vm.contains("OpenJDK"), "compiler directives are HotSpot's");
  }

  @Test
  void hotSpotTakesTheDirective() throws Exception {
    assertThat(ForegroundCompilation.add(ForegroundCompilation.DIRECTIVE)).isTrue();
    // take it off again: the rest of this test JVM compiles as it would without the CLI
    ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesRemove",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
  }

  @Test
  void aDirectiveHotSpotRejectsIsReportedAsNotTaken() {
    assertThat(ForegroundCompilation.add("[{ match: [\"a/b.c\"], NoSuchOption: false }]")).isFalse();
    assertThat(ForegroundCompilation.add("not json")).isFalse();
  }
}
