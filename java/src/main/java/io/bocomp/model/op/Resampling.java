package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.Arrays;

/**
 * How a canonical Resize node (opset 18/19 form: inputs X, roi, scales, sizes) samples its input:
 * the interpolation mode, the coordinate transformation, the nearest rounding, the cubic
 * coefficient, exclude_outside, extrapolation_value, antialias, axes and keep_aspect_ratio_policy;
 * and, for an input shape and constant scales/sizes/roi, the output shape and the float scale of
 * every axis ({@link Geometry}). Shape inference and every executor read Resize through this
 * class; the per-axis source indices and weights follow in {@link ResizeTaps}.
 *
 * <p>The arithmetic is ONNX Runtime's (the arbiter where the spec is loose): with scales, an
 * output dimension is {@code (long) (scale * (float) in)} and the coordinate transforms use the
 * given float scale; with sizes, the scale is {@code (float) out / (float) in}, adjusted by the aspect-ratio
 * policy over the resized axes ({@code out = round(scale * in)}). A deprecated Upsample node (opset
 * 7-9, which import rewrites into Resize) reads as Resize with {@code asymmetric} coordinates and
 * {@code floor} rounding, its scales from the attribute or input 1.
 *
 * <p>Limits: {@code tf_half_pixel_for_nn} (opset 11-12, rewritten at import where an exact
 * equivalent exists) and antialiasing combined with {@code tf_crop_and_resize} are refused with an
 * {@link UnsupportedOperatorException}. antialias and exclude_outside are ignored where they have
 * no effect (nearest; exclude_outside with plain linear, whose taps never leave the input).
 */
public final class Resampling {
  /** The interpolation mode. */
  public enum Mode { NEAREST, LINEAR, CUBIC }

  /** The coordinate transformation (output index to input coordinate). */
  public enum Coordinates {
    HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC,
    TF_CROP_AND_RESIZE
  }

  /** How nearest mode rounds an input coordinate to an index. */
  public enum Rounding { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL }

  /** keep_aspect_ratio_policy (sizes only). */
  public enum AspectRatio { STRETCH, NOT_LARGER, NOT_SMALLER }

  /**
   * One resize for a concrete input shape: per axis the input and output lengths, the float scale
   * the coordinate transforms use, and the region of interest (0 and 1 unless
   * {@code tf_crop_and_resize}).
   */
  public record Geometry(int[] in, int[] out, float[] scales, float[] roiStart, float[] roiEnd) {
    /** True when every output dimension equals the input's: the output is a copy of the input. */
    public boolean isCopy() {
      return Arrays.equals(in, out);
    }

    /** True when axis {@code a} is left as it is (scale 1 and the same length). */
    public boolean keeps(int a) {
      return scales[a] == 1f && in[a] == out[a];
    }
  }

  private final Node node;
  private final boolean upsample;
  private final Mode mode;
  private final Coordinates coordinates;
  private final Rounding rounding;
  private final float cubicCoeffA;
  private final boolean excludeOutside;
  private final float extrapolationValue;
  private final boolean antialias;
  private final AspectRatio aspectRatio;
  private final long[] axes;

  private Resampling(Node node) {
    this.node = node;
    this.upsample = node.opType().equals("Upsample");
    this.mode = mode(node);
    if (upsample) {
      this.coordinates = Coordinates.ASYMMETRIC;
      this.rounding = Rounding.FLOOR;
    } else {
      this.coordinates = coordinates(node);
      this.rounding = rounding(node);
    }
    this.cubicCoeffA = node.floatAttr("cubic_coeff_a", -0.75f);
    this.excludeOutside = node.intAttr("exclude_outside", 0) != 0;
    this.extrapolationValue = node.floatAttr("extrapolation_value", 0f);
    this.antialias = mode != Mode.NEAREST && node.intAttr("antialias", 0) != 0;
    this.aspectRatio = aspectRatio(node);
    this.axes = node.intsAttr("axes", null);
    if (antialias && coordinates == Coordinates.TF_CROP_AND_RESIZE) {
      throw new UnsupportedOperatorException(node.label()
          + ": antialias with coordinate_transformation_mode tf_crop_and_resize is not supported");
    }
  }

  /**
   * The sampling of a Resize (canonical form) or Upsample node.
   *
   * @throws ModelFormatException naming the node for an unknown attribute value
   * @throws UnsupportedOperatorException naming the node for {@code tf_half_pixel_for_nn} (not a
   *     canonical form) or antialias with {@code tf_crop_and_resize}
   */
  public static Resampling of(Node node) {
    return new Resampling(node);
  }

