package io.bocomp.engine.cpu;

import io.bocomp.testing.ClassCpuBackend;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The base of the conformance classes whose cases are {@link GraphCase}s: a subclass lists its
 * cases in a static {@code cases()} (JUnit finds it on the concrete class) and gets one
 * parameterized test running each against ONNX Runtime on a 4-thread CPU backend, opened once per
 * concrete class. Tests of its own reach the backend as {@code cpu.get()}.
 */
abstract class GraphCaseConformance {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(4);

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesOnnxRuntime(GraphCase c) {
    c.assertMatchesOnnxRuntime(cpu.get());
  }
}
