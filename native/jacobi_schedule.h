// Parallel ordering for one-sided Jacobi: the round-robin ("circle") tournament. For P players
// (P even; an odd column count gets one dummy column), a sweep has P - 1 rounds of P / 2 disjoint
// pairs, and every pair {p, q} meets exactly once per sweep, so all pairs of a round can rotate
// concurrently. Player 0 stays put; the others rotate one slot per round.
#ifndef BOCOMP_JACOBI_SCHEDULE_H
#define BOCOMP_JACOBI_SCHEDULE_H

#include "bocomp_hd.h"

// Player at slot `slot` (0..P-1) in round `round` (0..P-2).
BOCOMP_HD inline int bocomp_jacobi_slot(int players, int round, int slot) {
  return slot == 0 ? 0 : 1 + (slot - 1 + round) % (players - 1);
}

// The `pair`-th pair (0..P/2-1) of round `round`: *p < *q. Pair i matches slot i with slot
// P-1-i.
BOCOMP_HD inline void bocomp_jacobi_pair(int players, int round, int pair, int* p, int* q) {
  int a = bocomp_jacobi_slot(players, round, pair);
  int b = bocomp_jacobi_slot(players, round, players - 1 - pair);
  *p = a < b ? a : b;
  *q = a < b ? b : a;
}

// Players for k columns: k rounded up to even.
BOCOMP_HD inline int bocomp_jacobi_players(int k) { return k + (k & 1); }

#endif  // BOCOMP_JACOBI_SCHEDULE_H
