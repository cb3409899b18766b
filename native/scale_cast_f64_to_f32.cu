// Narrowing copy double -> float with an optional per-row or per-column scale and an optional
// transpose: the last step of the Gram route (U = (A V) S^-1, Vt = S^-1 (U^T A), and the
// row-major <-> column-major change of the eigenvector side). The transpose goes through a
// 32 x 33 shared-memory tile so both the reads and the writes are coalesced.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

constexpr int kTile = 32;
constexpr int kRowsPerPass = 8;

__device__ __forceinline__ double scaled(const double* src, const double* scale, int mode, int cols,
                                         int i, int j) {
  double v = src[static_cast<size_t>(i) * cols + j];
  if (mode == BOCOMP_SCALE_ROWS) v *= scale[i];
  if (mode == BOCOMP_SCALE_COLS) v *= scale[j];
  return v;
}

__global__ void scale_cast_kernel(int rows, int cols, const double* __restrict__ src,
                                  const double* __restrict__ scale, int mode,
                                  float* __restrict__ dst) {
  const size_t total = static_cast<size_t>(rows) * cols;
  const size_t stride = static_cast<size_t>(gridDim.x) * blockDim.x;
  for (size_t e = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    int i = static_cast<int>(e / cols), j = static_cast<int>(e % cols);
    dst[e] = static_cast<float>(scaled(src, scale, mode, cols, i, j));
  }
}

// One 32 x 32 tile per block (blockDim 32 x 8): dst (cols x rows) = transpose of scaled src.
__global__ void scale_cast_transpose_kernel(int rows, int cols, const double* __restrict__ src,
                                            const double* __restrict__ scale, int mode,
                                            float* __restrict__ dst) {
  __shared__ float tile[kTile][kTile + 1];
  const int j0 = blockIdx.x * kTile, i0 = blockIdx.y * kTile;
  for (int di = threadIdx.y; di < kTile; di += kRowsPerPass) {
    int i = i0 + di, j = j0 + threadIdx.x;
    if (i < rows && j < cols) tile[di][threadIdx.x] = static_cast<float>(scaled(src, scale, mode, cols, i, j));
  }
  __syncthreads();
  for (int dj = threadIdx.y; dj < kTile; dj += kRowsPerPass) {
    int j = j0 + dj, i = i0 + threadIdx.x;
    if (i < rows && j < cols) dst[static_cast<size_t>(j) * rows + i] = tile[threadIdx.x][dj];
  }
}

}  // namespace

extern "C" int bocomp_scale_cast_f64_to_f32(int rows, int cols, const double* src, const double* scale,
                                            int scale_mode, int transpose, float* dst, void* stream) {
  if (rows < 0 || cols < 0 || scale_mode < BOCOMP_SCALE_NONE || scale_mode > BOCOMP_SCALE_COLS) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  if (rows == 0 || cols == 0) return BOCOMP_OK;
  if (src == nullptr || dst == nullptr || (scale_mode != BOCOMP_SCALE_NONE && scale == nullptr)) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  if (transpose) {
    long long gx = (cols + kTile - 1) / kTile, gy = (rows + kTile - 1) / kTile;
    if (gy > 65535) return BOCOMP_ERR_INVALID_ARGUMENT;
    dim3 grid(static_cast<unsigned>(gx), static_cast<unsigned>(gy));
    scale_cast_transpose_kernel<<<grid, dim3(kTile, kRowsPerPass), 0, s>>>(rows, cols, src, scale,
                                                                           scale_mode, dst);
  } else {
    const int threads = 256;
    long long blocks = (static_cast<long long>(rows) * cols + threads - 1) / threads;
    if (blocks > 8192) blocks = 8192;
    scale_cast_kernel<<<static_cast<int>(blocks), threads, 0, s>>>(rows, cols, src, scale,
                                                                   scale_mode, dst);
  }
  return bocomp_launch_status();
}
