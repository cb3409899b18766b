// ONNX Add with numpy broadcasting, up to 6 dimensions: out[i] = a[i . sa] + b[i . sb], where the
// strides sa, sb are 0 along broadcast dimensions (the host computes them). One thread per output
// element, grid-stride. In place allowed when out aliases an operand of the same shape.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

constexpr int kMaxRank = 6;

struct Broadcast {
  int rank;
  long long shape[kMaxRank];
  long long sa[kMaxRank];
  long long sb[kMaxRank];
};

__global__ void add_broadcast_kernel(long long total, Broadcast bc, const float* a, const float* b,
                                     float* out) {
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    long long rest = e, ia = 0, ib = 0;
    for (int d = bc.rank - 1; d >= 0; --d) {
      long long i = rest % bc.shape[d];
      rest /= bc.shape[d];
      ia += i * bc.sa[d];
      ib += i * bc.sb[d];
    }
    out[e] = a[ia] + b[ib];
  }
}

}  // namespace

extern "C" int bocomp_add_broadcast(int rank, const long long* shape, const long long* a_strides,
                                    const long long* b_strides, const float* a, const float* b,
                                    float* out, void* stream) {
  if (rank < 0 || rank > kMaxRank || (rank > 0 && (shape == nullptr || a_strides == nullptr ||
                                                   b_strides == nullptr))) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  Broadcast bc{};
  bc.rank = rank;
  long long total = 1;
  for (int d = 0; d < rank; ++d) {
    if (shape[d] < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
    bc.shape[d] = shape[d];
    bc.sa[d] = a_strides[d];
    bc.sb[d] = b_strides[d];
    total *= shape[d];
  }
  if (total == 0) return BOCOMP_OK;
  if (a == nullptr || b == nullptr || out == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (total + threads - 1) / threads;
  if (blocks > 8192) blocks = 8192;
  add_broadcast_kernel<<<static_cast<int>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      total, bc, a, b, out);
  return bocomp_launch_status();
}
