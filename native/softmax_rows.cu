// Softmax over the last axis of a (rows x cols) matrix, one warp per row: max, sum of exp(x - max)
// (float, expf), then scale. Three passes over the row in registers/L1; rows of any length.
// NaN inputs propagate. In place allowed.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

constexpr unsigned kFullMask = 0xffffffffu;

__global__ void softmax_rows_kernel(long long rows, int cols, const float* x, float* y) {
  const int lane = threadIdx.x & 31;
  const long long warps = (static_cast<long long>(gridDim.x) * blockDim.x) >> 5;
  for (long long r = (static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x) >> 5; r < rows;
       r += warps) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    float m = -INFINITY;
    for (int j = lane; j < cols; j += 32) m = fmaxf(m, in[j]);
    for (int off = 16; off > 0; off >>= 1) m = fmaxf(m, __shfl_xor_sync(kFullMask, m, off));
    float s = 0.0f;
    for (int j = lane; j < cols; j += 32) s += expf(in[j] - m);
    for (int off = 16; off > 0; off >>= 1) s += __shfl_xor_sync(kFullMask, s, off);
    s = __shfl_sync(kFullMask, s, 0);
    float inv = 1.0f / s;
    for (int j = lane; j < cols; j += 32) out[j] = expf(in[j] - m) * inv;
  }
}

}  // namespace

extern "C" int bocomp_softmax_rows(long long rows, int cols, const float* x, float* y,
                                   void* stream) {
  if (rows < 0 || cols < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  if (rows == 0 || cols == 0) return BOCOMP_OK;
  if (x == nullptr || y == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (rows * 32 + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  softmax_rows_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      rows, cols, x, y);
  return bocomp_launch_status();
}
