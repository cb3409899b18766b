package io.bocomp.tune.parallel;

import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.ModelFactors;
import io.bocomp.compress.PlanEntry;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.SampleSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything a worker needs to measure the plans of one stage, and nothing about the search: the
 * stage's base model and its factors, the entries fixed before the stage (an earlier stage's plan,
 * frozen layers: applied once to the base so the cached activations include them), the layers
 * plans may change (activation boundaries are cached before them), the sampled inputs, the
 * original model's outputs on them (computed once by the driver, so every worker compares against
 * the same bits) and the distance objective.
 *
 * <p>{@link #id} is a SHA-256 over all of it (model hash, fixed entries, layer names, the samples'
 * hash, the reference outputs' bits, the objective): a cluster worker keys its cache of contexts
 * by it, so it receives a model once and then only plans.
 *
 * @param base the stage's base model (plans are applied to {@code factors.model()}'s graph)
 * @param factors its factors
 * @param fixed plan entries applied before the stage (empty for none)
 * @param changing names of the layers the stage's plans may change
 * @param samples the sampled inputs
 * @param reference the original model's first output on each sample batch
 * @param objective the per-sample distance
 */
public record StageContext(Model base, ModelFactors factors, List<PlanEntry> fixed,
    List<String> changing, SampleSet samples, List<Tensor> reference,
    DistanceObjective objective) {

  public StageContext {
    fixed = List.copyOf(fixed);
    changing = List.copyOf(changing);
    reference = List.copyOf(reference);
  }

  /** The context's identity (lower-case hex SHA-256, see the class comment). */
  public String id() {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    text(md, factors.model().hash());
    text(md, CompressionPlan.of(fixed).toJson());
    text(md, String.join("\n", changing));
    text(md, samples.sha256());
    for (Tensor t : reference) {
      text(md, java.util.Arrays.toString(t.shape()));
      FloatBuffer f = t.data();
      ByteBuffer b = ByteBuffer.allocate(4 * f.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(f);
      md.update(b.array());
    }
    text(md, objective.divergence().json() + ":" + objective.temperature());
    return HexFormat.of().formatHex(md.digest());
  }

  private static void text(MessageDigest md, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update(ByteBuffer.allocate(4).putInt(b.length).array());
    md.update(b);
  }
}
