package io.bocomp.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.cpu.CpuDecompositions;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressionPlanTest {
  private static final ModelFactors FACTORS = new FactorCache(new CpuDecompositions(),
      FactorCache.Settings.defaults(), null).compute(CompressibleModel.of(Nets.plain(1), 17));

  private static void resolve(String json) {
    CompressionPlan.parse(json, "p.json").resolve(FACTORS, ApplyOptions.defaults());
  }

  @Test
  void parsesTheContractAndWritesItBack() {
    String json = "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 4},"
        + "{\"name\": \"conv2\", \"method\": \"tucker2\", \"ranks\": [3, 5]},"
        + "{\"name\": \"conv1\", \"method\": \"tucker2\", \"energy\": 0.9},"
        + "{\"name\": \"fc2\", \"method\": \"prune\", \"fraction\": 0.5},"
        + "{\"name\": \"conv3\", \"method\": \"filter_prune\", \"fraction\": 0.25}]}";
    CompressionPlan p = CompressionPlan.parse(json, "p.json");
    assertThat(p.entries()).containsExactly(PlanEntry.svdRank("fc1", 4),
        PlanEntry.tucker2("conv2", 3, 5), PlanEntry.energy("conv1", Method.TUCKER2, 0.9),
        PlanEntry.prune("fc2", 0.5), PlanEntry.filterPrune("conv3", 0.25));
    assertThat(CompressionPlan.parse(p.toJson(), "again").entries()).isEqualTo(p.entries());
    ResolvedPlan r = p.resolve(FACTORS, ApplyOptions.defaults().withKeepDenseIfNotCheaper(false));
    assertThat(r.choice("conv2").rankIn()).isEqualTo(3);
    assertThat(r.choice("conv2").rankOut()).isEqualTo(5);
    assertThat(r.choice("conv2").keptInputs()).isEqualTo(8);
    assertThat(r.choice("fc2").zeroedWeights()).isEqualTo(48);
    assertThat(r.choice("conv3").keptOutputs()).isEqualTo(7); // 10 - round(2.5)
    assertThat(r.choice("fc1").keptInputs()).isEqualTo(28); // 7 channels x 2x2
  }

  @Test
  void malformedPlansNameTheFileAndTheEntry() {
    assertThatThrownBy(() -> CompressionPlan.parse("{\"layers\": [", "p.json"))
        .isInstanceOf(InvalidPlanException.class).hasMessageStartingWith("p.json: not valid JSON");
    assertThatThrownBy(() -> CompressionPlan.parse("{\"layer\": []}", "p.json"))
        .hasMessageContaining("unknown field \"layer\"");
    assertThatThrownBy(() -> CompressionPlan.parse("{\"layers\": [{\"method\": \"svd\"}]}", "p.json"))
        .hasMessageContaining("p.json: entry 1: \"name\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"lowrank\", \"rank\": 2}]}", "p.json"))
        .hasMessageContaining("entry 1 ('fc1')").hasMessageContaining("svd, tucker2, prune, filter_prune");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 2, \"energy\": 0.5}]}", "p.json"))
        .hasMessageContaining("takes exactly one of \"rank\" or \"energy\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rnak\": 2}]}", "p.json"))
        .hasMessageContaining("unknown field \"rnak\"");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"conv2\", \"method\": \"tucker2\", \"ranks\": [3]}]}", "p.json"))
        .hasMessageContaining("\"ranks\" must be [input-channel rank, output-channel rank]");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 2.5}]}", "p.json"))
        .hasMessageContaining("\"rank\" must be an integer");
  }

  @Test
  void outOfRangeValuesAreRejected() {
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc2\", \"method\": \"prune\", \"fraction\": 1.5}]}", "p.json"))
        .hasMessage("p.json: entry 1 ('fc2'): fraction 1.5 outside [0, 1]");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc2\", \"method\": \"filter_prune\", \"fraction\": -0.1}]}", "p.json"))
        .hasMessageContaining("fraction -0.1 outside [0, 1]");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"energy\": 0}]}", "p.json"))
        .hasMessageContaining("energy 0.0 outside (0, 1]");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 0}]}", "p.json"))
        .hasMessageContaining("rank 0 must be at least 1");
    assertThatThrownBy(() -> resolve(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 17}]}"))
        .hasMessage("p.json: entry 1 ('fc1'): rank 17 outside [1, 16]");
    assertThatThrownBy(() -> resolve(
        "{\"layers\": [{\"name\": \"conv2\", \"method\": \"tucker2\", \"ranks\": [9, 4]}]}"))
        .hasMessageContaining("ranks [9, 4] outside [1, 8] x [1, 12]");
  }

  @Test
  void unknownLayersInapplicableMethodsDuplicatesAndForeignPlansAreRejected() {
    assertThatThrownBy(() -> resolve(
        "{\"layers\": [{\"name\": \"fc9\", \"method\": \"svd\", \"rank\": 2}]}"))
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("p.json: entry 1 ('fc9'): unknown layer 'fc9'")
        .hasMessageContaining("compressible layers: conv1, conv2, conv3, fc1, fc2");
    assertThatThrownBy(() -> resolve(
        "{\"layers\": [{\"name\": \"conv2\", \"method\": \"svd\", \"rank\": 2}]}"))
        .hasMessageContaining("method svd does not apply to Conv layer 'conv2'")
        .hasMessageContaining("use tucker2");
    assertThatThrownBy(() -> resolve(
        "{\"layers\": [{\"name\": \"fc2\", \"method\": \"filter_prune\", \"fraction\": 0.5}]}"))
        .hasMessageContaining("graph output");
    assertThatThrownBy(() -> CompressionPlan.parse("{\"layers\": ["
        + "{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 2},"
        + "{\"name\": \"fc1\", \"method\": \"prune\", \"fraction\": 0.2}]}", "p.json"))
        .hasMessageContaining("entry 2 ('fc1'): duplicate of entry 1");
    assertThatThrownBy(() -> resolve("{\"model\": \"abc123\", \"layers\": []}"))
        .hasMessageContaining("p.json: plan is for another model");
    CompressionPlan bound = CompressionPlan.of(List.of(PlanEntry.svdRank("fc1", 2)))
        .forModel(FACTORS.model().hash());
    assertThat(CompressionPlan.parse(bound.toJson(), "b").resolve(FACTORS, ApplyOptions.defaults())
        .choice("fc1").rank()).isEqualTo(2);
  }

  @Test
  void validationWithoutFactorsCatchesNamesMethodsAndRanksBeforeAnyDecomposition() {
    CompressibleModel m = CompressibleModel.of(Nets.plain(1), 17);
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"fc1\", \"method\": \"svd\", \"rank\": 40}]}", "p.json").validate(m))
        .hasMessage("p.json: entry 1 ('fc1'): rank 40 outside [1, 16]");
    assertThatThrownBy(() -> CompressionPlan.parse(
        "{\"layers\": [{\"name\": \"nope\", \"method\": \"prune\", \"fraction\": 0.1}]}", "p.json")
        .validate(m)).hasMessageContaining("unknown layer 'nope'");
    CompressionPlan.parse("{\"layers\": [{\"name\": \"conv2\", \"method\": \"tucker2\", "
        + "\"ranks\": [8, 12]}]}", "p.json").validate(m);
  }

  @Test
  void filterPruningKeepsAtLeastOneFilter() {
    ResolvedPlan r = CompressionPlan.of(List.of(PlanEntry.filterPrune("conv1", 1.0)))
        .resolve(FACTORS, ApplyOptions.defaults());
    assertThat(r.choice("conv1").keptOutputs()).isEqualTo(1);
    assertThat(r.notes()).anyMatch(n -> n.contains("kept 1 filter"));
  }
}
