package io.bocomp.engine.cpu;

import io.bocomp.model.ConvGeometry;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which run-time nodes of a plan execute on the blocked channel layout ({@link BlockedGeometry}),
 * and how each of their values is stored. Decided once per plan, before fusion:
 *
 * <ol>
 *   <li><b>Members.</b> Every 2-D Conv with constant weights (and bias) and one group, or
 *       depthwise, is a member.
 *       In graph order, an Add of two same-shaped 4-D values, a 4-D activation or a 2-D pooling
 *       (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool) joins when one of its inputs is a
 *       member's output, so the chains that follow convolutions stay blocked.
 *   <li><b>Values.</b> Members' outputs are blocked ({@code lanes} = the vector width). A value a
 *       member reads but no member produces (a feed, the output of an op outside) gets a blocked
 *       copy made by a reorder step; when only ungrouped convolutions read it and it has fewer
 *       channels than a block, the copy is padded NCHW ({@code lanes} = 1), so a first layer's 1
 *       or 3 channels are not inflated to 16.
 *   <li><b>Borders.</b> A value's border is the widest padding any member convolution reading it
 *       needs.
 * </ol>
 *
 * The planner stores a value's blocked form under {@link #blockedName}, inserts a reorder into
 * NCHW after a member whose output is wanted or read outside, and one into the blocked layout
 * before the first member reading a value produced outside. Without the Vector API there are no
 * members.
 */
final class BlockedPlan {
  /** Suffix of the internal name of a value's blocked form. */
  private static final String SUFFIX = "\u0000nchwc";
  private static final BlockedPlan NONE =
      new BlockedPlan(Collections.emptySet(), Collections.emptyMap());

  private final Set<Node> members;
  private final Map<String, BlockedGeometry> geometry;

  private BlockedPlan(Set<Node> members, Map<String, BlockedGeometry> geometry) {
    this.members = members;
    this.geometry = geometry;
  }

  /** The plan with no blocked nodes. */
  static BlockedPlan none() {
    return NONE;
  }

  static String blockedName(String value) {
    return value + SUFFIX;
  }

  boolean isMember(Node n) {
    return members.contains(n);
  }

  /** The blocked storage of a value that has a blocked form, else null. */
  BlockedGeometry geometry(String value) {
    return geometry.get(value);
  }

  /**
   * @param runtime the plan's run-time nodes in graph order
   * @param shapes every value's shape
   * @param known values known at plan time (weights)
   * @param lanes the vector width in floats
   */
  static BlockedPlan of(List<Node> runtime, Map<String, int[]> shapes, Map<String, Tensor> known,
      int lanes) {
    Set<Node> members = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, Node> producer = new HashMap<>();
    for (Node n : runtime) {
      boolean member;
      if (n.opType().equals("Conv")) {
        member = convMember(n, shapes, known);
      } else {
        member = joins(n, shapes, known) && anyInputFrom(n, producer, members);
      }
      if (member) {
        members.add(n);
        producer.put(n.output(0), n);
      }
    }
    if (members.isEmpty()) {
      return NONE;
    }
    Map<String, BlockedGeometry> geometry = new HashMap<>();
    // lanes of each value: 1 only for a value from outside with few channels read by convs only
    Map<String, Boolean> onlyConvInput = new HashMap<>();
    for (Node n : members) {
      for (int i = 0; i < dataInputs(n); i++) {
        String v = n.input(i);
        boolean conv = n.opType().equals("Conv") && i == 0 && n.intAttr("group", 1) == 1;
        onlyConvInput.merge(v, conv, Boolean::logicalAnd);
      }
    }
    for (Node n : members) {
      String out = n.output(0);
      geometry.put(out, BlockedGeometry.of(shapes.get(out), lanes));
      for (int i = 0; i < dataInputs(n); i++) {
        String v = n.input(i);
        if (!geometry.containsKey(v) && !producer.containsKey(v)) {
          int[] s = shapes.get(v);
          int l = s[1] < lanes && onlyConvInput.get(v) ? 1 : lanes;
          geometry.put(v, BlockedGeometry.of(s, l));
        }
      }
    }
    for (Node n : members) {
      if (!n.opType().equals("Conv")) {
        continue;
      }
      String v = n.input(0);
      int[] x = shapes.get(v);
      int[] w = known.get(n.input(1)).shape();
      ConvGeometry g = ConvGeometry.of(n, new int[] {x[2], x[3]}, new int[] {w[2], w[3]});
      int[] border = new int[4];
      for (int a = 0; a < 2; a++) {
        int reach = (g.outSize(a) - 1) * g.stride(a) - g.padBegin(a)
            + (g.kernel(a) - 1) * g.dilation(a) + 1;
        border[a] = g.padBegin(a);
        border[2 + a] = Math.max(0, reach - x[2 + a]);
      }
      geometry.put(v, geometry.get(v).withBorder(border[0], border[1], border[2], border[3]));
    }
    return new BlockedPlan(members, geometry);
  }

  /** Inputs of a member that are blocked data (a Conv's weights, a Clip's bounds are not). */
  static int dataInputs(Node n) {
    return n.opType().equals("Add") ? 2 : 1;
  }

  private static boolean convMember(Node n, Map<String, int[]> shapes, Map<String, Tensor> known) {
    int[] x = shapes.get(n.input(0));
    Tensor w = known.get(n.input(1));
    boolean bias = n.inputs().size() > 2 && !n.input(2).isEmpty();
    return x != null && x.length == 4 && !known.containsKey(n.input(0)) && w != null
        && w.isFloat() && w.shape().length == 4 && (n.intAttr("group", 1) == 1
            || BlockedDepthwiseKernel.applies(x[1], (int) n.intAttr("group", 1), w.shape()))
        && (!bias || (known.get(n.input(2)) != null && known.get(n.input(2)).isFloat()))
        && Arrays.stream(shapes.get(n.output(0))).allMatch(d -> d > 0);
  }

  /** True for the non-Conv ops that may run blocked, given their shapes. */
  private static boolean joins(Node n, Map<String, int[]> shapes, Map<String, Tensor> known) {
    String op = n.opType();
    if (BlockedPoolKernel.applies(op)) {
      int[] in = shapes.get(n.input(0));
      int[] out = shapes.get(n.output(0));
      boolean indices = n.outputs().size() > 1 && !n.output(1).isEmpty();
      return in != null && in.length == 4 && out != null && out.length == 4 && !indices
          && !known.containsKey(n.input(0)) && n.intAttr("storage_order", 0) == 0;
    }
    boolean add = op.equals("Add") && n.inputs().size() == 2;
    if (!add && !Activation.isActivation(op)) {
      return false;
    }
    int[] out = shapes.get(n.output(0));
    if (out == null || out.length != 4 || n.outputs().size() != 1) {
      return false;
    }
    for (int i = 0; i < dataInputs(n); i++) {
      String in = n.input(i);
      if (in.isEmpty() || known.containsKey(in) || !Arrays.equals(shapes.get(in), out)) {
        return false;
      }
    }
    Tensor[] consts = new Tensor[n.inputs().size()];
    for (int i = dataInputs(n); i < consts.length; i++) {
      if (!n.input(i).isEmpty() && (consts[i] = known.get(n.input(i))) == null) {
        return false;
      }
    }
    if (!add) {
      try {
        Activation.of(n, consts);
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyInputFrom(Node n, Map<String, Node> producer, Set<Node> members) {
    for (String in : n.inputs()) {
      Node p = producer.get(in);
      if (p != null && members.contains(p)) {
        return true;
      }
    }
    return false;
  }
}
