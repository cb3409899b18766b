package io.bocomp.cuda;

import static io.bocomp.cuda.CudaCalls.at;
import static io.bocomp.cuda.CudaCalls.checkCuda;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy2D;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import io.bocomp.model.Tensor;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A float32 tensor in GPU memory: the domain type code outside {@code io.bocomp.cuda} holds instead
 * of a pointer. Row-major; seen as a 2-D matrix (first dimension x the rest) it may be a strided
 * view whose rows are {@link #rowStride()} floats apart, which is how a factor cache hands out
 * rank-r slices without copying (see {@link DeviceFactorCache}).
 *
 * <p>A tensor either owns its memory ({@link #allocate}, {@link #upload}; {@link #close()} frees it)
 * or is a view of another tensor's memory ({@link #rows}, {@link #leadingColumns}; closing a view
 * does nothing, and a view must not be used after its owner is closed). Transfers here are
 * synchronous on the default stream; the operations that produce device tensors have finished
 * before they return them.
 */
public final class DeviceTensor implements AutoCloseable {
  private final int[] shape;
  private final int rows;
  private final int cols;
  private final long rowStride;
  private final long address;
  private final DeviceMemory owned;

  private DeviceTensor(int[] shape, long address, long rowStride, DeviceMemory owned) {
    this.shape = shape.clone();
    int size = Tensor.checkedSize(shape);
    this.rows = shape.length == 0 ? 1 : shape[0];
    this.cols = rows == 0 ? tail(shape) : size / rows;
    this.rowStride = rowStride;
    this.address = address;
    this.owned = owned;
    if (rowStride < cols) {
      throw new IllegalArgumentException("row stride " + rowStride + " < row length " + cols);
    }
  }

  private static int tail(int[] shape) {
    int n = 1;
    for (int i = 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** A new device tensor owning its memory; its contents are undefined until written. */
  public static DeviceTensor allocate(int... shape) {
    int size = Tensor.checkedSize(shape);
    DeviceMemory m = DeviceMemory.allocate(4L * size);
    int r = shape.length == 0 ? 1 : shape[0];
    return new DeviceTensor(shape, m.address(), r == 0 ? tail(shape) : size / Math.max(r, 1), m);
  }

  /** Copies a host float tensor to a new device tensor. */
  public static DeviceTensor upload(Tensor host) {
    DeviceTensor d = allocate(host.shape());
    try {
      d.copyFrom(host);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** A non-owning contiguous view of device memory at {@code address}. */
  static DeviceTensor view(long address, int... shape) {
    int size = Tensor.checkedSize(shape);
    int r = shape.length == 0 ? 1 : shape[0];
    return new DeviceTensor(shape, address, r == 0 ? tail(shape) : size / Math.max(r, 1), null);
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  public int size() {
    return rows * cols;
  }

  /** Number of rows of the 2-D view (the first dimension; 1 for a scalar). */
  public int rows() {
    return rows;
  }

  /** Row length of the 2-D view (the product of the other dimensions). */
  public int cols() {
    return cols;
  }

  /** Floats between the starts of consecutive rows of the 2-D view. */
  public long rowStride() {
    return rowStride;
  }

  public boolean isContiguous() {
    return rowStride == cols || rows <= 1;
  }

  long address() {
    if (owned != null && !owned.isOpen()) {
      throw new IllegalStateException("device tensor " + Arrays.toString(shape) + " is closed");
    }
    return address;
  }

  /** Rows {@code [from, to)} of the 2-D view, sharing memory (no copy). */
  public DeviceTensor rows(int from, int to) {
    if (from < 0 || to < from || to > rows) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows);
    }
    int[] s = shape.length == 0 ? new int[] {1} : shape.clone();
    s[0] = to - from;
    if (s.length == 1 || isContiguous()) {
      return new DeviceTensor(s, address() + 4L * from * rowStride, s.length == 1 ? 1 : rowStride,
          null);
    }
    return new DeviceTensor(new int[] {to - from, cols}, address() + 4L * from * rowStride,
        rowStride, null);
  }

  /** The first {@code count} columns of the 2-D view, as a {@code rows x count} strided view. */
  public DeviceTensor leadingColumns(int count) {
    if (count < 0 || count > cols) {
      throw new IndexOutOfBoundsException(count + " columns of " + cols);
    }
    return new DeviceTensor(new int[] {rows, count}, address(), rowStride, null);
  }

  /** Overwrites this (contiguous) tensor with a host tensor of the same size. */
  public void copyFrom(Tensor host) {
    if (!isContiguous()) {
      throw new IllegalStateException("cannot copy into a strided view");
    }
    if (host.size() != size()) {
      throw new IllegalArgumentException("host tensor " + host + " does not fit device tensor "
          + Arrays.toString(shape));
    }
    if (size() == 0) {
      return;
    }
    checkCuda(cudaMemcpy(at(address()), new FloatPointer(host.data()), 4L * size(),
        cudaMemcpyHostToDevice), "cudaMemcpy(host -> device, " + 4L * size() + " bytes)");
  }

  /** A host copy (contiguous, same shape; a strided view comes back as rows x cols). */
  public Tensor toHost() {
    Tensor t = Tensor.zeros(isContiguous() ? shape : new int[] {rows, cols});
    if (size() == 0) {
      return t;
    }
    FloatPointer dst = new FloatPointer(t.data());
    if (isContiguous()) {
      checkCuda(cudaMemcpy(dst, at(address()), 4L * size(), cudaMemcpyDeviceToHost),
          "cudaMemcpy(device -> host, " + 4L * size() + " bytes)");
    } else {
      checkCuda(cudaMemcpy2D(dst, 4L * cols, at(address()), 4L * rowStride, 4L * cols, rows,
          cudaMemcpyDeviceToHost), "cudaMemcpy2D(device -> host, " + rows + " x " + cols + ")");
    }
    return t;
  }

  /** Frees the memory if this tensor owns it; a view's close does nothing. Idempotent. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  @Override
  public String toString() {
    return "DeviceTensor" + Arrays.toString(shape) + (isContiguous() ? "" : " stride " + rowStride);
  }
}
