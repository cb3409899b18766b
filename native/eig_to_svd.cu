// Gram-route step: from a symmetric eigendecomposition G = Q diag(w) Q^T of G = A^T A (or A A^T),
// as cuSOLVER syevd returns it (w ascending, Q column-major), to singular triplets in descending
// order: Q's columns reversed, s_j = sqrt(max(w_{k-1-j}, 0)) and 1/s_j for the product that forms
// the other side (U = A V S^-1 or Vt = S^-1 U^T A).
//
// Limits: singular values at or below rtol * s_0 get inv_s = 0, so their other-side vectors come out zero
// (the Gram route cannot resolve them: its error in s_j is about eps64 * s_0^2 / s_j); the Java side
// completes those vectors to an orthonormal basis.
#include <cmath>

#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void eig_to_svd_kernel(int k, const double* __restrict__ w, const double* __restrict__ q,
                                  double* __restrict__ q_desc, float* __restrict__ s,
                                  double* __restrict__ inv_s, double rtol) {
  const size_t total = static_cast<size_t>(k) * k;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  const size_t first = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  for (size_t e = first; e < total; e += stride) {
    size_t j = e / k, i = e % k;  // column j of q_desc = column k-1-j of q
    q_desc[e] = q[(k - 1 - j) * static_cast<size_t>(k) + i];
  }
  // The keep/drop test is made on the float values the caller receives, in float arithmetic, so
  // the Java side can repeat it exactly (GramSvd.nullIndices).
  const float s0 = static_cast<float>(sqrt(fmax(w[k - 1], 0.0)));
  const float rtol_f = static_cast<float>(rtol);
  for (size_t j = first; j < static_cast<size_t>(k); j += stride) {
    double sj = sqrt(fmax(w[k - 1 - j], 0.0));
    float sf = static_cast<float>(sj);
    s[j] = sf;
    inv_s[j] = (sf > 0.0f && sf > __fmul_rn(rtol_f, s0)) ? 1.0 / sj : 0.0;
  }
}

}  // namespace

extern "C" int bocomp_eig_to_svd(int k, const double* w, const double* q, double* q_desc, float* s,
                                 double* inv_s, double rtol, void* stream) {
  if (k < 0 || !(rtol >= 0.0)) return BOCOMP_ERR_INVALID_ARGUMENT;
  if (k == 0) return BOCOMP_OK;
  if (w == nullptr || q == nullptr || q_desc == nullptr || s == nullptr || inv_s == nullptr) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  const int threads = 256;
  long long blocks = (static_cast<long long>(k) * k + threads - 1) / threads;
  if (blocks > 65535) blocks = 65535;
  eig_to_svd_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      k, w, q, q_desc, s, inv_s, rtol);
  return bocomp_launch_status();
}