  public Mode mode() {
    return mode;
  }

  public Coordinates coordinates() {
    return coordinates;
  }

  public Rounding rounding() {
    return rounding;
  }

  public float cubicCoeffA() {
    return cubicCoeffA;
  }

  public boolean excludeOutside() {
    return excludeOutside;
  }

  public float extrapolationValue() {
    return extrapolationValue;
  }

  /** True when an output outside the input (tf_crop_and_resize) takes the extrapolation value. */
  public boolean extrapolates() {
    return coordinates == Coordinates.TF_CROP_AND_RESIZE;
  }

  /** True for antialiased linear or cubic (the filter stretched by 1/scale when downscaling). */
  public boolean antialias() {
    return antialias;
  }

  /** Input position of roi, scales and sizes (-1 where the form has none). */
  public int roiInput() {
    return upsample ? -1 : 1;
  }

  public int scalesInput() {
    return upsample ? 1 : 2;
  }

  public int sizesInput() {
    return upsample ? -1 : 3;
  }

  // ---------------------------------------------------------------- shapes

  /**
   * The output shape as far as it is known statically (-1 for unknown dimensions, null for an
   * unknown rank): the shape rule of Resize and Upsample.
   */
  public int[] outputShape(OpInputs in) {
    int[] x = in.shape(0);
    if (x == null) {
      return null;
    }
    requireRank(x.length);
    int[] axis = axes(x.length);
    float[] scales = scalesOf(in.constant(scalesInput()), in.present(scalesInput()), x.length);
    boolean scalesGiven = scales != null && scales.length > 0;
    int s = sizesInput();
    if (scalesGiven || s < 0 || !in.present(s)) {
      if (!scalesGiven) {
        if (scales == null && in.present(scalesInput())) {
          return unknownResizedAxes(x, axis);
        }
        throw malformed("needs scales or sizes");
      }
      if (s >= 0 && in.present(s)) {
        throw malformed("takes scales or sizes, not both");
      }
      return shapeFromScales(x, fullScales(scales, axis, x.length));
    }
    Tensor sizes = in.constant(s);
    if (sizes == null) {
      return unknownResizedAxes(x, axis);
    }
    int[] out = new int[x.length];
    float[] full = new float[x.length];
    fromSizes(x, sizesOf(sizes, axis.length), axis, out, full);
    return out;
  }

  /**
   * The geometry for a fully known input shape and the node's constant inputs.
   *
   * @param consts constant values by input position (null for absent inputs)
   * @throws ModelFormatException naming the node for inconsistent scales, sizes or roi
   */
  public Geometry geometry(int[] x, Tensor[] consts) {
    requireRank(x.length);
    int[] axis = axes(x.length);
    float[] given = upsample && node.hasAttribute("scales")
        ? node.attribute("scales").asFloats() : scalesOf(at(consts, scalesInput()), true, x.length);
    int r = x.length;
    int[] out = new int[r];
    float[] scales = new float[r];
    Tensor sizes = sizesInput() < 0 ? null : at(consts, sizesInput());
    if (given != null && given.length > 0) {
      if (sizes != null) {
        throw malformed("takes scales or sizes, not both");
      }
      scales = fullScales(given, axis, r);
      out = shapeFromScales(x, scales);
    } else if (sizes != null) {
      fromSizes(x, sizesOf(sizes, axis.length), axis, out, scales);
    } else {
      throw malformed("needs constant scales or sizes");
    }
    float[] roiStart = new float[r];
    float[] roiEnd = new float[r];
    Arrays.fill(roiEnd, 1f);
    Tensor roi = roiInput() < 0 ? null : at(consts, roiInput());
    if (extrapolates() && roi != null) {
      float[] v = roi.toFloatArray();
      int n = axis.length;
      if (v.length != 2 * n) {
        throw malformed("roi has " + v.length + " values; tf_crop_and_resize needs " + 2 * n
            + " (starts and ends of " + (axes == null ? "every axis" : "the axes") + ")");
      }
      for (int i = 0; i < n; i++) {
        roiStart[axis[i]] = v[i];
        roiEnd[axis[i]] = v[n + i];
      }
    }
    return new Geometry(x.clone(), out, scales, roiStart, roiEnd);
  }

  private static Tensor at(Tensor[] consts, int i) {
    return i < 0 || consts == null || i >= consts.length ? null : consts[i];
  }

  private void requireRank(int rank) {
    if (rank == 0) {
      throw malformed("cannot resize a scalar");
    }
  }

