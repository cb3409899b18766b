package io.bocomp.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.ModelLoader;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InputFiles}: IDX with and without preprocessing, .npy tensors, missing paths. */
class InputFilesTest {
  private static final Path SAMPLE = Path.of("../models/fashion-sample-images.idx.gz");
  private static final Path SAMPLE_LABELS = Path.of("../models/fashion-sample-labels.idx.gz");
  private static final ValueInfo FASHION = ValueInfo.floatTensor("input", -1, 1, 28, 28);

  @TempDir Path dir;

  @Test
  void idxWithoutOptionsIsReadAsAlwaysAndDescribedAsGrayNchw() {
    InputFiles.Opened o = InputFiles.open(SAMPLE, SAMPLE_LABELS, 300, Preprocessing.NONE, FASHION);
    assertThat(o.kind()).isEqualTo("idx");
    Dataset embedded = ModelLoader.defaultSample().head(300);
    assertThat(o.source().batch(0, 300).contentEquals(embedded.images())).isTrue();
    assertThat(o.source().labels()).containsExactly(embedded.labels());
    assertThat(o.preprocessing().toJson().path("channels").asText()).isEqualTo("gray");
    assertThat(o.preprocessing().toJson().path("size").toString()).isEqualTo("[28,28]");
  }

  @Test
  void idxWithOptionsGoesThroughTheImagePipeline() {
    Tensor plain = ModelLoader.defaultSample().head(5).images();
    Tensor norm = InputFiles.open(SAMPLE, null, 5, new Preprocessing(null, null,
        new float[] {0.5f}, new float[] {0.25f}, null, null, null), FASHION).source().batch(0, 5);
    for (int i = 0; i < plain.size(); i++) {
      assertThat(norm.get(i)).isEqualTo((plain.get(i) - 0.5f) / 0.25f);
    }
    // a 3-channel 32x32 model: gray repeated into RGB, resized; 24x24 crop for a symbolic one
    Tensor rgb = InputFiles.open(SAMPLE, null, 2, new Preprocessing(new int[] {32, 32}, null,
        null, null, null, null, null), ValueInfo.floatTensor("x", -1, 3, 32, 32)).source()
        .batch(0, 2);
    assertThat(rgb.shape()).containsExactly(2, 3, 32, 32);
    assertThat(rgb.get(32 * 32 + 500)).isEqualTo(rgb.get(500));
    Tensor crop = InputFiles.open(SAMPLE, null, 2, new Preprocessing(null, new int[] {24, 24},
        null, null, null, null, null), ValueInfo.floatTensor("x", -1, 1, -1, -1)).source()
        .batch(0, 2);
    assertThat(crop.shape()).containsExactly(2, 1, 24, 24);
    assertThat(crop.get(0)).isEqualTo(plain.get(2 * 28 + 2));
    assertThatThrownBy(() -> InputFiles.open(SAMPLE, null, 2, new Preprocessing(null, null,
        new float[] {0f}, null, null, null, null), ValueInfo.floatTensor("x", -1, 1, 32, 32)))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("28x28 images")
        .hasMessageContaining("takes 32x32");
  }

  @Test
  void aNpyTensorMustFitTheModelInputAndItsLabels() throws Exception {
    Path npy = dir.resolve("x.npy");
    Npy.write(ModelLoader.defaultSample().head(4).images(), npy);
    Path labels = dir.resolve("y.txt");
    Files.writeString(labels, "3\n1\n4\n1\n");
    InputFiles.Opened o = InputFiles.open(npy, labels, 0, Preprocessing.NONE, FASHION);
    assertThat(o.kind()).isEqualTo("npy");
    assertThat(o.preprocessing()).isNull();
    assertThat(o.source().labels()).containsExactly(3, 1, 4, 1);
    assertThatThrownBy(() -> InputFiles.open(npy, null, 0, Preprocessing.NONE,
        ValueInfo.floatTensor("input", -1, 3, 28, 28)))
        .hasMessage(npy + " has shape [4, 1, 28, 28] but the model input 'input' takes"
            + " [N, 3, 28, 28] (a batch of inputs along the first dimension)");
    assertThat(InputFiles.open(npy, null, 2, Preprocessing.NONE,
        ValueInfo.floatTensor("input", -1, 1, -1, 28)).source().size()).isEqualTo(2);
  }

  @Test
  void aMissingPathIsNamed() {
    Path none = dir.resolve("nothing");
    assertThatThrownBy(() -> InputFiles.open(none, null, 0, Preprocessing.NONE, FASHION))
        .hasMessage(none + ": no such file or folder");
  }
}
