/*
 * bocomp native ABI: flat extern "C" functions returning a bocomp_status. Nothing here prints or
 * exits; bocomp_status_string() turns a status into text for the Java facade's NativeException.
 * Device pointers are plain pointers to device memory the caller allocated (cudaMalloc); streams are
 * cudaStream_t passed as void*. Every launch is asynchronous on the given stream; a status other
 * than BOCOMP_OK means the launch itself failed (bad arguments or a CUDA error already pending).
 * Matrices are row-major unless a comment says column-major.
 */
#ifndef BOCOMP_CUDA_H
#define BOCOMP_CUDA_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bocomp_status {
  BOCOMP_OK = 0,
  BOCOMP_ERR_INVALID_ARGUMENT = 1,
  BOCOMP_ERR_CUDA = 2,
  BOCOMP_ERR_NO_DEVICE = 3,
  BOCOMP_ERR_OUT_OF_MEMORY = 4,
  BOCOMP_ERR_NOT_CONVERGED = 5
} bocomp_status;

/* Text for a status; for BOCOMP_ERR_CUDA, the last CUDA error seen on this thread. Never NULL. */
const char* bocomp_status_string(int status);

/* Number of CUDA devices visible (0 when no driver or no GPU; never an error). */
int bocomp_cuda_device_count(void);

/*
 * Like bocomp_cuda_device_count, but says why there is none: BOCOMP_OK with *count >= 0, or
 * BOCOMP_ERR_CUDA with the CUDA error text (e.g. "CUDA driver version is insufficient") recorded
 * for bocomp_status_string.
 */
int bocomp_cuda_probe(int* count);

/* ---- batched one-sided Jacobi SVD (jacobi_svd.cu) ---------------------------------------- */

/*
 * One matrix of a batched Jacobi SVD. A (m x n) = U (m x k) diag(s) Vt (k x n), k = min(m, n).
 * All pointers are device pointers. `work` holds k * (max(m, n) + k + 2) floats and is needed
 * only when that many floats exceed the launch's shared_floats (NULL otherwise). 64 bytes; the
 * Java side writes these records directly.
 */
typedef struct bocomp_svd_job {
  long long m;
  long long n;
  const float* a;
  float* u;
  float* s;
  float* vt;
  float* work;
  long long reserved;
} bocomp_svd_job;

/*
 * Largest dynamic shared memory (in floats) a jacobi launch may use on the current device: the
 * per-block opt-in limit minus the kernel's static shared memory.
 */
int bocomp_jacobi_svd_shared_limit(int* floats);

/*
 * Thin SVD of `batch` matrices, one thread block per matrix (jobs: device array). Singular values
 * descending; a zero singular value gets a zero singular-vector column/row (callers complete
 * those). tol_factor scales the rotation threshold sqrt(max(m,n)) * FLT_EPSILON; sweeps[b] (device)
 * receives the sweeps used, or -1 if max_sweeps did not converge, or -2 if the job needed `work`
 * and had none. threads: a multiple of 32 in [32, 1024].
 */
int bocomp_jacobi_svd_batched(int batch, const bocomp_svd_job* jobs, int shared_floats,
                              int threads, float tol_factor, int max_sweeps, int* sweeps,
                              void* stream);

/* ---- Gram-route helpers (eig_to_svd.cu, cast_f32_to_f64.cu, scale_cast_f64_to_f32.cu) ----- */

/*
 * From a symmetric eigendecomposition (w ascending, q: k x k column-major eigenvectors, as
 * cuSOLVER syevd leaves them) to singular triplets in descending order: q_desc gets the columns
 * of q reversed, s[j] = sqrt(max(w[k-1-j], 0)) (float), inv_s[j] = 1 / s[j] where
 * s[j] > rtol * s[0] (compared in float, on the returned values), else 0.
 */
int bocomp_eig_to_svd(int k, const double* w, const double* q, double* q_desc, float* s,
                      double* inv_s, double rtol, void* stream);

/* dst[i] = (double) src[i] for i < count. */
int bocomp_cast_f32_to_f64(long long count, const float* src, double* dst, void* stream);

