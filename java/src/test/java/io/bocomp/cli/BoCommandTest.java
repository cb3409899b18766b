package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BoCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void jsonModePrintsOnlyTheResultObject() throws Exception {
    Run r = run(new CommandLine(new BoCommand()), "--function", "branin", "--trials", "12", "--seed", "3", "--json");
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("trace")).hasSize(12);
    assertThat(j.get("best_x")).hasSize(2);
    double best = j.get("best_value").asDouble();
    assertThat(j.get("trace").get(11).asDouble()).isEqualTo(best);
    for (int i = 1; i < 12; i++) {
      assertThat(j.get("trace").get(i).asDouble()).isLessThanOrEqualTo(j.get("trace").get(i - 1).asDouble());
    }
    double x1 = j.get("best_x").get(0).asDouble();
    double x2 = j.get("best_x").get(1).asDouble();
    assertThat(best).isCloseTo(new io.bocomp.bo.testfunctions.Branin().value(new double[] {x1, x2}),
        org.assertj.core.api.Assertions.within(1e-12));
    assertThat(j.get("certificate").get("probability").asDouble()).isBetween(0.0, 1.0);
    // same seed, same output
    Run again = run(new CommandLine(new BoCommand()), "--function", "branin", "--trials", "12", "--seed", "3", "--json");
    assertThat(again.out()).isEqualTo(r.out());
  }

  @Test
  void textModePrintsOneLinePerTrialThenTheBest() {
    Run r = run(new CommandLine(new BoCommand()), "--function", "sinone", "--trials", "7", "--noise", "0.03");
    assertThat(r.code()).isZero();
    String[] lines = r.out().trim().split("\n");
    assertThat(lines).hasSize(9);
    assertThat(lines[0]).startsWith("trial 1 ");
    assertThat(lines[6]).startsWith("trial 7 ");
    assertThat(lines[7]).startsWith("best value").contains("known minimum 0.0429263");
    assertThat(lines[8]).startsWith("certificate:");
  }

  @Test
  void badInputExitsWithCode2AndOneLineOnStderr() {
    for (String[] args : new String[][] {
      {"--function", "nope"},
      {"--function", "branin", "--trials", "0"},
      {"--function", "branin", "--noise", "-1"},
      {"--function", "branin", "--trials", "many"},
      {"--trials", "3"},
    }) {
      Run r = run(BoCommand.commandLine(), args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().trim().split("\n")).as(String.join(" ", args)).hasSize(1);
      assertThat(r.err()).startsWith("bocomp bo: ");
      assertThat(r.out()).isEmpty();
    }
  }
}
