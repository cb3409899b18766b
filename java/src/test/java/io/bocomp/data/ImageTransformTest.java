package io.bocomp.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.data.Preprocessing.Channels;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import io.bocomp.testing.TestImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preprocessing against reference values. The expected floats were computed during development
 * with Pillow 9.4.0 and torchvision 0.14.1 on the same {@link TestImages#pattern} images:
 *
 * <pre>
 * def img(h, w, c, seed):  # TestImages.pattern
 *     y, x, ch = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing='ij')
 *     return ((37*x + 91*y + 53*ch + seed*17 + (x*y*7) % 13) % 256).astype(np.uint8)
 * </pre>
 *
 * and the torchvision pipeline quoted in each test, printed as float32.
 */
class ImageTransformTest {
  @TempDir Path dir;

  private Tensor one(byte[] pixels, int h, int w, int c, Preprocessing p, ValueInfo input) {
    Path folder = dir.resolve("f" + System.nanoTime());
    TestImages.write(pixels, h, w, c, "png", folder.resolve("a.png"));
    ImageFolder f = ImageFolder.open(folder, null, 0, ImageTransform.resolve(p, input));
    return f.rows(new int[] {0});
  }

  private static void assertFloats(Tensor t, float[] expected) {
    assertThat(t.size()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(t.get(i)).as("element %d", i).isEqualTo(expected[i]);
    }
  }

  @Test
  void downscaleCropMeanStdBgrNhwcMatchTorchvision() {
    // img(5, 7, 3, 1) as RGB; Compose([Resize(3), CenterCrop((2, 3)), ToTensor()]), channels
    // reversed to BGR, (x - mean) / std with mean [0.485, 0.456, 0.406] and std [0.229, 0.224,
    // 0.225] in that (BGR) order, permuted to HWC. Resize(3): 5x7 -> 3x4 (HxW), antialiased.
    Preprocessing p = new Preprocessing(new int[] {3}, new int[] {2, 3},
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, null,
        Channels.BGR, null);
    Tensor t = one(TestImages.pattern(5, 7, 3, 1), 5, 7, 3, p,
        ValueInfo.floatTensor("x", -1, 2, 3, 3)); // [N, H, W, C]: nhwc from the shape
    assertThat(t.shape()).containsExactly(1, 2, 3, 3);
    assertFloats(t, new float[] {0.1083141341805458f, 0.2226891964673996f, -0.47982561588287354f,
        0.1254388839006424f, 0.7128852605819702f, 0.5484969019889832f, -0.5081771016120911f,
        0.5203081965446472f, 0.3567756712436676f, -0.40542858839035034f, 0.5553222298622131f,
        0.9319391846656799f, -0.16568204760551453f, 0.012605051510035992f, 0.09533776342868805f,
        0.31381115317344666f, 0.3102242052555084f, 0.09533776342868805f});
  }

  @Test
  void upscaleToAnExactSizeWithOneMeanAndStdMatchesTorchvision() {
    // img(2, 3, 1, 2) as L; Compose([Resize((5, 4)), ToTensor(), Normalize([0.5], [0.25])]).
    Preprocessing p = new Preprocessing(new int[] {5, 4}, null, new float[] {0.5f},
        new float[] {0.25f}, null, null, null);
    Tensor t = one(TestImages.pattern(2, 3, 1, 2), 2, 3, 1, p,
        ValueInfo.floatTensor("x", -1, 1, 5, 4));
    assertThat(t.shape()).containsExactly(1, 1, 5, 4);
    assertFloats(t, new float[] {-1.4666666984558105f, -1.1058824062347412f, -0.6666666269302368f,
        -0.3058823347091675f, -1.3254902362823486f, -0.9490195512771606f, -0.5098038911819458f,
        -0.16470587253570557f, -0.7450979948043823f, -0.3529411554336548f, 0.08627462387084961f,
        0.41568636894226074f, -0.18039214611053467f, 0.24313735961914062f, 0.6823530197143555f,
        0.9960784912109375f, -0.039215683937072754f, 0.40000009536743164f, 0.8392157554626465f,
        1.1372549533843994f});
  }

  @Test
  void rgbToGrayThenAreaAveragingDownscaleMatchesPillow() {
    // img(12, 16, 3, 3) as RGB, .convert('L'); Compose([Resize(4), ToTensor()]): 12x16 -> 4x5
    // (shorter side 4, longer int(4 * 16 / 12) = 5), every source pixel weighted.
    Tensor t = one(TestImages.pattern(12, 16, 3, 3), 12, 16, 3,
        new Preprocessing(new int[] {4}, null, null, null, null, null, null),
        ValueInfo.floatTensor("x", -1, 1, -1, -1)); // 1 channel: gray; symbolic size
    assertThat(t.shape()).containsExactly(1, 1, 4, 5);
    assertFloats(t, new float[] {0.5137255191802979f, 0.4901960790157318f, 0.501960813999176f,
        0.5215686559677124f, 0.529411792755127f, 0.5333333611488342f, 0.49803921580314636f,
        0.5215686559677124f, 0.5058823823928833f, 0.47843137383461f, 0.46666666865348816f,
        0.47058823704719543f, 0.48235294222831726f, 0.46666666865348816f, 0.501960813999176f,
        0.5058823823928833f, 0.501960813999176f, 0.45098039507865906f, 0.501960813999176f,
        0.4627451002597809f});
  }

