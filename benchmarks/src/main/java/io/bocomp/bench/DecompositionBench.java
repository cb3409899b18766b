package io.bocomp.bench;

import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Tensor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to decompose the largest VGG-16 layers on the CPU ({@link CpuDecompositions}: OpenBLAS
 * LAPACK), one layer per invocation, to compare with numpy/scipy on the same tensors
 * ({@code benchmarks/peers/decomp_scipy_peer.py}, which computes the ratios).
 *
 * <p>Run (from the repository root; all of it, inputs, JMH and the peer, with
 * {@code benchmarks/peers/run_decomp.sh}):
 *
 * <pre>
 * mvn -B -o -q -P '!cuda' -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar DecompositionBench -rf json -rff decomp.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class DecompositionBench {
  @Param({"FC_4096X4096", "FC_1000X4096", "FC_4096X25088_R512", "CONV_512X512X3X3",
      "CONV_256X256X3X3"})
  public String layer;

  private final CpuDecompositions dec = new CpuDecompositions();
  private DecompositionInputs.Case c;
  private Tensor t;

  @Setup
  public void setup() {
    c = DecompositionInputs.Case.valueOf(layer);
    t = c.tensor();
  }

  @Benchmark
  public Object decompose() {
    switch (c.kind) {
      case "svd":
        return dec.svd(List.of(t));
      case "rsvd":
        return dec.truncatedSvd(t, DecompositionInputs.RSVD_RANK, DecompositionInputs.RSVD_OVERSAMPLE,
            DecompositionInputs.RSVD_POWER_ITERATIONS, 42);
      default:
        return dec.tucker2(List.of(t));
    }
  }
}
