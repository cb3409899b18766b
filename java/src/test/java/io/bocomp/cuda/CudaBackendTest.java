package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bocomp.engine.Decompositions.DistanceStats;
import io.bocomp.engine.Executable;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU executable against the CPU backend (itself checked against ONNX Runtime)
 * on a network with every supported operator at awkward sizes; partial runs from a fed
 * intermediate; the fused distance path; weight reuse across compiles. Skips without a GPU.
 */
class CudaBackendTest {
  private static CudaBackend backend;
  private static final Graph GRAPH = TestNetworks.cnn();

  @BeforeAll
  static void open() {
    if (Cuda.available()) {
      backend = new CudaBackend();
    }
  }

  @BeforeEach
  void requireGpu() {
    assumeTrue(Cuda.available(), () -> "no usable CUDA GPU: " + Cuda.unavailableReason());
  }

  @AfterAll
  static void close() {
    if (backend != null) {
      backend.close();
    }
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 7, 64})
  void matchesTheReferenceOnEveryOperator(int batch) {
    Tensor x = TestMatrices.gaussian(300 + batch, batch, 3, 17, 13);
    Map<String, Tensor> ref = CpuReference.run(GRAPH, Map.of(TestNetworks.INPUT, x));
    try (Executable exe = backend.compile(GRAPH)) {
      Map<String, Tensor> out = exe.run(Map.of(TestNetworks.INPUT, x),
          List.of(TestNetworks.PROBS, TestNetworks.POOLED, "c1", "p1", "cl", "ap", "g1"));
      for (Map.Entry<String, Tensor> e : out.entrySet()) {
        assertClose(e.getValue(), ref.get(e.getKey()), "batch " + batch + " value " + e.getKey());
      }
    }
  }

  @Test
  void runsOnlyWhatTheWantedValuesNeedFromAFedIntermediate() {
    Tensor x = TestMatrices.gaussian(77, 5, 3, 17, 13);
    Map<String, Tensor> ref = CpuReference.run(GRAPH, Map.of(TestNetworks.INPUT, x));
    try (Executable exe = backend.compile(GRAPH)) {
      Tensor probs = exe.run(Map.of("cl", ref.get("cl")), List.of(TestNetworks.PROBS))
          .get(TestNetworks.PROBS);
      assertClose(probs, ref.get(TestNetworks.PROBS), "from fed 'cl'");
      assertThatThrownBy(() -> exe.run(Map.of(TestNetworks.INPUT, x), List.of("nope")))
          .hasMessageContaining("'nope'");
    }
  }

  @Test
  void distanceToReferenceReducesOnTheDeviceAndRepeatsBitForBit() {
    Tensor x = TestMatrices.gaussian(91, 50, 3, 17, 13);
    try (CudaExecutable exe = backend.compile(GRAPH)) {
      Tensor probs = exe.run(Map.of(TestNetworks.INPUT, x), List.of(TestNetworks.PROBS))
          .get(TestNetworks.PROBS);
      Tensor reference = probs.copy();
      for (int i = 0; i < reference.size(); i++) {
        reference.set(i, reference.get(i) + 0.01f * (i % 7 - 3));
      }
      DistanceStats want = DistanceStats.compute(probs, reference);
      DistanceStats got = exe.distanceToReference(Map.of(TestNetworks.INPUT, x),
          TestNetworks.PROBS, reference);
      assertThat(got.n()).isEqualTo(50);
      assertThat(got.mean()).isCloseTo(want.mean(), Offset.offset(1e-9 * want.mean()));
      assertThat(got.stderr()).isCloseTo(want.stderr(), Offset.offset(1e-7 * want.stderr()));
      DistanceStats again = exe.distanceToReference(Map.of(TestNetworks.INPUT, x),
          TestNetworks.PROBS, reference);
      assertThat(Double.doubleToRawLongBits(again.mean())).isEqualTo(Double.doubleToRawLongBits(got.mean()));
      assertThat(again.perSample()).containsExactly(got.perSample());
    }
  }

  @Test
  void weightsAreUploadedOncePerRunAndOutputsCanStayOnTheDevice() {
    try (CudaExecutable first = backend.compile(GRAPH)) {
      int held = backend.weights().size();
      Graph renamed = GRAPH.toBuilder().name("same-weights").build();
      try (CudaExecutable second = backend.compile(renamed)) {
        assertThat(backend.weights().size()).as("shared weights not uploaded again").isEqualTo(held);
        Tensor x = TestMatrices.gaussian(5, 2, 3, 17, 13);
        try (DeviceTensor dx = DeviceTensor.upload(x)) {
          DeviceTensor probs = second.runOnDevice(Map.of(TestNetworks.INPUT, dx),
              List.of(TestNetworks.PROBS)).get(TestNetworks.PROBS);
          assertThat(probs.shape()).containsExactly(2, 7);
          assertClose(probs.toHost(), first.run(Map.of(TestNetworks.INPUT, x),
              List.of(TestNetworks.PROBS)).get(TestNetworks.PROBS), "device feeds");
        }
      }
      assertThat(backend.weights().size()).as("released weights stay cached").isEqualTo(held);
    }
  }

  private static void assertClose(Tensor got, Tensor want, String what) {
    assertThat(got.shape()).as(what).containsExactly(want.shape());
    for (int i = 0; i < want.size(); i++) {
      assertThat((double) got.get(i)).as(what + "[" + i + "]")
          .isCloseTo(want.get(i), Offset.offset(1e-4 + 1e-4 * Math.abs(want.get(i))));
    }
  }
}
