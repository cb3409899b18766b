package io.bocomp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bocomp.BocompException;
import io.bocomp.data.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The preprocessing options every command that takes {@code --images} shares (a picocli mixin):
 * {@code --resize}, {@code --crop}, {@code --mean}, {@code --std}, {@code --scale}, {@code
 * --channels}, {@code --layout} and {@code --preprocess-from}, which reuses the settings a tuning
 * run recorded (its directory or result.json, or a run file's {@code preprocess} object). Options
 * given one by one override the reused ones. What they do: {@link io.bocomp.data.ImageTransform}.
 */
final class PreprocessOptions {
  @picocli.CommandLine.Option(names = "--resize", paramLabel = "S|HxW",
      description = "Resize images first: the shorter side to S (aspect kept), or to exactly HxW;"
          + " antialiased bilinear, as PIL/torchvision.")
  String resize;

  @picocli.CommandLine.Option(names = "--crop", paramLabel = "HxW",
      description = "Then take the centre HxW block (S: SxS).")
  String crop;

  @picocli.CommandLine.Option(names = "--mean", paramLabel = "M[,M...]",
      description = "Per-channel means subtracted after scaling, in the model's channel order"
          + " (default 0), e.g. 0.485,0.456,0.406.")
  String mean;

  @picocli.CommandLine.Option(names = "--std", paramLabel = "S[,S...]",
      description = "Per-channel standard deviations divided by after the mean (default 1), e.g."
          + " 0.229,0.224,0.225.")
  String std;

  @picocli.CommandLine.Option(names = "--scale", paramLabel = "F",
      description = "Factor of the 0..255 pixel values before the mean (default 1/255).")
  String scale;

  @picocli.CommandLine.Option(names = "--channels", paramLabel = "rgb|bgr|gray",
      description = "Channel order of the model input (default: gray for 1 channel, else rgb).")
  String channels;

  @picocli.CommandLine.Option(names = "--layout", paramLabel = "nchw|nhwc",
      description = "Where the channels are (default: from the model input's shape).")
  String layout;

  @picocli.CommandLine.Option(names = "--preprocess-from", paramLabel = "RUN|JSON",
      description = "Reuse the preprocessing of a tuning run (its directory or result.json) or of"
          + " a run file; the options above override single settings.")
  Path from;

  /**
   * The options given (unset ones null) over {@code --preprocess-from}'s settings over {@code base}
   * (a run file's).
   */
  Preprocessing resolve(Preprocessing base) {
    Preprocessing p = base == null ? Preprocessing.NONE : base;
    if (from != null) {
      p = p.overriddenBy(read(from));
    }
    return p.overriddenBy(given());
  }

  /** The options given on the command line alone. */
  Preprocessing given() {
    return new Preprocessing(resize == null ? null : Preprocessing.parseResize(resize),
        crop == null ? null : Preprocessing.parseCrop(crop),
        mean == null ? null : Preprocessing.parseList(mean, "--mean"),
        std == null ? null : Preprocessing.parseList(std, "--std"),
        scale == null ? null : Preprocessing.parseScale(scale),
        channels == null ? null : Preprocessing.channels(channels, "--channels"),
        layout == null ? null : Preprocessing.layout(layout, "--layout"));
  }

  /**
   * The settings recorded in a run directory's result.json ({@code data.preprocess}), in a
   * result.json, or in a run file ({@code preprocess}).
   */
  static Preprocessing read(Path source) {
    Path file = Files.isDirectory(source) ? source.resolve("result.json") : source;
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new BocompException("--preprocess-from " + source + ": " + file + " does not exist");
    } catch (IOException e) {
      throw new BocompException("--preprocess-from " + file + ": not readable JSON ("
          + Main.oneLine(e.getMessage()) + ")");
    }
    JsonNode data = root == null ? null : root.path("data");
    if (data != null && data.has("preprocess")) {
      return Preprocessing.fromJson(data.get("preprocess"), file + ": \"data.preprocess\"");
    }
    if (root != null && root.has("preprocess")) {
      return Preprocessing.fromJson(root.get("preprocess"), file + ": \"preprocess\"");
    }
    throw new BocompException("--preprocess-from " + file + ": no \"data.preprocess\" (a tuning"
        + " run's result.json) or \"preprocess\" (a run file) in it");
  }
}
