package io.bocomp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.model.Model;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.train.TrainingGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every test network exports to an ONNX file that ONNX Runtime loads and runs at batch 1, 3 and 8,
 * with finite O(1) outputs whose samples are independent of the rest of the batch.
 */
class TestNetsTest {
  static Map<String, Model> nets() {
    Map<String, Model> m = new LinkedHashMap<>();
    m.put("resnet18", TestNets.resnet18Shaped(32, 1));
    m.put("vgg16", TestNets.vgg16Shaped(32, 2));
    m.put("mobilenet", TestNets.mobileNetStyle(32, 3));
    m.put("pytorch_flatten_opset17", TestNets.pytorchFlatten(8, 17, 4));
    m.put("pytorch_flatten_opset11", TestNets.pytorchFlatten(8, 11, 4));
    m.putAll(OpNets.all(5));
    return m;
  }

  static List<String> names() {
    return List.copyOf(nets().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void onnxRuntimeRunsEveryNetAtSeveralBatchSizes(String name) {
    Model model = nets().get(name);
    try (OrtReference ort = new OrtReference(OnnxExporter.toBytes(model))) {
      List<Tensor> single = ort.run(TestNets.randomInput(model, 1, 7));
      for (int batch : new int[] {1, 3, 8}) {
        Tensor in = TestNets.randomInput(model, batch, 7); // same seed: sample 0 equals `single`'s
        List<Tensor> outs = ort.run(in);
        assertThat(outs).hasSameSizeAs(model.graph().outputs());
        for (int k = 0; k < outs.size(); k++) {
          Tensor out = outs.get(k);
          int[] declared = model.graph().outputs().get(k).shape();
          declared[0] = batch;
          assertThat(out.shape()).as("%s output shape as declared", name).isEqualTo(declared);
          float[] v = out.toFloatArray();
          assertThat(v.length % batch).as("output size divisible by the batch").isZero();
          double maxAbs = 0;
          for (float f : v) {
            assertThat(Float.isFinite(f)).as("%s output finite", name).isTrue();
            maxAbs = Math.max(maxAbs, Math.abs(f));
          }
          assertThat(maxAbs).as("%s activations are O(1)", name).isBetween(1e-2, 1e2);
          float[] ref = single.get(k).toFloatArray();
          assertThat(v.length / batch).isEqualTo(ref.length);
          for (int i = 0; i < ref.length; i++) {
            assertThat((double) v[i]).as("%s sample 0 independent of the batch", name)
                .isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + maxAbs)));
          }
        }
      }
    }
  }

  @Test
  void theNetsCoverEveryTrainableOp() {
    Set<String> used = new TreeSet<>();
    for (Model m : nets().values()) {
      for (Node n : m.graph().nodes()) {
        used.add(n.opType());
      }
    }
    used.add("Constant"); // the importer turns Constant nodes into initializers; tested there
    used.add("Identity"); // removed by IdentityElimination; tested in the pass tests
    // every op fine-tuning differentiates appears in a test network (the end-to-end tests of
    // tuning and fine-tuning run on them); other ops have their own parity tests
    assertThat(used).containsAll(TrainingGraph.OPS);
  }

  @Test
  void sameSeedSameWeightsAndDocumentedSizes() {
    Model a = TestNets.resnet18Shaped(32, 11);
    Model b = TestNets.resnet18Shaped(32, 11);
    Model c = TestNets.resnet18Shaped(32, 12);
    String w = "layer3.1.conv2.weight";
    assertThat(a.graph().initializer(w).contentEquals(b.graph().initializer(w))).isTrue();
    assertThat(a.graph().initializer(w).contentEquals(c.graph().initializer(w))).isFalse();
    assertThat(parameters(a)).isBetween(600_000L, 800_000L);
    assertThat(parameters(TestNets.vgg16Shaped(32, 1))).isBetween(950_000L, 1_100_000L);
    assertThat(parameters(TestNets.mobileNetStyle(32, 1))).isBetween(20_000L, 35_000L);
    assertThat(a.graph().nodes().stream().filter(n -> n.opType().equals("Conv")).count())
        .as("ResNet-18: 1 stem + 16 block + 3 downsample convs").isEqualTo(20);
    Model vgg = TestNets.vgg16Shaped(32, 1);
    assertThat(vgg.graph().nodes().stream().filter(n -> n.opType().equals("Conv")).count()).isEqualTo(13);
    assertThat(vgg.graph().nodes().stream().filter(n -> n.opType().equals("Gemm")).count()).isEqualTo(3);
  }

  static long parameters(Model m) {
    return m.graph().initializers().values().stream().filter(Tensor::isFloat)
        .mapToLong(Tensor::size).sum();
  }
}
