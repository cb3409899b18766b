package io.bocomp.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bocomp.engine.Executable;
import io.bocomp.engine.Parity;
import io.bocomp.model.Attribute;
import io.bocomp.model.Graph;
import io.bocomp.model.ModelFormatException;
import io.bocomp.model.Node;
import io.bocomp.model.ShapeInference;
import io.bocomp.model.Tensor;
import io.bocomp.model.UnsupportedOperatorException;
import io.bocomp.model.ValueInfo;
import io.bocomp.model.op.OpsetForms;
import io.bocomp.testing.OrtReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resize (and the Upsample and older Resize forms rewritten into it at import) against ONNX
 * Runtime: every mode with every coordinate transformation (and, for nearest, every rounding), up-
 * and downscaling by non-integer factors on odd sizes, scales and sizes, axes with the aspect-ratio
 * policies, antialiasing, exclude_outside, tf_crop_and_resize's extrapolation, and each legacy form
 * at its own opset. The engine's output must be within {@code 1e-4 * max|ORT output|}.
 */
class ResizeOpConformanceTest extends CpuConformance {
  private static final String[] COORDINATES = {"half_pixel", "half_pixel_symmetric",
      "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize"};
  private static final String[] ROUNDINGS = {"round_prefer_floor", "round_prefer_ceil", "floor",
      "ceil"};


  /** A test graph with its feeds and the opset it is written for. */
  record Case(String label, long opset, Graph graph, Map<String, Tensor> feeds) {
    static Case of(OpCase c) {
      return new Case(c.label, c.opset, c.graph(), c.feeds);
    }

    @Override
    public String toString() {
      return label + " (opset " + opset + ")";
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"nearest", "linear", "cubic", "shapes", "typicalUses"})
  void matchesOnnxRuntime(Case c) {
    assertMatchesOrt(c);
  }

  /**
   * Older forms: the engine (which rewrites them) matches ONNX Runtime running the graph at its own
   * opset, and so does ONNX Runtime running the rewritten graph at the canonical opset.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("legacy")
  void legacyFormsMatchOnnxRuntimeAtTheirOpset(Case c) {
    Tensor expected = assertMatchesOrt(c);
    Graph canonical = OpsetForms.canonical(c.graph, c.opset);
    assertThat(canonical.nodes()).allMatch(n -> n.opType().equals("Resize"));
    Tensor rewritten = OrtReference.run(canonical, OpsetForms.CANONICAL_OPSET, c.feeds,
        List.of("y")).get("y");
    Parity.assertClose(c + " rewritten, in ONNX Runtime at opset 18", expected, rewritten);
  }

  private static Tensor assertMatchesOrt(Case c) {
    Tensor expected = OrtReference.run(c.graph, c.opset, c.feeds, List.of("y")).get("y");
    try (Executable e = cpu.get().compile(c.graph, c.opset)) {
      Tensor actual = e.run(c.feeds, List.of("y")).get("y");
      Parity.assertClose(c.toString(), expected, actual);
      Tensor again = e.run(c.feeds, List.of("y")).get("y");
      Parity.assertClose(c + " (second run)", expected, again);
    }
    return expected;
  }

  // ---------------------------------------------------------------- cases

  private static Tensor floats(float... v) {
    return Tensor.of(new int[] {v.length}, v);
  }

  private static final Tensor EMPTY = Tensor.of(new int[] {0}, new float[0]);

  /** A one-node Resize on x [2, 3, 7, 9] (or the given shape) with roi for tf_crop_and_resize. */
  private static OpCase resize(String label, long opset, String mode, String coordinates,
      int... shape) {
    OpCase c = OpCase.of(label, opset, "Resize").input("x", shape.length == 0
        ? new int[] {2, 3, 7, 9} : shape).string("mode", mode)
        .string("coordinate_transformation_mode", coordinates);
    if (coordinates.equals("tf_crop_and_resize")) {
      int r = shape.length == 0 ? 4 : shape.length;
      float[] roi = new float[2 * r];
      for (int i = 0; i < r; i++) {
        roi[r + i] = 1f;
      }
      // H crops inside, W reaches past both edges (those outputs extrapolate).
      roi[r - 2] = 0.2f;
      roi[2 * r - 2] = 0.9f;
      roi[r - 1] = -0.15f;
      roi[2 * r - 1] = 1.2f;
      c.weight("roi", floats(roi)).real("extrapolation_value", 0.375f);
    } else {
      c.skip();
    }
    return c;
  }

