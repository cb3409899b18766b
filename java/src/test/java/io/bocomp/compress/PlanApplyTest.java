package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bocomp.compress.cost.AnalyticCost;
import io.bocomp.compress.cost.GraphCost;
import io.bocomp.engine.cpu.CpuDecompositions;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanApplyTest {
  private static final CpuDecompositions DEC = new CpuDecompositions();

  private static ModelFactors factors(Graph g) {
    CompressibleModel m = CompressibleModel.of(g, 17);
    return new FactorCache(DEC, FactorCache.Settings.defaults(), null).compute(m);
  }

  private static CompressionResult apply(Graph g, ModelFactors f, ApplyOptions o, PlanEntry... e) {
    return CompressionPlan.of(List.of(e)).apply(g, f, o);
  }

  @Test
  void fullRankFactorizationsReproduceTheOriginalOutputs() {
    Graph g = Nets.plain(1);
    ModelFactors f = factors(g);
    CompressionResult r = apply(g, f, ApplyOptions.defaults().withKeepDenseIfNotCheaper(false),
        PlanEntry.tucker2("conv1", 3, 8), PlanEntry.tucker2("conv2", 8, 12),
        PlanEntry.svdRank("conv3", 10), PlanEntry.svdRank("fc1", 16), PlanEntry.svdRank("fc2", 6));
    Tensor x = Reference.gaussian(3, 2, 3, 10, 10);
    Tensor want = OrtRunner.run(g, x);
    Tensor got = OrtRunner.run(r.graph(), x);
    assertThat(relativeError(got, want)).isLessThan(1e-4);
    assertThat(r.graph().node("conv1/tucker_core")).isPresent();
    assertThat(r.graph().node("conv3/svd_in")).isPresent();
    assertThat(r.graph().node("fc1/svd_out").get().outputs()).containsExactly("fc1.y");
    assertThat(r.graph().node("conv1")).isEmpty();
    assertThat(r.graph().initializers()).doesNotContainKey("conv1.weight");
  }

  @Test
  void applyNeverMutatesTheInputGraphAndSharesUntouchedWeights() {
    Graph g = Nets.plain(2);
    Map<String, Tensor> before = new HashMap<>();
    g.initializers().forEach((k, v) -> before.put(k, v.copy()));
    List<Node> nodes = new ArrayList<>(g.nodes());
    ModelFactors f = factors(g);
    CompressionResult r = apply(g, f, ApplyOptions.defaults(), PlanEntry.tucker2("conv2", 2, 3),
        PlanEntry.prune("fc1", 0.5), PlanEntry.filterPrune("conv1", 0.5));
    assertThat(g.nodes()).isEqualTo(nodes);
    g.initializers().forEach((k, v) -> assertThat(v.contentEquals(before.get(k))).as(k).isTrue());
    assertThat(r.graph().initializer("fc2.weight")).isSameAs(g.initializer("fc2.weight"));
  }

  @Test
  void truncatedSvdLayerErrorIsTheTailOfTheSingularValues() {
    Graph g = Nets.plain(3);
    ModelFactors f = factors(g);
    Tensor s = f.of("fc1").orElseThrow().svd().s();
    Tensor w = g.initializer("fc1.weight"); // [16, 40], transB = 1
    for (int k : new int[] {1, 4, 9}) {
      Graph c = apply(g, f, ApplyOptions.defaults().withKeepDenseIfNotCheaper(false),
          PlanEntry.svdRank("fc1", k)).graph();
      Tensor first = c.initializer("fc1/svd_in/W"); // [k, 40] (R)
      Tensor second = c.initializer("fc1/svd_out/W"); // [16, k] (L = U S)
      assertThat(first.shape()).containsExactly(k, 40);
      assertThat(second.shape()).containsExactly(16, k);
      double err = 0;
      for (int o = 0; o < 16; o++) {
        for (int i = 0; i < 40; i++) {
          double v = 0;
          for (int j = 0; j < k; j++) {
            v += (double) second.get(o * k + j) * first.get(j * 40 + i);
          }
          err += (w.get(o * 40 + i) - v) * (w.get(o * 40 + i) - v);
        }
      }
      double tail = 0;
      for (int j = k; j < s.size(); j++) {
        tail += (double) s.get(j) * s.get(j);
      }
      assertThat(err).as("rank %d", k).isCloseTo(tail, within(1e-5 * Reference.squaredNorm(w)));
    }
  }

  @Test
  void pruningZeroesExactlyTheRequestedFractionOfSmallestWeights() {
    Graph g = Nets.plain(4);
    ModelFactors f = factors(g);
    Tensor w = g.initializer("conv2.weight"); // 12*8*9 = 864
    for (double fr : new double[] {0, 0.1, 0.333, 0.5, 0.999, 1}) {
      Graph c = apply(g, f, ApplyOptions.defaults(), PlanEntry.prune("conv2", fr)).graph();
      Tensor p = c.initializer("conv2.weight");
      long zeros = p.size() - GraphCost.nonZeros(p);
      assertThat(zeros).as("fraction %s", fr).isEqualTo(Math.round(fr * 864));
      float maxZeroed = 0;
      float minKept = Float.MAX_VALUE;
      for (int i = 0; i < p.size(); i++) {
        if (p.get(i) == 0) {
          maxZeroed = Math.max(maxZeroed, Math.abs(w.get(i)));
        } else {
          assertThat(p.get(i)).isEqualTo(w.get(i));
          minKept = Math.min(minKept, Math.abs(w.get(i)));
        }
      }
      assertThat(maxZeroed).isLessThanOrEqualTo(minKept);
    }
  }

  @Test
  void filterPruningEqualsZeroingTheWeakestFiltersAndRunsWithTheReportedShapes() {
    Graph g = Nets.plain(5);
    ModelFactors f = factors(g);
    CompressionResult r = apply(g, f, ApplyOptions.defaults(), PlanEntry.filterPrune("conv1", 0.25),
        PlanEntry.filterPrune("conv3", 0.5), PlanEntry.filterPrune("fc1", 0.5));
    Graph c = r.graph();
    assertThat(c.initializer("conv1.weight").shape()).containsExactly(6, 3, 3, 3);
    assertThat(c.initializer("conv1.bias").shape()).containsExactly(6);
    assertThat(c.initializer("conv2.weight").shape()).containsExactly(12, 6, 3, 3);
    assertThat(c.initializer("conv3.weight").shape()).containsExactly(5, 12, 1, 1);
    // conv3's 5 channels of 2x2 pooled pixels flatten to 20 features of fc1 (transB: [out, in]).
    assertThat(c.initializer("fc1.weight").shape()).containsExactly(8, 20);
    assertThat(c.initializer("fc2.weight").shape()).containsExactly(8, 6);
    assertThat(c.valueInfo("conv3.y").get().shape()).containsExactly(2, 5, 5, 5);
    assertThat(c.valueInfo("flat.y").get().shape()).containsExactly(2, 20);
    assertThat(r.plan().choice("conv2").keptInputs()).isEqualTo(6);
    assertThat(r.plan().choice("fc1").keptInputs()).isEqualTo(20);

    // Reference: the original with the removed filters' weights and biases zeroed. After a ReLU a
    // zeroed channel is 0 everywhere, exactly as if it were gone.
    Graph.Builder zb = g.toBuilder();
    zeroFilters(zb, g, f, "conv1", 0, 8, 2);
    zeroFilters(zb, g, f, "conv3", 0, 10, 5);
    zeroFilters(zb, g, f, "fc1", 0, 16, 8);
    Tensor x = Reference.gaussian(6, 2, 3, 10, 10);
    Tensor want = OrtRunner.run(zb.build(), x);
    Tensor got = OrtRunner.run(c, x);
    assertThat(relativeError(got, want)).isLessThan(1e-5);
  }

  @Test
  void filterPruningFollowsBatchNormChannelConstantsReshapeAndMatMulBias() {
    Graph g = Nets.mixed(7);
    CompressibleModel m = CompressibleModel.of(g, 17);
    assertThat(m.layer("conv5").get().methods()).contains(Method.FILTER_PRUNE);
    assertThat(m.layer("mm1").get().methods()).contains(Method.FILTER_PRUNE);
    ModelFactors f = factors(g);
    CompressionResult r = apply(g, f, ApplyOptions.defaults(), PlanEntry.filterPrune("conv5", 0.3),
        PlanEntry.filterPrune("mm1", 0.5), PlanEntry.svdRank("mm2", 3));
    Graph c = r.graph();
    assertThat(c.initializer("conv5.weight").dim(0)).isEqualTo(7);
    assertThat(c.initializer("shift.c").shape()).containsExactly(7, 1, 1);
    assertThat(c.initializer("mm1.weight").shape()).containsExactly(7 * 4 * 4 / 4, 6);
    assertThat(c.initializer("mm1_bias.b").shape()).containsExactly(6);
    assertThat(c.initializer("reshape.shape").toLongArray()).containsExactly(1, -1);
    Tensor y = OrtRunner.run(c, Reference.gaussian(8, 1, 4, 8, 8));
    assertThat(y.shape()).containsExactly(1, 5);
    assertCostsMatchTheGraph(r, m);
  }

  @Test
  void removedChannelsThatNothingReadsLeaveTheOutputUnchangedThroughEveryPathOp() {
    // Reference: the original with the NEXT layers' weights on the channels to be removed zeroed.
    // Then those channels contribute nothing, whatever BN, constants and pooling do to them, and
    // removing them must not change the output at all.
    check(Nets.withBatchNorm(15), new int[] {2, 3, 6, 6}, PlanEntry.filterPrune("conv1", 0.5),
        PlanEntry.filterPrune("conv2", 0.5));
    check(Nets.mixed(16), new int[] {1, 4, 8, 8}, PlanEntry.filterPrune("conv5", 0.4),
        PlanEntry.filterPrune("mm1", 0.25));
  }

  private static void check(Graph g, int[] inputShape, PlanEntry... entries) {
    CompressibleModel m0 = CompressibleModel.of(g, 17);
    Graph.Builder zb = g.toBuilder();
    for (PlanEntry e : entries) { // in graph order: a layer's L1 ranking sees earlier zeroing
      ModelFactors f0 = new ModelFactors(CompressibleModel.of(zb.build(), 17), java.util.Map.of());
      CompressibleLayer l = m0.layer(e.name()).orElseThrow();
      int[] order = f0.filterRemovalOrder(l);
      int removed = (int) Math.round(e.fraction() * l.outputs());
      for (ChannelPath.Consumer c : l.channelPath().consumers()) {
        CompressibleLayer next = m0.layer(c.layerName()).orElseThrow();
        Tensor w = zb.initializers().get(next.weightName()).copy();
        int[] shape = w.shape();
        int inAxis = next.kind() == CompressibleLayer.Kind.CONV ? 1 : 1 - next.outputAxis();
        int outer = 1;
        for (int d = 0; d < inAxis; d++) {
          outer *= shape[d];
        }
        int inner = w.size() / outer / shape[inAxis];
        for (int i = 0; i < removed; i++) {
          for (int j = 0; j < c.blockSize(); j++) {
            int feature = order[i] * c.blockSize() + j;
            for (int o = 0; o < outer; o++) {
              for (int k = 0; k < inner; k++) {
                w.set((o * shape[inAxis] + feature) * inner + k, 0);
              }
            }
          }
        }
        zb.initializer(next.weightName(), w);
      }
    }
    Graph zeroed = zb.build();
    ModelFactors f = factors(zeroed);
    CompressionResult r = apply(zeroed, f, ApplyOptions.defaults(), entries);
    Tensor x = Reference.gaussian(17, inputShape);
    assertThat(relativeError(OrtRunner.run(r.graph(), x), OrtRunner.run(zeroed, x)))
        .isLessThan(1e-5);
    assertCostsMatchTheGraph(r, f.model());
    assertThat(r.graph().initializers().size()).isEqualTo(zeroed.initializers().size());
  }

  @Test
  void residualAddsConcatsAndGroupedConvsBlockFilterPruningWithTheReason() {
    Graph g = Nets.mixed(8);
    CompressibleModel m = CompressibleModel.of(g, 17);
    assertThat(m.layer("conv2").get().filterPruneBlocker()).contains("Add node 'res'")
        .contains("residual");
    assertThat(m.layer("conv3").get().filterPruneBlocker()).contains("Concat node 'cat'");
    assertThat(m.layer("conv1").get().filterPruneBlocker()).contains("grouped Conv 'dw'");
    assertThat(m.layer("dw").get().methods()).containsExactlyInAnyOrder(Method.PRUNE, Method.QUANTIZE);
    assertThat(m.layer("mm2").get().filterPruneBlocker()).contains("graph output");
    ModelFactors f = factors(g);
    assertThatThrownBy(() -> apply(g, f, ApplyOptions.defaults(), PlanEntry.filterPrune("conv2", 0.5)))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("entry 1 ('conv2')").hasMessageContaining("residual");
    assertThatThrownBy(() -> apply(g, f, ApplyOptions.defaults(), PlanEntry.tucker2("dw", 1, 1)))
        .isInstanceOf(InvalidPlanException.class).hasMessageContaining("grouped");
  }

  @Test
  void aFilterPrunedLayerFeedingAFactorizedOneSlicesItsFactors() {
    Graph g = Nets.plain(9);
    ModelFactors f = factors(g);
    ApplyOptions o = ApplyOptions.defaults().withKeepDenseIfNotCheaper(false);
    CompressionResult r = apply(g, f, o, PlanEntry.filterPrune("conv1", 0.5),
        PlanEntry.tucker2("conv2", 8, 12), PlanEntry.filterPrune("conv3", 0.3),
        PlanEntry.svdRank("fc1", 16));
    // Full-rank factors of the original, with the removed inputs' rows dropped, equal the pruned
    // dense layers exactly.
    CompressionResult dense = apply(g, f, o, PlanEntry.filterPrune("conv1", 0.5),
        PlanEntry.filterPrune("conv3", 0.3));
    Tensor x = Reference.gaussian(10, 2, 3, 10, 10);
    assertThat(relativeError(OrtRunner.run(r.graph(), x), OrtRunner.run(dense.graph(), x)))
        .isLessThan(1e-4);
    assertThat(r.graph().initializer("conv2/tucker_in/W").shape()).containsExactly(8, 4, 1, 1);
    assertCostsMatchTheGraph(r, f.model());
  }

  @Test
  void ranksAreRoundedAndLayersThatWouldNotShrinkStayDense() {
    Graph g = Nets.plain(11);
    ModelFactors f = factors(g);
    CompressionResult r = apply(g, f, ApplyOptions.defaults().withRankMultiple(4),
        PlanEntry.svdRank("fc1", 3), PlanEntry.svdRank("fc2", 5), PlanEntry.tucker2("conv2", 7, 11));
    assertThat(r.plan().choice("fc1").rank()).isEqualTo(4);
    assertThat(r.plan().choice("fc1").note()).contains("rank 3 rounded to 4");
    // fc2 is 16x6: rank 6 (rounded from 5, capped) costs 6*(16+6) = 132 > 96 dense.
    assertThat(r.plan().choice("fc2").method()).isNull();
    assertThat(r.plan().notes()).anyMatch(n -> n.startsWith("fc2: kept dense"));
    assertThat(r.graph().node("fc2")).isPresent();
    assertThat(r.plan().choice("conv2").method()).isNull();
    assertThat(r.graph().node("fc1/svd_in").get().input(1)).isEqualTo("fc1/svd_in/W");
  }

  @Test
  void energyPicksTheSmallestRankKeepingThatShare() {
    Graph g = Nets.plain(12);
    ModelFactors f = factors(g);
    LayerFactors lf = f.of("fc1").orElseThrow();
    int k = lf.rankForEnergy(0.9);
    assertThat(lf.energyAtRank(k)).isGreaterThanOrEqualTo(0.9 * (1 - 1e-6));
    assertThat(lf.energyAtRank(k - 1)).isLessThan(0.9);
    CompressionResult r = apply(g, f, ApplyOptions.defaults().withKeepDenseIfNotCheaper(false),
        PlanEntry.energy("fc1", Method.SVD, 0.9), PlanEntry.energy("conv2", Method.TUCKER2, 1.0));
    assertThat(r.plan().choice("fc1").rank()).isEqualTo(k);
    assertThat(r.plan().choice("conv2").rankIn()).isEqualTo(8);
    assertThat(r.plan().choice("conv2").rankOut()).isEqualTo(12);
  }

  @Test
  void hooiRefinementNeverIncreasesTheTuckerError() {
    Graph g = Nets.plain(13);
    ModelFactors f = factors(g);
    Tensor x = Reference.gaussian(14, 2, 3, 10, 10);
    Tensor want = OrtRunner.run(g, x);
    ApplyOptions o = ApplyOptions.defaults().withKeepDenseIfNotCheaper(false);
    double plain = kernelError(g, apply(g, f, o, PlanEntry.tucker2("conv2", 3, 4)).graph());
    double refined = kernelError(g, apply(g, f, o.withHooiIterations(3),
        PlanEntry.tucker2("conv2", 3, 4)).graph());
    assertThat(refined).isLessThanOrEqualTo(plain * (1 + 1e-5));
    Graph full = apply(g, f, o.withHooiIterations(2), PlanEntry.tucker2("conv2", 8, 12)).graph();
    assertThat(relativeError(OrtRunner.run(full, x), want)).isLessThan(1e-4);
  }

  static void assertCostsMatchTheGraph(CompressionResult r, CompressibleModel m) {
    assertThat(AnalyticCost.totalParams(r.plan())).isEqualTo(GraphCost.params(r.graph()));
    assertThat(AnalyticCost.totalMacs(r.plan())).isEqualTo(GraphCost.macs(r.graph(), 17));
    assertThat(AnalyticCost.totalBytes(r.plan())).isEqualTo(GraphCost.bytes(r.graph()));
    assertThat(m.params()).isEqualTo(GraphCost.params(m.graph()));
  }

  /** ||W - reconstruction||^2 of conv2's Tucker-2 layers, reconstructed from their weights. */
  private static double kernelError(Graph orig, Graph c) {
    Tensor w = orig.initializer("conv2.weight");
    Tensor a = c.initializer("conv2/tucker_in/W"); // [rin, cin, 1, 1]
    Tensor core = c.initializer("conv2/tucker_core/W"); // [rout, rin, 3, 3]
    Tensor b = c.initializer("conv2/tucker_out/W"); // [cout, rout, 1, 1]
    int rin = a.dim(0);
    int cin = a.dim(1);
    int rout = core.dim(0);
    int cout = b.dim(0);
    double err = 0;
    for (int o = 0; o < cout; o++) {
      for (int ci = 0; ci < cin; ci++) {
        for (int s = 0; s < 9; s++) {
          double v = 0;
          for (int p = 0; p < rout; p++) {
            for (int q = 0; q < rin; q++) {
              v += (double) b.get(o * rout + p) * core.get((p * rin + q) * 9 + s) * a.get(q * cin + ci);
            }
          }
          double d = w.get((o * cin + ci) * 9 + s) - v;
          err += d * d;
        }
      }
    }
    return err;
  }

  private static void zeroFilters(Graph.Builder b, Graph g, ModelFactors f, String layer,
      int unused, int outputs, int removed) {
    CompressibleLayer l = f.model().layer(layer).orElseThrow();
    int[] order = f.filterRemovalOrder(l);
    Tensor w = g.initializer(l.weightName()).copy();
    Tensor bias = g.initializer(l.biasName()).copy();
    int per = w.size() / outputs;
    for (int i = 0; i < removed; i++) {
      int o = order[i];
      bias.set(o, 0);
      for (int j = 0; j < per; j++) {
        if (l.outputAxis() == 0) {
          w.set(o * per + j, 0);
        } else {
          w.set(j * outputs + o, 0);
        }
      }
    }
    b.initializer(l.weightName(), w);
    b.initializer(l.biasName(), bias);
  }

  static double relativeError(Tensor got, Tensor want) {
    assertThat(got.shape()).isEqualTo(want.shape());
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.size(); i++) {
      double d = got.get(i) - want.get(i);
      num += d * d;
      den += (double) want.get(i) * want.get(i);
    }
    return Math.sqrt(num / den);
  }
}
