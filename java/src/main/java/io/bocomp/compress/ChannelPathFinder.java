package io.bocomp.compress;

import io.bocomp.compress.ChannelPath.Consumer;
import io.bocomp.compress.ChannelPath.SideTensor;
import io.bocomp.model.Graph;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the {@link ChannelPath} of a layer's output: follows it through ops that act on each channel
 * independently up to the next layers, or reports why filter pruning cannot follow (a residual Add,
 * a Concat, a graph output, a grouped conv, an op it does not know).
 */
final class ChannelPathFinder {
  /** Element-wise ops with a single data input whose output keeps the channel layout. */
  private static final Set<String> UNARY = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu",
      "Selu", "Celu", "Softplus", "Softsign", "HardSigmoid", "HardSwish", "Clip", "Dropout",
      "Identity", "Abs", "Neg", "Exp", "Log", "Sqrt", "Erf", "Gelu", "Mish", "ThresholdedRelu");
  private static final Set<String> POOL = Set.of("MaxPool", "AveragePool", "LpPool",
      "GlobalAveragePool", "GlobalMaxPool");
  private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div");

  private final Graph g;
  private final Map<String, CompressibleLayer> layersByNode;

  /**
   * @param shaped the graph with value infos for every value
   * @param layersByNode the compressible layers found so far, by node name
   */
  ChannelPathFinder(Graph shaped, Map<String, CompressibleLayer> layersByNode) {
    this.g = shaped;
    this.layersByNode = layersByNode;
  }

  /** Thrown internally with the reason filter pruning cannot follow. */
  static final class Blocked extends Exception {
    private static final long serialVersionUID = 1L;

    Blocked(String reason) {
      super(reason, null, false, false);
    }
  }

  private record State(String value, int rank, int axis, int block) {}

  /** The path of the layer's output, whose channel count is {@code channels}. */
  ChannelPath find(Node layer, int channels) throws Blocked {
    List<SideTensor> sides = new ArrayList<>();
    List<Consumer> consumers = new ArrayList<>();
    List<String> reshapes = new ArrayList<>();
    List<ChannelPath.ChannelValue> values = new ArrayList<>();
    long sideParams = 0;
    Deque<State> queue = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    String out = layer.output(0);
    int[] outShape = shape(out);
    int outAxis = layer.opType().equals("MatMul") ? outShape.length - 1 : 1;
    queue.add(new State(out, outShape.length, outAxis, 1));
    while (!queue.isEmpty()) {
      State s = queue.poll();
      if (!seen.add(s.value)) {
        continue;
      }
      values.add(new ChannelPath.ChannelValue(s.value, s.axis, s.block));
      if (g.isOutput(s.value)) {
        throw new Blocked("its channels reach the graph output '" + s.value + "'");
      }
      for (Node c : g.consumers(s.value)) {
        String op = c.opType();
        if (UNARY.contains(op) || op.equals("PRelu")) {
          onlyDataInput(c, s.value);
          extraOutputsUnused(c);
          if (op.equals("PRelu")) {
            sideParams += side(c, 1, s, channels, sides);
          }
          queue.add(new State(c.output(0), s.rank, s.axis, s.block));
        } else if (POOL.contains(op)) {
          onlyDataInput(c, s.value);
          extraOutputsUnused(c);
          requireSpatial(c, s);
          queue.add(new State(c.output(0), s.rank, s.axis, s.block));
        } else if (op.equals("BatchNormalization")) {
          onlyDataInput(c, s.value);
          extraOutputsUnused(c);
          if (s.axis != 1) {
            throw new Blocked("BatchNormalization node '" + c.name() + "' normalizes another axis");
          }
          for (int i = 1; i <= 4; i++) {
            sideParams += side(c, i, new State(s.value, 1, 0, s.block), channels, sides);
          }
          queue.add(new State(c.output(0), s.rank, s.axis, s.block));
        } else if (BINARY.contains(op)) {
          for (int i = 0; i < 2; i++) {
            String in = c.input(i);
            if (!in.equals(s.value)) {
              if (!g.isInitializer(in)) {
                throw new Blocked("its channels feed " + op + " node '" + c.name()
                    + "' together with another activation (a residual or branch join)");
              }
              sideParams += side(c, i, s, channels, sides);
            }
          }
          int rank = shape(c.output(0)).length;
          queue.add(new State(c.output(0), rank, s.axis + rank - s.rank, s.block));
        } else if (op.equals("Flatten") || op.equals("Reshape")) {
          onlyDataInput(c, s.value);
          int[] in = shape(s.value);
          int[] o = shape(c.output(0));
          if (s.axis != 1 || o.length != 2 || (op.equals("Flatten") && c.intAttr("axis", 1) != 1)
              || !flattensFromAxis1(in, o)) {
            throw new Blocked(op + " node '" + c.name() + "' reshapes " + Arrays.toString(in)
                + " to " + Arrays.toString(o) + ", not a flatten of the channels into features");
          }
          if (op.equals("Reshape")) {
            Tensor target = g.initializer(c.input(1));
            if (target == null) {
              throw new Blocked("Reshape node '" + c.name() + "' has a computed target shape");
            }
            if (target.getLong(1) != -1) {
              reshapes.add(c.name());
            }
          }
          int block = s.block;
          for (int d = 2; d < in.length; d++) {
            block *= in[d];
          }
          queue.add(new State(c.output(0), 2, 1, block));
        } else if (op.equals("Squeeze") || op.equals("Unsqueeze")) {
          onlyDataInput(c, s.value);
          int[] in = shape(s.value);
          int[] o = shape(c.output(0));
          if (s.axis != 1 || o.length < 2 || o[0] != in[0] || o[1] != in[1]) {
            throw new Blocked(op + " node '" + c.name() + "' moves the channel axis");
          }
          queue.add(new State(c.output(0), o.length, 1, s.block));
        } else if (op.equals("Conv") || op.equals("Gemm") || op.equals("MatMul")) {
          consumers.add(consumer(c, s));
        } else if (op.equals("Concat")) {
          throw new Blocked("its channels feed Concat node '" + c.name() + "'");
        } else {
          throw new Blocked("its channels feed " + op + " node '" + c.name()
              + "', which filter pruning does not follow");
        }
      }
    }
    return new ChannelPath(sides, consumers, reshapes, values, sideParams);
  }

  private Consumer consumer(Node c, State s) throws Blocked {
    CompressibleLayer next = layersByNode.get(c.name());
    if (next == null || !c.input(0).equals(s.value) || c.inputs().lastIndexOf(s.value) != 0) {
      throw new Blocked("its channels feed " + c.opType() + " node '" + c.name()
          + "' other than as the data input of a compressible layer");
    }
    switch (next.kind()) {
      case CONV:
        if (next.group() != 1) {
          throw new Blocked("its channels feed grouped Conv '" + c.name() + "' (group "
              + next.group() + ")");
        }
        if (s.block != 1 || s.axis != 1) {
          throw new Blocked("Conv '" + c.name() + "' reads a reshaped channel layout");
        }
        return new Consumer(next.name(), 1);
      case GEMM:
        if (c.intAttr("transA", 0) != 0) {
          throw new Blocked("its channels feed Gemm '" + c.name() + "' with transA=1");
        }
        return new Consumer(next.name(), s.block);
      default:
        if (s.axis != s.rank - 1) {
          throw new Blocked("MatMul '" + c.name() + "' does not contract the channel axis");
        }
        return new Consumer(next.name(), s.block);
    }
  }

  /**
   * Records input {@code idx} of node {@code c} as a side tensor if it varies along the channel
   * axis; returns its parameters per channel.
   */
  private long side(Node c, int idx, State s, int channels, List<SideTensor> sides)
      throws Blocked {
    String name = c.input(idx);
    if (name.isEmpty()) {
      return 0;
    }
    Tensor t = g.initializer(name);
    if (t == null) {
      throw new Blocked(c.opType() + " node '" + c.name() + "' has a computed input '" + name + "'");
    }
    int aligned = s.axis - (s.rank - t.rank());
    if (aligned < 0 || t.dim(aligned) == 1) {
      return 0; // broadcast across channels: nothing to remove
    }
    if (t.dim(aligned) != channels * s.block) {
      throw new Blocked("constant '" + name + "' of " + c.opType() + " node '" + c.name()
          + "' has shape " + Arrays.toString(t.shape()) + ", not one entry per channel");
    }
    sides.add(new SideTensor(c.name(), idx, aligned, s.block));
    return t.isFloat() ? t.size() / channels : 0;
  }

  private static boolean flattensFromAxis1(int[] in, int[] out) {
    long features = 1;
    for (int d = 1; d < in.length; d++) {
      if (in[d] < 0) {
        return false;
      }
      features *= in[d];
    }
    return in.length >= 2 && out[1] == features && (out[0] == in[0] || out[0] < 0 || in[0] < 0);
  }

  private void onlyDataInput(Node c, String value) throws Blocked {
    for (int i = 1; i < c.inputs().size(); i++) {
      if (c.input(i).equals(value)) {
        throw new Blocked(c.opType() + " node '" + c.name() + "' reads the channels as a parameter");
      }
    }
  }

  private void extraOutputsUnused(Node c) throws Blocked {
    for (int i = 1; i < c.outputs().size(); i++) {
      String o = c.output(i);
      if (!o.isEmpty() && (!g.consumers(o).isEmpty() || g.isOutput(o))) {
        throw new Blocked(c.opType() + " node '" + c.name() + "' has its output '" + o
            + "' in use");
      }
    }
  }

  private void requireSpatial(Node c, State s) throws Blocked {
    if (s.axis != 1 || s.block != 1 || s.rank < 3) {
      throw new Blocked(c.opType() + " node '" + c.name() + "' pools a non-spatial layout");
    }
  }

  private int[] shape(String value) throws Blocked {
    int[] sh = g.valueInfo(value).map(ValueInfo::shape).orElse(null);
    if (sh == null) {
      throw new Blocked("the shape of '" + value + "' is unknown");
    }
    return sh;
  }
}
