package io.bocomp.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * How images become model inputs, as the user asked for it ({@code --resize}, {@code --crop},
 * {@code --mean}, {@code --std}, {@code --scale}, {@code --channels}, {@code --layout}, or the
 * {@code preprocess} object of a run file or {@code result.json}). Every setting may be unset
 * (null): {@link ImageTransform#resolve} fills it in from the model's input shape. Immutable.
 *
 * <p>JSON form (every field optional; {@link ImageTransform#toJson} writes all of them):
 *
 * <pre>
 * {"resize": 256 | [H, W] | null, "crop": [H, W] | null, "mean": [m, ...], "std": [s, ...],
 *  "scale": 0.00392156862745098, "channels": "rgb" | "bgr" | "gray", "layout": "nchw" | "nhwc"}
 * </pre>
 *
 * ({@code size}, the input height and width {@code ImageTransform} adds, is accepted and ignored.)
 */
public final class Preprocessing {
  /** The channels of the model input. */
  public enum Channels {
    RGB, BGR, GRAY;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    public int count() {
      return this == GRAY ? 1 : 3;
    }
  }

  /** Where the channel dimension is. */
  public enum Layout {
    NCHW, NHWC;

    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Nothing set: every setting from the model's input. */
  public static final Preprocessing NONE = new Preprocessing(null, null, null, null, null, null,
      null);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("resize", "crop", "mean", "std", "scale",
      "channels", "layout", "size");

  private final int[] resize;
  private final int[] crop;
  private final float[] mean;
  private final float[] std;
  private final Double scale;
  private final Channels channels;
  private final Layout layout;

  /**
   * @param resize null, {S} (shorter side to S, aspect kept) or {H, W}
   * @param crop null or {H, W} (center crop)
   * @param mean null or per-channel means (one value: every channel), subtracted after scaling
   * @param std null or per-channel standard deviations, divided by after the mean
   * @param scale null or the factor of the 0..255 pixel values (default 1/255)
   * @param channels null or the channel order
   * @param layout null or the layout
   */
  public Preprocessing(int[] resize, int[] crop, float[] mean, float[] std, Double scale,
      Channels channels, Layout layout) {
    this.resize = resize == null ? null : resize.clone();
    this.crop = crop == null ? null : crop.clone();
    this.mean = mean == null ? null : mean.clone();
    this.std = std == null ? null : std.clone();
    this.scale = scale;
    this.channels = channels;
    this.layout = layout;
  }

  public int[] resize() {
    return resize == null ? null : resize.clone();
  }

  public int[] crop() {
    return crop == null ? null : crop.clone();
  }

  public float[] mean() {
    return mean == null ? null : mean.clone();
  }

  public float[] std() {
    return std == null ? null : std.clone();
  }

  public Double scale() {
    return scale;
  }

  public Channels channels() {
    return channels;
  }

  public Layout layout() {
    return layout;
  }

  /** True when nothing is set. */
  public boolean isEmpty() {
    return resize == null && crop == null && mean == null && std == null && scale == null
        && channels == null && layout == null;
  }

  /** The options set, as command-line names (for messages), e.g. "--resize, --mean". */
  public String optionNames() {
    StringBuilder b = new StringBuilder();
    String[] names = {"--resize", "--crop", "--mean", "--std", "--scale", "--channels", "--layout"};
    Object[] values = {resize, crop, mean, std, scale, channels, layout};
    for (int i = 0; i < names.length; i++) {
      if (values[i] != null) {
        b.append(b.length() == 0 ? "" : ", ").append(names[i]);
      }
    }
    return b.toString();
  }

  /** These settings with every setting {@code over} has replacing this one's. */
  public Preprocessing overriddenBy(Preprocessing over) {
    return new Preprocessing(over.resize != null ? over.resize : resize,
        over.crop != null ? over.crop : crop, over.mean != null ? over.mean : mean,
        over.std != null ? over.std : std, over.scale != null ? over.scale : scale,
        over.channels != null ? over.channels : channels,
        over.layout != null ? over.layout : layout);
  }

  /** The settings made (unset ones absent). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    if (resize != null) {
      if (resize.length == 1) {
        o.put("resize", resize[0]);
      } else {
        o.putArray("resize").add(resize[0]).add(resize[1]);
      }
    }
    if (crop != null) {
      o.putArray("crop").add(crop[0]).add(crop[1]);
    }
    if (mean != null) {
      floats(o.putArray("mean"), mean);
    }
    if (std != null) {
      floats(o.putArray("std"), std);
    }
    if (scale != null) {
      o.put("scale", scale);
    }
    if (channels != null) {
      o.put("channels", channels.json());
    }
    if (layout != null) {
      o.put("layout", layout.json());
    }
    return o;
  }

  static void floats(ArrayNode a, float[] v) {
    for (float f : v) {
      a.add(f);
    }
  }

  /**
   * Settings from JSON (see the class comment); a JSON null is an unset field.
   *
   * @param where names the source in messages, e.g. "run.json: \"preprocess\""
   * @throws DataFormatException naming the field at fault
   */
  public static Preprocessing fromJson(JsonNode n, String where) {
    if (n == null || n.isNull()) {
      return NONE;
    }
    if (!n.isObject()) {
      throw new DataFormatException(where + ": must be an object like {\"resize\": 256}");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new DataFormatException(where + ": \"" + f + "\": unknown field (expected one of "
            + new java.util.TreeSet<>(FIELDS) + ")");
      }
    }
    int[] resize = null;
    JsonNode r = n.get("resize");
    if (r != null && !r.isNull()) {
      resize = r.isArray() ? ints(r, where + ": \"resize\"", 2) : ints(JSON.createArrayNode().add(r),
          where + ": \"resize\"", 1);
    }
    JsonNode c = n.get("crop");
    int[] crop = c == null || c.isNull() ? null : ints(c, where + ": \"crop\"", 2);
    float[] mean = floatList(n.get("mean"), where + ": \"mean\"");
    float[] std = floatList(n.get("std"), where + ": \"std\"");
    Double scale = null;
    JsonNode s = n.get("scale");
    if (s != null && !s.isNull()) {
      if (!s.isNumber()) {
        throw new DataFormatException(where + ": \"scale\": must be a number, got " + s);
      }
      scale = s.asDouble();
    }
    Channels ch = null;
    JsonNode chn = n.get("channels");
    if (chn != null && !chn.isNull()) {
      ch = channels(chn.asText(), where + ": \"channels\"");
    }
    Layout lay = null;
    JsonNode l = n.get("layout");
    if (l != null && !l.isNull()) {
      lay = layout(l.asText(), where + ": \"layout\"");
    }
    Preprocessing p = new Preprocessing(resize, crop, mean, std, scale, ch, lay);
    p.check(where);
    return p;
  }

  private static int[] ints(JsonNode a, String where, int expected) {
    if (!a.isArray() || a.size() != expected) {
      throw new DataFormatException(where + ": must be " + (expected == 1 ? "a positive integer"
          : "[H, W], two positive integers") + ", got " + a);
    }
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
        throw new DataFormatException(where + ": must hold positive integers, got " + a);
      }
      out[i] = v.asInt();
    }
    return out;
  }

  private static float[] floatList(JsonNode a, String where) {
    if (a == null || a.isNull()) {
      return null;
    }
    if (!a.isArray() || a.isEmpty()) {
      throw new DataFormatException(where + ": must be a non-empty array of numbers, got " + a);
    }
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      if (!a.get(i).isNumber()) {
        throw new DataFormatException(where + ": must hold numbers, got " + a);
      }
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  /** Checks the values (positive sizes, finite numbers, non-zero std, positive scale). */
  Preprocessing check(String where) {
    if (std != null) {
      for (float v : std) {
        if (!(Float.isFinite(v) && v != 0)) {
          throw new DataFormatException(where + ": --std values must be finite and non-zero, got "
              + Arrays.toString(std));
        }
      }
    }
    if (mean != null) {
      for (float v : mean) {
        if (!Float.isFinite(v)) {
          throw new DataFormatException(where + ": --mean values must be finite, got "
              + Arrays.toString(mean));
        }
      }
    }
    if (scale != null && !(Double.isFinite(scale) && scale > 0)) {
      throw new DataFormatException(where + ": --scale must be a positive number, got " + scale);
    }
    return this;
  }

  // ---- command-line values ----

  /** {@code --resize S} (shorter side) or {@code --resize HxW}. */
  public static int[] parseResize(String s) {
    return s.toLowerCase(Locale.ROOT).contains("x") ? parseSize(s, "--resize")
        : new int[] {positive(s, "--resize", "S or HxW, e.g. 256 or 224x224")};
  }

  /** {@code --crop HxW}, or {@code --crop S} for S x S. */
  public static int[] parseCrop(String s) {
    if (!s.toLowerCase(Locale.ROOT).contains("x")) {
      int v = positive(s, "--crop", "HxW, e.g. 224x224");
      return new int[] {v, v};
    }
    return parseSize(s, "--crop");
  }

  private static int[] parseSize(String s, String option) {
    String[] parts = s.toLowerCase(Locale.ROOT).split("x", -1);
    if (parts.length != 2) {
      throw new DataFormatException(option + " must be HxW, e.g. 224x224, got '" + s + "'");
    }
    return new int[] {positive(parts[0], option, "HxW, e.g. 224x224"),
        positive(parts[1], option, "HxW, e.g. 224x224")};
  }

  private static int positive(String s, String option, String form) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new DataFormatException(option + " must be " + form + " with positive integers, got '"
        + s + "'");
  }

  /** A comma list of numbers ({@code --mean 0.485,0.456,0.406}). */
  public static float[] parseList(String s, String option) {
    String[] parts = s.split(",", -1);
    float[] out = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new DataFormatException(option + " must be a comma list of numbers, e.g."
            + " 0.485,0.456,0.406, got '" + s + "'");
      }
      if (!Float.isFinite(out[i])) {
        throw new DataFormatException(option + " values must be finite, got '" + s + "'");
      }
    }
    return out;
  }

  /** {@code --scale}: a number or a fraction such as 1/255. */
  public static double parseScale(String s) {
    try {
      String t = s.trim();
      int slash = t.indexOf('/');
      double v = slash < 0 ? Double.parseDouble(t)
          : Double.parseDouble(t.substring(0, slash)) / Double.parseDouble(t.substring(slash + 1));
      if (Double.isFinite(v) && v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new DataFormatException("--scale must be a positive number or fraction (e.g. 1/255),"
        + " got '" + s + "'");
  }

  public static Channels channels(String s, String where) {
    for (Channels c : Channels.values()) {
      if (c.json().equalsIgnoreCase(s.trim())) {
        return c;
      }
    }
    throw new DataFormatException(where + " must be rgb, bgr or gray, got '" + s + "'");
  }

  public static Layout layout(String s, String where) {
    for (Layout l : Layout.values()) {
      if (l.json().equalsIgnoreCase(s.trim())) {
        return l;
      }
    }
    throw new DataFormatException(where + " must be nchw or nhwc, got '" + s + "'");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && toJson().equals(p.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
