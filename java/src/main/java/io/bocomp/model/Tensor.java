package io.bocomp.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A dense tensor: float32 data in a direct (off-heap, native-order) buffer, or int64 data in a
 * {@code long[]}. Float data lives off-heap so BLAS/LAPACK (and later the GPU copy engine) read it
 * in place, without the copy that JNI makes of a Java array.
 *
 * <p>Layout is row-major (C order). The shape is fixed at construction; the float contents are
 * mutable through {@link #set}/{@link #data()}, and by convention a tensor held by a
 * {@link Graph} (a weight) is never written after the graph is built.
 */
public final class Tensor {

  /** Element types bocomp computes with. */
  public enum DType {
    FLOAT32, INT64
  }

  private final DType dtype;
  private final int elemType;
  private final int[] shape;
  private final int size;
  private final FloatBuffer floats;
  private final long[] longs;

  private Tensor(DType dtype, int[] shape, FloatBuffer floats, long[] longs) {
    this(dtype, dtype == DType.FLOAT32 ? ElemType.FLOAT : ElemType.INT64, shape, floats, longs);
  }

  private Tensor(DType dtype, int elemType, int[] shape, FloatBuffer floats, long[] longs) {
    this.dtype = dtype;
    this.elemType = elemType;
    this.shape = shape.clone();
    this.size = checkedSize(this.shape);
    this.floats = floats;
    this.longs = longs;
  }

  /** Number of elements of a shape; throws on negative dims or more than 2^31-1 elements. */
  public static int checkedSize(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("tensor too large: shape " + Arrays.toString(shape));
      }
    }
    return (int) n;
  }

  /** A zero-filled float32 tensor. */
  public static Tensor zeros(int... shape) {
    int n = checkedSize(shape);
    return new Tensor(DType.FLOAT32, shape, allocate(n), null);
  }

  /** A float32 tensor holding a copy of {@code data}. */
  public static Tensor of(int[] shape, float[] data) {
    int n = checkedSize(shape);
    if (data.length != n) {
      throw new IllegalArgumentException(
          "data has " + data.length + " elements, shape " + Arrays.toString(shape) + " needs " + n);
    }
    FloatBuffer b = allocate(n);
    b.put(0, data);
    return new Tensor(DType.FLOAT32, shape, b, null);
  }

  /** A float32 scalar (rank 0). */
  public static Tensor scalar(float v) {
    return of(new int[0], new float[] {v});
  }

  /** An int64 tensor holding a copy of {@code data}. */
  public static Tensor ofLongs(int[] shape, long[] data) {
    int n = checkedSize(shape);
    if (data.length != n) {
      throw new IllegalArgumentException(
          "data has " + data.length + " elements, shape " + Arrays.toString(shape) + " needs " + n);
    }
    return new Tensor(DType.INT64, shape, null, data.clone());
  }

  /** Wraps an existing direct float buffer (positions 0..size-1) without copying. */
  public static Tensor wrap(int[] shape, FloatBuffer direct) {
    int n = checkedSize(shape);
    if (!direct.isDirect() || direct.capacity() < n) {
      throw new IllegalArgumentException("need a direct buffer of at least " + n + " floats");
    }
    return new Tensor(DType.FLOAT32, shape, direct, null);
  }

  /** A new direct, native-order, zero-filled float buffer. */
  public static FloatBuffer allocate(int n) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES))
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  public DType dtype() {
    return dtype;
  }

  public int[] shape() {
    return shape.clone();
  }

  /**
   * The ONNX element type the tensor stands for ({@link ElemType}): {@link ElemType#FLOAT} or
   * {@link ElemType#INT64} unless it was declared otherwise (a float16 initializer, a bool mask).
   */
  public int elemType() {
    return elemType;
  }

  /**
   * The same data declared as another ONNX type of the same storage (floating types for float32
   * data, integer and bool types for int64 data).
   */
  public Tensor withElemType(int type) {
    if (type == elemType) {
      return this;
    }
    boolean ok = dtype == DType.FLOAT32 ? ElemType.isFloating(type) : ElemType.isInteger(type);
    if (!ok) {
      throw new IllegalArgumentException("a " + dtype + " tensor cannot stand for "
          + ElemType.name(type));
    }
    return new Tensor(dtype, type, shape, floats, longs);
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  public int size() {
    return size;
  }

  public boolean isFloat() {
    return dtype == DType.FLOAT32;
  }

  /**
   * The float data as a direct buffer view positioned at 0 (a fresh view each call, so callers
   * may move its position freely). Throws for int64 tensors.
   */
  public FloatBuffer data() {
    requireFloat();
    return floats.duplicate().clear();
  }

  public float get(int flatIndex) {
    requireFloat();
    return floats.get(flatIndex);
  }

  public void set(int flatIndex, float v) {
    requireFloat();
    floats.put(flatIndex, v);
  }

  public long getLong(int flatIndex) {
    return dtype == DType.INT64 ? longs[flatIndex] : (long) floats.get(flatIndex);
  }

  /** A copy of the float data (int64 data converted). */
  public float[] toFloatArray() {
    float[] out = new float[size];
    if (dtype == DType.FLOAT32) {
      floats.get(0, out);
    } else {
      for (int i = 0; i < size; i++) {
        out[i] = longs[i];
      }
    }
    return out;
  }

  /** A copy of the data as int64 (float data truncated toward zero). */
  public long[] toLongArray() {
    if (dtype == DType.INT64) {
      return longs.clone();
    }
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = (long) floats.get(i);
    }
    return out;
  }

  /** A deep copy. */
  public Tensor copy() {
    return (dtype == DType.FLOAT32 ? of(shape, toFloatArray()) : ofLongs(shape, longs))
        .withElemType(elemType);
  }

  /** Same data, new shape of equal size (shares the buffer for float32). */
  public Tensor reshape(int... newShape) {
    if (checkedSize(newShape) != size) {
      throw new IllegalArgumentException(
          "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
    }
    return dtype == DType.FLOAT32
        ? new Tensor(DType.FLOAT32, elemType, newShape, floats, null)
        : new Tensor(DType.INT64, elemType, newShape, null, longs);
  }

  /** Number of bytes the data occupies (4 per float32, 8 per int64). */
  public long byteSize() {
    return (long) size * (dtype == DType.FLOAT32 ? Float.BYTES : Long.BYTES);
  }

  private void requireFloat() {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException("tensor is " + dtype + ", not FLOAT32");
    }
  }

  @Override
  public String toString() {
    return "Tensor(" + (elemType == ElemType.FLOAT || elemType == ElemType.INT64 ? dtype
        : ElemType.name(elemType)) + Arrays.toString(shape) + ")";
  }

  /**
   * Element-wise equality of shape, storage type and values (NaN equal to NaN); the declared
   * {@link #elemType()} is not compared.
   */
  public boolean contentEquals(Tensor o) {
    if (o == null || dtype != o.dtype || !Arrays.equals(shape, o.shape)) {
      return false;
    }
    return dtype == DType.FLOAT32
        ? Arrays.equals(toFloatArray(), o.toFloatArray())
        : Arrays.equals(longs, o.longs);
  }
}