  /** Upscale H by 1.7, downscale W by 0.6 (7x9 -> 11x5), or by sizes 7x9 -> 13x5. */
  private static OpCase scaled(OpCase c, boolean sizes) {
    return sizes ? c.skip().longs("sizes", 2, 3, 13, 5)
        : c.weight("scales", floats(1f, 1f, 1.7f, 0.6f));
  }

  static Stream<Case> nearest() {
    List<Case> cases = new ArrayList<>();
    for (String coordinates : COORDINATES) {
      for (String rounding : ROUNDINGS) {
        for (boolean sizes : new boolean[] {false, true}) {
          OpCase c = resize("nearest " + coordinates + " " + rounding + (sizes ? " sizes" : ""),
              19, "nearest", coordinates).string("nearest_mode", rounding);
          cases.add(Case.of(scaled(c, sizes)));
        }
      }
    }
    return cases.stream();
  }

  static Stream<Case> linear() {
    List<Case> cases = new ArrayList<>();
    for (String coordinates : COORDINATES) {
      for (boolean sizes : new boolean[] {false, true}) {
        for (int antialias = 0; antialias <= 1; antialias++) {
          if (antialias == 1 && coordinates.equals("tf_crop_and_resize")) {
            continue;
          }
          OpCase c = resize("linear " + coordinates + (sizes ? " sizes" : "")
              + (antialias == 1 ? " antialias" : ""), 19, "linear", coordinates)
              .integer("antialias", antialias);
          cases.add(Case.of(scaled(c, sizes)));
        }
      }
    }
    return cases.stream();
  }

  static Stream<Case> cubic() {
    List<Case> cases = new ArrayList<>();
    for (String coordinates : COORDINATES) {
      for (boolean sizes : new boolean[] {false, true}) {
        for (int exclude = 0; exclude <= 1; exclude++) {
          OpCase c = resize("cubic " + coordinates + (sizes ? " sizes" : "")
              + (exclude == 1 ? " exclude_outside" : ""), 19, "cubic", coordinates)
              .integer("exclude_outside", exclude);
          cases.add(Case.of(scaled(c, sizes)));
        }
        if (!coordinates.equals("tf_crop_and_resize")) {
          OpCase aa = resize("cubic " + coordinates + (sizes ? " sizes" : "") + " antialias", 19,
              "cubic", coordinates).integer("antialias", 1);
          cases.add(Case.of(scaled(aa, sizes)));
        }
      }
    }
    cases.add(Case.of(resize("cubic a = -0.5", 19, "cubic", "half_pixel")
        .real("cubic_coeff_a", -0.5f).weight("scales", floats(1f, 1f, 2.3f, 0.45f))));
    return cases.stream();
  }