  /** The resized axes: the axes attribute normalized, or every axis. */
  private int[] axes(int rank) {
    if (axes == null) {
      int[] all = new int[rank];
      for (int i = 0; i < rank; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] a = new int[axes.length];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < a.length; i++) {
      a[i] = ShapeInference.axisOf(node, axes[i], rank);
      if (seen[a[i]]) {
        throw malformed("axis " + axes[i] + " appears twice in axes");
      }
      seen[a[i]] = true;
    }
    return a;
  }

  /**
   * The scales from an Upsample attribute or a constant input: null when present but not known,
   * an empty array when absent or empty.
   */
  private float[] scalesOf(Tensor t, boolean present, int rank) {
    if (upsample && node.hasAttribute("scales")) {
      return node.attribute("scales").asFloats();
    }
    if (!present) {
      return new float[0];
    }
    if (t == null) {
      return null;
    }
    if (t.rank() > 1) {
      throw malformed("scales must be 1-D, got shape " + Arrays.toString(t.shape()));
    }
    if (!t.isFloat()) {
      throw malformed("scales must be float");
    }
    return t.toFloatArray();
  }

  private float[] fullScales(float[] given, int[] axis, int rank) {
    if (given.length != axis.length) {
      throw malformed("has " + given.length + " scales for " + axis.length
          + (axes == null ? " dimensions" : " axes"));
    }
    float[] s = new float[rank];
    Arrays.fill(s, 1f);
    for (int i = 0; i < axis.length; i++) {
      float v = given[i];
      if (!(v > 0) || (upsample && v < 1)) {
        throw malformed("scale " + v + " must be " + (upsample ? ">= 1" : "> 0"));
      }
      s[axis[i]] = v;
    }
    return s;
  }

