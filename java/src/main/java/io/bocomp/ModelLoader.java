package io.bocomp;

import io.bocomp.data.Dataset;
import io.bocomp.data.Idx;
import io.bocomp.engine.ConstantFolding;
import io.bocomp.model.Graph;
import io.bocomp.model.GraphOptimizer;
import io.bocomp.model.Model;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.QuantizedTensor;
import io.bocomp.model.QuantizedWeights;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.onnx.OnnxImporter;
import io.bocomp.model.op.OpsetForms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads ONNX models the way every bocomp command sees them: import ({@link OnnxImporter}), the
 * canonical op forms of opset 18 ({@link OpsetForms}), then Identity/Dropout removal, BatchNormalization folding and dead-node elimination
 * ({@link GraphOptimizer#standard()}), constant folding of shape subgraphs
 * ({@link ConstantFolding}; a weight stored quantized, a DequantizeLinear of constants, becomes
 * its float value, its codes and scales kept in {@link Model#quantizedWeights()}), and shape
 * inference ({@link ShapeInference#infer}), so that every value has a known shape (the batch
 * dimension stays symbolic, -1).
 *
 * <p>Also gives access to the embedded default model ({@code models/fashion-cnn.onnx}, a VGG-style
 * CNN trained on Fashion-MNIST by {@code tools/train_default.py}) and its 2,000-image sample of the
 * Fashion-MNIST test set, packaged in the jar.
 */
public final class ModelLoader {
  /** Classpath folder of the embedded default model and sample. */
  public static final String DEFAULT_RESOURCES = "/io/bocomp/models/";
  /** Name shown for the embedded default model. */
  public static final String DEFAULT_MODEL_NAME = "fashion-cnn.onnx";
  static final String SAMPLE_IMAGES = "fashion-sample-images.idx.gz";
  static final String SAMPLE_LABELS = "fashion-sample-labels.idx.gz";

  private ModelLoader() {}

  /** Reads and prepares a model file. */
  public static Model load(Path file) {
    return prepare(OnnxImporter.read(file), file.toString());
  }

  /** Reads and prepares an in-memory ONNX file; {@code source} names it in messages. */
  public static Model load(byte[] onnx, String source) {
    return prepare(OnnxImporter.read(onnx, source, null), source);
  }

  /**
   * {@link #prepare(Model)} with its errors as one line that starts with the file's name (node
   * names come from the file and may hold line breaks: {@link OnnxImporter#oneLine}).
   */
  private static Model prepare(Model imported, String source) {
    try {
      return prepare(imported);
    } catch (UnsupportedOperatorException e) {
      throw new UnsupportedOperatorException(OnnxImporter.oneLine(prefixed(source, e)));
    } catch (ModelFormatException e) {
      throw new ModelFormatException(OnnxImporter.oneLine(prefixed(source, e)), e);
    }
  }

  private static String prefixed(String source, RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    return m.startsWith(source) ? m : source + ": " + m;
  }

  /** The embedded default model, prepared. */
  public static Model loadDefault() {
    return load(resourceBytes(DEFAULT_MODEL_NAME), "<embedded " + DEFAULT_MODEL_NAME + ">");
  }

  /** The raw bytes of the embedded default model (for hashing, copying out). */
  public static byte[] defaultModelBytes() {
    return resourceBytes(DEFAULT_MODEL_NAME);
  }

  /** The embedded 2,000-image sample of the Fashion-MNIST test set, with labels. */
  public static Dataset defaultSample() {
    try (InputStream img = resource(SAMPLE_IMAGES); InputStream lab = resource(SAMPLE_LABELS)) {
      return new Dataset(Idx.readImages(img, "<embedded " + SAMPLE_IMAGES + ">", 0),
          Idx.readLabels(lab, "<embedded " + SAMPLE_LABELS + ">", 0));
    } catch (IOException e) {
      throw new BocompException("cannot read the embedded sample (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Brings an imported model to the canonical op forms ({@link OpsetForms}: its opset becomes at
   * least {@value OpsetForms#CANONICAL_OPSET}), then optimizes, folds and shape-infers it.
   */
  public static Model prepare(Model imported) {
    Model optimized = GraphOptimizer.standard().apply(OpsetForms.canonical(imported));
    long opset = optimized.opset();
    // Weights stored quantized (DequantizeLinear of constants) are folded to float like any
    // constant; their codes, scales and bit widths are kept on the model.
    Map<String, QuantizedTensor> quantized = QuantizedWeights.find(optimized.graph());
    Graph folded = ConstantFolding.fold(optimized.graph(), opset);
    Graph shaped = ShapeInference.infer(folded, opset);
    return optimized.withGraph(shaped).withQuantizedWeights(quantized);
  }

  /**
   * The model with its symbolic input sizes fixed to one sample's shape ({@link
   * Model#specialize}), and the shapes that only data propagation through shape subgraphs can
   * tell (a Reshape target built from Shape, Slice, Cast, Concat...) taken from a constant-folded
   * copy: the returned graph itself is not folded, so it still computes those targets from its
   * input at run time and its export accepts every size the original did.
   *
   * @throws io.bocomp.model.ModelFormatException when the sample does not fit the model input
   */
  public static Model specialize(Model m, int[] sample) {
    Model s = m.specialize(sample);
    if (s == m) {
      return m;
    }
    long opset = s.opset();
    Graph folded = ShapeInference.infer(ConstantFolding.fold(s.graph(), opset), opset);
    Graph.Builder b = s.graph().toBuilder();
    for (ValueInfo v : s.graph().valueInfos().values()) {
      if (!knownBeyondBatch(v.shape())) {
        folded.valueInfo(v.name()).filter(f -> knownBeyondBatch(f.shape()))
            .ifPresent(f -> b.valueInfo(v.withShape(f.shape())));
      }
    }
    return s.withGraph(b.build());
  }

  private static boolean knownBeyondBatch(int[] s) {
    if (s == null) {
      return false;
    }
    for (int i = 1; i < s.length; i++) {
      if (s[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] resourceBytes(String name) {
    try (InputStream in = resource(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new BocompException("cannot read the embedded " + name + " (" + e.getMessage() + ")", e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = ModelLoader.class.getResourceAsStream(DEFAULT_RESOURCES + name);
    if (in == null) {
      throw new ModelFormatException("the embedded " + name + " is missing from the classpath"
          + " (build with Maven so models/ is packaged)");
    }
    return in;
  }
}