  /** Odd sizes, 1x1 inputs, other ranks, axes and the aspect-ratio policies. */
  static Stream<Case> shapes() {
    return Stream.of(
        resize("nearest 7 -> 13 by sizes", 13, "nearest", "half_pixel", 1, 2, 7, 7).skip()
            .longs("sizes", 1, 2, 13, 13),
        resize("linear 13 -> 5 by sizes", 13, "linear", "half_pixel", 2, 2, 13, 13).skip()
            .longs("sizes", 2, 2, 5, 5),
        resize("cubic 13 -> 5 and 7 -> 13", 13, "cubic", "pytorch_half_pixel", 1, 3, 13, 7)
            .skip().longs("sizes", 1, 3, 5, 13),
        resize("nearest 1x1 -> 4x5", 13, "nearest", "half_pixel", 2, 3, 1, 1).skip()
            .longs("sizes", 2, 3, 4, 5),
        resize("linear 1x1 -> 3x3 align_corners", 13, "linear", "align_corners", 1, 2, 1, 1)
            .skip().longs("sizes", 1, 2, 3, 3),
        resize("linear 1x1 -> 3x2 pytorch_half_pixel", 13, "linear", "pytorch_half_pixel",
            1, 2, 1, 1).skip().longs("sizes", 1, 2, 3, 2),
        resize("cubic 1x1 -> 2x3 exclude_outside", 13, "cubic", "half_pixel", 1, 1, 1, 1)
            .integer("exclude_outside", 1).skip().longs("sizes", 1, 1, 2, 3),
        resize("linear to 1x1", 13, "linear", "align_corners", 1, 2, 5, 4).skip()
            .longs("sizes", 1, 2, 1, 1),
        resize("linear antialias 9x9 -> 1x1", 18, "linear", "half_pixel", 1, 2, 9, 9)
            .integer("antialias", 1).skip().longs("sizes", 1, 2, 1, 1),
        resize("copy: scales 1.05 keep a 3x3 shape", 13, "linear", "half_pixel", 1, 2, 3, 3)
            .weight("scales", floats(1f, 1f, 1.05f, 1.05f)),
        resize("only W resized", 13, "linear", "half_pixel", 2, 3, 4, 6)
            .weight("scales", floats(1f, 1f, 1f, 1.5f)),
        resize("only H resized, nearest", 13, "nearest", "asymmetric", 2, 3, 4, 6)
            .weight("scales", floats(1f, 1f, 2.5f, 1f)),
        resize("2-D cubic", 13, "cubic", "half_pixel", 6, 7).weight("scales", floats(1.5f, 0.7f)),
        resize("2-D linear", 13, "linear", "align_corners", 5, 8).skip().longs("sizes", 9, 3),
        resize("3-D trilinear", 13, "linear", "half_pixel", 4, 5, 6)
            .weight("scales", floats(1.5f, 0.8f, 2f)),
        resize("5-D trilinear", 13, "linear", "asymmetric", 1, 2, 3, 4, 5)
            .weight("scales", floats(1f, 1f, 2f, 1.5f, 0.6f)),
        resize("5-D nearest", 13, "nearest", "half_pixel", 2, 1, 3, 4, 5)
            .weight("scales", floats(1f, 1f, 1.7f, 0.5f, 2f)),
        resize("1-D nearest", 13, "nearest", "asymmetric", 11).weight("scales", floats(0.7f)),
        resize("NHWC linear (scales on H and W)", 13, "linear", "half_pixel", 2, 5, 6, 3)
            .weight("scales", floats(1f, 1.5f, 0.8f, 1f)),
        resize("nearest resizing N and C", 13, "nearest", "asymmetric", 2, 3, 4, 5)
            .weight("scales", floats(2f, 0.5f, 1f, 1f)),
        resize("axes [2, 3] scales", 18, "linear", "half_pixel").ints("axes", 2, 3)
            .weight("scales", floats(1.7f, 0.6f)),
        resize("negative axes [-1] sizes", 18, "cubic", "half_pixel").ints("axes", -1).skip()
            .longs("sizes", 14),
        resize("axes [3, 2] in reverse order", 18, "nearest", "asymmetric").ints("axes", 3, 2)
            .skip().longs("sizes", 4, 12),
        resize("not_larger policy with axes", 18, "linear", "half_pixel")
            .ints("axes", 2, 3).string("keep_aspect_ratio_policy", "not_larger").skip()
            .longs("sizes", 20, 12),
        resize("not_smaller policy with axes", 18, "linear", "half_pixel")
            .ints("axes", 2, 3).string("keep_aspect_ratio_policy", "not_smaller").skip()
            .longs("sizes", 20, 12),
        resize("not_larger policy without axes", 18, "nearest", "half_pixel")
            .string("keep_aspect_ratio_policy", "not_larger").skip().longs("sizes", 2, 3, 3, 20),
        resize("not_smaller policy, antialias", 18, "cubic", "pytorch_half_pixel")
            .ints("axes", 2, 3).string("keep_aspect_ratio_policy", "not_smaller")
            .integer("antialias", 1).skip().longs("sizes", 4, 3),
        OpCase.of("tf_crop_and_resize with axes", 18, "Resize").input("x", 1, 2, 8, 9)
            .weight("roi", floats(-0.3f, 0.8f)).skip().longs("sizes", 7).ints("axes", 3)
            .string("mode", "linear").real("extrapolation_value", 0.25f)
            .string("coordinate_transformation_mode", "tf_crop_and_resize"),
        resize("large planes on two threads", 13, "linear", "half_pixel", 2, 4, 64, 48)
            .weight("scales", floats(1f, 1f, 1.5f, 1.25f)))
        .map(Case::of);
  }

