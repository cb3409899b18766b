package io.bocomp.compress;

import io.bocomp.AtomicFiles;
import io.bocomp.engine.Decompositions.SvdFactors;
import io.bocomp.engine.Decompositions.Tucker2Factors;
import io.bocomp.model.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The on-disk format of a {@link FactorCache} entry. Little-endian throughout:
 *
 * <pre>
 *   magic "BOCFACT\0" | int32 version | 32 bytes model SHA-256 | int64 config fingerprint
 *   | int32 layer count | per layer: int32 name length, UTF-8 name, int8 kind (1 SVD, 2 truncated
 *     SVD, 3 Tucker-2), float64 total energy, int32 tensor count, per tensor: int32 rank, int32
 *     dims..., float32 data
 *   | int32 CRC32C of everything before it
 * </pre>
 *
 * SVD layers store U, S, Vt; Tucker-2 layers U_out, U_in, core, eig_out, eig_in. {@link #read}
 * throws {@link CorruptFactorFileException} on any mismatch (magic, version, hash, config, truncated
 * data, checksum), so a caller can discard the file and rebuild.
 */
final class FactorFile {
  static final int VERSION = 1;
  private static final byte[] MAGIC = "BOCFACT\0".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 1 << 20;

  private FactorFile() {}

  /** The cache file is unreadable, stale or damaged. */
  static final class CorruptFactorFileException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptFactorFileException(String message) {
      super(message);
    }
  }

  static void write(Path file, String modelHash, long config, Map<String, LayerFactors> layers) {
    AtomicFiles.write(file, out -> {
      Writer w = new Writer(Channels.newChannel(out));
      ByteBuffer head = le(64);
      head.put(MAGIC).putInt(VERSION).put(HexFormat.of().parseHex(modelHash)).putLong(config)
          .putInt(layers.size());
      w.put(head);
      for (LayerFactors f : layers.values()) {
        byte[] name = f.layer().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(4 + name.length + 1 + 8 + 4);
        b.putInt(name.length).put(name);
        Tensor[] ts;
        if (f.isSvd()) {
          b.put((byte) (f.truncated() ? 2 : 1));
          ts = new Tensor[] {f.svd().u(), f.svd().s(), f.svd().vt()};
        } else {
          b.put((byte) 3);
          Tucker2Factors t = f.tucker();
          ts = new Tensor[] {t.uOut(), t.uIn(), t.core(), t.eigOut(), t.eigIn()};
        }
        b.putDouble(f.totalEnergy()).putInt(ts.length);
        w.put(b);
        for (Tensor t : ts) {
          w.tensor(t);
        }
      }
      ByteBuffer crc = le(4).putInt((int) w.crc.getValue());
      w.ch.write(crc.flip());
    });
  }

  static Map<String, LayerFactors> read(Path file, String modelHash, long config)
      throws CorruptFactorFileException, IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Reader r = new Reader(ch);
      ByteBuffer head = r.get(MAGIC.length + 4 + 32 + 8 + 4);
      byte[] magic = new byte[MAGIC.length];
      head.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CorruptFactorFileException("not a bocomp factor file");
      }
      int version = head.getInt();
      if (version != VERSION) {
        throw new CorruptFactorFileException("format version " + version + ", expected " + VERSION);
      }
      byte[] hash = new byte[32];
      head.get(hash);
      if (!HexFormat.of().formatHex(hash).equals(modelHash)) {
        throw new CorruptFactorFileException("it is for another model");
      }
      if (head.getLong() != config) {
        throw new CorruptFactorFileException("it was built with other settings");
      }
      int count = head.getInt();
      Map<String, LayerFactors> out = new LinkedHashMap<>();
      for (int l = 0; l < count; l++) {
        int nameLen = r.get(4).getInt();
        if (nameLen < 0 || nameLen > 1 << 16) {
          throw new CorruptFactorFileException("bad layer name length " + nameLen);
        }
        String name = new String(r.get(nameLen).array(), StandardCharsets.UTF_8);
        ByteBuffer meta = r.get(1 + 8 + 4);
        int kind = meta.get();
        double energy = meta.getDouble();
        int nt = meta.getInt();
        int expected = kind == 3 ? 5 : 3;
        if (kind < 1 || kind > 3 || nt != expected) {
          throw new CorruptFactorFileException("layer '" + name + "' has kind " + kind + " and "
              + nt + " tensors");
        }
        Tensor[] ts = new Tensor[nt];
        for (int i = 0; i < nt; i++) {
          ts[i] = r.tensor();
        }
        out.put(name, kind == 3
            ? LayerFactors.ofTucker(name, new Tucker2Factors(ts[0], ts[1], ts[2], ts[3], ts[4]))
            : LayerFactors.ofSvd(name, new SvdFactors(ts[0], ts[1], ts[2]), kind == 2, energy));
      }
      int stored = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
          .put(r.raw(4)).flip().getInt();
      if (stored != (int) r.crc.getValue()) {
        throw new CorruptFactorFileException("checksum mismatch");
      }
      if (ch.position() != ch.size()) {
        throw new CorruptFactorFileException("trailing bytes");
      }
      return out;
    }
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static final class Writer {
    final WritableByteChannel ch;
    final CRC32C crc = new CRC32C();
    final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

    Writer(WritableByteChannel ch) {
      this.ch = ch;
    }

    void put(ByteBuffer b) throws IOException {
      b.flip();
      crc.update(b.duplicate());
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }

    void tensor(Tensor t) throws IOException {
      ByteBuffer dims = le(4 + 4 * t.rank()).putInt(t.rank());
      for (int d : t.shape()) {
        dims.putInt(d);
      }
      put(dims);
      FloatBuffer src = t.data();
      while (src.hasRemaining()) {
        int n = Math.min(CHUNK / Float.BYTES, src.remaining());
        chunk.clear();
        chunk.asFloatBuffer().put(src.slice().limit(n));
        src.position(src.position() + n);
        chunk.limit(n * Float.BYTES);
        crc.update(chunk.duplicate());
        while (chunk.hasRemaining()) {
          ch.write(chunk);
        }
      }
    }
  }

  private static final class Reader {
    final FileChannel ch;
    final CRC32C crc = new CRC32C();

    Reader(FileChannel ch) {
      this.ch = ch;
    }

    /** Reads n bytes (heap, little-endian, positioned at 0) and adds them to the checksum. */
    ByteBuffer get(int n) throws IOException, CorruptFactorFileException {
      ByteBuffer b = ByteBuffer.wrap(raw(n)).order(ByteOrder.LITTLE_ENDIAN);
      crc.update(b.duplicate());
      return b;
    }

    byte[] raw(int n) throws IOException, CorruptFactorFileException {
      ByteBuffer b = ByteBuffer.allocate(n);
      fill(b);
      return b.array();
    }

    Tensor tensor() throws IOException, CorruptFactorFileException {
      int rank = get(4).getInt();
      if (rank < 0 || rank > 8) {
        throw new CorruptFactorFileException("bad tensor rank " + rank);
      }
      ByteBuffer dims = get(4 * rank);
      int[] shape = new int[rank];
      long n = 1;
      for (int i = 0; i < rank; i++) {
        shape[i] = dims.getInt();
        n *= shape[i];
        if (shape[i] < 0 || n * Float.BYTES > Math.min(ch.size(), Integer.MAX_VALUE)) {
          throw new CorruptFactorFileException("bad tensor shape " + Arrays.toString(shape));
        }
      }
      ByteBuffer data = ByteBuffer.allocateDirect((int) n * Float.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
      fill(data);
      crc.update(data.duplicate());
      if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
        return Tensor.wrap(shape, data.asFloatBuffer());
      }
      Tensor t = Tensor.zeros(shape);
      t.data().put(data.asFloatBuffer());
      return t;
    }

    private void fill(ByteBuffer b) throws IOException, CorruptFactorFileException {
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          throw new CorruptFactorFileException("file ends early");
        }
      }
      b.flip();
    }
  }
}
