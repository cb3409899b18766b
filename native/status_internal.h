// Internal helpers shared by the .cu files (not part of the ABI).
#ifndef BOCOMP_STATUS_INTERNAL_H
#define BOCOMP_STATUS_INTERNAL_H

#include <cuda_runtime.h>

#include "bocomp_cuda.h"

// Records a CUDA error's text for bocomp_status_string and maps it to a bocomp_status
// (BOCOMP_OK for cudaSuccess). Defined in status.cu.
extern "C" int bocomp_record_cuda_error(cudaError_t err);

// Status of the launch just made: BOCOMP_OK or the recorded CUDA error.
inline int bocomp_launch_status() { return bocomp_record_cuda_error(cudaGetLastError()); }

#endif  // BOCOMP_STATUS_INTERNAL_H
