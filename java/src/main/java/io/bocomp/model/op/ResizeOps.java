package io.bocomp.model.op;

import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import java.util.ArrayList;
import java.util.List;

/**
 * Schemas of the resampling ops: Resize (canonical: the opset 18/19 form, read through
 * {@link Resampling}) and the deprecated Upsample, which import rewrites into Resize. Scales and
 * sizes are value inputs: they must be known when a graph is planned (exporters often compute
 * sizes from a Shape/Gather/Concat subgraph, which the planner folds once input shapes are known).
 *
 * <p>Older forms, rewritten as ONNX Runtime reads them:
 * <ul>
 *   <li>Upsample (opset 7-9; scales an attribute before 9, input 1 from 9) becomes Resize with
 *       {@code asymmetric} coordinates and {@code floor} rounding (ORT's legacy nearest truncates
 *       coordinates, which are never negative there; Upsample's scales are at least 1). The
 *       experimental opset 1-6 form (height_scale, width_scale) is refused.
 *   <li>Resize-10 (inputs X, scales) becomes Resize with {@code asymmetric} coordinates; in nearest
 *       mode ORT rounds a coordinate down on an upscaled axis and up on a downscaled one, so the
 *       node gets {@code floor} or {@code ceil}, or, when it both up- and downscales, becomes two
 *       nodes (downscaled axes with ceil, then upscaled ones with floor; nearest is separable).
 *       That needs constant scales.
 *   <li>Resize-11..17: the roi input is dropped unless the mode is {@code tf_crop_and_resize} (no
 *       other mode reads it) and an empty constant scales input (opsets 11-12 require the slot)
 *       becomes absent. {@code tf_half_pixel_for_nn} ({@code (i + 0.5) / scale}) becomes
 *       {@code half_pixel} with the rounding shifted by one half: nearest_mode floor becomes
 *       round_prefer_ceil and round_prefer_floor becomes ceil (exact); other combinations are
 *       refused.
 * </ul>
 */
final class ResizeOps {
  private ResizeOps() {}

  static void register(OpTable.Registry r) {
    r.add(OpSchema.builder("Resize").inputs(1, 4).valueInputs(2, 3)
        .shape((n, in) -> Resampling.of(n).outputShape(in)).upgrade(ResizeOps::resizeUpgrade)
        .summary("nearest/linear/cubic resampling (every coordinate mode, nearest_mode,"
            + " antialias, exclude_outside, axes, keep_aspect_ratio_policy; constant scales or"
            + " sizes)").build());
    r.add(OpSchema.builder("Upsample").inputs(1, 2).valueInputs(1)
        .shape((n, in) -> Resampling.of(n).outputShape(in)).upgrade(ResizeOps::upsampleUpgrade)
        .summary("deprecated (opset 7-9): rewritten into Resize (asymmetric, floor)").build());
  }

  /** Upsample (opset 7-9) as Resize: asymmetric coordinates, floor rounding. */
  private static List<Node> upsampleUpgrade(Node node, OpsetForms.Context c) {
    if (node.hasAttribute("height_scale") || node.hasAttribute("width_scale")) {
      throw new UnsupportedOperatorException(node.label() + ": the experimental Upsample form"
          + " (opset 1-6: height_scale, width_scale) is not supported");
    }
    String scales;
    if (node.hasAttribute("scales")) {
      if (node.inputs().size() > 1) {
        throw new ModelFormatException(node.label() + " has both a scales attribute and input");
      }
      scales = c.constant(node.name() + "_scales", floats(node.attribute("scales").asFloats()));
    } else if (node.inputs().size() > 1 && !node.input(1).isEmpty()) {
      scales = node.input(1);
    } else {
      throw new ModelFormatException(node.label() + " has no scales");
    }
    Tensor known = c.initializer(scales);
    if (known != null && known.isFloat()) {
      for (float v : known.toFloatArray()) {
        if (!(v >= 1f)) {
          throw new ModelFormatException(node.label() + ": Upsample scale " + v + " is below 1");
        }
      }
    }
    String mode = node.stringAttr("mode", "nearest");
    if (mode.equals("bilinear")) {
      mode = "linear";
    }
    Node.Builder b = Node.builder("Resize").name(node.name()).inputs(node.input(0), "", scales)
        .outputs(node.outputs()).attr("mode", mode)
        .attr("coordinate_transformation_mode", "asymmetric");
    if (mode.equals("nearest")) {
      b.attr("nearest_mode", "floor");
    }
    return List.of(b.build());
  }

