// Widening copy float -> double (the Gram route forms A^T A in double: squaring the condition
// number in float would lose every singular value below ~3e-4 * s_0). Grid-stride loop; memory-bound.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void cast_f32_to_f64_kernel(long long count, const float* __restrict__ src,
                                       double* __restrict__ dst) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    dst[i] = static_cast<double>(src[i]);
  }
}

}  // namespace

extern "C" int bocomp_cast_f32_to_f64(long long count, const float* src, double* dst, void* stream) {
  if (count < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  if (count == 0) return BOCOMP_OK;
  if (src == nullptr || dst == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (count + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  cast_f32_to_f64_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      count, src, dst);
  return bocomp_launch_status();
}
