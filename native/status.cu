// Status codes and device discovery for the bocomp native library.
#include "bocomp_cuda.h"

#include <cuda_runtime.h>

#include "status_internal.h"

#include <cstdio>

namespace {
thread_local char g_last_cuda_error[256] = "no CUDA error recorded";
}

// Records a CUDA error's text for bocomp_status_string (used by every op on failure).
extern "C" int bocomp_record_cuda_error(cudaError_t err) {
  if (err == cudaSuccess) return BOCOMP_OK;
  std::snprintf(g_last_cuda_error, sizeof g_last_cuda_error, "CUDA error %d (%s): %s", (int)err,
                cudaGetErrorName(err), cudaGetErrorString(err));
  return err == cudaErrorMemoryAllocation ? BOCOMP_ERR_OUT_OF_MEMORY : BOCOMP_ERR_CUDA;
}

extern "C" const char* bocomp_status_string(int status) {
  switch (status) {
    case BOCOMP_OK: return "ok";
    case BOCOMP_ERR_INVALID_ARGUMENT: return "invalid argument";
    case BOCOMP_ERR_CUDA: return g_last_cuda_error;
    case BOCOMP_ERR_NO_DEVICE: return "no CUDA device";
    case BOCOMP_ERR_OUT_OF_MEMORY: return "out of GPU memory";
    case BOCOMP_ERR_NOT_CONVERGED: return "iteration did not converge";
    default: return "unknown bocomp status";
  }
}

extern "C" int bocomp_cuda_device_count(void) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
    return 0;
  }
  return n;
}

extern "C" int bocomp_cuda_probe(int* count) {
  if (count == nullptr) return BOCOMP_ERR_INVALID_ARGUMENT;
  *count = 0;
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return bocomp_record_cuda_error(err);
  }
  *count = n;
  return BOCOMP_OK;
}
