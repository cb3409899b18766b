// Reduction plan of the fused output distance (sq_distance.cu): how n rows of d values are cut
// into equal chunks, one thread block per chunk. The plan depends only on (n, d), never on the
// GPU, so the summation order -- and therefore every bit of the result -- is the same on every
// run and every device. Small rows get one block each; long rows are split until about
// kTargetBlocks blocks are in flight (enough to saturate HBM), but never below kMinChunk elements
// per block.
#ifndef BOCOMP_DISTANCE_PLAN_H
#define BOCOMP_DISTANCE_PLAN_H

#include "bocomp_hd.h"

struct bocomp_distance_plan {
  int threads;       // threads per block
  long long chunk;   // elements per block (the last chunk of a row may be shorter)
  long long chunks;  // blocks per row
  long long blocks;  // n * chunks = number of partial sums
};

BOCOMP_HD inline bocomp_distance_plan bocomp_plan_sq_distance(int n, int d) {
  const long long kTargetBlocks = 1024;
  const long long kMinChunk = 1024;
  bocomp_distance_plan p;
  p.threads = 256;
  long long max_chunks = static_cast<long long>(d) / kMinChunk;  // so every chunk >= kMinChunk
  if (max_chunks < 1) max_chunks = 1;
  long long want = n > 0 ? (kTargetBlocks + n - 1) / n : 1;
  long long chunks = want < max_chunks ? want : max_chunks;
  if (chunks < 1) chunks = 1;
  p.chunk = (static_cast<long long>(d) + chunks - 1) / chunks;
  p.chunks = p.chunk > 0 ? (static_cast<long long>(d) + p.chunk - 1) / p.chunk : 1;
  p.blocks = static_cast<long long>(n) * p.chunks;
  return p;
}

#endif  // BOCOMP_DISTANCE_PLAN_H
