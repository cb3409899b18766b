package io.bocomp.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host reference the GPU executable is tested against agrees with ONNX Runtime on the test
 * network (no GPU needed): so where the GPU matches the reference, it matches ONNX semantics.
 */
class ReferenceInterpreterTest {

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 7})
  void referenceMatchesOnnxRuntime(int batch) throws OrtException {
    Graph g = TestNetworks.cnn();
    Tensor x = TestMatrices.gaussian(42 + batch, batch, 3, 17, 13);
    Map<String, Tensor> ref = ReferenceInterpreter.run(g, Map.of(TestNetworks.INPUT, x));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(TestNetworks.toOnnx(g), new OrtSession.SessionOptions());
        OnnxTensor in = OnnxTensor.createTensor(env, x.data(), new long[] {batch, 3, 17, 13});
        OrtSession.Result r = session.run(Map.of(TestNetworks.INPUT, in))) {
      for (String out : new String[] {TestNetworks.PROBS, TestNetworks.POOLED}) {
        FloatBuffer ort = ((OnnxTensor) r.get(out).get()).getFloatBuffer();
        Tensor mine = ref.get(out);
        assertThat(ort.remaining()).isEqualTo(mine.size());
        for (int i = 0; i < mine.size(); i++) {
          assertThat((double) mine.get(i)).as(out + "[" + i + "]")
              .isCloseTo(ort.get(i), org.assertj.core.data.Offset.offset(1e-4 + 1e-4 * Math.abs(ort.get(i))));
        }
      }
    }
  }
}
