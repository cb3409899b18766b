package io.bocomp.scratch;

import io.bocomp.ModelLoader;
import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.engine.cpu.CpuBackend;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.testing.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffScratchTest {
  @Test
  void diff() throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(System.getProperty("model")));
    List<String> names = Files.readAllLines(Path.of(System.getProperty("names")));
    Model m = ModelLoader.load(Files.readAllBytes(Path.of(System.getProperty("orig"))), "m");
    int[] shape = java.util.Arrays.stream(System.getProperty("shape").split(","))
        .mapToInt(Integer::parseInt).toArray();
    Tensor x = Parity.random(5, shape);
    String in = m.graph().inputs().get(0).name();
    List<String> avail = new ArrayList<>();
    try (CpuBackend cpu = new CpuBackend(2); Executable e = cpu.compile(m);
        OrtReference ort = new OrtReference(bytes)) {
      for (String n : names) {
        try {
          e.run(Map.of(in, x), List.of(n));
          avail.add(n);
        } catch (RuntimeException ex) {
          // folded or renamed
        }
      }
      Map<String, Tensor> ref = ort.run(Map.of(in, x), avail);
      Map<String, Tensor> got = e.run(Map.of(in, x), avail);
      int shown = 0;
      for (String n : avail) {
        Tensor a = got.get(n);
        Tensor b = ref.get(n);
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
          System.out.println("SHAPE " + n + " " + java.util.Arrays.toString(a.shape()) + " vs "
              + java.util.Arrays.toString(b.shape()));
          continue;
        }
        double d = Parity.maxAbsDiff(a.isFloat() ? a : Tensor.of(a.shape(), a.toFloatArray()),
            b.isFloat() ? b : Tensor.of(b.shape(), b.toFloatArray()));
        double r = Parity.maxAbs(b);
        if (d > 1e-4 * r && shown++ < 15) {
          System.out.printf("DIFF %s rel %.3g abs %.3g max %.3g%n", n, d / r, d, r);
        }
      }
      System.out.println("compared " + avail.size());
    }
  }
}
