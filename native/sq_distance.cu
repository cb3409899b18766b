// Fused output distance for the tuner's objective: per-sample ||out_i - ref_i||^2 over n rows of d
// logits, then mean and standard error of the mean, in one launch that reads each logit once.
//
// Algorithm: distance_plan.h cuts the rows into chunks, one block each. A block sums its chunk's
// squared differences (differences and squares in double) with a fixed-shape tree (warp shuffles,
// then one warp over the warp sums), writes one partial, fences, and takes a ticket from an
// integer counter. The block that draws the last ticket reduces the partials: one warp per sample
// (lanes stride over that sample's chunks in a fixed order), then the mean and the two-pass sample
// variance with the same fixed tree, and resets the counter. No floating-point atomics anywhere,
// so the result is bit-for-bit repeatable; only n + 2 doubles ever leave the device.
//
// Limits: n >= 1; the counter must be zero before the first launch and launches sharing one counter
// must be serialized on one stream. Throughput is HBM-bound for large n*d; for tiny inputs (50 x 1000
// = 400 KB) launch latency dominates.
#include "bocomp_cuda.h"
#include "distance_plan.h"
#include "status_internal.h"

namespace {

constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ double warp_sum(double v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(kFullMask, v, off);
  return v;  // valid in lane 0
}

// Sum over the block in a fixed order; every thread gets the result. scratch: 33 doubles.
__device__ double block_sum(double v, double* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = (blockDim.x + 31) >> 5;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    double w = lane < nwarps ? scratch[lane] : 0.0;
    w = warp_sum(w);
    if (lane == 0) scratch[32] = w;
  }
  __syncthreads();
  double total = scratch[32];
  __syncthreads();  // scratch may be reused right after
  return total;
}

__global__ void sq_distance_kernel(int n, int d, long long chunk, long long chunks,
                                   const float* __restrict__ out, const float* __restrict__ ref,
                                   double* __restrict__ partial, unsigned int* counter,
                                   double* __restrict__ per_sample, double* __restrict__ stats) {
  __shared__ double scratch[33];
  __shared__ bool is_last;
  const long long b = blockIdx.x;
  const long long sample = b / chunks;
  const long long begin = (b % chunks) * chunk;
  long long end = begin + chunk;
  if (end > d) end = d;
  const float* o = out + sample * d;
  const float* r = ref + sample * d;

  double acc = 0.0;
#pragma unroll 4
  for (long long e = begin + threadIdx.x; e < end; e += blockDim.x) {
    double diff = static_cast<double>(o[e]) - static_cast<double>(r[e]);
    acc += diff * diff;
  }
  double total = block_sum(acc, scratch);
  if (threadIdx.x == 0) {
    partial[b] = total;
    __threadfence();
    unsigned int ticket = atomicAdd(counter, 1u);
    is_last = ticket == gridDim.x - 1;
  }
  __syncthreads();
  if (!is_last) return;

  // Last block: per-sample sums (one warp per sample), then mean and sample variance.
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (int s = warp; s < n; s += nwarps) {
    double v = 0.0;
    for (long long c = lane; c < chunks; c += 32) v += __ldcg(&partial[s * chunks + c]);
    v = warp_sum(v);
    if (lane == 0) per_sample[s] = v;
  }
  __syncthreads();
  double sum = 0.0;
  for (int s = threadIdx.x; s < n; s += blockDim.x) sum += per_sample[s];
  const double mean = block_sum(sum, scratch) / n;
  double dev = 0.0;
  for (int s = threadIdx.x; s < n; s += blockDim.x) {
    double x = per_sample[s] - mean;
    dev += x * x;
  }
  const double ss = block_sum(dev, scratch);
  if (threadIdx.x == 0) {
    stats[0] = mean;
    stats[1] = n > 1 ? sqrt(ss / (n - 1) / n) : 0.0;
    *counter = 0u;
  }
}

}  // namespace

extern "C" long long bocomp_sq_distance_workspace(int n, int d) {
  if (n < 1 || d < 0) return 0;
  return bocomp_plan_sq_distance(n, d).blocks;
}

extern "C" int bocomp_sq_distance(int n, int d, const float* out, const float* ref, double* work,
                                  unsigned int* counter, double* per_sample, double* stats,
                                  void* stream) {
  if (n < 1 || d < 0) return BOCOMP_ERR_INVALID_ARGUMENT;
  if ((d > 0 && (out == nullptr || ref == nullptr)) || work == nullptr || counter == nullptr ||
      per_sample == nullptr || stats == nullptr) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  bocomp_distance_plan p = bocomp_plan_sq_distance(n, d);
  if (p.blocks > 0x7fffffffLL) return BOCOMP_ERR_INVALID_ARGUMENT;
  sq_distance_kernel<<<static_cast<unsigned>(p.blocks), p.threads, 0,
                       static_cast<cudaStream_t>(stream)>>>(n, d, p.chunk, p.chunks, out, ref, work,
                                                            counter, per_sample, stats);
  return bocomp_launch_status();
}
