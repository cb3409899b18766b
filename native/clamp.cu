// Element-wise clamp y = min(max(x, lo), hi): ONNX Relu (lo = 0, hi = +inf) and Clip. NaN stays
// NaN (fmaxf/fminf would drop it; ONNX keeps it). In place allowed (y == x). Grid-stride, memory-bound.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void clamp_kernel(long long count, const float* x, float* y, float lo, float hi) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    float v = x[i];
    y[i] = v < lo ? lo : (v > hi ? hi : v);
  }
}

}  // namespace

extern "C" int bocomp_clamp(long long count, const float* x, float* y, float lo, float hi,
                            void* stream) {
  if (count < 0 || lo > hi) return BOCOMP_ERR_INVALID_ARGUMENT;
  if (count == 0) return BOCOMP_OK;
  if (x == nullptr || y == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (count + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  clamp_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      count, x, y, lo, hi);
  return bocomp_launch_status();
}
