package io.bocomp.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.bocomp.model.GraphOptimizer;
import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.testing.OpNets;
import io.bocomp.testing.TestNets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the importer with mutated valid models: byte flips, truncations, insertions,
 * large-varint splices and duplicated slices. Every case must either import, or fail with the
 * documented {@link ModelFormatException} / {@link UnsupportedOperatorException}; never another
 * exception, an {@link OutOfMemoryError}, or a hang. What imports must also optimize and
 * export, and the export must import again.
 */
class ImporterFuzzTest {
  private static final int CASES = 4000;

  @Test
  void mutatedModelsImportOrFailWithTheDocumentedExceptions() {
    List<byte[]> seeds = new ArrayList<>();
    for (Model m : OpNets.all(1).values()) {
      seeds.add(OnnxExporter.toBytes(m));
    }
    seeds.add(OnnxExporter.toBytes(TestNets.pytorchFlatten(8, 11, 1)));
    seeds.add(OnnxExporter.toBytes(TestNets.mobileNetStyle(8, 1)));
    seeds.add(OnnxExporter.toBytes(TestNets.resnet18(16, 2, 10, 1)));

    int[] outcome = new int[3]; // imported, format error, unsupported op
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      Random rng = new Random(20240601);
      for (int c = 0; c < CASES; c++) {
        byte[] seed = seeds.get(rng.nextInt(seeds.size()));
        String how = "";
        byte[] bytes;
        try {
          int kind = rng.nextInt(5);
          how = describe(kind);
          bytes = mutate(seed, kind, rng);
        } catch (RuntimeException e) {
          throw new AssertionError("mutation failed", e);
        }
        try {
          Model m = OnnxImporter.read(bytes, "fuzz", null);
          Model opt = GraphOptimizer.standard().apply(m);
          OnnxImporter.read(OnnxExporter.toBytes(opt), "fuzz-export", null);
          outcome[0]++;
        } catch (ModelFormatException e) {
          assertThat(e.getMessage()).doesNotContain("\n");
          outcome[1]++;
        } catch (UnsupportedOperatorException e) {
          outcome[2]++;
        } catch (Throwable t) {
          throw new AssertionError("case " + c + " (" + how + ") threw " + t, t);
        }
      }
    });
    // the mutations reach past the protobuf parser into the importer's own checks
    assertThat(outcome[0]).as("imported").isGreaterThan(CASES / 50);
    assertThat(outcome[1]).as("format errors").isGreaterThan(CASES / 5);
    assertThat(outcome[0] + outcome[1] + outcome[2]).isEqualTo(CASES);
  }

  private static String describe(int kind) {
    return new String[] {"byte flips", "truncation", "insertion", "varint splice", "slice copy"}[kind];
  }

  private static byte[] mutate(byte[] src, int kind, Random rng) {
    switch (kind) {
      case 0: { // flip 1..8 random bytes
        byte[] b = src.clone();
        for (int k = 1 + rng.nextInt(8); k > 0; k--) {
          b[rng.nextInt(b.length)] ^= (byte) (1 + rng.nextInt(255));
        }
        return b;
      }
      case 1: // truncate
        return Arrays.copyOf(src, rng.nextInt(src.length));
      case 2: { // insert 1..16 random bytes
        byte[] ins = new byte[1 + rng.nextInt(16)];
        rng.nextBytes(ins);
        return splice(src, rng.nextInt(src.length + 1), 0, ins);
      }
      case 3: { // overwrite with a large varint (huge lengths, dims, counts)
        byte[] v = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f};
        int at = rng.nextInt(src.length);
        return splice(src, at, Math.min(1 + rng.nextInt(3), src.length - at), v);
      }
      default: { // duplicate a slice elsewhere
        int from = rng.nextInt(src.length);
        int len = Math.min(1 + rng.nextInt(64), src.length - from);
        return splice(src, rng.nextInt(src.length + 1), 0, Arrays.copyOfRange(src, from, from + len));
      }
    }
  }

  /** src with {@code removed} bytes at {@code at} replaced by {@code ins}. */
  private static byte[] splice(byte[] src, int at, int removed, byte[] ins) {
    byte[] out = new byte[src.length - removed + ins.length];
    System.arraycopy(src, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(src, at + removed, out, at + ins.length, src.length - at - removed);
    return out;
  }
}
