// Mode-1 unfolding for Tucker-2: a conv kernel W (Cout x Cin x kh*kw) becomes W_(1)
// (Cin x Cout*kh*kw), dst[i][o][t] = src[o][i][t], so its Gram matrix W_(1) W_(1)^T is one SYRK.
// One thread per output element: writes are coalesced, reads are contiguous runs of `inner`.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void unfold_mode1_kernel(int d0, int d1, int inner, const float* __restrict__ src,
                                    float* __restrict__ dst) {
  const size_t total = static_cast<size_t>(d0) * d1 * inner;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  const size_t row = static_cast<size_t>(d0) * inner;  // dst row length
  for (size_t e = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    size_t i = e / row, rest = e % row;
    size_t o = rest / inner, t = rest % inner;
    dst[e] = src[(o * d1 + i) * inner + t];
  }
}

}  // namespace

extern "C" int bocomp_unfold_mode1(int d0, int d1, int inner, const float* src, float* dst,
                                   void* stream) {
  if (d0 < 0 || d1 < 0 || inner < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  long long total = static_cast<long long>(d0) * d1 * inner;
  if (total == 0) return BOCOMP_OK;
  if (src == nullptr || dst == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (total + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  unfold_mode1_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      d0, d1, inner, src, dst);
  return bocomp_launch_status();
}