  private static List<Node> resizeUpgrade(Node node, OpsetForms.Context c) {
    if (c.opset() >= 18) {
      return List.of(node);
    }
    if (c.opset() <= 10) {
      return resize10(node, c);
    }
    List<String> in = new ArrayList<>(node.inputs());
    boolean changed = false;
    String coordinates = node.stringAttr("coordinate_transformation_mode", "half_pixel");
    if (in.size() > 1 && !in.get(1).isEmpty() && !coordinates.equals("tf_crop_and_resize")) {
      in.set(1, "");
      changed = true;
    }
    if (in.size() > 2 && !in.get(2).isEmpty()) {
      Tensor s = c.initializer(in.get(2));
      if (s != null && s.size() == 0) {
        in.set(2, "");
        changed = true;
      }
    }
    while (in.size() > 1 && in.get(in.size() - 1).isEmpty()) {
      in.remove(in.size() - 1);
      changed = true;
    }
    Node.Builder b = node.toBuilder().inputs(in);
    if (coordinates.equals("tf_half_pixel_for_nn")) {
      b.attr("coordinate_transformation_mode", "half_pixel")
          .attr("nearest_mode", halfPixelForNnRounding(node));
      changed = true;
    }
    return changed ? List.of(b.build()) : List.of(node);
  }

  /**
   * tf_half_pixel_for_nn samples at {@code v = (i + 0.5) / scale}, half_pixel at {@code v - 0.5}
   * (exact in float): {@code floor(v) = round_half_up(v - 0.5)} and {@code round_prefer_floor(v) =
   * ceil(v - 0.5)}.
   */
  private static String halfPixelForNnRounding(Node node) {
    String rounding = node.stringAttr("nearest_mode", "round_prefer_floor");
    if (node.stringAttr("mode", "nearest").equals("nearest")) {
      if (rounding.equals("floor")) {
        return "round_prefer_ceil";
      }
      if (rounding.equals("round_prefer_floor")) {
        return "ceil";
      }
    }
    throw new UnsupportedOperatorException(node.label() + ": coordinate_transformation_mode"
        + " tf_half_pixel_for_nn is supported only with mode nearest and nearest_mode floor or"
        + " round_prefer_floor (got mode " + node.stringAttr("mode", "nearest")
        + ", nearest_mode " + rounding + ")");
  }

  /** Resize-10: inputs X and scales, asymmetric coordinates, ORT's legacy nearest rounding. */
  private static List<Node> resize10(Node node, OpsetForms.Context c) {
    if (node.inputs().size() != 2 || node.input(1).isEmpty()) {
      throw new ModelFormatException(node.label() + " (opset 10) needs inputs X and scales, got "
          + node.inputs().size());
    }
    String x = node.input(0);
    String scales = node.input(1);
    Node.Builder b = node.toBuilder().inputs(x, "", scales)
        .attr("coordinate_transformation_mode", "asymmetric");
    if (!node.stringAttr("mode", "nearest").equals("nearest")) {
      return List.of(b.build());
    }
    Tensor t = c.initializer(scales);
    if (t == null || !t.isFloat()) {
      throw new UnsupportedOperatorException(node.label() + ": an opset-10 nearest Resize needs"
          + " constant scales (its rounding depends on whether each axis grows or shrinks)");
    }
    float[] s = t.toFloatArray();
    boolean up = false;
    boolean down = false;
    for (float v : s) {
      up |= v > 1f;
      down |= v < 1f;
    }
    if (!(up && down)) {
      return List.of(b.attr("nearest_mode", down ? "ceil" : "floor").build());
    }
    float[] shrink = s.clone();
    float[] grow = s.clone();
    for (int i = 0; i < s.length; i++) {
      (s[i] < 1f ? grow : shrink)[i] = 1f;
    }
    String mid = c.fresh(node.output(0) + "_shrunk");
    Node first = node.toBuilder().name(c.fresh(node.name() + "_shrink"))
        .inputs(x, "", c.constant(node.name() + "_shrink_scales", floats(shrink)))
        .outputs(mid).attr("coordinate_transformation_mode", "asymmetric")
        .attr("nearest_mode", "ceil").build();
    Node second = node.toBuilder()
        .inputs(mid, "", c.constant(node.name() + "_grow_scales", floats(grow)))
        .attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor")
        .build();
    return List.of(first, second);
  }

  private static Tensor floats(float[] s) {
    return Tensor.of(new int[] {s.length}, s);
  }
}
