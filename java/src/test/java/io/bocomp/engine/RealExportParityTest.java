package io.bocomp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bocomp.ModelLoader;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TextImages;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real exports through the whole import path (canonical forms, optimization, folding, shape
 * inference) and the CPU engine, against ONNX Runtime on the original file: torchvision-style
 * classifiers, a ViT, a YOLO-style detector with a segmentation head (tools/export_zoo.py, at
 * opset 17 and older), and PaddleOCR's published models (text detection v3/v4, recognition v3/v4,
 * direction classifier v2). Every output within 1e-4 of ONNX Runtime's largest magnitude.
 */
class RealExportParityTest {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);

  static Stream<Arguments> models() {
    List<Arguments> a = new ArrayList<>();
    for (String zoo : new String[] {"mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
        "densenet", "shufflenet_v2", "regnet_y", "vit_tiny", "vit_tiny_opset13", "yolo_seg",
        "yolo_seg_opset11"}) {
      int size = zoo.startsWith("vit") ? 32 : 64;
      a.add(Arguments.of(zoo, "/io/bocomp/zoo/" + zoo + ".onnx", new int[] {2, 3, size, size}));
    }
    a.add(Arguments.of("PP-OCRv3 det", "/models/ch_PP-OCRv3_det_infer.onnx",
        new int[] {1, 3, 96, 160}));
    a.add(Arguments.of("PP-OCRv4 det", "/models/ch_PP-OCRv4_det_infer.onnx",
        new int[] {1, 3, 96, 128}));
    a.add(Arguments.of("PP-OCRv3 rec", "/models/ch_PP-OCRv3_rec_infer.onnx",
        new int[] {2, 3, 48, 160}));
    a.add(Arguments.of("PP-OCRv4 rec", "/models/ch_PP-OCRv4_rec_infer.onnx",
        new int[] {2, 3, 48, 200}));
    a.add(Arguments.of("PP-OCR v2 cls", "/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
        new int[] {3, 3, 48, 192}));
    return a.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesOnnxRuntime(String name, String resource, int[] inputShape) throws IOException {
    byte[] bytes = resource(resource);
    Model m = ModelLoader.load(bytes, name);
    String input = m.graph().inputs().get(0).name();
    // OCR models see rendered text (random noise saturates the detector's sigmoid near 0, where
    // a relative comparison measures nothing but rounding); the others see uniform noise
    Tensor x = resource.startsWith("/models/")
        ? TextImages.batch(inputShape[0], inputShape[2], inputShape[3], name.hashCode())
        : Parity.random(name.hashCode(), inputShape);
    List<String> outputs = new ArrayList<>();
    for (ValueInfo v : m.graph().outputs()) {
      outputs.add(v.name());
    }
    Map<String, Tensor> expected;
    try (OrtReference ort = new OrtReference(bytes)) {
      expected = ort.run(Map.of(input, x), outputs);
    }
    Map<String, Tensor> actual;
    try (Executable e = cpu.get().compile(m)) {
      actual = new LinkedHashMap<>(e.run(Map.of(input, x), outputs));
    }
    for (String o : outputs) {
      assertThat(actual.get(o).shape()).as(name + " " + o).containsExactly(
          expected.get(o).shape());
      Parity.assertClose(name + " output " + o, expected.get(o), actual.get(o));
    }
  }

  static byte[] resource(String path) throws IOException {
    try (InputStream in = RealExportParityTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return in.readAllBytes();
    }
  }
}
