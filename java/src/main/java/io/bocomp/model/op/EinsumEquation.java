package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.HashMap;
import java.util.Map;

/**
 * An Einsum node's {@code equation}, parsed: the subscript letters of each operand and of the
 * output, with an ellipsis ({@code ...}) expanded into one synthetic letter per dimension it
 * covers (right-aligned across operands, as numpy broadcasts), and the implicit output (no
 * {@code ->}) made explicit: the ellipsis dimensions, then every letter that occurs once, a-z
 * before A-Z (ONNX Runtime's order).
 *
 * <p>A letter's size is the same in every operand that has it, or 1 there (broadcast, as numpy
 * and ONNX Runtime allow). Limits: one or two operands, and no letter repeated within one
 * operand (diagonals); both are refused with an {@link UnsupportedOperatorException} naming the
 * node.
 */
public final class EinsumEquation {
  /** The first synthetic letter; ellipsis dimension j of the widest ellipsis is ELLIPSIS + j. */
  private static final char ELLIPSIS = '\u0100';

  private final char[][] inputs;
  private final char[] output;

  private EinsumEquation(char[][] inputs, char[] output) {
    this.inputs = inputs;
    this.output = output;
  }

  /** Number of operands. */
  public int operands() {
    return inputs.length;
  }

  /** The letters of operand i, one per dimension. */
  public char[] input(int i) {
    return inputs[i].clone();
  }

  /** The letters of the output, one per dimension. */
  public char[] output() {
    return output.clone();
  }

  /** A letter for messages (ellipsis dimensions as "...0", "...1"). */
  public static String name(char letter) {
    return letter >= ELLIPSIS ? "..." + (letter - ELLIPSIS) : String.valueOf(letter);
  }

  /** Shape rule of Einsum. */
  static int[] shape(Node node, OpInputs in) {
    int n = node.inputs().size();
    int[] ranks = new int[n];
    for (int i = 0; i < n; i++) {
      int[] s = in.shape(i);
      ranks[i] = s == null ? -1 : s.length;
    }
    EinsumEquation eq = of(node, ranks);
    if (eq == null) {
      return null;
    }
    int[][] shapes = new int[n][];
    for (int i = 0; i < n; i++) {
      shapes[i] = in.shape(i);
    }
    Map<Character, Integer> size = eq.sizes(node, shapes);
    int[] out = new int[eq.output.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = size.getOrDefault(eq.output[j], -1);
    }
    return out;
  }

  /**
   * The size of every letter (-1 where unknown), a size-1 dimension broadcasting against any
   * other.
   *
   * @param shapes each operand's shape (null where unknown)
   * @throws ModelFormatException naming the node when two known sizes of a letter differ and
   *     neither is 1
   */
  public Map<Character, Integer> sizes(Node node, int[][] shapes) {
    Map<Character, Integer> size = new HashMap<>();
    for (int i = 0; i < inputs.length; i++) {
      int[] s = shapes[i];
      for (int d = 0; d < inputs[i].length; d++) {
        char c = inputs[i][d];
        int v = s == null ? -1 : s[d];
        Integer have = size.get(c);
        if (have == null) {
          size.put(c, v);
        } else if (have != v) {
          if (have == 1 || (have < 0 && v > 1)) {
            size.put(c, v);
          } else if (v != 1 && v >= 0 && have >= 0) {
            throw new ModelFormatException(node.label() + ": Einsum index " + name(c) + " has"
                + " size " + have + " in one operand and " + v + " in operand " + i);
          }
        }
      }
    }
    return size;
  }

