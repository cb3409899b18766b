package io.bocomp.bench;

import io.bocomp.data.Npy;
import io.bocomp.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The matrices and kernels of the decomposition benchmarks: the largest layers of VGG-16 with seeded
 * Gaussian weights. The JMH benchmark and the numpy/scipy peer use the same tensors: this class
 * generates them in the benchmark and {@link #main} writes them as {@code .npy} for the peer.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.bocomp.bench.DecompositionInputs DIR}
 */
public final class DecompositionInputs {
  /** Benchmark cases: name, kind and shape. */
  public enum Case {
    /** VGG-16 fc7 (4096 x 4096): full thin SVD. */
    FC_4096X4096("svd", 4096, 4096),
    /** VGG-16 fc8 (1000 x 4096, transB layout): full thin SVD. */
    FC_1000X4096("svd", 1000, 4096),
    /** VGG-16 fc6 (4096 x 25088): randomized SVD, rank 512, 10 oversamples, 2 power iterations. */
    FC_4096X25088_R512("rsvd", 4096, 25088),
    /** VGG-16 conv4_2..conv5_3 (512 x 512 x 3 x 3): Tucker-2 HOSVD. */
    CONV_512X512X3X3("tucker2", 512, 512, 3, 3),
    /** VGG-16 conv3_2 (256 x 256 x 3 x 3): Tucker-2 HOSVD. */
    CONV_256X256X3X3("tucker2", 256, 256, 3, 3);

    public final String kind;
    private final int[] shape;

    Case(String kind, int... shape) {
      this.kind = kind;
      this.shape = shape;
    }

    public int[] shape() {
      return shape.clone();
    }

    /** The seeded tensor of this case (Gaussian, std 1/sqrt(fan-in)). */
    public Tensor tensor() {
      return gaussian(ordinal() + 1L, shape);
    }
  }

  /** Rank of the randomized SVD case. */
  public static final int RSVD_RANK = 512;
  /** Oversampling of the randomized SVD case. */
  public static final int RSVD_OVERSAMPLE = 10;
  /** Power iterations of the randomized SVD case. */
  public static final int RSVD_POWER_ITERATIONS = 2;

  private DecompositionInputs() {}

  /** Gaussian tensor, std 1/sqrt(product of all dims but the first). */
  public static Tensor gaussian(long seed, int... shape) {
    Tensor t = Tensor.zeros(shape);
    int fanIn = t.size() / shape[0];
    double std = 1 / Math.sqrt(fanIn);
    SplittableRandom r = new SplittableRandom(seed);
    var b = t.data();
    for (int i = 0; i < t.size(); i += 2) {
      // Box-Muller: two normals per two uniforms.
      double u1 = 1 - r.nextDouble();
      double u2 = r.nextDouble();
      double rad = Math.sqrt(-2 * Math.log(u1)) * std;
      b.put(i, (float) (rad * Math.cos(2 * Math.PI * u2)));
      if (i + 1 < t.size()) {
        b.put(i + 1, (float) (rad * Math.sin(2 * Math.PI * u2)));
      }
    }
    return t;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks/target/decomp-inputs");
    Files.createDirectories(dir);
    for (Case c : Case.values()) {
      Path f = dir.resolve(c.name().toLowerCase() + ".npy");
      Npy.write(c.tensor(), f);
      System.out.println(f + " " + c.kind + " " + java.util.Arrays.toString(c.shape()));
    }
  }
}
