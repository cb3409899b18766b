package io.bocomp.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The last stage of the blocked kernels' epilogues: an optional {@link Activation} applied to one
 * vector (a channel block of one pixel) and the store, which keeps the blocked layout's rule that
 * lanes past the channel count are zero ({@link BlockedGeometry}). Relu, Clip, LeakyRelu,
 * HardSigmoid and HardSwish are computed on the vector (the same float operations as
 * {@link Activation}, so the same results); every other activation is applied by
 * {@link Activation#apply} to the 16 (or 8) stored floats.
 */
final class BlockedActivation {
  private static final VectorSpecies<Float> S = BlockedMicroKernels.S;
  private static final int L = BlockedMicroKernels.LANES;

  /** How the activation is applied: on the vector, by the scalar {@link Activation}, or not. */
  private enum Form {
    NONE, RELU, CLIP, LEAKY, HARD_SWISH, HARD_SIGMOID, SCALAR;

    static Form of(Activation act) {
      if (act == null) {
        return NONE;
      }
      return switch (act.kind()) {
        case RELU -> RELU;
        case CLIP -> CLIP;
        case LEAKY_RELU -> LEAKY;
        case HARD_SWISH -> HARD_SWISH;
        case HARD_SIGMOID -> HARD_SIGMOID;
        default -> SCALAR;
      };
    }
  }

  private final Form form;
  private final float p;
  private final float q;
  private final Activation scalar;
  /** Lanes of the last block that hold channels, when the activation must re-zero the rest. */
  private final int lastLanes;
  private final VectorMask<Float> lastMask;
  /** Index of the last channel block. */
  private final int lastBlock;

  /**
   * @param act the activation, or null
   * @param channels the channel count of the value written (decides the last block's lanes)
   */
  BlockedActivation(Activation act, int channels) {
    this.scalar = act;
    this.p = act == null ? 0 : act.p();
    this.q = act == null ? 0 : act.q();
    this.form = Form.of(act);
    this.lastBlock = (channels + L - 1) / L - 1;
    int rest = channels - lastBlock * L;
    this.lastLanes = act != null && rest < L && !act.keepsZero() ? rest : L;
    this.lastMask = S.indexInRange(0, lastLanes);
  }

  /** True if there is no activation. */
  boolean none() {
    return form == Form.NONE;
  }

  /**
   * Writes {@code n} floats (whole pixels of one channel block) at {@code y[i]}: the sum of the
   * tile {@code t[ti..ti+n)} (none when {@code t} is null), what {@code y} holds (when
   * {@code addY}), the block's bias ({@code bias[b]}, one vector; none when null) and the residual
   * {@code res[r..r+n)} (none when null), through the activation, with the lanes past the channel
   * count re-zeroed when the activation moved them. The vectors stay inside this method: C2 would
   * allocate one per call if a vector were passed to a method it did not inline.
   */
  void finish(float[] y, int i, int n, float[] t, int ti, boolean addY, float[] bias, int b,
      float[] res, int r, int block) {
    FloatVector bv = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, b);
    boolean mask = block == lastBlock && lastLanes < L;
    int end = i + n;
    for (; i < end; i += L, r += L, ti += L) {
      FloatVector v = bv;
      if (t != null) {
        v = v.add(FloatVector.fromArray(S, t, ti));
      }
      if (addY) {
        v = v.add(FloatVector.fromArray(S, y, i));
      }
      if (res != null) {
        v = v.add(FloatVector.fromArray(S, res, r));
      }
      switch (form) {
        case NONE:
          break;
        case RELU:
          v = v.max(0f);
          break;
        case CLIP:
          v = v.max(p).min(q);
          break;
        case LEAKY:
          v = v.blend(v.mul(p), v.compare(VectorOperators.LT, 0f));
          break;
        case HARD_SWISH:
          v = v.mul(v.mul(p).add(q).min(1f).max(0f));
          break;
        case HARD_SIGMOID:
          v = v.mul(p).add(q).min(1f).max(0f);
          break;
        default:
          v.intoArray(y, i);
          scalar.apply(y, i, i + L);
          if (mask) {
            for (int j = lastLanes; j < L; j++) {
              y[i + j] = 0f;
            }
          }
          continue;
      }
      if (mask) {
        v = FloatVector.zero(S).blend(v, lastMask);
      }
      v.intoArray(y, i);
    }
  }

  /** {@code y[i..i+n) = t[ti..ti+n)}, or {@code +=} when {@code addY}: a partial sum. */
  static void accumulate(float[] y, int i, int n, float[] t, int ti, boolean addY) {
    int end = i + n;
    for (; i < end; i += L, ti += L) {
      FloatVector v = FloatVector.fromArray(S, t, ti);
      if (addY) {
        v = v.add(FloatVector.fromArray(S, y, i));
      }
      v.intoArray(y, i);
    }
  }
}
