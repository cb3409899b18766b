package io.bocomp.data;

import io.bocomp.AtomicFiles;
import io.bocomp.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0-3.0) holding one C-ordered tensor.
 * Reading accepts little-endian float32 ({@code <f4}) and float64 ({@code <f8}, converted); anything
 * else (integers, Fortran order, big-endian, object arrays) is refused with a message naming the file
 * and the dtype. Writing produces version 1.0 float32 files, atomically (temp file, then move).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Reads a float tensor. */
  public static Tensor read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file + ": no such file");
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(bytes, file.toString());
  }

  static Tensor parse(byte[] bytes, String name) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10) {
      throw new DataFormatException(name + ": not a .npy file (too short)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new DataFormatException(name + ": not a .npy file (bad magic)");
      }
    }
    int major = bytes[6] & 0xff;
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xffff;
      offset = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new DataFormatException(name + ": truncated .npy header");
      }
      headerLen = b.getInt(8);
      offset = 12;
    } else {
      throw new DataFormatException(name + ": unsupported .npy format version " + major);
    }
    if (headerLen < 0 || (long) offset + headerLen > bytes.length) {
      throw new DataFormatException(name + ": truncated .npy header");
    }
    String header = new String(bytes, offset, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, name, "descr");
    String fortran = group(FORTRAN, header, name, "fortran_order");
    int[] shape = parseShape(group(SHAPE, header, name, "shape"), name);
    if (fortran.equals("True")) {
      throw new DataFormatException(name + ": Fortran-ordered arrays are not supported (save C order)");
    }
    int elemSize;
    if (descr.equals("<f4")) {
      elemSize = 4;
    } else if (descr.equals("<f8")) {
      elemSize = 8;
    } else {
      String shown = descr.length() > 40 ? descr.substring(0, 37) + "..." : descr;
      throw new DataFormatException(name + ": dtype '" + shown.replaceAll("\\s+", " ")
          + "' not supported (need little-endian float32 '<f4' or float64 '<f8')");
    }
    long declared = 1;
    for (int d : shape) {
      declared = Math.min(declared * d, 1L << 62);
    }
    if (declared > Integer.MAX_VALUE) {
      throw new DataFormatException(name + ": shape " + java.util.Arrays.toString(shape)
          + " has " + declared + " elements (at most " + Integer.MAX_VALUE + " supported)");
    }
    int n = (int) declared;
    int dataStart = offset + headerLen;
    long need = (long) n * elemSize;
    if (bytes.length - dataStart < need) {
      throw new DataFormatException(name + ": data truncated (" + (bytes.length - dataStart)
          + " bytes, shape needs " + need + ")");
    }
    Tensor t = Tensor.zeros(shape);
    FloatBuffer out = t.data();
    b.position(dataStart);
    if (elemSize == 4) {
      out.put(b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().limit(n));
    } else {
      for (int i = 0; i < n; i++) {
        out.put(i, (float) b.getDouble((int) (dataStart + 8L * i)));
      }
    }
    return t;
  }

  /** Writes a float32 tensor as a version 1.0 .npy file, atomically. */
  public static void write(Tensor t, Path file) {
    StringBuilder shape = new StringBuilder("(");
    int[] s = t.shape();
    for (int i = 0; i < s.length; i++) {
      shape.append(s[i]).append(s.length == 1 ? "," : (i + 1 < s.length ? ", " : ""));
    }
    shape.append(')');
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = 10 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer data = ByteBuffer.allocate(10 + header.length() + 4 * t.size())
        .order(ByteOrder.LITTLE_ENDIAN);
    data.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    data.put(header.getBytes(StandardCharsets.ISO_8859_1));
    data.asFloatBuffer().put(t.data());
    AtomicFiles.write(file, out -> out.write(data.array()));
  }

  private static String group(Pattern p, String header, String name, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DataFormatException(name + ": .npy header has no '" + key + "'");
    }
    return m.group(1);
  }

  private static int[] parseShape(String s, String name) {
    List<Integer> dims = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        try {
          int d = Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
          if (d < 0) {
            throw new NumberFormatException("negative");
          }
          dims.add(d);
        } catch (NumberFormatException e) {
          String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
          throw new DataFormatException(name + ": bad shape '(" + shown.replaceAll("\\s+", " ")
              + ")'");
        }
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
