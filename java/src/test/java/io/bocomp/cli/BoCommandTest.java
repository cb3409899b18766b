package io.bocomp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
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
  void badValuesAreOneErrorLineFromMainNamingTheOption() {
    for (String[] args : new String[][] {
      {"bo", "--function", "nope"},
      {"bo", "--function", "branin", "--trials", "0"},
      {"bo", "--function", "branin", "--noise", "-1"},
    }) {
      CliRunner r = CliRunner.run(args);
      String what = String.join(" ", args);
      assertThat(r.exitCode).as(what).isEqualTo(Main.EXIT_BAD_INPUT);
      assertThat(r.err.trim().split("\n")).as(what).hasSize(1);
      assertThat(r.err).as(what).startsWith("bocomp: error: --").contains(args[args.length - 2]);
      assertThat(r.out).as(what).isEmpty();
    }
  }

  @Test
  void parseErrorsGoThroughMainsUsageHandler() {
    Map<String, String[]> cases = Map.of(
        "--trials", new String[] {"bo", "--function", "branin", "--trials", "many"},
        "--function", new String[] {"bo", "--trials", "3"});
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      String[] args = c.getValue();
      CliRunner r = CliRunner.run(args);
      String what = String.join(" ", args);
      assertThat(r.exitCode).as(what).isEqualTo(Main.EXIT_BAD_INPUT);
      assertThat(r.err).as(what).startsWith("bocomp: ").contains(c.getKey())
          .contains("Try 'bocomp bo --help'");
      assertThat(r.out).as(what).isEmpty();
    }
  }
}
