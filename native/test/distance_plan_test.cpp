// ctest: the distance reduction plan covers every element of a row exactly once, never makes an
// empty chunk, keeps chunks >= 1024 elements when a row is split, and depends only on (n, d).
#include <cstdio>

#include "distance_plan.h"

static int check(int n, int d) {
  bocomp_distance_plan p = bocomp_plan_sq_distance(n, d);
  bocomp_distance_plan again = bocomp_plan_sq_distance(n, d);
  if (p.chunk != again.chunk || p.chunks != again.chunks || p.blocks != again.blocks) {
    std::printf("n=%d d=%d: plan not deterministic\n", n, d);
    return 1;
  }
  if (p.threads % 32 != 0 || p.chunks < 1 || p.blocks != static_cast<long long>(n) * p.chunks) {
    std::printf("n=%d d=%d: bad shape (threads %d, chunks %lld, blocks %lld)\n", n, d, p.threads,
                p.chunks, p.blocks);
    return 1;
  }
  if (d > 0) {
    bool covers = p.chunk * p.chunks >= d && p.chunk * (p.chunks - 1) < d;
    if (!covers) {
      std::printf("n=%d d=%d: chunks %lld x %lld do not tile the row\n", n, d, p.chunks, p.chunk);
      return 1;
    }
    if (p.chunks > 1 && p.chunk < 1024) {
      std::printf("n=%d d=%d: split into chunks of only %lld\n", n, d, p.chunk);
      return 1;
    }
  }
  return 0;
}

int main() {
  int failures = 0;
  const int ns[] = {1, 7, 33, 50, 1023, 100000};
  const int ds[] = {0, 1, 7, 33, 1000, 1023, 1025, 4096, 1000000, 25088 * 7};
  for (int n : ns) {
    for (int d : ds) failures += check(n, d);
  }
  bocomp_distance_plan small = bocomp_plan_sq_distance(50, 1000);
  if (small.chunks != 1) {
    std::printf("50 x 1000 should be one block per row, got %lld\n", small.chunks);
    failures++;
  }
  bocomp_distance_plan wide = bocomp_plan_sq_distance(1, 1 << 24);
  if (wide.blocks < 512) {
    std::printf("one long row should be split across many blocks, got %lld\n", wide.blocks);
    failures++;
  }
  if (failures == 0) std::printf("distance plan: all shapes ok\n");
  return failures == 0 ? 0 : 1;
}
