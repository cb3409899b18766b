package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.FeedException;
import io.bocomp.engine.Parity;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.ClassCpuBackend;
import io.bocomp.testing.MnistNets;
import io.bocomp.testing.TestNets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Run semantics of the CPU executable: pruning, partial runs, plan caching, buffer reuse, errors. */
class CpuExecutableTest {
  @RegisterExtension static final ClassCpuBackend cpu = new ClassCpuBackend(2);
  /** conv, relu, pool, conv, relu, pool, flatten, gemm, relu, gemm, identity. */
  private static final Graph NET = MnistNets.smallCnn(11, false, false);

  private static CpuExecutable compile(Graph g) {
    return (CpuExecutable) cpu.get().compile(g, 14);
  }

  private static String out(int nodeIndex) {
    return NET.nodes().get(nodeIndex).output(0);
  }

  private static List<String> executed(CpuExecutable e, Map<String, Tensor> feeds,
      List<String> wanted, Map<String, Tensor> results) {
    List<String> ops = new ArrayList<>();
    e.setNodeListener(n -> ops.add(n.name()));
    results.putAll(e.run(feeds, wanted));
    e.setNodeListener(null);
    return ops;
  }

  @Test
  void feedingAnIntermediateSkipsEverythingUpstream() {
    CpuExecutable e = compile(NET);
    Tensor x = Parity.random(1, 3, 1, 28, 28);
    String pool1 = out(2);
    Map<String, Tensor> full = new HashMap<>();
    List<String> all = executed(e, Map.of("x", x), List.of(pool1, "logits"), full);
    assertThat(all).hasSize(NET.nodes().size());

    Map<String, Tensor> partial = new HashMap<>();
    List<String> ran = executed(e, Map.of(pool1, full.get(pool1)), List.of("logits"), partial);
    List<String> skipped = List.of(NET.nodes().get(0).name(), NET.nodes().get(1).name(),
        NET.nodes().get(2).name());
    assertThat(ran).hasSize(NET.nodes().size() - 3).doesNotContainAnyElementsOf(skipped);
    assertThat(partial.get("logits").contentEquals(full.get("logits")))
        .as("same downstream kernels on the same data give identical logits").isTrue();
  }

  @Test
  void onlyTheNodesTheWantedValuesNeedRun() {
    CpuExecutable e = compile(NET);
    Map<String, Tensor> r = new HashMap<>();
    List<String> ran = executed(e, Map.of("x", Parity.random(2, 2, 1, 28, 28)),
        List.of(out(1)), r);
    assertThat(ran).containsExactly(NET.nodes().get(0).name(), NET.nodes().get(1).name());
    assertThat(r.get(out(1)).shape()).containsExactly(2, 16, 28, 28);
    for (float v : r.get(out(1)).toFloatArray()) {
      assertThat(v).isGreaterThanOrEqualTo(0f);
    }
  }

  @Test
  void wantingAFusedIntermediateDisablesThatFusionOnly() {
    CpuExecutable e = compile(NET);
    Tensor x = Parity.random(3, 2, 1, 28, 28);
    Map<String, Tensor> feeds = Map.of("x", x);
    // conv+relu (x2) and gemm+relu fuse: 11 nodes -> 8 steps (flatten and identity are views)
    assertThat(e.stepCount(feeds, List.of("logits"))).isEqualTo(8);
    assertThat(e.stepCount(feeds, List.of(out(0), "logits"))).isEqualTo(9);
    Map<String, Tensor> r = e.run(feeds, List.of(out(0), out(1)));
    float[] conv = r.get(out(0)).toFloatArray();
    float[] relu = r.get(out(1)).toFloatArray();
    boolean anyNegative = false;
    for (int i = 0; i < conv.length; i++) {
      anyNegative |= conv[i] < 0;
      assertThat(relu[i]).isEqualTo(Math.max(conv[i], 0f));
    }
    assertThat(anyNegative).as("the pre-activation value is returned unfused").isTrue();
  }

  @Test
  void shapeSubgraphsAreEvaluatedOncePerPlanNotPerCall() {
    Graph g = MnistNets.smallCnn(12, false, true);
    CpuExecutable e = compile(g);
    Map<String, Tensor> r = new HashMap<>();
    List<String> ran = executed(e, Map.of("x", Parity.random(4, 5, 1, 28, 28)),
        List.of("logits"), r);
    for (Node n : g.nodes()) {
      if (List.of("Shape", "Gather", "Unsqueeze", "Concat").contains(n.opType())) {
        assertThat(ran).doesNotContain(n.name());
      }
    }
    assertThat(r.get("logits").shape()).containsExactly(5, 10);
  }

  @Test
  void reusesBuffersAcrossCallsAndShapes() {
    CpuExecutable e = compile(NET);
    Tensor a = Parity.random(5, 4, 1, 28, 28);
    Tensor b = Parity.random(6, 9, 1, 28, 28);
    Tensor first = e.run(a);
    long arena = e.arenaAllocations();
    long scratch = e.scratchAllocations();
    assertThat(arena).isEqualTo(1);
    Tensor second = e.run(a);
    assertThat(e.arenaAllocations()).isEqualTo(arena);
    assertThat(e.scratchAllocations()).isEqualTo(scratch);
    assertThat(second.contentEquals(first)).isTrue();
    Tensor big = e.run(b);
    long arenaAfterBig = e.arenaAllocations();
    long scratchAfterBig = e.scratchAllocations();
    for (int i = 0; i < 3; i++) {
      assertThat(e.run(a).contentEquals(first)).isTrue();
      assertThat(e.run(b).contentEquals(big)).isTrue();
    }
    assertThat(e.arenaAllocations()).isEqualTo(arenaAfterBig);
    assertThat(e.scratchAllocations()).isEqualTo(scratchAfterBig);
    assertThat(e.cachedPlans()).isEqualTo(2);
    assertThat(first.contentEquals(second)).as("returned tensors are not overwritten").isTrue();
  }

