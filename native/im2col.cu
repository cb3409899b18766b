// im2col for 2-D convolution as GEMM (NCHW): for each image, col[(ci*kh + i)*kw + j][oy*ow + ox] =
// x[ci][oy*sh - ph + i*dh][ox*sw - pw + j*dw], or 0 outside the image (zero padding). The GEMM
// out (Cout x oh*ow) = W (Cout x Cin*kh*kw) col then gives the convolution. One thread per column
// element, consecutive threads along ox: coalesced writes, reads strided by sw.
// Limits: groups = 1 (the caller rejects grouped convolutions); the caller chunks the batch so the
// column buffer stays bounded.
#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void im2col_kernel(int n, int c, int h, int w, int kh, int kw, int ph, int pw, int sh,
                              int sw, int dh, int dw, int oh, int ow, const float* __restrict__ x,
                              float* __restrict__ col) {
  const long long plane = static_cast<long long>(oh) * ow;
  const long long rows = static_cast<long long>(c) * kh * kw;
  const long long total = static_cast<long long>(n) * rows * plane;
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    long long img = e / (rows * plane);
    long long rest = e % (rows * plane);
    long long r = rest / plane, p = rest % plane;
    int j = static_cast<int>(r % kw);
    int i = static_cast<int>((r / kw) % kh);
    int ci = static_cast<int>(r / (static_cast<long long>(kw) * kh));
    int oy = static_cast<int>(p / ow), ox = static_cast<int>(p % ow);
    int y = oy * sh - ph + i * dh;
    int xx = ox * sw - pw + j * dw;
    float v = 0.0f;
    if (y >= 0 && y < h && xx >= 0 && xx < w) {
      v = x[((img * c + ci) * h + y) * static_cast<long long>(w) + xx];
    }
    col[e] = v;
  }
}

}  // namespace

extern "C" int bocomp_im2col(int n, int c, int h, int w, int kh, int kw, int ph, int pw, int sh,
                             int sw, int dh, int dw, int oh, int ow, const float* x, float* col,
                             void* stream) {
  if (n < 0 || c < 0 || h < 0 || w < 0 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 ||
      dw < 1 || oh < 0 || ow < 0 || ph < 0 || pw < 0) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  long long total = static_cast<long long>(n) * c * kh * kw * oh * ow;
  if (total == 0) return BOCOMP_OK;
  if (x == nullptr || col == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (total + threads - 1) / threads;
  if (blocks > 65535LL * 8) blocks = 65535LL * 8;
  im2col_kernel<<<static_cast<unsigned>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      n, c, h, w, kh, kw, ph, pw, sh, sw, dh, dw, oh, ow, x, col);
  return bocomp_launch_status();
}
