package io.bocomp.compress;

import io.bocomp.compress.cost.AnalyticCost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link CompressionPlan} into a {@link ResolvedPlan}: validates every entry against the
 * model (layer exists, method applies, ranks in range), turns energies into ranks from the cached
 * spectra, rounds ranks, counts kept filters and zeroed weights, propagates removed channels to the
 * layers downstream and applies the dense-if-not-cheaper rule.
 *
 * <p>Counts: {@code prune} zeroes round-half-up(fraction x elements) weights; {@code filter_prune}
 * removes round-half-up(fraction x outputs) filters but keeps at least one (noted).
 *
 * <p>Bits: an entry's {@code bits} and {@code group} carry over to its choice whatever the method
 * (also when the dense-if-not-cheaper rule keeps a factorization dense, the dense weight is then
 * quantized); {@code quantize} is the dense layer with bits. A {@code group} is refused for Conv
 * layers (quantized per output channel) and for the convolutions SVD and Tucker-2 produce.
 */
final class PlanResolver {
  private static final int MAX_NAMES_IN_MESSAGE = 30;

  private PlanResolver() {}

  /**
   * Checks what can be checked without the factors: the model hash, layer names, methods, and
   * explicit ranks against the layer shapes. Returns the entries by layer name.
   */
  static Map<String, PlanEntry> validate(CompressionPlan plan, CompressibleModel model) {
    if (plan.modelHash() != null && !plan.modelHash().equalsIgnoreCase(model.hash())) {
      throw new InvalidPlanException(plan.source() + ": plan is for another model (its model hash "
          + abbreviate(plan.modelHash()) + ", this model " + abbreviate(model.hash()) + ")");
    }
    Map<String, PlanEntry> entries = new HashMap<>();
    List<PlanEntry> list = plan.entries();
    for (int i = 0; i < list.size(); i++) {
      PlanEntry e = list.get(i);
      int at = i;
      CompressibleLayer l = model.layer(e.name()).orElseThrow(() -> unknown(plan, model, e, at));
      if (!l.methods().contains(e.method())) {
        throw new InvalidPlanException(plan.where(i, e.name()) + ": method " + e.method().json()
            + " does not apply to " + l.label() + whyNot(l, e.method()) + "; it takes "
            + l.methodNames());
      }
      int full = Math.min(l.matrixShape()[0], l.matrixShape()[1]);
      if (e.rank() != null && e.rank() > full) {
        throw new InvalidPlanException(plan.where(i, e.name()) + ": rank " + e.rank()
            + " outside [1, " + full + "]");
      }
      int[] r = e.ranks();
      if (r != null && (r[0] > l.inputs() || r[1] > l.outputs())) {
        throw new InvalidPlanException(plan.where(i, e.name()) + ": ranks " + Arrays.toString(r)
            + " outside [1, " + l.inputs() + "] x [1, " + l.outputs() + "] ([r_in, r_out] for "
            + l.inputs() + " input and " + l.outputs() + " output channels)");
      }
      if (e.group() != null && l.kind() == CompressibleLayer.Kind.CONV) {
        throw new InvalidPlanException(plan.where(i, e.name()) + ": group " + e.group()
            + " applies to Gemm/MatMul weights; " + l.label() + " is quantized per output channel"
            + " (leave \"group\" out)");
      }
      entries.put(e.name(), e);
    }
    return entries;
  }