  @Test
  void neverWritesFeedsOrWeights() {
    Graph g = TestNets.mobileNetStyle(32, 13).graph();
    Map<String, Tensor> before = new HashMap<>();
    g.initializers().forEach((k, v) -> before.put(k, v.copy()));
    Tensor x = Parity.random(7, 2, 3, 32, 32);
    Tensor xCopy = x.copy();
    try (var e = cpu.get().compile(g, 14)) {
      e.run(x);
      e.run(x);
    }
    assertThat(x.contentEquals(xCopy)).isTrue();
    g.initializers().forEach((k, v) -> assertThat(v.contentEquals(before.get(k))).as(k).isTrue());
  }

  @Test
  void fedValuesAndConstantsCanBeAskedBack() {
    CpuExecutable e = compile(NET);
    Tensor x = Parity.random(8, 1, 1, 28, 28);
    String w = NET.nodes().get(0).input(1);
    Map<String, Tensor> r = e.run(Map.of("x", x), List.of("x", w));
    assertThat(r.get("x")).isSameAs(x);
    assertThat(r.get(w).contentEquals(NET.initializer(w))).isTrue();
    assertThat(r.get(w)).isNotSameAs(NET.initializer(w));
  }

  @Test
  void rejectsBadFeedsWithMessagesNamingTheValue() {
    CpuExecutable e = compile(NET);
    assertThatThrownBy(() -> e.run(Map.of(), List.of("logits")))
        .isInstanceOf(FeedException.class).hasMessageContaining("graph input 'x' is not fed");
    assertThatThrownBy(() -> e.run(Parity.random(1, 1, 3, 28, 28)))
        .isInstanceOf(FeedException.class)
        .hasMessageContaining("input 'x' has shape [1, 3, 28, 28]")
        .hasMessageContaining("[N, 1, 28, 28]");
    assertThatThrownBy(() -> e.run(Map.of("x", Parity.random(1, 1, 1, 28, 28)),
        List.of("nope"))).isInstanceOf(FeedException.class).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> e.run(Map.of("nope", Parity.random(1, 1, 1, 28, 28)),
        List.of("logits"))).isInstanceOf(FeedException.class).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> e.run(Map.of("x", Tensor.ofLongs(new int[] {1, 1, 28, 28},
        new long[784])), List.of("logits"))).isInstanceOf(FeedException.class)
        .hasMessageContaining("float32");
    assertThatThrownBy(() -> e.run(Tensor.zeros(0, 1, 28, 28)))
        .isInstanceOf(FeedException.class).hasMessageContaining("empty");
    String w = NET.nodes().get(0).input(1);
    assertThatThrownBy(() -> e.run(Map.of(w, NET.initializer(w)), List.of("logits")))
        .isInstanceOf(FeedException.class).hasMessageContaining("initializer");
  }

  @Test
  void givesTheSameResultsForAnyThreadCount() {
    Graph g = TestNets.resnet18(40, 32, TestNets.CLASSES, 14).graph();
    Tensor x = Parity.random(9, 5, 3, 40, 40);
    Tensor reference;
    try (CpuBackend one = new CpuBackend(1)) {
      reference = one.compile(g, 14).run(x);
    }
    for (int threads : new int[] {2, 3}) {
      try (CpuBackend b = new CpuBackend(threads)) {
        Parity.assertClose(threads + " threads", reference, b.compile(g, 14).run(x));
      }
    }
  }

  @Test
  void executablesOfOneBackendCanRunOnTwoThreadsAtOnce() throws Exception {
    Graph g = TestNets.mobileNetStyle(32, 15).graph();
    Tensor a = Parity.random(10, 3, 3, 32, 32);
    CpuExecutable ea = compile(g);
    CpuExecutable eb = compile(NET);
    Tensor expectA = ea.run(a);
    Tensor nx = Parity.random(12, 4, 1, 28, 28);
    Tensor expectB = eb.run(nx);
    java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var fa = ex.submit(() -> {
        for (int i = 0; i < 20; i++) {
          assertThat(ea.run(a).contentEquals(expectA)).isTrue();
        }
        return null;
      });
      var fb = ex.submit(() -> {
        for (int i = 0; i < 20; i++) {
          assertThat(eb.run(nx).contentEquals(expectB)).isTrue();
        }
        return null;
      });
      fa.get();
      fb.get();
    } finally {
      ex.shutdown();
    }
  }

  @Test
  void rejectsUnsupportedOpsAtCompileNamingNodeOpAndTheSupportedOnes() {
    Graph g = Graph.builder().input(ValueInfo.floatTensor("x", 1, 4))
        .addNode(Node.builder("StringNormalizer").name("mystery").inputs("x").outputs("y").build())
        .output(ValueInfo.floatTensor("y", 1, 4)).build();
    assertThatThrownBy(() -> cpu.get().compile(g))
        .isInstanceOf(UnsupportedOperatorException.class)
        .hasMessageContaining("node 'mystery'").hasMessageContaining("StringNormalizer")
        .hasMessageContaining("supported ops: ").hasMessageContaining("Conv");
  }
}