  /** Output dimensions {@code (long) (scale * in)} in float arithmetic (-1 where unknown). */
  private static int[] shapeFromScales(int[] x, float[] scales) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] < 0 ? -1 : scales[i] == 1f ? x[i] : (int) (long) (scales[i] * (float) x[i]);
    }
    return out;
  }

  private long[] sizesOf(Tensor sizes, int n) {
    if (sizes.rank() != 1 || sizes.size() != n) {
      throw malformed("sizes has shape " + Arrays.toString(sizes.shape()) + "; expected [" + n
          + "]");
    }
    long[] v = sizes.toLongArray();
    for (long d : v) {
      if (d != ShapeInference.UNKNOWN_VALUE && (d < 0 || d > Integer.MAX_VALUE)) {
        throw malformed("output size " + d + " is out of range");
      }
    }
    return v;
  }

  /** Output dimensions and scales from sizes, with the aspect-ratio policy (-1 where unknown). */
  private void fromSizes(int[] x, long[] sizes, int[] axis, int[] out, float[] scales) {
    System.arraycopy(x, 0, out, 0, x.length);
    Arrays.fill(scales, 1f);
    boolean known = true;
    for (int i = 0; i < axis.length; i++) {
      int a = axis[i];
      long d = sizes[i];
      if (d == ShapeInference.UNKNOWN_VALUE || x[a] < 0) {
        out[a] = -1;
        known = false;
        continue;
      }
      out[a] = (int) d;
      if (x[a] == 0) {
        if (d != 0) {
          throw malformed("cannot resize an empty axis " + a + " to " + d);
        }
        scales[a] = 1f;
      } else {
        scales[a] = (float) d / (float) x[a];
      }
    }
    if (aspectRatio == AspectRatio.STRETCH) {
      return;
    }
    if (!known) {
      for (int a : axis) {
        out[a] = -1;
      }
      return;
    }
    float p = aspectRatio == AspectRatio.NOT_LARGER ? Float.MAX_VALUE : Float.MIN_VALUE;
    for (int a : axis) {
      p = aspectRatio == AspectRatio.NOT_LARGER ? Math.min(p, scales[a]) : Math.max(p, scales[a]);
    }
    for (int a : axis) {
      scales[a] = p;
      out[a] = (int) Math.round((double) (p * (float) x[a]));
    }
  }

  private static int[] unknownResizedAxes(int[] x, int[] axis) {
    int[] out = x.clone();
    for (int a : axis) {
      out[a] = -1;
    }
    return out;
  }

  // ---------------------------------------------------------------- coordinates

  /**
   * The input coordinate of output index {@code i} along an axis, exactly as ONNX Runtime computes
   * it in float arithmetic (half_pixel_symmetric and tf_crop_and_resize partly in double).
   */
  public float original(int i, float scale, int lenOut, int lenIn, float roiStart, float roiEnd) {
    float x = i;
    switch (coordinates) {
      case ASYMMETRIC:
        return x / scale;
      case PYTORCH_HALF_PIXEL:
        return lenOut > 1 ? (x + 0.5f) / scale - 0.5f : 0f;
      case ALIGN_CORNERS:
        return lenOut == 1 ? 0f : x * (float) (lenIn - 1) / (float) (lenOut - 1);
      case TF_CROP_AND_RESIZE:
        return lenOut > 1
            ? roiStart * (float) (lenIn - 1)
                + (x * (roiEnd - roiStart) * (float) (lenIn - 1)) / (float) (lenOut - 1)
            : (float) (0.5 * (double) (roiStart + roiEnd) * (double) (lenIn - 1));
      case HALF_PIXEL_SYMMETRIC: {
        float outputWidth = scale * (float) lenIn;
        float adjustment = (float) lenOut / outputWidth;
        float center = (float) lenIn / 2f;
        float offset = center * (1f - adjustment);
        return (float) ((double) offset + ((double) x + 0.5) / (double) scale - 0.5);
      }
      case HALF_PIXEL:
      default:
        return ((x + 0.5f) / scale) - 0.5f;
    }
  }

  /** Nearest mode's rounding of an input coordinate (before clamping to the axis). */
  public long round(float x) {
    switch (rounding) {
      case FLOOR:
        return (long) Math.floor(x);
      case CEIL:
        return (long) Math.ceil(x);
      case ROUND_PREFER_CEIL:
        return roundHalfAway(x);
      case ROUND_PREFER_FLOOR:
      default:
        if (x == (float) (long) x + 0.5f) {
          return (long) Math.floor(x);
        }
        return roundHalfAway(x);
    }
  }

  /** C's {@code round}: halves away from zero. */
  private static long roundHalfAway(float x) {
    double d = x;
    return (long) (d < 0 ? -Math.floor(-d + 0.5) : Math.floor(d + 0.5));
  }

  // ---------------------------------------------------------------- attributes

  private ModelFormatException malformed(String what) {
    return new ModelFormatException(node.label() + ": " + what);
  }

  private static Mode mode(Node node) {
    String m = node.stringAttr("mode", "nearest");
    switch (m) {
      case "nearest":
        return Mode.NEAREST;
      case "linear":
        return Mode.LINEAR;
      case "cubic":
        return Mode.CUBIC;
      default:
        throw new ModelFormatException(node.label() + ": unknown mode '" + m
            + "' (nearest, linear or cubic)");
    }
  }

  private static Coordinates coordinates(Node node) {
    String c = node.stringAttr("coordinate_transformation_mode", "half_pixel");
    switch (c) {
      case "half_pixel":
        return Coordinates.HALF_PIXEL;
      case "half_pixel_symmetric":
        return Coordinates.HALF_PIXEL_SYMMETRIC;
      case "pytorch_half_pixel":
        return Coordinates.PYTORCH_HALF_PIXEL;
      case "align_corners":
        return Coordinates.ALIGN_CORNERS;
      case "asymmetric":
        return Coordinates.ASYMMETRIC;
      case "tf_crop_and_resize":
        return Coordinates.TF_CROP_AND_RESIZE;
      case "tf_half_pixel_for_nn":
        throw new UnsupportedOperatorException(node.label() + ": coordinate_transformation_mode"
            + " tf_half_pixel_for_nn (opset 11-12) is supported only with mode nearest and"
            + " nearest_mode floor or round_prefer_floor, rewritten at import");
      default:
        throw new ModelFormatException(node.label() + ": unknown coordinate_transformation_mode '"
            + c + "'");
    }
  }

  private static Rounding rounding(Node node) {
    String r = node.stringAttr("nearest_mode", "round_prefer_floor");
    switch (r) {
      case "round_prefer_floor":
        return Rounding.ROUND_PREFER_FLOOR;
      case "round_prefer_ceil":
        return Rounding.ROUND_PREFER_CEIL;
      case "floor":
        return Rounding.FLOOR;
      case "ceil":
        return Rounding.CEIL;
      default:
        throw new ModelFormatException(node.label() + ": unknown nearest_mode '" + r + "'");
    }
  }

  private static AspectRatio aspectRatio(Node node) {
    String p = node.stringAttr("keep_aspect_ratio_policy", "stretch");
    switch (p) {
      case "stretch":
        return AspectRatio.STRETCH;
      case "not_larger":
        return AspectRatio.NOT_LARGER;
      case "not_smaller":
        return AspectRatio.NOT_SMALLER;
      default:
        throw new ModelFormatException(node.label() + ": unknown keep_aspect_ratio_policy '" + p
            + "'");
    }
  }
}
