package io.bocomp.cuda;

/**
 * Which algorithm the batched SVD uses per matrix. {@link #AUTO} (the default) picks by size at
 * the crossover {@link BatchedSvd#JACOBI_MAX_WORK}; the forced routes exist to measure that
 * crossover and for tests.
 */
public enum SvdRoute {
  /** Jacobi for small matrices, Gram route above the crossover. */
  AUTO,
  /** Always the one-block-per-matrix Jacobi kernel (columns in global memory when large). */
  JACOBI,
  /** Always DSYRK + DSYEVD + DGEMM (cuBLAS/cuSOLVER, double precision). */
  GRAM
}
