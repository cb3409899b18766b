#!/usr/bin/env bash
# run-all.sh [RESULTS_DIR]: environment report, CUDA tests, then benchmarks and peers; every part
# writes its own file as it goes (gpu-env.txt, gpu-tests.txt, gpu-bench.txt, gpu-peers.txt,
# gpu-memcheck.txt with MEMCHECK=1). RUNS (default 3) sets the timed runs per benchmark;
# BENCH=svd|tucker|distance|crossover|all (default all).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RES=${1:-$HERE/results}
mkdir -p "$RES"
{
  echo "== host"; uname -a; ldd --version 2>&1 | head -1; nproc
  echo "== GPU"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1
  echo "== CUDA wheels"; python3 -m pip list 2>/dev/null | grep -iE '^(nvidia-|torch )' || true
  echo "== JRE"; "$HERE/jre/bin/java" -version 2>&1
  echo "== linkpath"; bash -c "source <(sed -n '/^cuda_libs()/,/^}/p' '$HERE/bin/java-gpu'); cuda_libs" | tr ':' '\n'
} > "$RES/gpu-env.txt" 2>&1
cat "$RES/gpu-env.txt"
"$HERE/run-gpu-tests.sh" "$RES"
"$HERE/run-gpu-bench.sh" "$RES" "${BENCH:-all}" "${RUNS:-3}"
if [ "${MEMCHECK:-0}" = 1 ]; then
  "$HERE/run-gpu-memcheck.sh" "$RES"
fi