  @Test
  void centreCropRoundsHalvesToEvenLikePython() {
    // img(6, 9, 3, 4) as RGB; CenterCrop((3, 4)): top = round(1.5) = 2, left = round(2.5) = 2;
    // --scale 1 keeps the 0..255 values; nchw.
    Tensor t = one(TestImages.pattern(6, 9, 3, 4), 6, 9, 3,
        new Preprocessing(null, new int[] {3, 4}, null, null, 1.0, null, null),
        ValueInfo.floatTensor("x", -1, 3, 3, 4));
    assertFloats(t, new float[] {70, 108, 146, 184, 162, 207, 239, 15, 254, 37, 76, 115, 123, 161,
        199, 237, 215, 4, 36, 68, 51, 90, 129, 168, 176, 214, 252, 34, 12, 57, 89, 121, 104, 143,
        182, 221});
  }

  @Test
  void defaultsComeFromTheModelInputShape() {
    ImageTransform nchw3 = ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 3, 224, 224));
    assertThat(nchw3.channels()).isEqualTo(Channels.RGB);
    assertThat(nchw3.layout()).isEqualTo(Preprocessing.Layout.NCHW);
    assertThat(nchw3.height()).isEqualTo(224);
    ImageTransform gray = ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 1, 28, 28));
    assertThat(gray.channels()).isEqualTo(Channels.GRAY);
    ImageTransform nhwc = ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 32, 32, 3));
    assertThat(nhwc.layout()).isEqualTo(Preprocessing.Layout.NHWC);
    assertThat(nhwc.channels()).isEqualTo(Channels.RGB);
    assertThat(nhwc.toJson().path("scale").asDouble()).isEqualTo(1 / 255.0);
    ImageTransform symbolic = ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 3, -1, -1));
    assertThat(symbolic.height()).isEqualTo(-1);
  }

  @Test
  void settingsThatCannotFitTheModelInputAreRefusedNamingIt() {
    ValueInfo rgb = ValueInfo.floatTensor("input", -1, 3, 224, 224);
    assertThatThrownBy(() -> ImageTransform.resolve(new Preprocessing(null, null, null, null, null,
        Channels.GRAY, null), rgb)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("--channels gray").hasMessageContaining("'input'")
        .hasMessageContaining("takes 3");
    assertThatThrownBy(() -> ImageTransform.resolve(new Preprocessing(null, null,
        new float[] {0.1f, 0.2f}, null, null, null, null), rgb))
        .hasMessageContaining("--mean has 2 values");
    assertThatThrownBy(() -> ImageTransform.resolve(new Preprocessing(null, new int[] {200, 200},
        null, null, null, null, null), rgb)).hasMessageContaining("--crop 200x200")
        .hasMessageContaining("224x224");
    assertThatThrownBy(() -> ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 784))).hasMessageContaining("rank 4");
    assertThatThrownBy(() -> ImageTransform.resolve(Preprocessing.NONE,
        ValueInfo.floatTensor("x", -1, 4, 32, 32))).hasMessageContaining("cannot tell where");
    assertThatThrownBy(() -> ImageTransform.resolve(new Preprocessing(null, null, null, null,
        null, null, Preprocessing.Layout.NCHW), ValueInfo.floatTensor("x", -1, 4, 32, 3)))
        .hasMessageContaining("has 4 channels");
    assertThatThrownBy(() -> ImageTransform.resolve(new Preprocessing(null, null, null,
        new float[] {0f}, null, null, null), rgb)).hasMessageContaining("--std");
  }

  @Test
  void eightBitValuesScaleExactlyAsIdxDoes() {
    // (float) (v * (1 / 255.0)) equals the IDX reader's v / 255f for every byte
    for (int v = 0; v < 256; v++) {
      assertThat((float) (v * ImageTransform.DEFAULT_SCALE)).isEqualTo(v / 255f);
    }
  }

  @Test
  void optionValuesParseAndBadOnesNameTheOption() {
    assertThat(Preprocessing.parseResize("256")).containsExactly(256);
    assertThat(Preprocessing.parseResize("224x200")).containsExactly(224, 200);
    assertThat(Preprocessing.parseCrop("224")).containsExactly(224, 224);
    assertThat(Preprocessing.parseScale("1/255")).isEqualTo(1 / 255.0);
    assertThat(Preprocessing.parseList("0.5, 0.25,1", "--mean")).containsExactly(0.5f, 0.25f, 1f);
    assertThatThrownBy(() -> Preprocessing.parseResize("0")).hasMessageContaining("--resize");
    assertThatThrownBy(() -> Preprocessing.parseCrop("3x")).hasMessageContaining("--crop");
    assertThatThrownBy(() -> Preprocessing.parseList("a,b", "--std"))
        .hasMessageContaining("--std");
    assertThatThrownBy(() -> Preprocessing.parseScale("-1")).hasMessageContaining("--scale");
    assertThatThrownBy(() -> Preprocessing.channels("cmyk", "--channels"))
        .hasMessageContaining("rgb, bgr or gray");
  }

  @Test
  void resolvedSettingsRoundTripThroughJson() {
    Preprocessing p = new Preprocessing(new int[] {256}, new int[] {224, 224},
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, null,
        Channels.BGR, null);
    ImageTransform t = ImageTransform.resolve(p, ValueInfo.floatTensor("x", -1, 3, 224, 224));
    Preprocessing back = Preprocessing.fromJson(t.toJson(), "result.json");
    assertThat(back).isEqualTo(t.settings());
    assertThat(back.resize()).containsExactly(256);
    assertThat(back.scale()).isEqualTo(1 / 255.0);
    assertThat(back.layout()).isEqualTo(Preprocessing.Layout.NCHW);
    assertThatThrownBy(() -> Preprocessing.fromJson(new com.fasterxml.jackson.databind
        .ObjectMapper().createObjectNode().put("rezise", 3), "run.json: \"preprocess\""))
        .hasMessageContaining("\"rezise\": unknown field");
  }
}
