package io.bocomp.tune;

import io.bocomp.bo.Space;
import io.bocomp.compress.ApplyOptions;
import io.bocomp.compress.CompressibleLayer;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.Method;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.compress.ResolvedPlan;
import io.bocomp.model.QuantizedTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tuner's search box and its map to compression plans: theta has one dimension ({@link Knob})
 * per searched layer, or per user group of layers that share one value; a theta becomes a
 * {@link CompressionPlan} of those layers plus the fixed entries (frozen layers, earlier stages).
 *
 * <p>Which layers: every compressible layer the {@link MethodChoice} applies to, minus those
 * excluded by pattern, outside the stage's layer patterns, frozen at a given value (a fixed entry),
 * or that no setting makes cheaper than dense. Why each layer was left out is in {@link #notes()}.
 *
 * <p>Bounds, per {@link Parametrization}: a rank fraction runs from the value where every rank of
 * the dimension's layers is 1 to the smallest value at which the plan resolver keeps a layer dense
 * (the factorization is no longer cheaper; above it the plan does not change); an energy fraction
 * likewise from the energy of rank 1 to that break-even energy; a pruning fraction from 0 to
 * {@code maxPruneFraction}. So the smallest and largest values are valid plans and the box holds
 * no wide flat regions. {@link FractionScale} computes these bounds, the value ladder and the
 * plan entry of a value.
 *
 * <p>Bit widths ({@link Options#bits}, two or more): every dimension above gets a companion
 * integer dimension, {@code 0 .. L-1}, indexing the sorted bit widths its layers' weights are
 * quantized to (a layer no factorization makes cheaper, and every layer of {@code --method
 * quantize}, gets the integer dimension alone). The optimizer rounds integer dimensions inside its
 * kernel (Garrido-Merchán and Hernández-Lobato, 2020; {@link io.bocomp.bo.model.InputTransform}),
 * so a proposal is always a valid bit width and the GP never models a width between two. One bit
 * width fixes it for every searched layer without a dimension. Gemm/MatMul weights use
 * {@link Options#quantGroup} inputs per scale, convolutions one scale per output channel.
 */
public final class SearchSpace {
  /**
   * One search dimension.
   *
   * @param name the layer name, or "group:" and the patterns for a group
   * @param layers the layers set by this dimension, in graph order
   * @param methods their methods, in the same order
   * @param lower smallest value
   * @param upper largest value
   * @param bitWidths for a bit-width dimension, the widths its integer values 0, 1, ... stand
   *     for (ascending); null for a rank, energy or pruning fraction
   */
  public record Knob(String name, List<String> layers, List<Method> methods, double lower,
      double upper, int[] bitWidths) {
    public Knob {
      layers = List.copyOf(layers);
      methods = List.copyOf(methods);
      bitWidths = bitWidths == null ? null : bitWidths.clone();
    }

    /** A rank, energy or pruning fraction dimension. */
    public Knob(String name, List<String> layers, List<Method> methods, double lower,
        double upper) {
      this(name, layers, methods, lower, upper, null);
    }

    @Override
    public int[] bitWidths() {
      return bitWidths == null ? null : bitWidths.clone();
    }

    /** True for an integer dimension of bit widths. */
    public boolean isBits() {
      return bitWidths != null;
    }

    /** The bit width of value {@code v} (rounded to the nearest level, clamped). */
    public int bitsAt(double v) {
      int i = (int) Math.max(0, Math.min(bitWidths.length - 1, Math.rint(v)));
      return bitWidths[i];
    }
  }

  /**
   * How to build a space.
   *
   * @param method which compression each layer gets
   * @param parametrization rank or energy fraction for factorizations (ignored for prune)
   * @param include only layers matching one of these (all when empty)
   * @param exclude layers left dense
   * @param freeze layers held at a fixed value (in the space's parametrization)
   * @param groups layers sharing one dimension, one list of patterns per dimension
   * @param fixed plan entries fixed by earlier stages (their layers are not searched)
   * @param maxPruneFraction largest pruning fraction searched
   * @param savingMetric the cost {@code minSaving} is measured in (an analytic one)
   * @param minSaving a layer whose strongest compression saves less than this fraction of the
   *     model's {@code savingMetric} is left dense (with a note) instead of becoming a dimension:
   *     it cannot move the budget, only the distance (0: search every layer)
   * @param bits the bit widths searched (empty: float weights; one: that width for every
   *     searched layer)
   * @param quantGroup inputs per quantization scale of Gemm/MatMul weights (0: per channel)
   */
  public record Options(MethodChoice method, Parametrization parametrization,
      List<LayerPattern> include, List<LayerPattern> exclude, Map<LayerPattern, Double> freeze,
      List<List<LayerPattern>> groups, List<PlanEntry> fixed, double maxPruneFraction,
      CostMetric savingMetric, double minSaving, List<Integer> bits, int quantGroup) {
    public Options {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
      freeze = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(freeze));
      groups = List.copyOf(groups);
      fixed = List.copyOf(fixed);
      bits = List.copyOf(new java.util.TreeSet<>(bits));
    }

    /** Options with float weights. */
    public Options(MethodChoice method, Parametrization parametrization,
        List<LayerPattern> include, List<LayerPattern> exclude, Map<LayerPattern, Double> freeze,
        List<List<LayerPattern>> groups, List<PlanEntry> fixed, double maxPruneFraction,
        CostMetric savingMetric, double minSaving) {
      this(method, parametrization, include, exclude, freeze, groups, fixed, maxPruneFraction,
          savingMetric, minSaving, List.of(), 0);
    }

    /** These options searching (or fixing) the given bit widths. */
    public Options withQuantization(List<Integer> widths, int group) {
      return new Options(method, parametrization, include, exclude, freeze, groups, fixed,
          maxPruneFraction, savingMetric, minSaving, widths, group);
    }

    /** Every layer the method applies to, one dimension each, rank fractions. */
    public static Options of(MethodChoice method) {
      return new Options(method, Parametrization.RANK, List.of(), List.of(), Map.of(), List.of(),
          List.of(), 0.99, CostMetric.PARAMS, 0);
    }
  }

  private final ModelFactors factors;
  private final Parametrization kind;
  private final List<Knob> knobs;
  private final List<PlanEntry> fixed;
  private final List<String> notes;
  private final Space space;
  private final Map<String, CompressibleLayer> layers = new LinkedHashMap<>();
  /** The one bit width of every searched layer when a single width is given, else 0. */
  private final int fixedBits;
  private final int quantGroup;

  private SearchSpace(ModelFactors factors, Parametrization kind, List<Knob> knobs,
      List<PlanEntry> fixed, List<String> notes, int fixedBits, int quantGroup) {
    this.fixedBits = fixedBits;
    this.quantGroup = quantGroup;
    this.factors = factors;
    this.kind = kind;
    this.knobs = List.copyOf(knobs);
    this.fixed = List.copyOf(fixed);
    this.notes = List.copyOf(notes);
    for (CompressibleLayer l : factors.model().layers()) {
      layers.put(l.name(), l);
    }
    Space.Builder b = Space.builder();
    for (int i = 0; i < knobs.size(); i++) {
      Knob k = knobs.get(i);
      if (k.isBits()) {
        b.integer("x" + i, 0, k.bitWidths.length - 1);
      } else {
        b.continuous("x" + i, k.lower(), k.upper());
      }
    }
    this.space = b.build();
  }

  /**
   * Builds the space of a model.
   *
   * @throws TuneConfigException when no layer is left to search, a frozen value is out of range,
   *     a layer matches two groups, or there are more dimensions than the optimizer supports
   */
  public static SearchSpace build(ModelFactors factors, Options o) {
    CompressibleModel model = factors.model();
    Parametrization kind = o.method() == MethodChoice.PRUNE ? Parametrization.PRUNE
        : o.parametrization() == Parametrization.PRUNE ? Parametrization.RANK : o.parametrization();
    List<PlanEntry> fixed = new ArrayList<>(o.fixed());
    java.util.Set<String> fixedNames = new java.util.HashSet<>();
    for (PlanEntry e : o.fixed()) {
      fixedNames.add(e.name());
    }
    List<String> notes = new ArrayList<>();
    List<CompressibleLayer> searched = new ArrayList<>();
    Map<String, Method> methodOf = new LinkedHashMap<>();
    for (CompressibleLayer l : model.layers()) {
      if (fixedNames.contains(l.name())) {
        continue;
      }
      if (matchesAny(o.exclude(), l.name())) {
        notes.add(l.name() + ": excluded");
        continue;
      }
      if (!o.include().isEmpty() && !matchesAny(o.include(), l.name())) {
        notes.add(l.name() + ": not in this stage's layers");
        continue;
      }
      Method m = o.method().methodFor(l);
      if (m == null) {
        notes.add(l.name() + ": method " + o.method().json() + " does not apply ("
            + l.label() + " takes " + l.methodNames() + ")");
        continue;
      }
      Double frozen = frozenValue(o.freeze(), l.name());
      if (frozen != null && m == Method.QUANTIZE) {
        if (frozen != Math.rint(frozen) || !QuantizedTensor.isBitWidth(frozen.intValue())) {
          throw new TuneConfigException("--freeze " + l.name() + "=" + frozen + ": under --method"
              + " quantize a frozen value is a bit width (2, 3, 4, 5, 6 or 8)");
        }
        fixed.add(PlanEntry.quantize(l.name(), frozen.intValue(), groupOf(l, o.quantGroup())));
        notes.add(l.name() + ": frozen at " + frozen.intValue() + " bits");
        continue;
      }
      if (frozen != null) {
        checkFrozen(kind, l.name(), frozen, o.maxPruneFraction());
        fixed.add(FractionScale.entry(factors, l, m, kind,
            FractionScale.toValue(kind, frozen))); // LOGRANK: frozen at a rank fraction
        notes.add(l.name() + ": frozen at " + kind.json() + " " + frozen);
        continue;
      }
      if (o.minSaving() > 0) {
        double saving = maxSaving(factors, l, m, kind, o);
        if (saving < o.minSaving()) {
          notes.add(String.format(Locale.ROOT, "%s: left dense: its strongest compression saves"
              + " %.3f%% of the model's %s (below min_saving %.3g%%)", l.name(), 100 * saving,
              o.savingMetric().json(), 100 * o.minSaving()));
          continue;
        }
      }
      searched.add(l);
      methodOf.put(l.name(), m);
    }
    // Group membership: one dimension per group, one per remaining layer, in graph order.
    Map<Integer, List<CompressibleLayer>> byGroup = new LinkedHashMap<>();
    List<Object> order = new ArrayList<>();
    for (CompressibleLayer l : searched) {
      int g = -1;
      for (int i = 0; i < o.groups().size(); i++) {
        if (matchesAny(o.groups().get(i), l.name())) {
          if (g >= 0) {
            throw new TuneConfigException("layer '" + l.name() + "' matches groups " + (g + 1)
                + " and " + (i + 1) + " (" + o.groups().get(g) + ", " + o.groups().get(i)
                + "); a layer belongs to one group");
          }
          g = i;
        }
      }
      if (g < 0) {
        order.add(l);
      } else {
        if (!byGroup.containsKey(g)) {
          order.add(g);
        }
        byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(l);
      }
    }
    int[] levels = o.bits().stream().mapToInt(Integer::intValue).toArray();
    if (o.method() == MethodChoice.QUANTIZE && levels.length < 2) {
      throw new TuneConfigException("--method quantize searches bit widths: give --bits at least"
          + " two widths (e.g. 2,4,8)");
    }
    List<Knob> knobs = new ArrayList<>();
    List<Knob> bitKnobs = new ArrayList<>();
    for (Object item : order) {
      List<CompressibleLayer> members = item instanceof Integer g ? byGroup.get(g)
          : List.of((CompressibleLayer) item);
      String name = item instanceof Integer g ? "group:" + String.join(",", globs(o.groups().get(g)))
          : ((CompressibleLayer) item).name();
      Knob k = o.method() == MethodChoice.QUANTIZE ? null
          : FractionScale.knob(factors, kind, name, members, methodOf, o.maxPruneFraction(), notes);
      if (k != null) {
        knobs.add(k);
      }
      if (levels.length > 1) {
        List<String> names = new ArrayList<>();
        List<Method> methods = new ArrayList<>();
        for (CompressibleLayer l : members) {
          boolean paired = k != null && k.layers().contains(l.name());
          names.add(l.name());
          methods.add(paired ? methodOf.get(l.name()) : Method.QUANTIZE);
        }
        bitKnobs.add(new Knob("bits:" + name, names, methods, 0, levels.length - 1, levels));
      }
    }
    knobs.addAll(bitKnobs);
    if (knobs.isEmpty()) {
      throw new TuneConfigException("nothing to search: no compressible layer is left for method "
          + o.method().json() + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
    }
    if (knobs.size() > Space.MAX_DIMENSIONS) {
      throw new TuneConfigException(knobs.size() + " layers to search; the optimizer takes at most "
          + Space.MAX_DIMENSIONS + " dimensions: group layers with --group GLOB");
    }
    return new SearchSpace(factors, kind, knobs, fixed, notes,
        levels.length == 1 ? levels[0] : 0, o.quantGroup());
  }

  /** Inputs per quantization scale for a layer: the run's group for Gemm/MatMul, else 0. */
  private static int groupOf(CompressibleLayer l, int group) {
    return l.kind() == CompressibleLayer.Kind.CONV ? 0 : group;
  }

  /** The dimensions, in order. */
  public List<Knob> knobs() {
    return knobs;
  }

  public int dimension() {
    return knobs.size();
  }

  public Parametrization parametrization() {
    return kind;
  }

  /** The optimizer's box (dimensions x0, x1, ... with the knobs' bounds). */
  public Space boSpace() {
    return space;
  }

  /** Entries every plan carries (frozen layers, earlier stages). */
  public List<PlanEntry> fixedEntries() {
    return fixed;
  }

  /** Why layers are not searched, one line each. */
  public List<String> notes() {
    return notes;
  }

  public ModelFactors factors() {
    return factors;
  }

  /** The plan of a theta: one entry per searched layer plus the fixed entries. */
  public CompressionPlan plan(double[] theta) {
    if (theta.length != knobs.size()) {
      throw new IllegalArgumentException("theta has " + theta.length + " values, the space "
          + knobs.size() + " dimensions");
    }
    List<PlanEntry> entries = new ArrayList<>(fixed);
    Map<String, Integer> bitsOf = new java.util.HashMap<>();
    for (int k = 0; k < knobs.size(); k++) {
      Knob knob = knobs.get(k);
      if (!knob.isBits()) {
        continue;
      }
      int b = knob.bitsAt(theta[k]);
      for (int i = 0; i < knob.layers().size(); i++) {
        CompressibleLayer l = layers.get(knob.layers().get(i));
        if (knob.methods().get(i) == Method.QUANTIZE) {
          entries.add(PlanEntry.quantize(l.name(), b, groupOf(l, quantGroup)));
        } else {
          bitsOf.put(l.name(), b);
        }
      }
    }
    for (int k = 0; k < knobs.size(); k++) {
      Knob knob = knobs.get(k);
      if (knob.isBits()) {
        continue;
      }
      double v = Math.min(knob.upper(), Math.max(knob.lower(), theta[k]));
      for (int i = 0; i < knob.layers().size(); i++) {
        CompressibleLayer l = layers.get(knob.layers().get(i));
        entries.add(FractionScale.entry(factors, l, knob.methods().get(i), kind, v)
            .withBits(bitsOf.getOrDefault(l.name(), fixedBits), groupOf(l, quantGroup)));
      }
    }
    return CompressionPlan.of(entries, factors.model().hash());
  }

  /** The resolved plan of a theta (ranks fixed, dense-if-not-cheaper applied). */
  public ResolvedPlan resolve(double[] theta) {
    return plan(theta).resolve(factors, ApplyOptions.defaults());
  }

  /** The theta of the strongest compression: every rank 1, or the largest pruning fraction. */
  public double[] strongest() {
    double[] t = new double[knobs.size()];
    for (int k = 0; k < t.length; k++) {
      t[k] = kind.higherCompresses() && !knobs.get(k).isBits() ? knobs.get(k).upper()
          : knobs.get(k).lower();
    }
    return t;
  }

  /**
   * The same value in every dimension, clamped to each dimension's bounds. A bit-width dimension
   * takes the level at the value's relative position in the fractions' common range (the lowest
   * width at the strongest fraction, the highest at the weakest; with no fraction dimension, the
   * value is the level), so R stays monotone in the value.
   */
  public double[] uniform(double value) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Knob k : knobs) {
      if (!k.isBits()) {
        lo = Math.min(lo, k.lower());
        hi = Math.max(hi, k.upper());
      }
    }
    double[] t = new double[knobs.size()];
    for (int k = 0; k < t.length; k++) {
      Knob kn = knobs.get(k);
      if (kn.isBits()) {
        double u = lo < hi ? (value - lo) / (hi - lo) : value / (kn.upper() - kn.lower());
        t[k] = level(kn, kind.higherCompresses() && lo < hi ? 1 - u : u);
      } else {
        t[k] = Math.min(kn.upper(), Math.max(kn.lower(), value));
      }
    }
    return t;
  }

  /**
   * theta from a point of the unit cube (u in [0, 1]^d); a bit-width dimension of L levels takes
   * level floor(u L), each level an equal share of the cube, as the optimizer's rounding has it.
   */
  public double[] fromUnit(double[] u) {
    double[] t = new double[knobs.size()];
    for (int k = 0; k < t.length; k++) {
      Knob kn = knobs.get(k);
      double x = Math.min(1, Math.max(0, u[k]));
      t[k] = kn.isBits() ? level(kn, x) : kn.lower() + x * (kn.upper() - kn.lower());
    }
    return t;
  }

  /**
   * One value of dimension {@code k} per distinct plan of its layers, ascending, from its lower to
   * its upper bound. A layer's rank steps up where the value crosses a threshold ((r + slack) / n
   * for a rank fraction, r of n channels: the ceiling's slack; the energy of rank r over
   * (1 - 1e-6) for an energy fraction); the plan is constant between consecutive thresholds of the
   * dimension's layers and modes, and each such interval is represented by its midpoint (the
   * bounds by themselves). The one-shot allocators ({@link io.bocomp.tune.alloc}) choose among
   * these; not defined for pruning fractions (a continuum).
   *
   * @throws IllegalStateException for a pruning space
   */
  public double[] values(int k) {
    if (kind == Parametrization.PRUNE) {
      throw new IllegalStateException("pruning fractions change continuously; no value ladder");
    }
    Knob knob = knobs.get(k);
    if (knob.isBits()) {
      throw new IllegalStateException("a bit-width dimension has no rank ladder");
    }
    return FractionScale.ladder(factors, layers, kind, knob);
  }

  /**
   * The inverse of {@link #plan}: the theta whose plan keeps at least what {@code plan} keeps in
   * every searched layer, with the least compression-weakening (the smallest rank or energy
   * fraction, the largest pruning fraction) that does so. For a plan this space can express (any
   * {@code plan(theta)}), {@code plan(theta(p))} equals {@code p}; a plan it cannot express (Tucker-2
   * ranks in another ratio than one rank fraction gives, under {@link Parametrization#RANK}; a group
   * whose layers differ) maps to the nearest plan of the space that covers it (every rank at least
   * the plan's). A searched layer the plan leaves dense maps to the dimension's upper bound (dense);
   * the plan's entries for layers outside the space are ignored (the space's fixed entries stay).
   *
   * @throws io.bocomp.compress.InvalidPlanException when the plan does not fit the model
   */
  public double[] theta(CompressionPlan plan) {
    return PlanInverse.theta(this, plan);
  }

  /** The level of a bit-width dimension at relative position {@code u} in [0, 1]. */
  private static double level(Knob kn, double u) {
    int levels = kn.bitWidths.length;
    return Math.min(levels - 1, Math.max(0, (int) Math.floor(Math.min(1, Math.max(0, u)) * levels)));
  }

  // ---------------------------------------------------------------------------------------------

  /** The fraction of the model's cost that layer l saves at its strongest setting (0 if none). */
  private static double maxSaving(ModelFactors factors, CompressibleLayer l, Method m,
      Parametrization kind, Options o) {
    int lowestBits = o.bits().isEmpty() ? 0 : o.bits().get(0);
    Knob k = m == Method.QUANTIZE ? null : FractionScale.knob(factors, kind, l.name(), List.of(l),
        Map.of(l.name(), m), o.maxPruneFraction(), new ArrayList<>());
    PlanEntry strongestEntry;
    if (k != null) {
      double strongest = kind.higherCompresses() ? k.upper() : k.lower();
      strongestEntry = FractionScale.entry(factors, l, m, kind, strongest)
          .withBits(lowestBits, groupOf(l, o.quantGroup()));
    } else if (lowestBits > 0) {
      strongestEntry = PlanEntry.quantize(l.name(), lowestBits, groupOf(l, o.quantGroup()));
    } else {
      return 0;
    }
    CostMetric metric = o.savingMetric().analytic() ? o.savingMetric() : CostMetric.MACS;
    PlanCost c = PlanCost.analytic(CompressionPlan.of(List.of(strongestEntry))
        .resolve(factors, ApplyOptions.defaults()));
    return 1 - c.fraction(metric, PlanCost.original(factors));
  }

  private static void checkFrozen(Parametrization kind, String layer, double v, double maxPrune) {
    boolean ok = kind == Parametrization.PRUNE ? v >= 0 && v <= 1 : v > 0 && v <= 1;
    if (!ok) {
      throw new TuneConfigException("--freeze " + layer + "=" + v + ": a " + kind.json()
          + " fraction must lie in " + (kind == Parametrization.PRUNE ? "[0, 1]" : "(0, 1]"));
    }
  }

  private static Double frozenValue(Map<LayerPattern, Double> freeze, String name) {
    for (Map.Entry<LayerPattern, Double> e : freeze.entrySet()) {
      if (e.getKey().matches(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  static boolean matchesAny(List<LayerPattern> patterns, String name) {
    for (LayerPattern p : patterns) {
      if (p.matches(name)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> globs(List<LayerPattern> ps) {
    List<String> out = new ArrayList<>();
    for (LayerPattern p : ps) {
      out.add(p.glob());
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("SearchSpace(" + kind.json() + ")");
    for (Knob k : knobs) {
      b.append(k.isBits() ? String.format(Locale.ROOT, "%n  %s %s bits %s", k.name(), k.methods(),
          java.util.Arrays.toString(k.bitWidths)) : String.format(Locale.ROOT,
          "%n  %s %s [%.4g, %.4g]", k.name(), k.methods(), k.lower(), k.upper()));
    }
    return b.toString();
  }
}
