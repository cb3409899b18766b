#!/usr/bin/env bash
# Ma et al.'s staged protocol against a single stage, on the zoo's VGG-style net
# (models/zoo/vgg_wide.onnx, tools/train_zoo.py): docs/results.md "Staged protocol".
#
#   staged: stage "conv" (the convolutions, Tucker-2, MACs <= MACS of the original), 1 epoch of
#           knowledge distillation from the original, stage "fc" (the FC layers, SVD, parameters
#           <= PARAMS of the original), 1 more epoch of distillation;
#   single: one stage over all layers (method auto) at parameters <= the staged result's
#           fraction, then 2 epochs of distillation (the same training as the staged run).
# Each seed tunes on 50 of the first 10,000 training images; distillation uses those 10,000
# training images; top-1 and L are scored on the 10,000 test images (no image of which any run
# saw). Usage: benchmarks/staged/vgg-staged.sh OUT_DIR [SEEDS] [TRIALS]
# Env: BOCOMP (the launcher, default ./bocomp), FMNIST (default /usr/share/datasets/fashion-mnist),
#      MACS (0.5), PARAMS (0.1), KD_LIMIT (10000).
set -euo pipefail
out="$1"; seeds="${2:-3}"; trials="${3:-60}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
B="${BOCOMP:-$here/bocomp}"
F="${FMNIST:-/usr/share/datasets/fashion-mnist}"
model="$here/models/zoo/vgg_wide.onnx"
macs="${MACS:-0.5}"; params="${PARAMS:-0.1}"; kd="${KD_LIMIT:-10000}"
train=(--images "$F/train-images-idx3-ubyte.gz" --labels "$F/train-labels-idx1-ubyte.gz")
test=(--images "$F/t10k-images-idx3-ubyte.gz" --labels "$F/t10k-labels-idx1-ubyte.gz")
mkdir -p "$out"
export B model kd F
# the hook each stage runs: one distillation epoch of the stage's model from the original
hook='"$B" finetune "$BOCOMP_STAGE_MODEL" -o "$BOCOMP_STAGE_OUTPUT" --reference "$model" --images "$F/train-images-idx3-ubyte.gz" --labels "$F/train-labels-idx1-ubyte.gz" --limit "$kd" --epochs 1 --quiet'
hook_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$hook")
score() { # MODEL -> eval's JSON (top-1, distance to the original) on the test images
  "$B" eval "$1" "${test[@]}" --reference "$model" --json
}
for s in $(seq 0 $((seeds - 1))); do
  cat > "$out/staged-$s.json" <<JSON
{"seed": $s, "trials": $trials, "samples": 50,
 "stages": [
   {"name": "conv", "layers": ["/features/*"], "method": "tucker",
    "budget": {"metric": "macs", "max": $macs}, "hook": $hook_json},
   {"name": "fc", "layers": ["/classifier/*"], "method": "svd",
    "budget": {"metric": "params", "max": $params}, "hook": $hook_json}]}
JSON
  d="$out/staged-$s"
  [ -f "$d/result.json" ] || "$B" tune "$model" "${train[@]}" --config "$out/staged-$s.json" \
      --out "$d" --quiet
  # the staged result is the last stage's hook output (its distilled model)
  frac=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["params"]["compressed"]/r["params"]["original"])' "$d/result.json")
  s1="$out/single-$s"
  [ -f "$s1/result.json" ] || "$B" tune "$model" "${train[@]}" --seed "$s" --trials $((2 * trials)) \
      --samples 50 --max-params "$frac" --out "$s1" --quiet
  [ -f "$s1/finetuned.onnx" ] || "$B" finetune "$s1/compressed.onnx" -o "$s1/finetuned.onnx" \
      --reference "$model" --images "$F/train-images-idx3-ubyte.gz" \
      --labels "$F/train-labels-idx1-ubyte.gz" --limit "$kd" --epochs 2 --quiet
  for m in "$d"/stage-*.onnx "$d/compressed.onnx" "$s1/compressed.onnx" "$s1/finetuned.onnx"; do
    echo "{\"seed\": $s, \"model\": \"${m#$out/}\", \"eval\": $(score "$m")}" >> "$out/scores.jsonl"
  done
done
