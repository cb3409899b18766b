package io.bocomp.compress;

import io.bocomp.model.Graph;

/** The small networks the compression tests share. */
final class Nets {
  private Nets() {}

  /**
   * conv1 3x3 (3->8) - relu - conv2 3x3/2 (8->12) - relu - conv3 1x1 (12->10) - relu - maxpool 2 -
   * flatten - fc1 Gemm transB=1 (40->16) - relu - fc2 Gemm transB=0 (16->6).
   */
  static Graph plain(long seed) {
    NetBuilder b = new NetBuilder(seed).input("x", 2, 3, 10, 10);
    String h = b.relu("relu1", b.conv("conv1", "x", 8, 3, 1, 1, 1, true));
    h = b.relu("relu2", b.conv("conv2", h, 12, 3, 2, 1, 1, true));
    h = b.relu("relu3", b.conv("conv3", h, 10, 1, 1, 0, 1, true));
    h = b.flatten("flat", b.maxPool("pool", h, 2));
    h = b.relu("relu4", b.gemm("fc1", h, 16, true, true));
    h = b.gemm("fc2", h, 6, false, true);
    return b.output(h).build();
  }

  /**
   * conv1 3x3 (3->8) - BatchNormalization - relu - conv2 3x3 (8->6) - relu - GlobalAveragePool -
   * flatten - fc Gemm transB=1 (6->4).
   */
  static Graph withBatchNorm(long seed) {
    NetBuilder b = new NetBuilder(seed).input("x", 2, 3, 6, 6);
    String h = b.relu("relu1", b.batchNorm("bn1", b.conv("conv1", "x", 8, 3, 1, 1, 1, true)));
    h = b.relu("relu2", b.conv("conv2", h, 6, 3, 1, 1, 1, true));
    h = b.flatten("flat", b.globalAveragePool("gap", h));
    return b.output(b.gemm("fc", h, 4, true, true)).build();
  }

  /**
   * A net with BatchNormalization, a per-channel Add, a Reshape to features, a depthwise conv, a
   * residual Add, a Concat and MatMul layers with bias Adds.
   */
  static Graph mixed(long seed) {
    NetBuilder b = new NetBuilder(seed).input("x", 1, 4, 8, 8);
    String a = b.relu("relu1", b.batchNorm("bn1", b.conv("conv1", "x", 8, 3, 1, 1, 1, false)));
    String dw = b.relu("relu_dw", b.conv("dw", a, 8, 3, 1, 1, 8, true));
    String r = b.add2("res", b.conv("conv2", dw, 8, 3, 1, 1, 1, true), a);
    String c = b.concat("cat", b.conv("conv3", r, 6, 1, 1, 0, 1, true),
        b.conv("conv4", r, 6, 3, 1, 1, 1, true));
    String h = b.relu("relu5", b.addChannelConstant("shift", b.conv("conv5", c, 10, 3, 2, 1, 1, true)));
    h = b.reshapeToFeatures("reshape", b.maxPool("pool", h, 2));
    h = b.relu("relu6", b.matmulBias("mm1", h, 12));
    h = b.matmulBias("mm2", h, 5);
    return b.output(h).build();
  }
}
