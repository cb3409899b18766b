package io.bocomp.train;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Updates parameters from their gradients at a learning rate, with PyTorch's conventions (so a
 * setting carries over): SGD {@code v ← μv + g + λw; w ← w − ηv}; Adam with bias correction and
 * L2 weight decay added to the gradient. Pruned entries ({@link Parameter#frozenZeroMask}) get
 * no gradient and stay exactly zero.
 */
public abstract class Optimizer {
  final float weightDecay;

  Optimizer(float weightDecay) {
    this.weightDecay = weightDecay;
  }

  /** SGD with momentum {@code momentum} (0: plain SGD). */
  public static Optimizer sgd(float momentum, float weightDecay) {
    return new Sgd(momentum, weightDecay);
  }

  /** Adam with β = (0.9, 0.999), ε = 1e-8. */
  public static Optimizer adam(float weightDecay) {
    return new Adam(0.9f, 0.999f, 1e-8f, weightDecay);
  }

  /** One update of every parameter; {@code grads[i]} belongs to {@code params.get(i)}. */
  abstract void step(List<Parameter> params, FloatBuffer[] grads, float lr);

  /** Elements per chunk staged in heap arrays: bulk copies plus loops the JIT vectorizes. */
  static final int CHUNK = 4096;

  /** Heap chunks: value, gradient (becomes the update direction) and two optimizer states. */
  final float[] wa = new float[CHUNK];
  final float[] da = new float[CHUNK];
  final float[] sa = new float[CHUNK];
  final float[] ta = new float[CHUNK];

  /**
   * Stages entries {@code [off, off + len)} of {@code p} and its gradient: {@code wa} = value,
   * {@code da} = gradient + weight decay · value, 0 where the entry is pruned.
   */
  void load(Parameter p, FloatBuffer g, int off, int len) {
    p.trained().get(off, wa, 0, len);
    g.get(off, da, 0, len);
    for (int i = 0; i < len; i++) {
      da[i] += weightDecay * wa[i];
    }
    boolean[] mask = p.frozenZeroMask();
    if (mask != null) {
      for (int i = 0; i < len; i++) {
        da[i] = mask[off + i] ? 0f : da[i];
      }
    }
  }

  private static final class Sgd extends Optimizer {
    private final float momentum;
    private FloatBuffer[] velocity;

    Sgd(float momentum, float weightDecay) {
      super(weightDecay);
      this.momentum = momentum;
    }

    @Override
    void step(List<Parameter> params, FloatBuffer[] grads, float lr) {
      if (velocity == null) {
        velocity = new FloatBuffer[params.size()];
      }
      for (Parameter p : params) {
        FloatBuffer w = p.trained();
        FloatBuffer g = grads[p.index()];
        FloatBuffer v = momentum == 0f ? null
            : (velocity[p.index()] = Buffers.ensure(velocity[p.index()], p.size()));
        for (int off = 0; off < p.size(); off += CHUNK) {
          int len = Math.min(CHUNK, p.size() - off);
          load(p, g, off, len);
          if (v != null) {
            v.get(off, sa, 0, len);
            for (int i = 0; i < len; i++) {
              sa[i] = momentum * sa[i] + da[i];
              wa[i] -= lr * sa[i];
            }
            v.put(off, sa, 0, len);
          } else {
            for (int i = 0; i < len; i++) {
              wa[i] -= lr * da[i];
            }
          }
          w.put(off, wa, 0, len);
        }
      }
    }
  }

  private static final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private FloatBuffer[] m;
    private FloatBuffer[] v;
    private int t;

    Adam(float beta1, float beta2, float eps, float weightDecay) {
      super(weightDecay);
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.eps = eps;
    }

    @Override
    void step(List<Parameter> params, FloatBuffer[] grads, float lr) {
      if (m == null) {
        m = new FloatBuffer[params.size()];
        v = new FloatBuffer[params.size()];
      }
      t++;
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(beta2, t);
      float stepSize = (float) (lr / c1);
      float sqrtC2 = (float) Math.sqrt(c2);
      for (Parameter p : params) {
        int k = p.index();
        FloatBuffer w = p.trained();
        FloatBuffer g = grads[k];
        FloatBuffer mk = m[k] = Buffers.ensure(m[k], p.size());
        FloatBuffer vk = v[k] = Buffers.ensure(v[k], p.size());
        boolean[] mask = p.frozenZeroMask();
        for (int off = 0; off < p.size(); off += CHUNK) {
          int len = Math.min(CHUNK, p.size() - off);
          load(p, g, off, len);
          mk.get(off, sa, 0, len);
          vk.get(off, ta, 0, len);
          for (int i = 0; i < len; i++) {
            float d = da[i];
            float mi = beta1 * sa[i] + (1 - beta1) * d;
            float vi = beta2 * ta[i] + (1 - beta2) * d * d;
            sa[i] = mi;
            ta[i] = vi;
            float upd = wa[i] - stepSize * mi / ((float) Math.sqrt(vi) / sqrtC2 + eps);
            wa[i] = mask != null && mask[off + i] ? wa[i] : upd;
          }
          mk.put(off, sa, 0, len);
          vk.put(off, ta, 0, len);
          w.put(off, wa, 0, len);
        }
      }
    }
  }
}
