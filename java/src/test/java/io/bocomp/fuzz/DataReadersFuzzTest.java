package io.bocomp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bocomp.data.BatchStream;
import io.bocomp.data.Idx;
import io.bocomp.data.ImageDecoder;
import io.bocomp.data.ImageFolder;
import io.bocomp.data.ImageTransform;
import io.bocomp.data.Npy;
import io.bocomp.data.Preprocessing;
import io.bocomp.model.ValueInfo;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Fuzz targets for the input readers: IDX images and labels (plain or gzipped), {@code .npy},
 * one image file ({@link ImageDecoder}: every javax.imageio reader on the class path, the JDK's
 * and TwelveMonkeys'), and an image folder with a label file ({@link ImageFolder}: listing,
 * header checks, labels, streaming decode and preprocessing). Only the documented errors may
 * escape ({@link FuzzChecks}). The corpora are in {@code DataReadersFuzzTestInputs/<method>}.
 */
@EnabledIf(value = "io.bocomp.fuzz.FuzzChecks#jazzerCanLoad",
    disabledReason = FuzzChecks.NO_AGENT)
class DataReadersFuzzTest {
  private static final ValueInfo GRAY_ANY = ValueInfo.floatTensor("x", -1, 1, -1, -1);
  private static final ValueInfo RGB_4x4 = ValueInfo.floatTensor("x", -1, 3, 4, 4);

  @FuzzTest(maxDuration = "60s")
  void fuzzIdxImages(byte[] idx) {
    FuzzChecks.assertOnlyDocumentedErrors(
        () -> Idx.readImages(new ByteArrayInputStream(idx), "fuzz-images.idx", 0));
    FuzzChecks.assertOnlyDocumentedErrors(
        () -> Idx.readImages(new ByteArrayInputStream(idx), "fuzz-images.idx", 3));
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzIdxLabels(byte[] idx) {
    FuzzChecks.assertOnlyDocumentedErrors(
        () -> Idx.readLabels(new ByteArrayInputStream(idx), "fuzz-labels.idx", 0));
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzNpy(byte[] npy) {
    FuzzChecks.assertOnlyDocumentedErrorsOnFile("fuzz.npy", npy, Npy::read);
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzImageDecoder(byte[] image) {
    FuzzChecks.assertOnlyDocumentedErrorsOnFile("fuzz.png", image, ImageDecoder::size, ImageDecoder::decode);
  }

  /**
   * A folder of up to three images (in up to two class folders, or flat with a label file), opened
   * for a gray model of any size or an RGB 4x4 model with resizing, and streamed through.
   */
  @FuzzTest(maxDuration = "60s")
  void fuzzImageFolder(FuzzedDataProvider data) {
    Path dir = FuzzChecks.tempDir();
    try {
      Path root = dir.resolve("images");
      boolean classes = data.consumeBoolean();
      boolean rgb = data.consumeBoolean();
      int n = data.consumeInt(1, 3);
      String labels = data.consumeString(64);
      for (int i = 0; i < n; i++) {
        String name = (classes ? (i % 2 == 0 ? "a/" : "b/") : "") + i + "."
            + data.pickValue(new String[] {"png", "jpg", "bmp", "gif", "tif", "webp"});
        FuzzChecks.write(root.resolve(name), data.consumeBytes(4096));
      }
      Path labelFile = classes ? null
          : FuzzChecks.write(dir.resolve("labels.txt"), labels.getBytes(
              java.nio.charset.StandardCharsets.UTF_8));
      FuzzChecks.assertOnlyDocumentedErrors(() -> {
        ImageTransform t = rgb
            ? ImageTransform.resolve(new Preprocessing(new int[] {6}, new int[] {4, 4}, null, null,
                null, null, null), RGB_4x4)
            : ImageTransform.resolve(Preprocessing.NONE, GRAY_ANY);
        ImageFolder f = ImageFolder.open(root, labelFile, 0, t);
        try (BatchStream s = f.batches(2)) {
          while (s.next() != null) {
            // decode everything
          }
        }
      });
    } finally {
      FuzzChecks.delete(dir);
    }
  }
}
