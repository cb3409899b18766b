// ctest: the round-robin Jacobi schedule pairs every column with every other exactly once per
// sweep, and each round is a perfect matching (so the pairs of a round can rotate concurrently).
#include <cstdio>
#include <vector>

#include "jacobi_schedule.h"

static int check(int k) {
  const int players = bocomp_jacobi_players(k);
  if (players % 2 != 0 || players < k || players > k + 1) {
    std::printf("k=%d: bad player count %d\n", k, players);
    return 1;
  }
  std::vector<int> met(static_cast<size_t>(players) * players, 0);
  for (int round = 0; round < players - 1; ++round) {
    std::vector<int> seen(players, 0);
    for (int pair = 0; pair < players / 2; ++pair) {
      int p, q;
      bocomp_jacobi_pair(players, round, pair, &p, &q);
      if (!(0 <= p && p < q && q < players)) {
        std::printf("k=%d round %d pair %d: bad pair (%d, %d)\n", k, round, pair, p, q);
        return 1;
      }
      if (seen[p]++ || seen[q]++) {
        std::printf("k=%d round %d: column used twice\n", k, round);
        return 1;
      }
      met[static_cast<size_t>(p) * players + q]++;
    }
  }
  for (int p = 0; p < players; ++p) {
    for (int q = p + 1; q < players; ++q) {
      if (met[static_cast<size_t>(p) * players + q] != 1) {
        std::printf("k=%d: pair (%d, %d) met %d times per sweep\n", k, p, q,
                    met[static_cast<size_t>(p) * players + q]);
        return 1;
      }
    }
  }
  return 0;
}

int main() {
  int failures = 0;
  const int sizes[] = {1, 2, 3, 7, 8, 33, 64, 127, 512, 1023};
  for (int k : sizes) failures += check(k);
  if (failures == 0) std::printf("jacobi schedule: all sizes ok\n");
  return failures == 0 ? 0 : 1;
}
