package io.bocomp.bo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link BayesOpt} needs to continue a run bit for bit: the space it was built for,
 * the seed, every observation, the pending suggestions, the design and suggestion counters and,
 * per GP, the hyperparameters with the counts at which they were fitted. Configuration that is code
 * (objective, known constraints, acquisition) is not stored: resume with a builder configured as
 * before ({@link BayesOpt.Builder#resume}). Doubles are written in shortest round-trip form, so a
 * JSON round trip is exact.
 *
 * @param version format version (1)
 */
public record BayesOptState(int version, long seed, List<Dimension> space, String kernel, String noise,
    List<ObservationRecord> observations, List<double[]> pending, long designIndex, long suggestCalls,
    List<SurrogateState> models) {

  static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One observation: a success (mean, stderr, constraints) or a failure (reason). */
  public record ObservationRecord(double[] x, Double mean, Double stderr, Map<String, Measurement> constraints,
      String failure) {
    static ObservationRecord of(Observation o) {
      Evaluation e = o.evaluation();
      if (e.isFailed()) {
        return new ObservationRecord(o.x(), null, null, null, e.failureReason());
      }
      return new ObservationRecord(o.x(), e.mean(), e.stderr(), e.constraints(), null);
    }

    Observation toObservation() {
      if (failure != null || mean == null) {
        return new Observation(x, Evaluation.failed(failure));
      }
      Evaluation e = Evaluation.of(mean, stderr == null ? 0.0 : stderr);
      if (constraints != null) {
        for (Map.Entry<String, Measurement> c : constraints.entrySet()) {
          e = e.withConstraint(c.getKey(), c.getValue().mean(), c.getValue().stderr());
        }
      }
      return new Observation(x, e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize optimizer state", e);
    }
  }

  /** @throws InvalidSettingException when the text is not a state of a known version */
  public static BayesOptState fromJson(String json) {
    BayesOptState s;
    try {
      s = JSON.readValue(json, BayesOptState.class);
    } catch (JsonProcessingException e) {
      throw new InvalidSettingException("not an optimizer state: " + e.getOriginalMessage());
    }
    if (s.version() != VERSION) {
      throw new InvalidSettingException("optimizer state version " + s.version() + " is not supported (expected "
          + VERSION + ")");
    }
    return s;
  }

  /** Writes the JSON atomically: to a temporary file next to {@code path}, then moved over it. */
  public void write(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static BayesOptState read(Path path) throws IOException {
    return fromJson(Files.readString(path, StandardCharsets.UTF_8));
  }
}
