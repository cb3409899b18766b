#!/usr/bin/env bash
# run-gpu-bench.sh [RESULTS_DIR] [WHAT] [RUNS]: GpuBenchmark (bocomp, CUDA) and the PyTorch peers
# on the same GPU, one after the other (never concurrently), each bounded by BENCH_TIMEOUT seconds
# (default 170). Raw output in RESULTS_DIR/gpu-bench.txt and gpu-peers.txt.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RES=${1:-$HERE/results}
WHAT=${2:-all}
RUNS=${3:-5}
mkdir -p "$RES"
timeout "${BENCH_TIMEOUT:-170}" "$HERE/bin/java-gpu" io.bocomp.bench.gpu.GpuBenchmark "$WHAT" "$RUNS" \
  > "$RES/gpu-bench.txt" 2>&1
echo "bench exit status: $?" >> "$RES/gpu-bench.txt"
cat "$RES/gpu-bench.txt"
if [ "$WHAT" != crossover ]; then
  timeout "${BENCH_TIMEOUT:-170}" python3 "$HERE/peers/torch_gpu_peers.py" "$WHAT" "$RUNS" \
    > "$RES/gpu-peers.txt" 2>&1
  echo "peers exit status: $?" >> "$RES/gpu-peers.txt"
  cat "$RES/gpu-peers.txt"
fi
