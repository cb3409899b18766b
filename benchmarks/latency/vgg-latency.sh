#!/usr/bin/env bash
# Chen et al.-style latency table: constrained mode at three measured-latency budgets (batch 32,
# benchmarks/latency/batch32.json) on the zoo's VGG-style net, cooling exp / linear / none, seed
# $SEED (default 0), 60 trials; docs/results.md "Latency budgets". Usage:
# [SEED=S] benchmarks/latency/vgg-latency.sh OUT_DIR [BUDGETS_MS...] (default 9.9 7.5 5.6: about
# 0.8, 0.6 and 0.45 of the original's 12.4 ms here).
set -uo pipefail
out="$1"; shift
budgets=("${@:-9.9 7.5 5.6}")
here="$(cd "$(dirname "$0")/../.." && pwd)"
T=/usr/share/datasets/fashion-mnist/t10k
mkdir -p "$out"
for b in ${budgets[*]}; do for c in exp linear none; do
  d="$out/b$b-$c"
  [ -f "$d/result.json" ] && continue
  rm -rf "$d"
  "$here/bocomp" tune "$here/models/zoo/vgg_wide.onnx" --images "$T-images-idx3-ubyte.gz" \
    --config "$here/benchmarks/latency/batch32.json" --max-latency-ms "$b" --mode constrained \
    --cooling "$c" --trials 60 --seed "${SEED:-0}" --out "$d" --quiet > "$d.log" 2>&1
  echo "budget $b ms, cooling $c: exit $?"
done; done
