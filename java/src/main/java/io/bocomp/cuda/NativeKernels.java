package io.bocomp.cuda;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code native/bocomp_cuda.h} (libbocomp_cuda.so). The javacpp Maven plugin
 * generates the JNI glue at build time (profile {@code cuda}); {@code cudart@.13} is preloaded so
 * our library and the cudart preset share one CUDA runtime. Device pointers and streams travel as
 * raw addresses ({@code long}); only {@link CudaCalls} and the device-memory classes call these
 * methods, and they check every returned status.
 */
@Properties(
    value = @Platform(include = "bocomp_cuda.h", link = "bocomp_cuda", preload = "cudart@.13"))
final class NativeKernels {
  static {
    Loader.load();
  }

  private NativeKernels() {}

  static native @Cast("const char*") org.bytedeco.javacpp.BytePointer bocomp_status_string(int status);

  static native int bocomp_cuda_device_count();

  static native int bocomp_cuda_probe(int[] count);

  static native int bocomp_jacobi_svd_shared_limit(int[] floats);

  static native int bocomp_jacobi_svd_batched(int batch,
      @Cast("const bocomp_svd_job*") long jobs, int sharedFloats, int threads, float tolFactor,
      int maxSweeps, @Cast("int*") long sweeps, @Cast("void*") long stream);

  static native int bocomp_eig_to_svd(int k, @Cast("const double*") long w,
      @Cast("const double*") long q, @Cast("double*") long qDesc, @Cast("float*") long s,
      @Cast("double*") long invS, double rtol, @Cast("void*") long stream);

  static native int bocomp_cast_f32_to_f64(long count, @Cast("const float*") long src,
      @Cast("double*") long dst, @Cast("void*") long stream);

  static native int bocomp_scale_cast_f64_to_f32(int rows, int cols, @Cast("const double*") long src,
      @Cast("const double*") long scale, int scaleMode, int transpose, @Cast("float*") long dst,
      @Cast("void*") long stream);

  static native int bocomp_unfold_mode1(int d0, int d1, int inner, @Cast("const float*") long src,
      @Cast("float*") long dst, @Cast("void*") long stream);

  static native int bocomp_reverse_eigenpairs_f32(int k, @Cast("const float*") long w,
      @Cast("const float*") long q, @Cast("float*") long qDesc, @Cast("float*") long wDesc,
      @Cast("void*") long stream);

  static native long bocomp_sq_distance_workspace(int n, int d);

  static native int bocomp_sq_distance(int n, int d, @Cast("const float*") long out,
      @Cast("const float*") long ref, @Cast("double*") long work,
      @Cast("unsigned int*") long counter, @Cast("double*") long perSample,
      @Cast("double*") long stats, @Cast("void*") long stream);

  static native int bocomp_im2col(int n, int c, int h, int w, int kh, int kw, int ph, int pw,
      int sh, int sw, int dh, int dw, int oh, int ow, @Cast("const float*") long x,
      @Cast("float*") long col, @Cast("void*") long stream);

  static native int bocomp_clamp(long count, @Cast("const float*") long x, @Cast("float*") long y,
      float lo, float hi, @Cast("void*") long stream);

  static native int bocomp_channel_affine(int n, int c, long inner, @Cast("const float*") long x,
      @Cast("const float*") long scale, @Cast("const float*") long shift, @Cast("float*") long y,
      int relu, @Cast("void*") long stream);

  static native int bocomp_add_broadcast(int rank, @Cast("const long long*") long[] shape,
      @Cast("const long long*") long[] aStrides, @Cast("const long long*") long[] bStrides,
      @Cast("const float*") long a, @Cast("const float*") long b, @Cast("float*") long out,
      @Cast("void*") long stream);

  static native int bocomp_pool2d(int mode, int n, int c, int h, int w, int kh, int kw, int ph,
      int pw, int sh, int sw, int oh, int ow, @Cast("const float*") long x, @Cast("float*") long y,
      @Cast("void*") long stream);

  static native int bocomp_softmax_rows(long rows, int cols, @Cast("const float*") long x,
      @Cast("float*") long y, @Cast("void*") long stream);

  /** Pooling modes of {@link #bocomp_pool2d}. */
  static final int POOL_MAX = 0;
  static final int POOL_AVG_EXCLUDE_PAD = 1;
  static final int POOL_AVG_INCLUDE_PAD = 2;

  /** Scale modes of {@link #bocomp_scale_cast_f64_to_f32}. */
  static final int SCALE_NONE = 0;
  static final int SCALE_ROWS = 1;
  static final int SCALE_COLS = 2;
}
