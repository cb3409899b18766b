// Batched thin SVD by one-sided Jacobi (Hestenes), one thread block per matrix.
//
// Algorithm: let X be the k = min(m, n) columns of length len = max(m, n) to orthogonalize (the
// columns of A when m >= n, the rows of A otherwise). Each sweep visits every column pair once in
// the round-robin order of jacobi_schedule.h; the P/2 pairs of a round are disjoint, so the warps
// of the block rotate them concurrently (one warp per pair, lanes striding over the column).
// A pair (p, q) with alpha = |x_p|^2, beta = |x_q|^2, gamma = x_p . x_q is rotated when
// |gamma| > tol * sqrt(alpha * beta), tol = tol_factor * sqrt(len) * FLT_EPSILON (LAPACK sgesvj's
// threshold), with the rotation that zeroes gamma; the same rotation accumulates V (k x k). The
// matrix has converged when a whole sweep rotates nothing. Then s_j = |x_j|, the normalized x_j are
// one set of singular vectors and V the other, written out sorted by descending s_j.
//
// Precision: data and rotations are applied in float; the three dot products and the rotation
// angle are computed in double, so convergence to the threshold above is reliable. Warp sums are
// broadcast from lane 0, so every lane makes the same rotate/skip decision.
//
// Memory: X, V, s and the sort permutation take k * (len + k + 2) floats, in shared memory when
// that fits the launch's dynamic shared memory (fast path for small matrices), else in the job's
// global `work` buffer (L2-resident for medium matrices).
//
// Limits: one block per matrix, so a single large matrix uses one SM; cost per sweep is
// O(k^2 len / (warps)) — the Java side sends large matrices to the Gram route (cuSOLVER) instead,
// at a size crossover (BatchedSvd.JACOBI_MAX_WORK). A zero column gives s_j = 0 and a zero
// singular vector (the Java side completes those to an orthonormal basis). Inputs must be finite.
#include <cfloat>
#include <cmath>

#include "bocomp_cuda.h"
#include "jacobi_schedule.h"
#include "status_internal.h"

static_assert(sizeof(bocomp_svd_job) == 64, "bocomp_svd_job must be 64 bytes (Java writes it)");

namespace {

constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ double warp_sum_from_lane0(double v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(kFullMask, v, off);
  return __shfl_sync(kFullMask, v, 0);
}

// Sort key: NaN sorts last so ranks stay a permutation.
__device__ __forceinline__ float sort_key(float s) { return isnan(s) ? -1.0f : s; }

__global__ void jacobi_svd_kernel(const bocomp_svd_job* __restrict__ jobs, long long shared_floats,
                                  float tol_factor, int max_sweeps, int* __restrict__ sweeps_out) {
  extern __shared__ float smem[];
  __shared__ int rotated;

  const bocomp_svd_job job = jobs[blockIdx.x];
  const int m = static_cast<int>(job.m);
  const int n = static_cast<int>(job.n);
  const bool by_rows = m < n;  // X = A^T: its columns are A's rows
  const int k = by_rows ? m : n;
  const int len = by_rows ? n : m;
  const int tid = threadIdx.x;
  const int nthreads = blockDim.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int nwarps = nthreads >> 5;

  const long long need = static_cast<long long>(k) * (len + k + 2);
  float* base = need <= shared_floats ? smem : job.work;
  if (base == nullptr) {
    if (tid == 0) sweeps_out[blockIdx.x] = -2;
    return;
  }
  float* X = base;                                   // column j at X + j * len
  float* V = X + static_cast<size_t>(k) * len;       // column j at V + j * k
  float* sig = V + static_cast<size_t>(k) * k;       // k singular values (unsorted)
  int* order = reinterpret_cast<int*>(sig + k);      // order[r] = column with rank r

  // Load X (transposing when X holds A's columns) and V = I.
  const size_t total = static_cast<size_t>(m) * n;
  if (by_rows) {
    for (size_t e = tid; e < total; e += nthreads) X[e] = job.a[e];
  } else {
    for (size_t e = tid; e < total; e += nthreads) {
      size_t i = e / n, j = e % n;
      X[j * len + i] = job.a[e];
    }
  }
  for (size_t e = tid; e < static_cast<size_t>(k) * k; e += nthreads) {
    V[e] = (e / k == e % k) ? 1.0f : 0.0f;
  }
  __syncthreads();

  const double tol = static_cast<double>(tol_factor) * sqrt(static_cast<double>(len)) * FLT_EPSILON;
  const int players = bocomp_jacobi_players(k);
  const int pairs = players / 2;
  int sweep = 0;
  bool converged = k < 2;
  while (!converged && sweep < max_sweeps) {
    if (tid == 0) rotated = 0;
    __syncthreads();
    for (int round = 0; round < players - 1; ++round) {
      for (int pr = warp; pr < pairs; pr += nwarps) {
        int p, q;
        bocomp_jacobi_pair(players, round, pr, &p, &q);
        if (q >= k) continue;  // the dummy column of an odd k
        float* xp = X + static_cast<size_t>(p) * len;
        float* xq = X + static_cast<size_t>(q) * len;
        double alpha = 0.0, beta = 0.0, gamma = 0.0;
        for (int i = lane; i < len; i += 32) {
          double u = xp[i], v = xq[i];
          alpha += u * u;
          beta += v * v;
          gamma += u * v;
        }
        alpha = warp_sum_from_lane0(alpha);
        beta = warp_sum_from_lane0(beta);
        gamma = warp_sum_from_lane0(gamma);
        if (!(fabs(gamma) > tol * sqrt(alpha * beta))) continue;  // also skips NaN
        if (lane == 0) rotated = 1;
        double zeta = (beta - alpha) / (2.0 * gamma);
        double t = fabs(zeta) > 1e150
                       ? 0.5 / zeta
                       : (zeta >= 0.0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1.0 + zeta * zeta));
        double c = 1.0 / sqrt(1.0 + t * t);
        float cf = static_cast<float>(c);
        float sf = static_cast<float>(c * t);
        for (int i = lane; i < len; i += 32) {
          float u = xp[i], v = xq[i];
          xp[i] = cf * u - sf * v;
          xq[i] = sf * u + cf * v;
        }
        float* vp = V + static_cast<size_t>(p) * k;
        float* vq = V + static_cast<size_t>(q) * k;
        for (int i = lane; i < k; i += 32) {
          float u = vp[i], v = vq[i];
          vp[i] = cf * u - sf * v;
          vq[i] = sf * u + cf * v;
        }
      }
      __syncthreads();
    }
    ++sweep;
    converged = rotated == 0;
    __syncthreads();  // everyone has read `rotated` before thread 0 clears it
  }
  if (tid == 0) sweeps_out[blockIdx.x] = converged ? sweep : -1;

