// Tucker-2 step: cuSOLVER syevd returns eigenpairs in ascending order; Tucker factors want them
// descending (leading eigenvectors first, so truncation to rank r is a prefix). q_desc gets q's
// columns (column-major, k x k) reversed and w_desc the eigenvalues reversed. Float, one pass.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void reverse_eigenpairs_kernel(int k, const float* __restrict__ w, const float* __restrict__ q,
                                          float* __restrict__ q_desc, float* __restrict__ w_desc) {
  const size_t total = static_cast<size_t>(k) * k;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  const size_t first = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  for (size_t e = first; e < total; e += stride) {
    size_t j = e / k, i = e % k;
    q_desc[e] = q[(k - 1 - j) * static_cast<size_t>(k) + i];
  }
  for (size_t j = first; j < static_cast<size_t>(k); j += stride) w_desc[j] = w[k - 1 - j];
}

}  // namespace

extern "C" int bocomp_reverse_eigenpairs_f32(int k, const float* w, const float* q, float* q_desc,
                                             float* w_desc, void* stream) {
  if (k < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  if (k == 0) return BOCOMP_OK;
  if (w == nullptr || q == nullptr || q_desc == nullptr || w_desc == nullptr) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  const int threads = 256;
  long long blocks = (static_cast<long long>(k) * k + threads - 1) / threads;
  if (blocks > 65535) blocks = 65535;
  reverse_eigenpairs_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      k, w, q, q_desc, w_desc);
  return bocomp_launch_status();
}