  /** What exporters produce for detectors and torchvision/PyTorch interpolation. */
  static Stream<Case> typicalUses() {
    return Stream.of(
        // PaddleOCR DB detector FPN: nearest 2x upsampling, opset 12 (roi slot empty)
        OpCase.of("FPN nearest 2x (PaddleOCR)", 12, "Resize").input("x", 1, 8, 10, 12)
            .weight("roi", EMPTY).weight("scales", floats(1f, 1f, 2f, 2f))
            .string("mode", "nearest"),
        OpCase.of("FPN nearest 2x asymmetric floor", 13, "Resize").input("x", 2, 4, 5, 7).skip()
            .weight("scales", floats(1f, 1f, 2f, 2f)).string("mode", "nearest")
            .string("coordinate_transformation_mode", "asymmetric")
            .string("nearest_mode", "floor"),
        // F.interpolate(mode='bilinear', align_corners=False), size=(15, 17), opset 11
        OpCase.of("torch bilinear size (pytorch_half_pixel)", 11, "Resize")
            .input("x", 1, 3, 7, 9).weight("roi", EMPTY).weight("scales", EMPTY)
            .longs("sizes", 1, 3, 15, 17).string("mode", "linear")
            .string("coordinate_transformation_mode", "pytorch_half_pixel"),
        OpCase.of("torch bilinear scale_factor 2 (half_pixel)", 13, "Resize")
            .input("x", 1, 3, 7, 9).skip().weight("scales", floats(1f, 1f, 2f, 2f))
            .string("mode", "linear").string("coordinate_transformation_mode", "half_pixel"),
        OpCase.of("torch bilinear align_corners=True", 13, "Resize").input("x", 2, 3, 7, 9)
            .skip().skip().longs("sizes", 2, 3, 12, 20).string("mode", "linear")
            .string("coordinate_transformation_mode", "align_corners"),
        OpCase.of("torch bicubic (a = -0.75)", 13, "Resize").input("x", 1, 3, 9, 7).skip()
            .weight("scales", floats(1f, 1f, 1.5f, 2f)).string("mode", "cubic")
            .real("cubic_coeff_a", -0.75f)
            .string("coordinate_transformation_mode", "pytorch_half_pixel"),
        OpCase.of("torchvision antialias bilinear 32x40 -> 13x17", 18, "Resize")
            .input("x", 1, 3, 32, 40).skip().skip().longs("sizes", 1, 3, 13, 17)
            .string("mode", "linear").integer("antialias", 1)
            .string("coordinate_transformation_mode", "pytorch_half_pixel"),
        OpCase.of("torchvision antialias bicubic 40x33 -> 11x9", 18, "Resize")
            .input("x", 1, 3, 40, 33).skip().skip().longs("sizes", 1, 3, 11, 9)
            .string("mode", "cubic").integer("antialias", 1).real("cubic_coeff_a", -0.5f)
            .string("coordinate_transformation_mode", "pytorch_half_pixel"),
        OpCase.of("antialias linear exclude_outside downscale", 18, "Resize")
            .input("x", 1, 2, 17, 19).skip().weight("scales", floats(1f, 1f, 0.3f, 0.45f))
            .string("mode", "linear").integer("antialias", 1).integer("exclude_outside", 1),
        OpCase.of("antialias cubic exclude_outside downscale", 18, "Resize")
            .input("x", 1, 2, 17, 19).skip().weight("scales", floats(1f, 1f, 0.3f, 0.45f))
            .string("mode", "cubic").integer("antialias", 1).integer("exclude_outside", 1),
        OpCase.of("antialias linear upscale", 18, "Resize").input("x", 1, 2, 5, 6).skip()
            .weight("scales", floats(1f, 1f, 2.5f, 1.5f)).string("mode", "linear")
            .integer("antialias", 1))
        .map(Case::of);
  }

