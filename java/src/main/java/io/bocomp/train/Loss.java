package io.bocomp.train;

import java.nio.FloatBuffer;

/**
 * The fine-tuning loss on a [batch, K] output, per sample, averaged over the mini-batch:
 * {@code α · D(student, teacher) + (1 − α) · CE(student, label)}, where D is either Hinton's
 * distillation term {@code T² · KL(softmax(t/T) ‖ softmax(s/T))} or the squared output distance
 * {@code ‖s − t‖²} (the tuner's objective L), and CE the cross-entropy with the label (dropped, α
 * taken as 1, when there are no labels).
 */
public final class Loss {
  /** The teacher term. */
  public enum Kind {
    KD, MSE
  }

  private final Kind kind;
  private final float temperature;
  private final float alpha;

  public Loss(Kind kind, float temperature, float alpha) {
    if (!(temperature > 0f) || !(alpha >= 0f && alpha <= 1f)) {
      throw new IllegalArgumentException("temperature must be > 0 and alpha in [0, 1]");
    }
    this.kind = kind;
    this.temperature = temperature;
    this.alpha = alpha;
  }

  public Kind kind() {
    return kind;
  }

  public float temperature() {
    return temperature;
  }

  public float alpha() {
    return alpha;
  }

  /**
   * Writes {@code ∂loss/∂s} (scaled by {@code 1 / batch}) into {@code grad} and returns the sum of
   * the per-sample losses of these {@code n} rows.
   *
   * @param s student outputs, {@code n x k}
   * @param teacher teacher outputs, rows {@code [from, from + n)} of an {@code N x k} buffer
   * @param labels labels of all N samples, or null
   */
  double apply(FloatBuffer s, int n, int k, FloatBuffer teacher, int[] labels, int[] rows,
      int batch, FloatBuffer grad) {
    float a = labels == null ? 1f : alpha;
    float scale = 1f / batch;
    double total = 0;
    double[] ps = new double[k];
    double[] pt = new double[k];
    for (int r = 0; r < n; r++) {
      int so = r * k;
      int to = rows[r] * k;
      for (int j = 0; j < k; j++) {
        grad.put(so + j, 0f);
      }
      if (a > 0f) {
        if (kind == Kind.MSE) {
          for (int j = 0; j < k; j++) {
            float d = s.get(so + j) - teacher.get(to + j);
            total += a * (double) d * d;
            grad.put(so + j, grad.get(so + j) + a * 2f * d * scale);
          }
        } else {
          double lse = softmax(s, so, k, temperature, ps);
          double lte = softmax(teacher, to, k, temperature, pt);
          double kl = 0;
          for (int j = 0; j < k; j++) {
            if (pt[j] > 0) {
              double logPs = s.get(so + j) / temperature - lse;
              double logPt = teacher.get(to + j) / temperature - lte;
              kl += pt[j] * (logPt - logPs);
            }
            grad.put(so + j, grad.get(so + j)
                + (float) (a * temperature * (ps[j] - pt[j]) * scale));
          }
          total += a * temperature * temperature * kl;
        }
      }
      if (labels != null && a < 1f) {
        double lse = softmax(s, so, k, 1f, ps);
        int y = labels[rows[r]];
        total += (1 - a) * (lse - s.get(so + y));
        for (int j = 0; j < k; j++) {
          double g = ps[j] - (j == y ? 1 : 0);
          grad.put(so + j, grad.get(so + j) + (float) ((1 - a) * g * scale));
        }
      }
    }
    return total;
  }

  /** Softmax of row {@code x[off, off + k) / t} into {@code p}; returns its log-sum-exp. */
  private static double softmax(FloatBuffer x, int off, int k, float t, double[] p) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      m = Math.max(m, x.get(off + j) / t);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      p[j] = Math.exp(x.get(off + j) / t - m);
      sum += p[j];
    }
    for (int j = 0; j < k; j++) {
      p[j] /= sum;
    }
    return m + Math.log(sum);
  }
}
