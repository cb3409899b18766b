/*
 * bocomp native ABI: flat extern "C" functions returning a bocomp_status. Nothing here prints or
 * exits; bocomp_status_string() turns a status into text for the Java facade's NativeException.
 * Device pointers are plain pointers to device memory the caller allocated (cudaMalloc); streams are
 * cudaStream_t passed as void*.
 */
#ifndef BOCOMP_CUDA_H
#define BOCOMP_CUDA_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bocomp_status {
  BOCOMP_OK = 0,
  BOCOMP_ERR_INVALID_ARGUMENT = 1,
  BOCOMP_ERR_CUDA = 2,
  BOCOMP_ERR_NO_DEVICE = 3,
  BOCOMP_ERR_OUT_OF_MEMORY = 4,
  BOCOMP_ERR_NOT_CONVERGED = 5
} bocomp_status;

/* Text for a status; for BOCOMP_ERR_CUDA, the last CUDA error seen on this thread. Never NULL. */
const char* bocomp_status_string(int status);

/* Number of CUDA devices visible (0 when no driver or no GPU; never an error). */
int bocomp_cuda_device_count(void);

#ifdef __cplusplus
}
#endif

#endif /* BOCOMP_CUDA_H */