  static Stream<Case> legacy() {
    return Stream.of(
        upsample7("Upsample nearest, scales attribute", "nearest", new int[] {2, 3, 4, 5},
            1f, 1f, 2f, 3f),
        upsample7("Upsample linear, scales attribute", "linear", new int[] {1, 2, 5, 4},
            1f, 1f, 2f, 2.5f),
        Case.of(OpCase.of("Upsample nearest, scales input", 9, "Upsample").input("x", 2, 3, 5, 4)
            .weight("scales", floats(1f, 1f, 1.5f, 2.5f)).string("mode", "nearest")),
        Case.of(OpCase.of("Upsample linear, scales input", 9, "Upsample").input("x", 1, 2, 5, 4)
            .weight("scales", floats(1f, 1f, 1.7f, 3f)).string("mode", "linear")),
        Case.of(OpCase.of("Upsample 2x nearest", 9, "Upsample").input("x", 1, 4, 3, 5)
            .weight("scales", floats(1f, 1f, 2f, 2f))),
        Case.of(OpCase.of("Resize-10 nearest upscale (floor)", 10, "Resize")
            .input("x", 2, 3, 5, 7).weight("scales", floats(1f, 1f, 1.7f, 2.5f))
            .string("mode", "nearest")),
        Case.of(OpCase.of("Resize-10 nearest downscale (ceil)", 10, "Resize")
            .input("x", 2, 3, 13, 11).weight("scales", floats(1f, 1f, 0.6f, 0.45f))
            .string("mode", "nearest")),
        Case.of(OpCase.of("Resize-10 nearest up and down (two nodes)", 10, "Resize")
            .input("x", 2, 3, 13, 7).weight("scales", floats(1f, 1f, 0.6f, 1.7f))
            .string("mode", "nearest")),
        Case.of(OpCase.of("Resize-10 linear", 10, "Resize").input("x", 1, 3, 7, 9)
            .weight("scales", floats(1f, 1f, 1.7f, 0.6f)).string("mode", "linear")),
        Case.of(OpCase.of("Resize-11 default nearest, roi and scales", 11, "Resize")
            .input("x", 2, 3, 7, 9).weight("roi", EMPTY)
            .weight("scales", floats(1f, 1f, 1.7f, 0.6f))),
        Case.of(OpCase.of("Resize-11 linear, empty scales and sizes", 11, "Resize")
            .input("x", 2, 3, 7, 9).weight("roi", EMPTY).weight("scales", EMPTY)
            .longs("sizes", 2, 3, 13, 5).string("mode", "linear")),
        Case.of(OpCase.of("Resize-11 cubic", 11, "Resize").input("x", 1, 3, 7, 9)
            .weight("roi", EMPTY).weight("scales", floats(1f, 1f, 2.2f, 0.7f))
            .string("mode", "cubic").string("coordinate_transformation_mode", "align_corners")),
        Case.of(OpCase.of("Resize-11 tf_crop_and_resize", 11, "Resize").input("x", 1, 2, 8, 9)
            .weight("roi", floats(0f, 0f, 0.1f, -0.2f, 1f, 1f, 0.8f, 1.1f))
            .weight("scales", EMPTY).longs("sizes", 1, 2, 6, 11).string("mode", "linear")
            .string("coordinate_transformation_mode", "tf_crop_and_resize")
            .real("extrapolation_value", -2f)),
        Case.of(OpCase.of("Resize-11 tf_half_pixel_for_nn floor", 11, "Resize")
            .input("x", 2, 3, 7, 9).weight("roi", EMPTY)
            .weight("scales", floats(1f, 1f, 1.7f, 0.6f)).string("mode", "nearest")
            .string("coordinate_transformation_mode", "tf_half_pixel_for_nn")
            .string("nearest_mode", "floor")),
        Case.of(OpCase.of("Resize-11 tf_half_pixel_for_nn round_prefer_floor", 11, "Resize")
            .input("x", 2, 3, 8, 6).weight("roi", EMPTY).weight("scales", EMPTY)
            .longs("sizes", 2, 3, 12, 4).string("mode", "nearest")
            .string("coordinate_transformation_mode", "tf_half_pixel_for_nn")),
        Case.of(OpCase.of("Resize-12 tf_half_pixel_for_nn 2x", 12, "Resize")
            .input("x", 1, 2, 5, 6).weight("roi", EMPTY).weight("scales", floats(1f, 1f, 2f, 2f))
            .string("mode", "nearest")
            .string("coordinate_transformation_mode", "tf_half_pixel_for_nn")
            .string("nearest_mode", "floor")),
        Case.of(OpCase.of("Resize-13 nearest, roi omitted", 13, "Resize").input("x", 2, 3, 7, 9)
            .skip().weight("scales", floats(1f, 1f, 1.7f, 0.6f))
            .string("nearest_mode", "ceil")));
  }

