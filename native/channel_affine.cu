// Per-channel affine map on an (n, c, inner) layout: y = x * scale[ch] + shift[ch], optionally
// followed by ReLU. Serves conv bias (scale = NULL), Gemm bias (inner = 1), inference
// BatchNormalization (scale and shift folded on the host). NULL scale means 1, NULL shift 0.
// In place allowed. Grid-stride, memory-bound.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void channel_affine_kernel(long long total, int c, long long inner, const float* x,
                                      const float* __restrict__ scale,
                                      const float* __restrict__ shift, float* y, int relu) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    int ch = static_cast<int>((e / inner) % c);
    float v = x[e];
    if (scale != nullptr) v *= scale[ch];
    if (shift != nullptr) v += shift[ch];
    if (relu && v < 0.0f) v = 0.0f;
    y[e] = v;
  }
}

}  // namespace

extern "C" int bocomp_channel_affine(int n, int c, long long inner, const float* x,
                                     const float* scale, const float* shift, float* y, int relu,
                                     void* stream) {
  if (n < 0 || c < 0 || inner < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  long long total = static_cast<long long>(n) * c * inner;
  if (total == 0) return BOCOMP_OK;
  if (x == nullptr || y == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (total + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  channel_affine_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      total, c, inner, x, scale, shift, y, relu);
  return bocomp_launch_status();
}
