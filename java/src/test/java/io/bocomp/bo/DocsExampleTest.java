package io.bocomp.bo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples of docs/bo-api.md, taken from the page itself (not copied): the first, a whole
 * class, is compiled and run, and its printed answer is checked against the constraints it states
 * and against the same run made here (bit for bit); the second, a fragment, is compiled in the
 * context it names. Saving and resuming is checked on the optimizer directly.
 */
class DocsExampleTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  static double loss(double[] x) {
    return Math.pow(x[0] - 0.3, 2) + Math.pow(x[1] - 20, 2) / 400 + 0.01 * Math.sin(9 * x[0]);
  }

  static double latency(double[] x) {
    return 0.1 * x[1] + 2 * x[0];
  }

  private static List<String> javaBlocks() throws Exception {
    String page = Files.readString(Path.of("../docs/bo-api.md"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(page);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** Compiles one source file into {@code out}; fails the test with the compiler's messages. */
  private static void compile(Path out, String className, String source) throws Exception {
    Path file = out.resolve(className + ".java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc = javac.run(null, null, errors, "-d", out.toString(), "-cp",
        System.getProperty("java.class.path"), file.toString());
    assertThat(rc).as("the docs example compiles: %s", errors.toString(StandardCharsets.UTF_8))
        .isZero();
  }

  private static double[] vector(String s) {
    String[] parts = s.replaceAll("[\\[\\]]", "").split(",\\s*");
    double[] v = new double[parts.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Double.parseDouble(parts[i]);
    }
    return v;
  }

  private static BayesOpt.Builder configured(Space space) {
    return BayesOpt.builder(space).seed(42)
        .knownConstraint("params", x -> x[0] * x[1] <= 40)
        .blackBoxConstraint("latency_ms", 4.0);
  }

  private static Space space() {
    return Space.builder().continuous("keep_fraction", 0.05, 1.0).integer("rank", 1, 64).build();
  }

  @Test
  void theDocumentedExampleRunsAndItsAnswerMeetsItsConstraints(@TempDir Path dir)
      throws Exception {
    String src = javaBlocks().get(0);
    assertThat(src).contains("public class BoExample");
    compile(dir, "BoExample", src);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      Method main = cl.loadClass("BoExample").getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(stdout);
    }
    String[] lines = printed.toString(StandardCharsets.UTF_8).split("\\R");
    assertThat(lines).hasSize(3);

    // "[keep_fraction, rank] -> best value": the constrained optimum near (0.3, 20)
    String[] best = lines[0].split(" -> ");
    double[] x = vector(best[0]);
    assertThat(x[0] * x[1]).isLessThanOrEqualTo(40);
    assertThat(latency(x)).isLessThanOrEqualTo(4.0);
    assertThat(x[1]).isEqualTo(Math.rint(x[1]));
    assertThat(loss(x)).isLessThan(0.02);

    // the same run here prints the same answer and certificate, bit for bit
    OptimizationResult r = configured(space()).build().minimize(
        p -> Evaluation.of(loss(p), 0.005).withConstraint("latency_ms", latency(p)), 40);
    assertThat(best[1]).isEqualTo(Double.toString(r.bestValue()));
    assertThat(x).containsExactly(r.bestX());
    assertThat(lines[1]).isEqualTo("P[within eps of the optimum] = "
        + r.certificate().probability());

    // ask/tell in batches of 4 for 8 rounds
    assertThat(loss(vector(lines[2]))).isLessThan(0.05);
  }

  @Test
  void theReuseAndResumeFragmentCompilesInTheContextItNames(@TempDir Path dir) throws Exception {
    String fragment = javaBlocks().get(1);
    assertThat(fragment).contains("BayesOptState.read");
    compile(dir, "Fragment", "import io.bocomp.bo.*;\nimport java.nio.file.Path;\n"
        + "import java.util.List;\nclass Fragment {\n  static void run(Space space, BayesOpt bo,"
        + " List<Observation> reweighted) throws Exception {\n" + fragment + "\n  }\n}\n");
  }

  @Test
  void aSavedRunResumesToTheSameNextSuggestion(@TempDir Path dir) throws Exception {
    BayesOpt bo = configured(space()).build();
    bo.minimize(x -> Evaluation.of(loss(x), 0.005).withConstraint("latency_ms", latency(x)), 12);
    Path file = dir.resolve("bo-state.json");
    bo.state().write(file);
    BayesOpt resumed = configured(space()).resume(BayesOptState.read(file)).build();
    assertThat(Files.readString(file)).isEqualTo(resumed.state().toJson());
    assertThat(resumed.suggest(1).get(0)).containsExactly(bo.suggest(1).get(0));
  }
}
