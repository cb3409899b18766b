package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import io.bocomp.testing.OrtReference;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host reference the GPU executable is tested against ({@link CpuReference}, the CPU backend)
 * agrees with ONNX Runtime on the GPU test network (no GPU needed): so where the GPU matches the
 * reference, it matches ONNX semantics.
 */
class CpuReferenceTest {

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 7})
  void referenceMatchesOnnxRuntime(int batch) {
    Graph g = TestNetworks.cnn();
    Tensor x = TestMatrices.gaussian(42 + batch, batch, 3, 17, 13);
    Map<String, Tensor> ref = CpuReference.run(g, Map.of(TestNetworks.INPUT, x));
    List<String> outs = List.of(TestNetworks.PROBS, TestNetworks.POOLED);
    Map<String, Tensor> ort = OrtReference.run(g, 17, Map.of(TestNetworks.INPUT, x), outs);
    for (String out : outs) {
      Tensor want = ort.get(out);
      Tensor mine = ref.get(out);
      assertThat(mine.shape()).as(out).containsExactly(want.shape());
      for (int i = 0; i < mine.size(); i++) {
        assertThat((double) mine.get(i)).as(out + "[" + i + "]")
            .isCloseTo(want.get(i), Offset.offset(1e-4 + 1e-4 * Math.abs(want.get(i))));
      }
    }
  }
}
