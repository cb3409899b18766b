package io.bocomp.data;

import io.bocomp.model.Graph;
import io.bocomp.model.Model;
import io.bocomp.model.Tensor;
import io.bocomp.model.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Opens what {@code --images} (and {@code --labels}) name, telling the formats apart by content:
 *
 * <ul>
 *   <li>a folder: images decoded on demand ({@link ImageFolder}), labels from class sub-folders or
 *       a label file;
 *   <li>a {@code .npy} file (magic {@code \x93NUMPY}): a float32 (or float64) tensor used as
 *       stored, whose shape must fit the model input; the preprocessing options do not apply;
 *   <li>anything else is read as IDX images (optionally gzipped): without preprocessing options
 *       as always ([n, 1, rows, cols] scaled to [0, 1]); with them, each image goes through the
 *       same {@link ImageTransform} as a folder's.
 * </ul>
 *
 * Labels ({@link LabelFile}: IDX or text) must be as many as the images; {@code limit} then keeps
 * the first ones of both.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * What was opened.
   *
   * @param source the inputs
   * @param preprocessing how images became inputs (for result.json), or null for a .npy tensor
   * @param kind "folder", "npy" or "idx"
   */
  public record Opened(InputSource source, ImageTransform preprocessing, String kind) {}

  /** The model's first input that is not an initializer, or null when it has none. */
  public static ValueInfo modelInput(Model model) {
    Graph g = model.graph();
    for (ValueInfo v : g.inputs()) {
      if (!g.isInitializer(v.name())) {
        return v;
      }
    }
    return null;
  }

  /**
   * Opens the inputs.
   *
   * @param images a folder, a .npy or an IDX file
   * @param labels a label file, or null
   * @param limit the first {@code limit} samples only (0: all)
   * @param options the preprocessing asked for ({@link Preprocessing#NONE}: the defaults)
   * @param input the model input the samples are for, or null when unknown
   * @throws DataFormatException naming the file or option at fault
   */
  public static Opened open(Path images, Path labels, int limit, Preprocessing options,
      ValueInfo input) {
    if (Files.isDirectory(images)) {
      ImageTransform t = ImageTransform.resolve(options, input);
      ImageFolder f = ImageFolder.open(images, labels, limit, t);
      return new Opened(f, f.transform(), "folder");
    }
    if (!Files.isRegularFile(images)) {
      throw new DataFormatException(images + ": no such file or folder");
    }
    byte[] head = head(images);
    if (head.length >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U'
        && head[3] == 'M' && head[4] == 'P' && head[5] == 'Y') {
      if (!options.isEmpty()) {
        throw new DataFormatException(images + " is a .npy tensor, used as stored: "
            + options.optionNames() + " apply to image folders and IDX images");
      }
      return new Opened(npy(images, labels, limit, input), null, "npy");
    }
    boolean idx = head.length >= 4 && ((head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
        || head[0] == 0 && head[1] == 0);
    if (!idx && ImageDecoder.isImageName(images)) {
      throw new DataFormatException(images + " is one image; --images takes a folder of images,"
          + " an IDX file or a .npy tensor");
    }
    return idx(images, labels, limit, options, input);
  }

  private static byte[] head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(8);
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  private static Dataset npy(Path file, Path labels, int limit, ValueInfo input) {
    Tensor x = Npy.read(file);
    int[] s = x.shape();
    int[] want = input == null ? null : input.shape();
    if (want != null) {
      boolean ok = s.length == want.length && s.length >= 1;
      for (int i = 1; ok && i < want.length; i++) {
        ok = want[i] < 0 || want[i] == s[i];
      }
      if (!ok) {
        throw new DataFormatException(file + " has shape " + Arrays.toString(s) + " but the model"
            + " input '" + input.name() + "' takes " + batchShape(want) + " (a batch of inputs"
            + " along the first dimension)");
      }
    } else if (s.length < 1) {
      throw new DataFormatException(file + " holds a scalar; it needs a batch dimension");
    }
    if (s[0] < 1) {
      throw new DataFormatException(file + " holds no samples (shape " + Arrays.toString(s) + ")");
    }
    Dataset d = new Dataset(x, labels(labels, s[0], file));
    return d.head(limit);
  }

  private static int[] labels(Path labels, int count, Path images) {
    if (labels == null) {
      return null;
    }
    int[] y = LabelFile.read(labels);
    if (y.length != count) {
      throw new DataFormatException(labels + " has " + y.length + " labels but " + images
          + " has " + count + " images");
    }
    return y;
  }

  private static Opened idx(Path file, Path labels, int limit, Preprocessing options,
      ValueInfo input) {
    Idx.Bytes raw = Idx.readImageBytes(file, limit);
    int[] y = labels(labels, raw.total(), file);
    if (y != null && limit > 0 && limit < y.length) {
      y = Arrays.copyOf(y, limit);
    }
    if (options.isEmpty()) {
      // as always: [n, 1, rows, cols] scaled to [0, 1] (BatchRunner checks the model's shape)
      Tensor x = Tensor.zeros(raw.n(), 1, raw.rows(), raw.cols());
      FloatBuffer b = x.data();
      byte[] px = raw.pixels();
      for (int i = 0; i < px.length; i++) {
        b.put(i, (px[i] & 0xff) / 255f);
      }
      return new Opened(new Dataset(x, y), ImageTransform.idx(raw.rows(), raw.cols()), "idx");
    }
    ImageTransform t = ImageTransform.resolve(options, input);
    String what = file + " (" + raw.rows() + "x" + raw.cols() + " images)";
    int[] hw = t.outputSize(raw.rows(), raw.cols(), what);
    if ((t.height() > 0 && hw[0] != t.height()) || (t.width() > 0 && hw[1] != t.width())) {
      throw new DataFormatException(what + " are " + hw[0] + "x" + hw[1] + " (HxW)" + t.stepsText()
          + " but " + t.inputText() + " takes " + (t.height() > 0 ? t.height() : "H") + "x"
          + (t.width() > 0 ? t.width() : "W") + (t.changesSize() ? ""
              : "; give --resize and/or --crop"));
    }
    t = t.withSize(hw[0], hw[1]);
    int per = raw.rows() * raw.cols();
    Tensor x = Tensor.zeros(shapeOf(raw.n(), t));
    FloatBuffer out = x.data();
    for (int i = 0; i < raw.n(); i++) {
      Pixels p = new Pixels(raw.cols(), raw.rows(), 1, Arrays.copyOfRange(raw.pixels(), i * per,
          (i + 1) * per));
      t.write(t.prepare(p, file + ": image " + i), out, i * t.sampleSize());
    }
    return new Opened(new Dataset(x, y), t, "idx");
  }

  private static int[] shapeOf(int n, ImageTransform t) {
    int[] s = t.sampleShape();
    int[] out = new int[s.length + 1];
    out[0] = n;
    System.arraycopy(s, 0, out, 1, s.length);
    return out;
  }

  private static String batchShape(int[] s) {
    String[] parts = new String[s.length];
    for (int i = 0; i < s.length; i++) {
      parts[i] = i == 0 || s[i] < 0 ? (i == 0 ? "N" : "?") : Integer.toString(s[i]);
    }
    return "[" + String.join(", ", parts) + "]";
  }
}
