package io.bocomp.model;

import io.bocomp.model.op.OpTable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference-mode {@code BatchNormalization} into the {@code Conv} or {@code Gemm} that
 * feeds it, so compression sees one linear layer and the engine runs one op.
 *
 * <p>With {@code s = scale / sqrt(var + epsilon)} and {@code t = B - mean * s} (per channel, in
 * double precision), BN(y) = y * s + t. For a Conv (any group count; the weight's first axis is
 * the output channel) the weight rows are scaled, {@code W'[m] = W[m] * s[m]}, and the bias becomes
 * {@code b * s + t} (created when absent). For a Gemm {@code Y = alpha * A * B + beta * C}, the
 * output features are B's columns ({@code transB = 0}) or rows ({@code transB = 1}); they are scaled
 * by s, and C becomes {@code beta * C * s + t} with {@code beta = 1}.
 *
 * <p>A fold happens only when it is exact and safe: the BN reads the producer's only output value,
 * nothing else reads that value and it is not a graph output; the BN runs in inference mode
 * ({@code training_mode} absent or 0, {@code spatial} absent or 1) and only its first output is
 * used; weights, bias and BN parameters are float initializers of matching sizes. The folded
 * layer keeps the producer's node name and takes the BN's output value name. A weight shared with
 * another node is copied under a fresh name, never overwritten. BN parameters left unread are
 * removed by {@link DeadNodeElimination}.
 */
public final class BatchNormFolding implements GraphPass {

  @Override
  public String name() {
    return "batchnorm-folding";
  }

  @Override
  public Graph apply(Graph g) {
    Map<Node, Node> replacement = new HashMap<>(); // producer -> folded producer
    List<Node> removed = new ArrayList<>();
    Map<String, Tensor> newInits = new HashMap<>();
    NameScope names = NameScope.of(g);
    for (Node bn : g.nodes()) {
      if (!bn.opType().equals("BatchNormalization") || !isDefault(bn) || !inferenceMode(bn, g)) {
        continue;
      }
      Node p = g.producer(bn.input(0)).orElse(null);
      if (p == null || !isDefault(p) || p.outputs().size() != 1
          || g.consumers(bn.input(0)).size() != 1 || g.isOutput(bn.input(0))) {
        continue;
      }
      float[][] st = scaleShift(bn, g);
      if (st == null) {
        continue;
      }
      Node folded = null;
      if (p.opType().equals("Conv")) {
        folded = foldConv(p, st, bn.output(0), g, names, newInits);
      } else if (p.opType().equals("Gemm")) {
        folded = foldGemm(p, st, bn.output(0), g, names, newInits);
      }
      if (folded != null) {
        replacement.put(p, folded);
        removed.add(bn);
      }
    }
    if (replacement.isEmpty()) {
      return g;
    }
    Graph.Builder b = g.toBuilder();
    b.nodes().clear();
    for (Node n : g.nodes()) {
      if (!removed.contains(n)) {
        b.addNode(replacement.getOrDefault(n, n));
      }
    }
    b.initializers().putAll(newInits);
    for (Node p : replacement.keySet()) {
      b.valueInfos().remove(p.output(0));
    }
    return b.build();
  }

  private static boolean isDefault(Node n) {
    return OpTable.DEFAULT_DOMAINS.contains(n.domain());
  }

  private static boolean inferenceMode(Node bn, Graph g) {
    if (bn.intAttr("training_mode", 0) != 0 || bn.intAttr("spatial", 1) != 1) {
      return false;
    }
    for (int i = 1; i < bn.outputs().size(); i++) {
      String o = bn.output(i);
      if (!o.isEmpty() && (!g.consumers(o).isEmpty() || g.isOutput(o))) {
        return false;
      }
    }
    return true;
  }

  /** {s, t} per channel, or null when the parameters are not foldable constants. */
  private static float[][] scaleShift(Node bn, Graph g) {
    Tensor[] prm = new Tensor[4];
    for (int i = 0; i < 4; i++) {
      prm[i] = g.initializer(bn.input(i + 1));
      if (prm[i] == null || !prm[i].isFloat() || prm[i].rank() != 1
          || prm[i].size() != prm[0].size()) {
        return null;
      }
    }
    double eps = bn.floatAttr("epsilon", 1e-5f);
    int c = prm[0].size();
    float[] s = new float[c];
    float[] t = new float[c];
    for (int i = 0; i < c; i++) {
      double si = prm[0].get(i) / Math.sqrt((double) prm[3].get(i) + eps);
      s[i] = (float) si;
      t[i] = (float) (prm[1].get(i) - prm[2].get(i) * si);
    }
    return new float[][] {s, t};
  }

  private static Node foldConv(Node conv, float[][] st, String out, Graph g, NameScope names,
      Map<String, Tensor> newInits) {
    Tensor w = g.initializer(conv.input(1));
    String biasName = conv.input(2);
    Tensor bias = biasName.isEmpty() ? null : g.initializer(biasName);
    float[] s = st[0];
    float[] t = st[1];
    int m = s.length;
    if (m == 0 || w == null || !w.isFloat() || w.rank() < 3 || w.dim(0) != m
        || (!biasName.isEmpty() && (bias == null || !bias.isFloat() || bias.size() != m))) {
      return null;
    }
    int per = w.size() / m;
    FloatBuffer src = w.data();
    FloatBuffer dst = Tensor.allocate(w.size());
    for (int o = 0; o < m; o++) {
      for (int k = o * per, end = k + per; k < end; k++) {
        dst.put(k, (float) ((double) src.get(k) * s[o]));
      }
    }
    float[] b = new float[m];
    for (int o = 0; o < m; o++) {
      b[o] = (float) ((bias == null ? 0.0 : (double) bias.get(o) * s[o]) + t[o]);
    }
    String wName = ownName(conv.input(1), conv, g, names, conv.name() + ".weight");
    String bName = bias == null ? names.fresh(conv.name() + ".bias")
        : ownName(biasName, conv, g, names, conv.name() + ".bias");
    newInits.put(wName, Tensor.wrap(w.shape(), dst));
    newInits.put(bName, Tensor.of(new int[] {m}, b));
    return conv.toBuilder().inputs(conv.input(0), wName, bName).outputs(out).build();
  }

  private static Node foldGemm(Node gemm, float[][] st, String out, Graph g, NameScope names,
      Map<String, Tensor> newInits) {
    Tensor w = g.initializer(gemm.input(1));
    String cName = gemm.input(2);
    Tensor c = cName.isEmpty() ? null : g.initializer(cName);
    boolean transB = gemm.intAttr("transB", 0) != 0;
    float[] s = st[0];
    float[] t = st[1];
    int n = s.length;
    if (n == 0 || w == null || !w.isFloat() || w.rank() != 2 || w.dim(transB ? 0 : 1) != n
        || (!cName.isEmpty() && (c == null || !c.isFloat()))) {
      return null;
    }
    // C broadcasts to (rows, n): a scalar, (n), (1, n), (rows, 1) or (rows, n).
    int cRows = 1;
    boolean perColumn = true;
    if (c != null) {
      int[] cs = c.shape();
      if (cs.length > 2 || c.size() == 0) {
        return null;
      }
      int last = cs.length == 0 ? 1 : cs[cs.length - 1];
      cRows = cs.length == 2 ? cs[0] : 1;
      if (last != n && last != 1) {
        return null;
      }
      perColumn = last == n;
    }
    double beta = gemm.floatAttr("beta", 1f);
    float[] newC = new float[cRows * n];
    for (int r = 0; r < cRows; r++) {
      for (int j = 0; j < n; j++) {
        double cv = c == null ? 0.0 : c.get(r * (perColumn ? n : 1) + (perColumn ? j : 0));
        newC[r * n + j] = (float) (beta * cv * s[j] + t[j]);
      }
    }
    int k = w.size() / n;
    FloatBuffer src = w.data();
    FloatBuffer dst = Tensor.allocate(w.size());
    for (int i = 0; i < w.size(); i++) {
      int j = transB ? i / k : i % n;
      dst.put(i, (float) ((double) src.get(i) * s[j]));
    }
    String wName = ownName(gemm.input(1), gemm, g, names, gemm.name() + ".weight");
    String bName = c == null ? names.fresh(gemm.name() + ".bias")
        : ownName(cName, gemm, g, names, gemm.name() + ".bias");
    newInits.put(wName, Tensor.wrap(w.shape(), dst));
    newInits.put(bName, cRows == 1 ? Tensor.of(new int[] {n}, newC) : Tensor.of(new int[] {cRows, n}, newC));
    return gemm.toBuilder().inputs(gemm.input(0), wName, bName).outputs(out).attr("beta", 1f).build();
  }

  /**
   * The initializer's own name when only this node reads it (so it is replaced in place), else a
   * fresh name (so other readers keep the original tensor).
   */
  private static String ownName(String init, Node reader, Graph g, NameScope names, String base) {
    List<Node> readers = g.consumers(init);
    boolean sole = readers.size() == 1 && readers.get(0) == reader && !g.isOutput(init);
    return sole && occurrences(reader, init) == 1 ? init : names.fresh(base);
  }

  private static int occurrences(Node n, String value) {
    int k = 0;
    for (String in : n.inputs()) {
      if (in.equals(value)) {
        k++;
      }
    }
    return k;
  }
}