/* Scale modes of bocomp_scale_cast_f64_to_f32. */
#define BOCOMP_SCALE_NONE 0
#define BOCOMP_SCALE_ROWS 1
#define BOCOMP_SCALE_COLS 2

/*
 * dst = (float) (src scaled), src row-major rows x cols; scale_mode multiplies row i by scale[i]
 * or column j by scale[j]. With transpose != 0, dst is the cols x rows transpose.
 */
int bocomp_scale_cast_f64_to_f32(int rows, int cols, const double* src, const double* scale,
                                 int scale_mode, int transpose, float* dst, void* stream);

/* ---- Tucker-2 helpers (unfold_mode1.cu, reverse_eigenpairs.cu) -------------------------- */

/* q_desc = q (k x k column-major) with its columns reversed; w_desc = w reversed (float). */
int bocomp_reverse_eigenpairs_f32(int k, const float* w, const float* q, float* q_desc,
                                  float* w_desc, void* stream);

/*
 * Mode-1 unfolding of a d0 x d1 x inner tensor: dst[i][o][t] = src[o][i][t] (dst is
 * d1 x (d0 * inner) row-major).
 */
int bocomp_unfold_mode1(int d0, int d1, int inner, const float* src, float* dst, void* stream);

/* ---- fused output distance (sq_distance.cu) ---------------------------------------------- */

/* Doubles of workspace bocomp_sq_distance needs for n samples of d values. */
long long bocomp_sq_distance_workspace(int n, int d);

/*
 * Per-sample squared L2 distance between rows of out and ref (n x d), then mean and standard
 * error of the mean (sample variance, n - 1; 0 for n = 1), in one launch: blocks reduce fixed
 * chunks, the last block to finish (an integer counter, which it resets to 0) reduces the
 * partials in a fixed order. Bit-for-bit repeatable. per_sample: n doubles; stats: 2 doubles
 * (mean, stderr); counter: one unsigned int, zero before the first call.
 */
int bocomp_sq_distance(int n, int d, const float* out, const float* ref, double* work,
                       unsigned int* counter, double* per_sample, double* stats, void* stream);

/* ---- forward-pass ops of the GPU executable (one per .cu) --------------------------------- */

/* im2col for Conv as GEMM (im2col.cu): col is n x (c*kh*kw) x (oh*ow); ph, pw: top/left pads. */
int bocomp_im2col(int n, int c, int h, int w, int kh, int kw, int ph, int pw, int sh, int sw,
                  int dh, int dw, int oh, int ow, const float* x, float* col, void* stream);

/* y = clamp(x, lo, hi) element-wise (clamp.cu): Relu and Clip. y may equal x. */
int bocomp_clamp(long long count, const float* x, float* y, float lo, float hi, void* stream);

/*
 * y = x * scale[ch] + shift[ch] (then ReLU if relu != 0) on an (n, c, inner) layout
 * (channel_affine.cu); scale or shift may be NULL. y may equal x.
 */
int bocomp_channel_affine(int n, int c, long long inner, const float* x, const float* scale,
                          const float* shift, float* y, int relu, void* stream);

/*
 * out = a + b with broadcasting (add_broadcast.cu): shape (rank <= 6) is the output shape; the
 * operand strides (in elements, 0 along broadcast dimensions) are host arrays.
 */
int bocomp_add_broadcast(int rank, const long long* shape, const long long* a_strides,
                         const long long* b_strides, const float* a, const float* b, float* out,
                         void* stream);

/* Pooling modes of bocomp_pool2d. */
#define BOCOMP_POOL_MAX 0
#define BOCOMP_POOL_AVG_EXCLUDE_PAD 1
#define BOCOMP_POOL_AVG_INCLUDE_PAD 2

/* 2-D pooling over NCHW (pool2d.cu); ph, pw: top/left pads; ceil_mode 0. */
int bocomp_pool2d(int mode, int n, int c, int h, int w, int kh, int kw, int ph, int pw, int sh,
                  int sw, int oh, int ow, const float* x, float* y, void* stream);

/* Softmax over the last axis of a rows x cols matrix (softmax_rows.cu). y may equal x. */
int bocomp_softmax_rows(long long rows, int cols, const float* x, float* y, void* stream);

#ifdef __cplusplus
}
#endif

#endif /* BOCOMP_CUDA_H */
