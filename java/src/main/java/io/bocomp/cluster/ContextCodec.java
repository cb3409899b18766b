package io.bocomp.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.BocompException;
import io.bocomp.ModelLoader;
import io.bocomp.compress.CompressibleModel;
import io.bocomp.compress.CompressionPlan;
import io.bocomp.compress.FactorCache;
import io.bocomp.compress.ModelFactors;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.tune.DistanceObjective;
import io.bocomp.tune.SampleSet;
import io.bocomp.tune.parallel.StageContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link StageContext} as the named byte blobs the driver serves to workers
 * ({@link FetchBlobTask}): {@code header} (JSON: format, the base model's SHA-256, its sample
 * shape, the fixed entries as a plan, the changing layers, the objective, the sample indices and
 * every blob's size), {@code model} (the base model as ONNX), {@code factors} (its factor cache
 * file, the format of {@link FactorCache}: the worker uses the driver's factors, not its own, so
 * every member measures with the same bits) and {@code tensors} (the sample batches, then the
 * reference outputs: count, then per tensor rank, dims and float32 data, big-endian).
 *
 * <p>{@link #decode} re-imports the model, fixes its input sizes to the samples' as the tuner does,
 * and refuses a model whose SHA-256 then differs from the driver's. Limits: the ONNX export holds
 * at most 2 GiB, and the whole context is held in memory on both sides.
 */
final class ContextCodec {
  static final int FORMAT = 1;
  static final String HEADER = "header";
  static final String MODEL = "model";
  static final String FACTORS = "factors";
  static final String TENSORS = "tensors";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ContextCodec() {}

  /** The blobs of a context, header first. */
  static Map<String, byte[]> encode(StageContext c) {
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    blobs.put(MODEL, OnnxExporter.toBytes(c.base()));
    blobs.put(FACTORS, factorFile(c.factors()));
    blobs.put(TENSORS, tensors(c));
    ObjectNode h = JSON.createObjectNode();
    h.put("format", FORMAT);
    h.put("id", c.id());
    h.put("model_sha256", c.factors().model().hash());
    ArrayNode shape = h.putArray("sample_shape");
    int[] s = c.samples().batches().get(0).shape();
    for (int i = 1; i < s.length; i++) {
      shape.add(s[i]);
    }
    h.set("fixed", CompressionPlan.of(c.fixed()).toJsonNode());
    ArrayNode ch = h.putArray("changing");
    c.changing().forEach(ch::add);
    h.put("distance", c.objective().divergence().json());
    h.put("temperature", c.objective().temperature());
    ArrayNode idx = h.putArray("indices");
    for (int i : c.samples().indices()) {
      idx.add(i);
    }
    h.put("batches", c.samples().batches().size());
    ObjectNode sizes = h.putObject("sizes");
    blobs.forEach((k, v) -> sizes.put(k, v.length));
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(HEADER, h.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.putAll(blobs);
    return out;
  }

  /** The header's blob sizes (name to bytes), header excluded. */
  static Map<String, Integer> sizes(byte[] header) {
    JsonNode h = readHeader(header);
    Map<String, Integer> out = new LinkedHashMap<>();
    h.path("sizes").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
    return out;
  }

  /**
   * The context the blobs describe.
   *
   * @throws BocompException when the format is another, or the model does not come back with the
   *     driver's SHA-256
   */
  static StageContext decode(Map<String, byte[]> blobs) {
    JsonNode h = readHeader(blobs.get(HEADER));
    if (h.path("format").asInt() != FORMAT) {
      throw new BocompException("the driver sent a stage of format " + h.path("format").asInt()
          + " (this worker reads " + FORMAT + "): run the same bocomp version on every member");
    }
    int[] sample = new int[h.path("sample_shape").size()];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = h.path("sample_shape").get(i).asInt();
    }
    Model base = ModelLoader.specialize(ModelLoader.load(blobs.get(MODEL), "the driver's model"),
        sample);
    CompressibleModel cm = CompressibleModel.of(base);
    String sha = h.path("model_sha256").asText();
    if (!cm.hash().equals(sha)) {
      throw new BocompException("the driver's model came back with SHA-256 " + cm.hash()
          + " instead of " + sha + ": run the same bocomp version on every member");
    }
    ModelFactors factors = readFactors(cm, blobs.get(FACTORS));
    CompressionPlan fixed = CompressionPlan.parse(h.path("fixed").toString(), "the fixed entries");
    List<String> changing = new ArrayList<>();
    h.path("changing").forEach(n -> changing.add(n.asText()));
    DistanceObjective objective = DistanceObjective.of(
        DistanceObjective.Divergence.fromJson(h.path("distance").asText()),
        h.path("temperature").asDouble());
    int[] indices = new int[h.path("indices").size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = h.path("indices").get(i).asInt();
    }
    int batches = h.path("batches").asInt();
    List<Tensor> all = readTensors(blobs.get(TENSORS));
    if (all.size() != 2 * batches) {
      throw new BocompException("the driver sent " + all.size() + " tensors for " + batches
          + " sample batches");
    }
    StageContext c = new StageContext(base, factors, fixed.entries(), changing,
        SampleSet.of(indices, all.subList(0, batches)), all.subList(batches, all.size()),
        objective);
    if (!c.id().equals(h.path("id").asText())) {
      throw new BocompException("the stage received differs from the driver's (id " + c.id()
          + " instead of " + h.path("id").asText() + ")");
    }
    return c;
  }

  private static JsonNode readHeader(byte[] header) {
    try {
      return JSON.readTree(header);
    } catch (IOException e) {
      throw new BocompException("the driver sent an unreadable stage header (" + e.getMessage()
          + ")", e);
    }
  }

  /** The factor cache file of {@code f}, written through {@link FactorCache} in a scratch dir. */
  private static byte[] factorFile(ModelFactors f) {
    Path dir = scratch();
    try {
      FactorCache cache = FactorCache.filesOnly(dir);
      cache.store(f, null);
      return Files.readAllBytes(cache.cacheFile(f.model(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  private static ModelFactors readFactors(CompressibleModel cm, byte[] file) {
    Path dir = scratch();
    try {
      FactorCache cache = FactorCache.filesOnly(dir);
      Path p = cache.cacheFile(cm, null);
      Files.createDirectories(p.getParent());
      Files.write(p, file);
      return cache.cached(cm, null).orElseThrow(() -> new BocompException(
          "the driver's factors do not fit its model (different bocomp versions?)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory("bocomp-stage-");
    } catch (IOException e) {
      throw new BocompException("cannot create a temporary directory (" + e.getMessage() + ")",
          e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a scratch directory left in the temporary folder
    }
  }

  private static byte[] tensors(StageContext c) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      List<Tensor> all = new ArrayList<>(c.samples().batches());
      all.addAll(c.reference());
      out.writeInt(all.size());
      for (Tensor t : all) {
        int[] s = t.shape();
        out.writeInt(s.length);
        for (int d : s) {
          out.writeInt(d);
        }
        FloatBuffer f = t.data();
        while (f.hasRemaining()) {
          out.writeFloat(f.get());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static List<Tensor> readTensors(byte[] b) {
    List<Tensor> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      int n = in.readInt();
      for (int k = 0; k < n; k++) {
        int[] s = new int[in.readInt()];
        long size = 1;
        for (int i = 0; i < s.length; i++) {
          s[i] = in.readInt();
          size *= s[i];
        }
        float[] data = new float[Math.toIntExact(size)];
        for (int i = 0; i < data.length; i++) {
          data[i] = in.readFloat();
        }
        out.add(Tensor.of(s, data));
      }
    } catch (IOException e) {
      throw new BocompException("the driver sent truncated sample tensors (" + e.getMessage()
          + ")", e);
    }
    return out;
  }
}
