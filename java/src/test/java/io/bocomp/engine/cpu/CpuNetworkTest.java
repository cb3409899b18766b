package io.bocomp.engine.cpu;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Tensor;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.OrtReference;
import io.bocomp.testing.TestNets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole networks against ONNX Runtime, each compiled once and run at several batch sizes (the
 * same executable; plans are per input shape).
 */
class CpuNetworkTest {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);

  private static void check(String what, Graph g, int[] inShape, int... batches) {
    try (Executable e = cpu.get().compile(g, 14)) {
      for (int b : batches) {
        int[] shape = inShape.clone();
        shape[0] = b;
        Tensor x = Parity.random(1000 + b, shape);
        Tensor expected = OrtReference.run(g, 14, x);
        Parity.assertClose(what + " batch " + b, expected, e.run(x));
      }
    }
  }

  @Test
  void smallCnnWithBatchNormAtBatch1And7And50() {
    check("conv-bn-relu-pool x2, flatten, gemm-relu, gemm",
        MnistNets.smallCnn(1, true, false), new int[] {0, 1, 28, 28}, 1, 7, 50);
  }

  @Test
  void smallCnnWithPyTorchFlattenIdiom() {
    check("small CNN, torch flatten", MnistNets.smallCnn(2, false, true),
        new int[] {0, 1, 28, 28}, 1, 7, 50);
  }

  @Test
  void resnet18Shaped() {
    check("ResNet-18", TestNets.resnet18(32, 64, TestNets.CLASSES, 3).graph(),
        new int[] {0, 3, 32, 32}, 1, 3);
  }

  @Test
  void resnet18ShapedLargerInputNarrow() {
    check("ResNet-18 /4 at 64x64", TestNets.resnet18(64, 16, TestNets.CLASSES, 4).graph(),
        new int[] {0, 3, 64, 64}, 1, 5);
  }

  @Test
  void vgg16Shaped() {
    check("VGG-16 /4", TestNets.vgg16(32, 4, 1024, TestNets.CLASSES, 5).graph(),
        new int[] {0, 3, 32, 32}, 1, 4);
  }

  @Test
  void mobileNetStyle() {
    check("MobileNet-style", TestNets.mobileNetStyle(48, 6).graph(), new int[] {0, 3, 48, 48}, 1, 6);
  }
}