  // Singular values = column norms; ranks by descending value (ties by index).
  for (int j = warp; j < k; j += nwarps) {
    const float* xj = X + static_cast<size_t>(j) * len;
    double ss = 0.0;
    for (int i = lane; i < len; i += 32) ss += static_cast<double>(xj[i]) * xj[i];
    ss = warp_sum_from_lane0(ss);
    if (lane == 0) sig[j] = static_cast<float>(sqrt(ss));
  }
  __syncthreads();
  for (int j = tid; j < k; j += nthreads) {
    float sj = sort_key(sig[j]);
    int r = 0;
    for (int i = 0; i < k; ++i) {
      float si = sort_key(sig[i]);
      r += (si > sj) || (si == sj && i < j);
    }
    order[r] = j;
    job.s[r] = sig[j];
  }
  __syncthreads();

  // The X side: normalized columns. Column-of-output index r is the fastest (coalesced writes).
  float* xside = by_rows ? job.vt : job.u;  // by_rows: Vt[r][i] (k x len); else U[i][r] (len x k)
  for (size_t e = tid; e < static_cast<size_t>(k) * len; e += nthreads) {
    size_t i, r;
    if (by_rows) {
      r = e / len;
      i = e % len;
    } else {
      i = e / k;
      r = e % k;
    }
    int j = order[r];
    float s = sig[j];
    double inv = s > 0.0f ? 1.0 / static_cast<double>(s) : 0.0;
    xside[e] = static_cast<float>(X[static_cast<size_t>(j) * len + i] * inv);
  }
  // The V side: by_rows: U[i][r] = V_j[i] (k x k); else Vt[r][i] = V_j[i] (k x k).
  float* vside = by_rows ? job.u : job.vt;
  for (size_t e = tid; e < static_cast<size_t>(k) * k; e += nthreads) {
    size_t i, r;
    if (by_rows) {
      i = e / k;
      r = e % k;
    } else {
      r = e / k;
      i = e % k;
    }
    vside[e] = V[static_cast<size_t>(order[r]) * k + i];
  }
}

}  // namespace

extern "C" int bocomp_jacobi_svd_shared_limit(int* floats) {
  if (floats == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  *floats = 0;
  int device = 0, optin = 0;
  cudaError_t err = cudaGetDevice(&device);
  if (err == cudaSuccess) {
    err = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
  }
  cudaFuncAttributes attrs{};
  if (err == cudaSuccess) err = cudaFuncGetAttributes(&attrs, jacobi_svd_kernel);
  if (err != cudaSuccess) return bocomp_record_cuda_error(err);
  long long bytes = static_cast<long long>(optin) - static_cast<long long>(attrs.sharedSizeBytes);
  *floats = bytes > 0 ? static_cast<int>(bytes / sizeof(float)) : 0;
  return BOCOMP_OK;
}

extern "C" int bocomp_jacobi_svd_batched(int batch, const bocomp_svd_job* jobs, int shared_floats,
                                         int threads, float tol_factor, int max_sweeps,
                                         int* sweeps, void* stream) {
  if (batch < 0 || shared_floats < 0 || threads < 32 || threads > 1024 || threads % 32 != 0 ||
      !(tol_factor > 0.0f) || max_sweeps < 1) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  if (batch == 0) return BOCOMP_OK;
  if (jobs == nullptr || sweeps == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  size_t bytes = static_cast<size_t>(shared_floats) * sizeof(float);
  cudaError_t err = cudaFuncSetAttribute(jacobi_svd_kernel,
                                         cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(bytes));
  if (err != cudaSuccess) return bocomp_record_cuda_error(err);
  jacobi_svd_kernel<<<batch, threads, bytes, static_cast<cudaStream_t>(stream)>>>(
      jobs, shared_floats, tol_factor, max_sweeps, sweeps);
  return bocomp_launch_status();
}