  static ResolvedPlan resolve(CompressionPlan plan, ModelFactors factors, ApplyOptions options) {
    CompressibleModel model = factors.model();
    Map<String, PlanEntry> entries = validate(plan, model);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < plan.entries().size(); i++) {
      index.put(plan.entries().get(i).name(), i);
    }
    // Filter pruning first: it fixes the inputs of the layers downstream.
    Map<String, Integer> keptOut = new HashMap<>();
    Map<String, Integer> keptIn = new HashMap<>();
    Map<String, String> notes = new HashMap<>();
    for (CompressibleLayer l : model.layers()) {
      PlanEntry e = entries.get(l.name());
      if (e == null || e.method() != Method.FILTER_PRUNE) {
        continue;
      }
      long removed = Math.round(e.fraction() * l.outputs());
      int kept = (int) Math.max(1, l.outputs() - removed);
      if (l.outputs() - removed < 1) {
        notes.put(l.name(), "kept 1 filter (fraction " + e.fraction() + " would remove all "
            + l.outputs() + ")");
      }
      keptOut.put(l.name(), kept);
      for (ChannelPath.Consumer c : l.channelPath().consumers()) {
        keptIn.put(c.layerName(), kept * c.blockSize());
      }
    }
    List<LayerChoice> choices = new ArrayList<>();
    for (CompressibleLayer l : model.layers()) {
      PlanEntry e = entries.get(l.name());
      int in = keptIn.getOrDefault(l.name(), l.inputs());
      if (e == null) {
        choices.add(LayerChoice.dense(l, null, in, null));
        continue;
      }
      String at = plan.where(index.get(l.name()), l.name());
      LayerChoice c;
      switch (e.method()) {
        case SVD:
          c = svd(l, e, in, factors.of(l.name()).orElseThrow(), options, at);
          break;
        case TUCKER2:
          c = tucker(l, e, in, factors.of(l.name()).orElseThrow(), options);
          break;
        case PRUNE: {
          long n = l.denseWeightElements(l.outputs(), in);
          c = new LayerChoice(l, e, Method.PRUNE, 0, 0, 0, l.outputs(), in,
              Math.round(e.fraction() * n), null);
          break;
        }
        case QUANTIZE:
          c = LayerChoice.dense(l, e, in, null);
          break;
        default:
          c = new LayerChoice(l, e, Method.FILTER_PRUNE, 0, 0, 0, keptOut.get(l.name()),
              in, 0, notes.get(l.name()));
      }
      choices.add(c.withBits(e.bitWidth(), e.groupSize()));
    }
    return new ResolvedPlan(model, plan, choices);
  }

  private static LayerChoice svd(CompressibleLayer l, PlanEntry e, int in, LayerFactors f,
      ApplyOptions o, String at) {
    int max = f.maxRank();
    String note = null;
    int r;
    if (e.energy() != null) {
      r = f.rankForEnergy(e.energy());
      if (r < 0) {
        throw new InvalidPlanException(at + ": energy " + e.energy() + " needs a rank above the "
            + max + " cached for this large layer (" + String.format("%.4f", f.energyAtRank(max))
            + " reached); ask for a rank instead");
      }
    } else {
      r = e.rank();
      if (r > max) {
        throw new InvalidPlanException(at + ": rank " + r + " outside [1, " + max + "]"
            + (f.truncated() ? " (the cached randomized SVD of this large layer)" : ""));
      }
    }
    int rounded = roundUp(r, o.rankMultiple(), max);
    if (rounded != r) {
      note = "rank " + r + " rounded to " + rounded;
    }
    LayerChoice c = new LayerChoice(l, e, Method.SVD, rounded, 0, 0, l.outputs(), in, 0, note);
    return denseIfNotCheaper(c, o);
  }

  private static LayerChoice tucker(CompressibleLayer l, PlanEntry e, int in, LayerFactors f,
      ApplyOptions o) {
    int[] r = e.energy() != null ? f.ranksForEnergy(e.energy()) : e.ranks();
    int rin = roundUp(r[0], o.rankMultiple(), l.inputs());
    int rout = roundUp(r[1], o.rankMultiple(), l.outputs());
    String note = rin != r[0] || rout != r[1]
        ? "ranks " + Arrays.toString(r) + " rounded to [" + rin + ", " + rout + "]" : null;
    LayerChoice c = new LayerChoice(l, e, Method.TUCKER2, 0, rin, rout, l.outputs(), in, 0, note);
    return denseIfNotCheaper(c, o);
  }

  private static LayerChoice denseIfNotCheaper(LayerChoice c, ApplyOptions o) {
    if (!o.keepDenseIfNotCheaper()) {
      return c;
    }
    LayerChoice dense = LayerChoice.dense(c.layer(), c.entry(), c.keptInputs(), null);
    long fp = AnalyticCost.weightParams(c);
    long dp = dense.layer().denseWeightElements(dense.keptOutputs(), dense.keptInputs());
    long fm = AnalyticCost.macs(c);
    long dm = AnalyticCost.macs(dense);
    if (fp < dp && fm < dm) {
      return c;
    }
    String shape = c.method() == Method.SVD ? "rank " + c.rank()
        : "ranks [" + c.rankIn() + ", " + c.rankOut() + "]";
    return LayerChoice.dense(c.layer(), c.entry(), c.keptInputs(), "kept dense: "
        + c.method().json() + " at " + shape + " needs " + fp + " params / " + fm
        + " MACs, dense " + dp + " / " + dm);
  }

  private static int roundUp(int r, int multiple, int max) {
    int up = (int) Math.min(max, ((long) r + multiple - 1) / multiple * multiple);
    return Math.max(1, up);
  }

  private static InvalidPlanException unknown(CompressionPlan plan, CompressibleModel model,
      PlanEntry e, int i) {
    List<String> names = new ArrayList<>();
    for (CompressibleLayer l : model.layers()) {
      names.add(l.name());
    }
    String list = names.size() <= MAX_NAMES_IN_MESSAGE ? String.join(", ", names)
        : String.join(", ", names.subList(0, MAX_NAMES_IN_MESSAGE)) + ", ... ("
            + names.size() + " in all; see 'bocomp inspect')";
    String why = model.leftAlone().containsKey(e.name())
        ? "layer '" + e.name() + "' is not compressible (" + model.leftAlone().get(e.name()) + ")"
        : "unknown layer '" + e.name() + "'";
    return new InvalidPlanException(plan.where(i, e.name()) + ": " + why
        + "; compressible layers: " + list);
  }

  private static String whyNot(CompressibleLayer l, Method m) {
    if (m == Method.FILTER_PRUNE && l.filterPruneBlocker() != null) {
      return " (" + l.filterPruneBlocker() + ")";
    }
    if (m == Method.SVD && l.methods().contains(Method.TUCKER2)) {
      return " (a " + l.kernelH() + "x" + l.kernelW() + " conv: use tucker2)";
    }
    if (m == Method.TUCKER2 && l.methods().contains(Method.SVD)) {
      return l.kind() == CompressibleLayer.Kind.CONV ? " (a 1x1 conv: use svd)"
          : " (an FC layer: use svd)";
    }
    if (l.group() > 1) {
      return " (grouped/depthwise convs are left alone by factorizations)";
    }
    return "";
  }

  private static String abbreviate(String hash) {
    return hash.length() > 16 ? hash.substring(0, 16) + "..." : hash;
  }
}
