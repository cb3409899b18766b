// 2-D max / average pooling (NCHW), one thread per output element: MaxPool, AveragePool
// (count_include_pad 0 or 1) and GlobalAveragePool (window = whole image). Padding is implicit:
// positions outside the image are skipped (max, average without pad) or counted as zeros (average
// with pad). Limits: ceil_mode = 0 (the caller rejects 1); a window entirely in padding yields
// -inf (max) or 0 (average), as ONNX Runtime does.
#include <cfloat>

#include "bocomp_cuda.h"
#include "status_internal.h"

namespace {

__global__ void pool2d_kernel(int mode, long long planes, int h, int w, int kh, int kw, int ph,
                              int pw, int sh, int sw, int oh, int ow, const float* __restrict__ x,
                              float* __restrict__ y) {
  const long long total = planes * oh * ow;
  const long long stride = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
       e += stride) {
    long long plane = e / (static_cast<long long>(oh) * ow);
    int p = static_cast<int>(e % (static_cast<long long>(oh) * ow));
    int oy = p / ow, ox = p % ow;
    int y0 = oy * sh - ph, x0 = ox * sw - pw;
    const float* src = x + plane * h * static_cast<long long>(w);
    float acc = mode == BOCOMP_POOL_MAX ? -FLT_MAX : 0.0f;
    bool any = false;
    int count = 0;
    for (int i = 0; i < kh; ++i) {
      int yy = y0 + i;
      if (yy < 0 || yy >= h) continue;
      for (int j = 0; j < kw; ++j) {
        int xx = x0 + j;
        if (xx < 0 || xx >= w) continue;
        float v = src[yy * static_cast<long long>(w) + xx];
        if (mode == BOCOMP_POOL_MAX) {
          acc = (v > acc || isnan(v)) ? v : acc;
        } else {
          acc += v;
        }
        any = true;
        ++count;
      }
    }
    if (mode == BOCOMP_POOL_MAX) {
      y[e] = any ? acc : -INFINITY;
    } else {
      int div = mode == BOCOMP_POOL_AVG_INCLUDE_PAD ? kh * kw : count;
      y[e] = div > 0 ? acc / div : 0.0f;
    }
  }
}

}  // namespace

extern "C" int bocomp_pool2d(int mode, int n, int c, int h, int w, int kh, int kw, int ph, int pw,
                             int sh, int sw, int oh, int ow, const float* x, float* y,
                             void* stream) {
  if (mode < BOCOMP_POOL_MAX || mode > BOCOMP_POOL_AVG_INCLUDE_PAD || n < 0 || c < 0 || h < 0 ||
      w < 0 || kh < 1 || kw < 1 || ph < 0 || pw < 0 || sh < 1 || sw < 1 || oh < 0 || ow < 0) {
    return BOCOMP_ERR_INVALID_ARGUMENT;
  }
  long long planes = static_cast<long long>(n) * c;
  long long total = planes * oh * ow;
  if (total == 0) return BOCOMP_OK;
  if (x == nullptr || y == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  const int threads = 256;
  long long blocks = (total + threads - 1) / threads;
  if (blocks > 65535LL * 8) blocks = 65535LL * 8;
  pool2d_kernel<<<static_cast<unsigned>(blocks), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      mode, planes, h, w, kh, kw, ph, pw, sh, sw, oh, ow, x, y);
  return bocomp_launch_status();
}
