// BOCOMP_HD marks small pure functions shared by kernels and host code (and host-only ctest tests,
// which compile them with a plain C++ compiler).
#ifndef BOCOMP_HD_H
#define BOCOMP_HD_H

#ifdef __CUDACC__
#define BOCOMP_HD __host__ __device__
#else
#define BOCOMP_HD
#endif

#endif  // BOCOMP_HD_H