  private static Case upsample7(String label, String mode, int[] shape, float... scales) {
    Tensor x = Parity.random(label.hashCode(), shape);
    Graph g = Graph.builder().name("upsample7")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, shape, null))
        .addNode(Node.builder("Upsample").name("node").inputs("x").outputs("y")
            .attr("mode", mode).attr("scales", Attribute.ofFloats(scales)).build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    return new Case(label, 7, g, Map.of("x", x));
  }

  // ---------------------------------------------------------------- graphs

  /**
   * Sizes from the shapes of two inputs (Shape -> Gather -> Concat, as exporters write "resize x to
   * ref's spatial size"): the planner folds the subgraph once the feed shapes are known.
   */
  @ParameterizedTest(name = "opset {0}")
  @MethodSource("sizesSubgraphOpsets")
  void sizesFromAShapeSubgraph(long opset) {
    Graph.Builder b = Graph.builder().name("fpn_merge")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, new int[] {-1, 4, -1, -1}, null))
        .input(new ValueInfo("ref", ValueInfo.ELEM_FLOAT, new int[] {-1, 4, -1, -1}, null))
        .initializer("nc", Tensor.ofLongs(new int[] {2}, new long[] {0, 1}))
        .initializer("hw", Tensor.ofLongs(new int[] {2}, new long[] {2, 3}))
        .addNode(Node.builder("Shape").name("shape_x").inputs("x").outputs("sx").build())
        .addNode(Node.builder("Shape").name("shape_ref").inputs("ref").outputs("sr").build())
        .addNode(Node.builder("Gather").name("take_nc").inputs("sx", "nc").outputs("xnc")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Gather").name("take_hw").inputs("sr", "hw").outputs("rhw")
            .attr("axis", 0L).build())
        .addNode(Node.builder("Concat").name("sizes").inputs("xnc", "rhw").outputs("size")
            .attr("axis", 0L).build());
    List<String> inputs = new ArrayList<>(List.of("x"));
    if (opset < 13) {
      b.initializer("roi", EMPTY).initializer("scales", EMPTY);
      inputs.addAll(List.of("roi", "scales", "size"));
    } else {
      inputs.addAll(List.of("", "", "size"));
    }
    Graph g = b.addNode(Node.builder("Resize").name("up").inputs(inputs).outputs("up_x")
            .attr("mode", "linear").attr("coordinate_transformation_mode", "half_pixel").build())
        .addNode(Node.builder("Add").name("merge").inputs("up_x", "ref").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    try (Executable e = cpu.get().compile(g, opset)) {
      int[][][] shapes = {{{1, 4, 5, 6}, {1, 4, 11, 13}}, {{2, 4, 8, 8}, {2, 4, 3, 5}}};
      for (int[][] s : shapes) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", Parity.random(1, s[0]));
        feeds.put("ref", Parity.random(2, s[1]));
        Tensor expected = OrtReference.run(g, opset, feeds, List.of("y")).get("y");
        Parity.assertClose("sizes from shapes " + Arrays.toString(s[1]), expected,
            e.run(feeds, List.of("y")).get("y"));
      }
    }
  }

  static Stream<Long> sizesSubgraphOpsets() {
    return Stream.of(11L, 13L, 18L);
  }

  // ---------------------------------------------------------------- shapes and errors

  private static Node node(String... kv) {
    Node.Builder b = Node.builder("Resize").name("rs").outputs("y");
    for (int i = 0; i < kv.length; i += 2) {
      b.attr(kv[i], kv[i + 1]);
    }
    return b.build();
  }

  /**
   * The inferred output shape of node {@code n} on x with constant scales, or else sizes (a
   * constant, or a run-time value of 4 elements when null).
   */
  private static int[] shape(Node n, int[] x, Tensor scales, Tensor sizes) {
    Node withInputs = scales != null ? n.toBuilder().inputs("x", "", "s").build()
        : n.toBuilder().inputs("x", "", "", "z").build();
    int[] sizesShape = sizes == null ? new int[] {4} : sizes.shape();
    return ShapeInference.outputShapes(withInputs,
        new int[][] {x, null, scales == null ? null : scales.shape(), sizesShape},
        new Tensor[] {null, null, scales, sizes})[0];
  }

  @Test
  void shapeInferenceFollowsOnnxRuntimeArithmetic() {
    Node n = node();
    // floor(scale * in) in float arithmetic: 1.7 * 7 = 11.9 -> 11, 0.6 * 9 = 5.4 -> 5
    assertThat(shape(n, new int[] {2, 3, 7, 9}, floats(1f, 1f, 1.7f, 0.6f), null))
        .containsExactly(2, 3, 11, 5);
    // unknown input dimensions stay unknown; a scale of 1 keeps them
    assertThat(shape(n, new int[] {-1, 3, -1, 9}, floats(1f, 1f, 2f, 2f), null))
        .containsExactly(-1, 3, -1, 18);
    // sizes known only in part (a Shape of a symbolic input): those dimensions are unknown
    Tensor partial = Tensor.ofLongs(new int[] {4},
        new long[] {ShapeInference.UNKNOWN_VALUE, 3, 20, 30});
    assertThat(shape(n, new int[] {-1, 3, 10, 10}, null, partial))
        .containsExactly(-1, 3, 20, 30);
    // sizes not known at all: the resized axes are unknown, the rank is kept
    assertThat(shape(n, new int[] {1, 3, 10, 10}, null, null)).containsExactly(-1, -1, -1, -1);
    Node axes = n.toBuilder().attr("axes", Attribute.ofInts(2, 3)).build();
    assertThat(ShapeInference.outputShapes(axes.toBuilder().inputs("x", "", "", "z").build(),
        new int[][] {{1, 3, 10, 10}, null, null, {2}}, new Tensor[4])[0])
        .containsExactly(1, 3, -1, -1);
    // not_larger: the smaller of 20/10 and 12/8 for both axes, rounded: 1.5 * 10, 1.5 * 8
    Node policy = axes.toBuilder().attr("keep_aspect_ratio_policy", "not_larger").build();
    assertThat(ShapeInference.outputShapes(policy.toBuilder().inputs("x", "", "", "z").build(),
        new int[][] {{1, 3, 10, 8}, null, null, {2}},
        new Tensor[] {null, null, null, Tensor.ofLongs(new int[] {2}, new long[] {20, 12})})[0])
        .containsExactly(1, 3, 15, 12);
  }

  private static Graph oneNode(Node n, int[] x, Map<String, Tensor> weights) {
    Graph.Builder b = Graph.builder().name("bad")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, x, null));
    weights.forEach(b::initializer);
    return b.addNode(n).output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
  }

  private static void compileAndRun(Graph g, long opset, int... x) {
    try (Executable e = cpu.get().compile(g, opset)) {
      e.run(Map.of("x", Parity.random(3, x)), List.of("y"));
    }
  }

  @Test
  void malformedNodesFailNamingTheNode() {
    Map<String, Tensor> w = Map.of("s", floats(1f, 1f, 2f), "z",
        Tensor.ofLongs(new int[] {4}, new long[] {1, 2, 6, 6}), "r", EMPTY);
    int[] x = {1, 2, 3, 3};
    Node tooMany = Node.builder("Resize").name("rs").inputs("x", "r", "s", "z", "z")
        .outputs("y").build();
    assertThatThrownBy(() -> compileAndRun(oneNode(tooMany, x, w), 13, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("at most 4");
    Node shortScales = Node.builder("Resize").name("rs").inputs("x", "", "s").outputs("y")
        .build();
    assertThatThrownBy(() -> compileAndRun(oneNode(shortScales, x, w), 13, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("3 scales for 4 dimensions");
    Node both = Node.builder("Resize").name("rs").inputs("x", "", "s4", "z").outputs("y").build();
    Map<String, Tensor> w4 = Map.of("s4", floats(1f, 1f, 2f, 2f), "z",
        Tensor.ofLongs(new int[] {4}, new long[] {1, 2, 6, 6}));
    assertThatThrownBy(() -> compileAndRun(oneNode(both, x, w4), 13, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("not both");
    Node badMode = Node.builder("Resize").name("rs").inputs("x", "", "s4").outputs("y")
        .attr("mode", "bilinear").build();
    assertThatThrownBy(() -> compileAndRun(oneNode(badMode, x, w4), 13, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("bilinear");
    Node badAxis = Node.builder("Resize").name("rs").inputs("x", "", "", "z2").outputs("y")
        .attr("axes", Attribute.ofInts(2, 4)).build();
    assertThatThrownBy(() -> compileAndRun(oneNode(badAxis, x, Map.of("z2",
        Tensor.ofLongs(new int[] {2}, new long[] {6, 6}))), 18, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("axis 4");
    Node upsample = Node.builder("Upsample").name("up").inputs("x").outputs("y")
        .attr("scales", Attribute.ofFloats(1f, 1f, 0.5f, 2f)).build();
    assertThatThrownBy(() -> compileAndRun(oneNode(upsample, x, Map.of()), 9, x))
        .isInstanceOf(ModelFormatException.class).hasMessageContaining("'up'")
        .hasMessageContaining("below 1");
  }

  @Test
  void unsupportedFormsAreRefusedNamingTheNode() {
    int[] x = {1, 2, 4, 4};
    Map<String, Tensor> w = Map.of("r", EMPTY, "s", floats(1f, 1f, 2f, 2f));
    Node tfHalfPixelLinear = Node.builder("Resize").name("rs").inputs("x", "r", "s").outputs("y")
        .attr("mode", "linear").attr("coordinate_transformation_mode", "tf_half_pixel_for_nn")
        .build();
    assertThatThrownBy(() -> compileAndRun(oneNode(tfHalfPixelLinear, x, w), 11, x))
        .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("tf_half_pixel_for_nn");
    Node cropAntialias = Node.builder("Resize").name("rs").inputs("x", "r8", "s").outputs("y")
        .attr("mode", "linear").attr("coordinate_transformation_mode", "tf_crop_and_resize")
        .attr("antialias", 1L).build();
    assertThatThrownBy(() -> compileAndRun(oneNode(cropAntialias, x, Map.of("s", w.get("s"),
        "r8", floats(0, 0, 0, 0, 1, 1, 1, 1))), 18, x))
        .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("antialias");
    Graph runtimeScales = Graph.builder().name("runtime_scales")
        .input(new ValueInfo("x", ValueInfo.ELEM_FLOAT, x, null))
        .input(new ValueInfo("s", ValueInfo.ELEM_FLOAT, new int[] {4}, null))
        .addNode(Node.builder("Resize").name("rs").inputs("x", "s").outputs("y").build())
        .output(new ValueInfo("y", ValueInfo.ELEM_FLOAT, null, null)).build();
    assertThatThrownBy(() -> cpu.get().compile(runtimeScales, 10).close())
        .isInstanceOf(UnsupportedOperatorException.class).hasMessageContaining("'rs'")
        .hasMessageContaining("constant scales");
  }
}
