package io.bocomp.data;

/**
 * A decoded 8-bit image: {@code height} rows of {@code width} pixels of {@code channels} (1: gray,
 * 3: red, green, blue) unsigned bytes each, interleaved row-major ({@code data[(y * width + x) *
 * channels + c]}). The preprocessing steps ({@link Resampler}, {@link ImageTransform}) take and
 * return these; they never modify their input.
 */
public record Pixels(int width, int height, int channels, byte[] data) {
  public Pixels {
    if (width < 1 || height < 1 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException("pixels " + width + "x" + height + "x" + channels);
    }
    if (data.length != width * height * channels) {
      throw new IllegalArgumentException(data.length + " bytes for " + width + "x" + height + "x"
          + channels);
    }
  }

  /** The sample at row y, column x, channel c, as 0..255. */
  public int at(int y, int x, int c) {
    return data[(y * width + x) * channels + c] & 0xff;
  }

  /**
   * Gray as PIL's {@code convert("L")} makes it from RGB (ITU-R 601-2 luma in 16-bit fixed point:
   * (19595 R + 38470 G + 7471 B + 32768) >> 16); gray images are returned as they are.
   */
  public Pixels toGray() {
    if (channels == 1) {
      return this;
    }
    byte[] out = new byte[width * height];
    for (int i = 0; i < out.length; i++) {
      int r = data[3 * i] & 0xff;
      int g = data[3 * i + 1] & 0xff;
      int b = data[3 * i + 2] & 0xff;
      out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
    }
    return new Pixels(width, height, 1, out);
  }

  /** RGB, a gray value repeated in the three channels (PIL's {@code convert("RGB")}). */
  public Pixels toRgb() {
    if (channels == 3) {
      return this;
    }
    byte[] out = new byte[width * height * 3];
    for (int i = 0; i < data.length; i++) {
      out[3 * i] = data[i];
      out[3 * i + 1] = data[i];
      out[3 * i + 2] = data[i];
    }
    return new Pixels(width, height, 3, out);
  }
}
