#!/usr/bin/env bash
# Static int8 activation quantization (`compress --activations int8`) on the plans of
# run-quant-experiment.sh, scored like the others, and ONNX Runtime latency against float.
#
#   benchmarks/quant/run-qdq-latency.sh OUT_DIR   (the folder run-quant-experiment.sh filled)
#
# Calibration: the first 200 images of the embedded sample (compress --images; the distance it
# prints is over that sample); scoring on the 8,000 held-out images as before. Latency:
# QdqLatencyBench, ORT default optimizations, 1 intra-op thread, batches 1 and 50, interleaved.
set -euo pipefail
out=$(cd "${1:?usage: run-qdq-latency.sh OUT_DIR}" && pwd)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bocomp="${BOCOMP:-$root/bocomp}"
bench="${BENCH_JAR:-$root/benchmarks/target/benchmarks.jar}"
held="$out/heldout"
sample="$root/models/fashion-sample-images.idx.gz"
orig="$root/models/fashion-cnn.onnx"

act8() { # name plan.json
  mkdir -p "$out/$1"
  "$bocomp" compress --plan "$2" --out "$out/$1/compressed.onnx" --images "$sample" \
    --activations int8 --calibrate 200 --cache-dir "$out/cache" --json > "$out/$1/compress.json"
  "$bocomp" eval "$out/$1/compressed.onnx" --images "$held/fashion-heldout-images.idx.gz" \
    --labels "$held/fashion-heldout-labels.idx.gz" --reference "$orig" --json > "$out/$1/eval.json"
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); c=json.load(open(sys.argv[2])); print(sys.argv[3], "top-1", e["top1"], "L", e["reference"]["distance"]["mean"], "activations", json.dumps(c["activations"]))' \
    "$out/$1/eval.json" "$out/$1/compress.json" "$1"
}
echo '{"layers": []}' > "$out/float-plan.json"
act8 act8-float "$out/float-plan.json"
act8 act8-all8 "$out/all8/plan.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); json.dump({"layers": r["plan"]["layers"]}, open(sys.argv[2], "w"))' \
  "$out/e8-bits-only-s0/result.json" "$out/e8-bits-only-s0-plan.json"
act8 act8-e8-bits-only-s0 "$out/e8-bits-only-s0-plan.json"

java --add-modules jdk.incubator.vector -cp "$bench" io.bocomp.bench.QdqLatencyBench \
  --batches 1,50 --rounds 30 --inner 20 --threads 1 "$orig" "$out/all8/compressed.onnx" \
  "$out/act8-float/compressed.onnx" "$out/act8-all8/compressed.onnx" \
  "$out/e8-bits-only-s0/compressed.onnx" "$out/act8-e8-bits-only-s0/compressed.onnx" \
  | tee "$out/latency.txt"
