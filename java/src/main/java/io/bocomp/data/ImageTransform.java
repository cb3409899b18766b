package io.bocomp.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bocomp.data.Preprocessing.Channels;
import io.bocomp.data.Preprocessing.Layout;
import io.bocomp.model.ValueInfo;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link Preprocessing} resolved against a model input: every setting fixed, and the steps that
 * turn a decoded image into one input of the model. In order (torchvision's {@code Resize},
 * {@code CenterCrop}, {@code ToTensor}, {@code Normalize} on a PIL image give the same floats for
 * PNG, BMP and GIF files):
 *
 * <ol>
 *   <li>channels: gray images become RGB by repeating the value, RGB images become gray by PIL's
 *       luma formula ({@link Pixels#toGray});
 *   <li>{@code resize}: S scales the shorter side to S and the longer to floor(S * long / short);
 *       H x W scales to exactly that; antialiased bilinear ({@link Resampler}, Pillow's bytes);
 *   <li>{@code crop} H x W: the centre block, top = round((h - H) / 2), left = round((w - W) / 2),
 *       halves rounded to even as Python's round does; an image smaller than the crop is an error;
 *   <li>value = (float) (pixel * scale), then (value - mean[c]) / std[c] in float arithmetic, c
 *       being the model's channel (so mean and std are given in the model's channel order; bgr
 *       swaps the first and third image channels);
 *   <li>written in the layout: [C, H, W] (nchw) or [H, W, C] (nhwc).
 * </ol>
 *
 * <p>Defaults from the model input [N, d1, d2, d3]: layout nchw when d1 is 1 or 3, else nhwc when
 * d3 is 1 or 3; channels gray for 1 channel, else rgb; mean 0, std 1, scale 1/255 (so 8-bit pixels
 * land in [0, 1] exactly as IDX images do). Height and width are the model's when fixed, else
 * (symbolic dimensions) those of the images, which must then all agree.
 */
public final class ImageTransform {
  /** The default scale: 8-bit values to [0, 1]. */
  public static final double DEFAULT_SCALE = 1 / 255.0;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Channels channels;
  private final Layout layout;
  private final int[] resize;
  private final int[] crop;
  private final float[] mean;
  private final float[] std;
  private final double scale;
  private final int height;
  private final int width;
  private final String inputName;
  private final float[][] table;

  private ImageTransform(Channels channels, Layout layout, int[] resize, int[] crop, float[] mean,
      float[] std, double scale, int height, int width, String inputName) {
    this.channels = channels;
    this.layout = layout;
    this.resize = resize;
    this.crop = crop;
    this.mean = mean;
    this.std = std;
    this.scale = scale;
    this.height = height;
    this.width = width;
    this.inputName = inputName;
    int c = channels.count();
    this.table = new float[c][256];
    for (int ch = 0; ch < c; ch++) {
      for (int v = 0; v < 256; v++) {
        table[ch][v] = ((float) (v * scale) - mean[ch]) / std[ch];
      }
    }
  }

  /**
   * Resolves {@code p} against the model input (see the class comment for the defaults).
   *
   * @param input the model's input, or null when unknown (then rgb, nchw, the images' size)
   * @throws DataFormatException when the settings cannot fit the input (channel count, rank,
   *     lengths of mean/std, a crop of another size than a fixed input)
   */
  public static ImageTransform resolve(Preprocessing p, ValueInfo input) {
    p.check("preprocessing");
    int[] s = input == null ? null : input.shape();
    String name = input == null ? "the model input" : "the model input '" + input.name() + "' "
        + shape(s);
    Layout layout = p.layout();
    int c = -1;
    int h = -1;
    int w = -1;
    if (s != null) {
      if (s.length != 4) {
        throw new DataFormatException("images need a model input of rank 4 ([N, C, H, W] or"
            + " [N, H, W, C]); " + name + " is not (give a .npy tensor of its shape instead)");
      }
      if (layout == null) {
        layout = isChannelCount(s[1]) ? Layout.NCHW : isChannelCount(s[3]) ? Layout.NHWC
            : s[1] < 0 && s[3] < 0 ? Layout.NCHW : null;
        if (layout == null) {
          throw new DataFormatException("cannot tell where the channels of " + name + " are"
              + " (neither the second nor the last dimension is 1 or 3); images give 1 or 3"
              + " channels");
        }
      }
      c = layout == Layout.NCHW ? s[1] : s[3];
      h = layout == Layout.NCHW ? s[2] : s[1];
      w = layout == Layout.NCHW ? s[3] : s[2];
      if (c >= 0 && !isChannelCount(c)) {
        throw new DataFormatException(name + " has " + c + " channels in the " + layout.json()
            + " layout; images give 1 (gray) or 3 (rgb, bgr)");
      }
    }
    if (layout == null) {
      layout = Layout.NCHW;
    }
    Channels ch = p.channels();
    if (ch == null) {
      ch = c == 1 ? Channels.GRAY : Channels.RGB;
    } else if (c >= 0 && ch.count() != c) {
      throw new DataFormatException("--channels " + ch.json() + " gives " + ch.count()
          + " channel" + (ch.count() == 1 ? "" : "s") + " but " + name + " takes " + c);
    }
    int n = ch.count();
    float[] mean = perChannel(p.mean(), 0f, n, "--mean");
    float[] std = perChannel(p.std(), 1f, n, "--std");
    int[] crop = p.crop();
    if (crop != null && h > 0 && w > 0 && (crop[0] != h || crop[1] != w)) {
      throw new DataFormatException("--crop " + crop[0] + "x" + crop[1] + " differs from the "
          + h + "x" + w + " (HxW) of " + name);
    }
    double scale = p.scale() != null ? p.scale() : DEFAULT_SCALE;
    return new ImageTransform(ch, layout, p.resize(), crop, mean, std, scale, h, w,
        input == null ? null : input.name());
  }

  /**
   * What IDX images read without options go through: gray, nchw, scale 1/255, mean 0, std 1,
   * {@code rows} x {@code cols}.
   */
  public static ImageTransform idx(int rows, int cols) {
    return resolve(new Preprocessing(null, null, null, null, null, Channels.GRAY, Layout.NCHW),
        null).withSize(rows, cols);
  }

  private static boolean isChannelCount(int d) {
    return d == 1 || d == 3;
  }

  private static float[] perChannel(float[] v, float fill, int n, String option) {
    if (v == null) {
      float[] out = new float[n];
      Arrays.fill(out, fill);
      return out;
    }
    if (v.length == 1) {
      float[] out = new float[n];
      Arrays.fill(out, v[0]);
      return out;
    }
    if (v.length != n) {
      throw new DataFormatException(option + " has " + v.length + " values but the inputs have "
          + n + " channel" + (n == 1 ? "" : "s") + " (give 1 or " + n + ")");
    }
    return v.clone();
  }

  /** This transform with the input height and width fixed (from the images, for symbolic ones). */
  ImageTransform withSize(int h, int w) {
    return new ImageTransform(channels, layout, resize, crop, mean, std, scale, h, w, inputName);
  }

  /** How messages name the model input, e.g. "the model input 'x'". */
  String inputText() {
    return inputName == null ? "the model input" : "the model input '" + inputName + "'";
  }

  /** The model input's height, or -1 when it is symbolic and no images fixed it yet. */
  public int height() {
    return height;
  }

  /** The model input's width, or -1 (see {@link #height}). */
  public int width() {
    return width;
  }

  public Channels channels() {
    return channels;
  }

  public Layout layout() {
    return layout;
  }

  /** True when a {@code --resize} or {@code --crop} changes the images' size. */
  public boolean changesSize() {
    return resize != null || crop != null;
  }

  /** The sample shape [C, H, W] or [H, W, C] (height and width must be known). */
  public int[] sampleShape() {
    if (height < 0 || width < 0) {
      throw new IllegalStateException("the input size is not known yet");
    }
    int c = channels.count();
    return layout == Layout.NCHW ? new int[] {c, height, width} : new int[] {height, width, c};
  }

  /** Floats per sample. */
  public int sampleSize() {
    return channels.count() * height * width;
  }

  /**
   * Height and width an image of {@code h} x {@code w} has after resize and crop.
   *
   * @param file names the image in the message
   * @throws DataFormatException when the resized image is smaller than the crop
   */
  public int[] outputSize(int h, int w, String file) {
    int[] hw = resize == null ? new int[] {h, w} : resizedSize(h, w);
    if (crop != null) {
      if (hw[0] < crop[0] || hw[1] < crop[1]) {
        throw new DataFormatException(file + " is " + hw[0] + "x" + hw[1] + " (HxW)"
            + (resize == null ? "" : " after --resize " + resizeText())
            + ", smaller than --crop " + crop[0] + "x" + crop[1]);
      }
      return crop.clone();
    }
    return hw;
  }

  /** The size after {@code --resize} (torchvision's rule for a single size: shorter side). */
  private int[] resizedSize(int h, int w) {
    if (resize.length == 2) {
      return resize.clone();
    }
    int s = resize[0];
    if (w <= h) {
      return new int[] {(int) ((long) s * h / (double) w), s};
    }
    return new int[] {s, (int) ((long) s * w / (double) h)};
  }

  /** What the options did to an image's size, for messages: "" or " after --resize 256". */
  String stepsText() {
    if (!changesSize()) {
      return "";
    }
    return " after" + (resize != null ? " --resize " + resizeText() : "")
        + (crop != null ? " --crop " + crop[0] + "x" + crop[1] : "");
  }

  private String resizeText() {
    return resize.length == 1 ? Integer.toString(resize[0]) : resize[0] + "x" + resize[1];
  }

  /** Channel conversion, resize and crop of a decoded image ({@code file} names it in errors). */
  public Pixels prepare(Pixels decoded, String file) {
    Pixels p = channels == Channels.GRAY ? decoded.toGray() : decoded.toRgb();
    int[] hw = outputSize(p.height(), p.width(), file);
    if (resize != null) {
      int[] r = resizedSize(p.height(), p.width());
      p = Resampler.resize(p, r[1], r[0]);
    }
    if (crop != null) {
      int top = (int) Math.rint((p.height() - crop[0]) / 2.0);
      int left = (int) Math.rint((p.width() - crop[1]) / 2.0);
      p = Resampler.crop(p, left, top, crop[1], crop[0]);
    }
    assert p.height() == hw[0] && p.width() == hw[1];
    return p;
  }

  /**
   * Writes a prepared image (of this transform's height and width) as floats at
   * {@code dst[offset ...]} in the layout.
   */
  public void write(Pixels p, FloatBuffer dst, int offset) {
    if (p.height() != height || p.width() != width || p.channels() != channels.count()) {
      throw new IllegalArgumentException(p.width() + "x" + p.height() + "x" + p.channels()
          + " pixels for a " + Arrays.toString(sampleShape()) + " input");
    }
    int c = channels.count();
    int hw = height * width;
    float[] out = new float[c * hw];
    byte[] src = p.data();
    for (int i = 0; i < hw; i++) {
      for (int k = 0; k < c; k++) {
        int from = channels == Channels.BGR ? 2 - k : k;
        float v = table[k][src[i * c + from] & 0xff];
        out[layout == Layout.NCHW ? k * hw + i : i * c + k] = v;
      }
    }
    dst.put(offset, out);
  }

  /** Every setting, as the {@code preprocess} object of result.json (see {@link Preprocessing}). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    if (resize == null) {
      o.putNull("resize");
    } else if (resize.length == 1) {
      o.put("resize", resize[0]);
    } else {
      o.putArray("resize").add(resize[0]).add(resize[1]);
    }
    if (crop == null) {
      o.putNull("crop");
    } else {
      o.putArray("crop").add(crop[0]).add(crop[1]);
    }
    Preprocessing.floats(o.putArray("mean"), mean);
    Preprocessing.floats(o.putArray("std"), std);
    o.put("scale", scale);
    o.put("channels", channels.json());
    o.put("layout", layout.json());
    if (height > 0 && width > 0) {
      o.putArray("size").add(height).add(width);
    }
    return o;
  }

  /** The settings as {@link Preprocessing} (all set), e.g. to apply them to another data set. */
  public Preprocessing settings() {
    return new Preprocessing(resize, crop, mean, std, scale, channels, layout);
  }

  private static String shape(int[] s) {
    if (s == null) {
      return "[?]";
    }
    String[] parts = new String[s.length];
    for (int i = 0; i < s.length; i++) {
      parts[i] = i == 0 || s[i] < 0 ? (i == 0 ? "N" : "?") : Integer.toString(s[i]);
    }
    return "[" + String.join(", ", parts) + "]";
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
