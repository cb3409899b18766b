package io.bocomp.fuzz;

import io.bocomp.data.Npy;
import io.bocomp.model.Tensor;
import io.bocomp.model.onnx.Onnx;
import io.bocomp.model.onnx.OnnxExporter;
import io.bocomp.testing.OpNets;
import io.bocomp.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the hand-made part of the fuzz seed corpus into {@code
 * src/test/resources/io/bocomp/fuzz/*Inputs/<method>/seed-*} (run from {@code java/}: {@code java
 * -cp target/test-classes:target/classes:<test class path> io.bocomp.fuzz.SeedCorpus}): small
 * exported models, valid and broken IDX/NPY/image files, plans, run files, and tiny files that
 * declare huge tensors (2^40 elements and the like), which must fail before allocating. The seeds
 * are committed; inputs found by fuzzing ({@code crash-*}) are added beside them by Jazzer.
 */
public final class SeedCorpus {
  private static final Path ROOT = Path.of("src/test/resources/io/bocomp/fuzz");

  private SeedCorpus() {}

  public static void main(String[] args) throws IOException {
    onnx();
    idx();
    npy();
    images();
    json();
  }

  private static void put(String cls, String method, String name, byte[] bytes) throws IOException {
    Path f = ROOT.resolve(cls + "Inputs").resolve(method).resolve("seed-" + name);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
  }

  private static void put(String cls, String method, String name, String text) throws IOException {
    put(cls, method, name, text.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------

  private static void onnx() throws IOException {
    String c = "OnnxImportFuzzTest";
    String m = "fuzzImport";
    for (String r : List.of("torch_tiny_cnn_opset13.onnx",
        "torch_tiny_cnn_opset9_weights_as_inputs.onnx")) {
      put(c, m, r, SeedCorpus.class.getResourceAsStream("/io/bocomp/model/onnx/" + r)
          .readAllBytes());
    }
    for (var e : OpNets.all(1).entrySet()) {
      byte[] b = OnnxExporter.toBytes(e.getValue());
      if (b.length <= 8192) {
        put(c, m, "opnet-" + e.getKey() + ".onnx", b);
      }
    }
    long big = 1L << 20; // 2^20 x 2^20 = 2^40 elements
    put(c, m, "huge-initializer.onnx", model(graph()
        .addInitializer(Onnx.TensorProto.newBuilder().setName("w").setDataType(1)
            .addDims(big).addDims(big))
        .addNode(node("MatMul", List.of("x", "w"), List.of("y")))));
    put(c, m, "huge-input.onnx", model(Onnx.GraphProto.newBuilder().setName("g")
        .addInput(value("x", big, big)).addOutput(value("y"))
        .addNode(node("Relu", List.of("x"), List.of("y")))));
    put(c, m, "huge-constant-of-shape.onnx", model(graph()
        .addInitializer(int64s("s", big, big))
        .addNode(node("ConstantOfShape", List.of("s"), List.of("c")))
        .addNode(node("Add", List.of("x", "c"), List.of("y")))));
    put(c, m, "huge-expand.onnx", model(graph()
        .addInitializer(int64s("s", 1L << 15, 1L << 15, 4))
        .addInitializer(floatScalar("one", 1f))
        .addNode(node("Expand", List.of("one", "s"), List.of("c")))
        .addNode(node("Add", List.of("x", "c"), List.of("y")))));
    put(c, m, "huge-range.onnx", model(graph()
        .addInitializer(floatScalar("a", 0f)).addInitializer(floatScalar("b", 1e12f))
        .addInitializer(floatScalar("d", 1f))
        .addNode(node("Range", List.of("a", "b", "d"), List.of("c")))
        .addNode(node("Add", List.of("x", "c"), List.of("y")))));
    put(c, m, "huge-tile.onnx", model(graph()
        .addInitializer(int64s("r", 1L << 16, 1L << 16))
        .addNode(node("Tile", List.of("x", "r"), List.of("y")))));
  }

  private static Onnx.GraphProto.Builder graph() {
    return Onnx.GraphProto.newBuilder().setName("g").addInput(value("x", 2, 2))
        .addOutput(value("y"));
  }

  private static byte[] model(Onnx.GraphProto.Builder g) {
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("fuzz-seed")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(g).build().toByteArray();
  }

  private static Onnx.ValueInfoProto value(String name, long... dims) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    Onnx.TypeProto.Tensor.Builder t = Onnx.TypeProto.Tensor.newBuilder().setElemType(1);
    if (dims.length > 0) {
      t.setShape(s);
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(t)).build();
  }

  private static Onnx.NodeProto node(String op, List<String> in, List<String> out) {
    return Onnx.NodeProto.newBuilder().setOpType(op).addAllInput(in).addAllOutput(out).build();
  }

  private static Onnx.TensorProto int64s(String name, long... v) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7)
        .addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static Onnx.TensorProto floatScalar(String name, float v) {
    return Onnx.TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
  }

  // ---------------------------------------------------------------------------------------------

  private static void idx() throws IOException {
    String c = "DataReadersFuzzTest";
    byte[] images = idxFile(new int[] {3, 4, 4}, 48);
    put(c, "fuzzIdxImages", "3x4x4.idx", images);
    put(c, "fuzzIdxImages", "3x4x4.idx.gz", gzip(images));
    // 2^20 images of 2^10 x 2^10: 2^40 bytes declared in 16
    put(c, "fuzzIdxImages", "huge-2^40.idx", idxFile(new int[] {1 << 20, 1 << 10, 1 << 10}, 0));
    // 10^5 images of 100 x 100: 10^9 bytes declared, fits an int, none present
    put(c, "fuzzIdxImages", "huge-10^9.idx", idxFile(new int[] {100_000, 100, 100}, 0));
    put(c, "fuzzIdxImages", "huge-10^9.idx.gz", gzip(idxFile(new int[] {100_000, 100, 100}, 5)));
    byte[] labels = idxFile(new int[] {5}, 5);
    put(c, "fuzzIdxLabels", "5.idx", labels);
    put(c, "fuzzIdxLabels", "5.idx.gz", gzip(labels));
    put(c, "fuzzIdxLabels", "huge-2^31.idx", idxFile(new int[] {Integer.MAX_VALUE}, 1));
  }

  private static byte[] idxFile(int[] dims, int dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
    b.putInt(0x0800 | dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    for (int i = 0; i < dataBytes; i++) {
      b.put((byte) (i * 37));
    }
    return b.array();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static void npy() throws IOException {
    String c = "DataReadersFuzzTest";
    Path tmp = Files.createTempFile("seed", ".npy");
    Npy.write(Tensor.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}), tmp);
    put(c, "fuzzNpy", "2x3-f4.npy", Files.readAllBytes(tmp));
    Files.delete(tmp);
    put(c, "fuzzNpy", "1-f8-v2.npy", npyFile(2, "{'descr': '<f8', 'fortran_order': False,"
        + " 'shape': (1,), }", 8));
    put(c, "fuzzNpy", "huge-2^40.npy", npyFile(1, "{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (1048576, 1048576), }", 0));
    put(c, "fuzzNpy", "huge-2^30.npy", npyFile(1, "{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (32768, 32768), }", 4));
    put(c, "fuzzNpy", "scalar.npy", npyFile(1, "{'descr': '<f4', 'fortran_order': False,"
        + " 'shape': (), }", 4));
  }

  private static byte[] npyFile(int version, String dict, int dataBytes) {
    byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    int pre = version == 1 ? 10 : 12;
    ByteBuffer b = ByteBuffer.allocate(pre + h.length + dataBytes)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
    if (version == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    b.put(h);
    return b.array();
  }

  // ---------------------------------------------------------------------------------------------

  private static void images() throws IOException {
    String c = "DataReadersFuzzTest";
    Path tmp = Files.createTempDirectory("seed");
    for (String fmt : List.of("png", "jpg", "bmp", "gif", "tif")) {
      for (int ch : new int[] {1, 3}) {
        Path f = TestImages.write(TestImages.pattern(3, 4, ch, 7), 3, 4, ch, fmt,
            tmp.resolve("i" + ch + "." + fmt));
        byte[] b = Files.readAllBytes(f);
        put(c, "fuzzImageDecoder", ch + "ch." + fmt, b);
        if (fmt.equals("png") || fmt.equals("jpg")) {
          // the folder target: booleans and ints come from the end of the input, bytes from the
          // front (FuzzedDataProvider), so an image followed by a few bytes is a plausible start
          byte[] folder = java.util.Arrays.copyOf(b, b.length + 8);
          put(c, "fuzzImageFolder", ch + "ch." + fmt, folder);
        }
      }
    }
    for (String r : List.of("cmyk-8x6.jpg", "rgb-4x3-lossless.webp")) {
      put(c, "fuzzImageDecoder", r,
          SeedCorpus.class.getResourceAsStream("/io/bocomp/data/" + r).readAllBytes());
    }
    put(c, "fuzzImageDecoder", "huge-png-50000x50000.png", pngHeaderOnly(50_000, 50_000));
    put(c, "fuzzImageDecoder", "huge-bmp-2^15x2^15.bmp", bmpHeaderOnly(1 << 15, 1 << 15));
    FuzzChecks.delete(tmp);
  }

  /** A PNG whose IHDR declares w x h 8-bit gray and whose one IDAT holds a few bytes. */
  private static byte[] pngHeaderOnly(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (var d = new java.util.zip.DeflaterOutputStream(z)) {
      d.write(new byte[64]);
    }
    chunk(out, "IDAT", z.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A 24-bit BMP header declaring w x h with no pixel data. */
  private static byte[] bmpHeaderOnly(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(54).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54);
    b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0)
        .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
    return b.array();
  }

  // ---------------------------------------------------------------------------------------------

  private static void json() throws IOException {
    String c = "RunFilesFuzzTest";
    put(c, "fuzzPlanJson", "empty.json", "{\"layers\": []}");
    put(c, "fuzzPlanJson", "ranks.json", "{\"layers\": ["
        + "{\"name\": \"/conv1/Conv\", \"method\": \"tucker\", \"ranks\": [4, 4]},"
        + "{\"name\": \"/fc/Gemm\", \"method\": \"svd\", \"rank\": 3},"
        + "{\"name\": \"/conv2/*\", \"method\": \"prune\", \"fraction\": 0.5}]}");
    put(c, "fuzzPlanJson", "energy.json", "{\"model\": \"00\", \"layers\": ["
        + "{\"name\": \"*\", \"method\": \"svd\", \"energy\": 0.9}]}");
    put(c, "fuzzRunFile", "budget.json", "{\"budget\": {\"metric\": \"params\", \"max\": 0.25},"
        + " \"samples\": 50, \"seed\": 0, \"trials\": 40}");
    put(c, "fuzzRunFile", "full.json", "{\"budget\": {\"metric\": \"params\", \"max\": 0.25},"
        + " \"samples\": 50, \"seed\": 0, \"method\": \"auto\", \"parameter\": \"rank\","
        + " \"mode\": \"lagrangian\", \"cooling\": \"exp\", \"exclude\": [\"/fc3/*\"],"
        + " \"freeze\": {\"/conv1/*\": 0.5}, \"groups\": [[\"/conv2/*\", \"/conv3/*\"]],"
        + " \"initial_design\": 0, \"trials_per_lambda\": 0, \"explore_every\": 4,"
        + " \"min_saving\": 0.01, \"uniform_start\": true, \"max_prune_fraction\": 0.99,"
        + " \"latency\": {\"batch\": 1, \"warmup\": 3, \"runs\": 11},"
        + " \"preprocess\": {\"resize\": 256, \"crop\": [224, 224], \"mean\": [0.485, 0.456,"
        + " 0.406], \"std\": [0.229, 0.224, 0.225], \"channels\": \"rgb\"},"
        + " \"stages\": [{\"name\": \"conv\", \"layers\": [\"/conv*\"], \"trials\": 60,"
        + " \"budget\": {\"metric\": \"macs\", \"max\": 0.5}, \"method\": \"tucker\","
        + " \"hook\": \"true\"}, {\"name\": \"fc\", \"layers\": [\"/fc*\"], \"trials\": 40}]}");
    put(c, "fuzzRunFile", "huge-trials.json", "{\"trials\": 9223372036854775807,"
        + " \"samples\": 1e300}");
  }
}
