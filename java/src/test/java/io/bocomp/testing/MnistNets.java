package io.bocomp.testing;

import io.bocomp.model.Graph;
import io.bocomp.model.GraphBuilder;
import io.bocomp.model.Tensor;

/**
 * Seeded random CNNs on MNIST-shaped input (float32 "x", [N, 1, 28, 28], symbolic batch) with one
 * output "logits" [N, 10], built with {@link GraphBuilder} and {@link SeededWeights}: the engine
 * tests' small net (optionally with unfolded BatchNorms and the Shape/Gather/Unsqueeze/Concat/
 * Reshape flatten PyTorch exports) and the default model's topology. The last node is an Identity
 * to "logits", as exporters often leave one. Opset 17 conventions (Unsqueeze axes as an input), so
 * any opset from 13 on reads them the same. The bigger real topologies are in {@link TestNets}.
 */
public final class MnistNets {
  private MnistNets() {}

  /**
   * conv-relu-pool x2, flatten, gemm-relu, gemm, identity (11 nodes); with {@code batchNorm} each
   * conv has no bias and a BatchNormalization follows it; with {@code torchFlatten} the Flatten is
   * PyTorch's {@code x.view(x.size(0), -1)} subgraph.
   */
  public static Graph smallCnn(long seed, boolean batchNorm, boolean torchFlatten) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("small_cnn");
    String x = b.input("x", -1, 1, 28, 28);
    x = b.maxPool(b.relu(convMaybeBn(b, r, "conv1", x, 1, 16, batchNorm)), 2, 2, 0);
    x = b.maxPool(b.relu(convMaybeBn(b, r, "conv2", x, 16, 32, batchNorm)), 2, 2, 0);
    x = torchFlatten ? torchFlatten(b, x) : b.flatten(x, 1);
    x = b.relu(b.gemm("fc1", x, r.fc(64, 32 * 7 * 7), r.normal(0.05, 64), true));
    return logits(b, b.gemm("fc2", x, r.classifier(10, 64), r.normal(0.05, 10), true));
  }

  /**
   * The default model's topology (tools/train_default.py) with BatchNorms folded: conv 32, 32,
   * pool, 64, 64, pool, 128, pool (3x3 convs with bias, ReLU), then FC 512, 256, 10.
   */
  public static Graph fashionCnn(long seed) {
    SeededWeights r = new SeededWeights(seed);
    GraphBuilder b = new GraphBuilder("fashion_cnn");
    String x = b.input("x", -1, 1, 28, 28);
    int in = 1;
    int[] cfg = {32, 32, 0, 64, 64, 0, 128, 0};
    for (int i = 0; i < cfg.length; i++) {
      if (cfg[i] == 0) {
        x = b.maxPool(x, 2, 2, 0);
        continue;
      }
      x = b.relu(b.conv("features." + i, x, r.conv(cfg[i], in, 3, 3), r.normal(0.05, cfg[i]), 1,
          1, 1));
      in = cfg[i];
    }
    x = b.flatten(x, 1);
    x = b.relu(b.gemm("fc1", x, r.fc(512, in * 3 * 3), r.normal(0.05, 512), true));
    x = b.relu(b.gemm("fc2", x, r.fc(256, 512), r.normal(0.05, 256), true));
    return logits(b, b.gemm("fc3", x, r.classifier(10, 256), r.normal(0.05, 10), true));
  }

  private static String convMaybeBn(GraphBuilder b, SeededWeights r, String name, String x, int in,
      int out, boolean batchNorm) {
    if (!batchNorm) {
      return b.conv(name, x, r.conv(out, in, 3, 3), r.normal(0.05, out), 1, 1, 1);
    }
    String y = b.conv(name, x, r.conv(out, in, 3, 3), null, 1, 1, 1);
    return TestNets.bn(b, r, name + ".bn", y, out, 0.8, 1.2);
  }

  /** Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] -> Reshape, as PyTorch exports a view. */
  private static String torchFlatten(GraphBuilder b, String x) {
    String shape = b.op("Shape", x).out();
    String index = b.constant("batch_index", Tensor.ofLongs(new int[0], new long[] {0}));
    String batch = b.op("Gather", shape, index).attr("axis", 0L).out();
    String rest = b.constant("minus_one", Tensor.ofLongs(new int[] {1}, new long[] {-1}));
    return b.op("Reshape", x, b.concat(0, b.unsqueeze(batch, 0), rest)).out();
  }

  private static Graph logits(GraphBuilder b, String x) {
    b.output(b.op("Identity", x).name("logits").out(), -1, 10);
    return b.build();
  }
}