  /**
   * Parses a node's equation against its operands' ranks.
   *
   * @param ranks each operand's rank, -1 where unknown
   * @return the equation, or null when an operand with an ellipsis has an unknown rank
   * @throws ModelFormatException naming the node for a malformed equation
   * @throws UnsupportedOperatorException naming the node for more than two operands or a letter
   *     repeated within an operand
   */
  public static EinsumEquation of(Node node, int[] ranks) {
    String eq = node.stringAttr("equation", null);
    if (eq == null) {
      throw new ModelFormatException(node.label() + ": Einsum needs an attribute 'equation'");
    }
    eq = eq.replace(" ", "");
    int arrow = eq.indexOf("->");
    String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
    String[] terms = lhs.split(",", -1);
    int n = node.inputs().size();
    if (terms.length != n) {
      throw new ModelFormatException(node.label() + ": equation '" + eq + "' has "
          + terms.length + " operand(s) but the node has " + n + " input(s)");
    }
    if (n > 2) {
      throw new UnsupportedOperatorException(node.label() + ": Einsum with " + n + " operands is"
          + " not supported (1 or 2)");
    }
    Term[] in = new Term[n];
    int widest = 0;
    for (int i = 0; i < n; i++) {
      in[i] = Term.parse(node, eq, terms[i], "operand " + i);
      for (int a = 0; a < in[i].letters.length; a++) {
        for (int b = a + 1; b < in[i].letters.length; b++) {
          if (in[i].letters[a] == in[i].letters[b]) {
            throw new UnsupportedOperatorException(node.label() + ": Einsum index '"
                + in[i].letters[a] + "' repeated within operand " + i + " (a diagonal) in '" + eq
                + "' is not supported");
          }
        }
      }
      int rank = i < ranks.length ? ranks[i] : -1;
      if (in[i].ellipsis < 0) {
        if (rank >= 0 && rank != in[i].letters.length) {
          throw new ModelFormatException(node.label() + ": operand " + i + " of '" + eq
              + "' has " + in[i].letters.length + " indices but rank " + rank);
        }
      } else {
        if (rank < 0) {
          return null;
        }
        in[i].covered = rank - in[i].letters.length;
        if (in[i].covered < 0) {
          throw new ModelFormatException(node.label() + ": operand " + i + " of '" + eq
              + "' has more indices than its rank " + rank);
        }
        widest = Math.max(widest, in[i].covered);
      }
    }
    char[][] letters = new char[n][];
    for (int i = 0; i < n; i++) {
      letters[i] = in[i].expand(widest);
    }
    char[] out;
    if (arrow >= 0) {
      Term t = Term.parse(node, eq, eq.substring(arrow + 2), "the output");
      t.covered = widest;
      out = t.expand(widest);
      for (int a = 0; a < out.length; a++) {
        boolean found = false;
        for (char[] l : letters) {
          for (char c : l) {
            found |= c == out[a];
          }
        }
        if (!found) {
          throw new ModelFormatException(node.label() + ": output index " + name(out[a])
              + " of '" + eq + "' is in no operand");
        }
        for (int b = a + 1; b < out.length; b++) {
          if (out[a] == out[b]) {
            throw new ModelFormatException(node.label() + ": output index " + name(out[a])
                + " repeats in '" + eq + "'");
          }
        }
      }
    } else {
      out = implicitOutput(letters, widest);
    }
    return new EinsumEquation(letters, out);
  }

  /** Ellipsis dimensions, then the letters that occur once, a-z then A-Z. */
  private static char[] implicitOutput(char[][] letters, int widest) {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < widest; j++) {
      b.append((char) (ELLIPSIS + j));
    }
    String order = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (char c : order.toCharArray()) {
      int count = 0;
      for (char[] l : letters) {
        for (char x : l) {
          count += x == c ? 1 : 0;
        }
      }
      if (count == 1) {
        b.append(c);
      }
    }
    return b.toString().toCharArray();
  }

  /** One side's subscripts before the ellipsis is expanded. */
  private static final class Term {
    final char[] letters;
    /** Index in letters where the ellipsis stands, or -1. */
    final int ellipsis;
    /** Dimensions the ellipsis covers. */
    int covered;

    private Term(char[] letters, int ellipsis) {
      this.letters = letters;
      this.ellipsis = ellipsis;
    }

    static Term parse(Node node, String eq, String s, String what) {
      StringBuilder b = new StringBuilder();
      int ellipsis = -1;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '.') {
          if (ellipsis >= 0 || !s.startsWith("...", i)) {
            throw new ModelFormatException(node.label() + ": malformed ellipsis in " + what
                + " of '" + eq + "'");
          }
          ellipsis = b.length();
          i += 2;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          b.append(c);
        } else {
          throw new ModelFormatException(node.label() + ": invalid character '" + c + "' in "
              + what + " of '" + eq + "'");
        }
      }
      return new Term(b.toString().toCharArray(), ellipsis);
    }

    /** The letters with the ellipsis replaced by the last {@code covered} of widest synthetics. */
    char[] expand(int widest) {
      if (ellipsis < 0) {
        return letters;
      }
      char[] r = new char[letters.length + covered];
      System.arraycopy(letters, 0, r, 0, ellipsis);
      for (int j = 0; j < covered; j++) {
        r[ellipsis + j] = (char) (ELLIPSIS + widest - covered + j);
      }
      System.arraycopy(letters, ellipsis, r, ellipsis + covered, letters.length - ellipsis);
      return r;
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < inputs.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      for (char c : inputs[i]) {
        b.append(name(c));
      }
    }
    b.append("->");
    for (char c : output) {
      b.append(name(c));
    }
    return b.toString();
  }
}
