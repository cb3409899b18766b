#!/usr/bin/env bash
# Ma et al.'s staged protocol against one-shot compression, on the zoo's VGG-style net
# (models/zoo/vgg_wide.onnx, tools/train_zoo.py): docs/results.md "Staged protocol".
#
#   staged:   stage "conv" (the convolutions, Tucker-2, MACs <= MACS of the original), 1 epoch of
#             knowledge distillation (KD) from the original (the stage's hook), stage "fc" (the FC
#             layers, SVD, parameters <= PARAMS of the original), then 1 more KD epoch;
#   two-step: the same two stages without the KD between them, then 2 KD epochs;
#   single:   one stage over all layers at parameters <= the staged result's fraction, then 2 KD
#             epochs.
# All three get the same training (2 KD epochs over the first KD_LIMIT training images). Each seed
# tunes on 50 images drawn from those training images; top-1 and L are scored on the 10,000 test
# images, which no run saw. Usage: benchmarks/staged/vgg-staged.sh OUT_DIR [SEEDS] [TRIALS]
# Env: BOCOMP (the launcher, default ./bocomp), FMNIST (default /usr/share/datasets/fashion-mnist),
#      MACS (0.5), PARAMS (0.1), KD_LIMIT (10000).
set -euo pipefail
out="$1"; seeds="${2:-3}"; trials="${3:-60}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
B="${BOCOMP:-$here/bocomp}"
F="${FMNIST:-/usr/share/datasets/fashion-mnist}"
model="$here/models/zoo/vgg_wide.onnx"
macs="${MACS:-0.5}"; params="${PARAMS:-0.1}"; kd="${KD_LIMIT:-10000}"
export B model kd F
mkdir -p "$out"
kd() { # IN OUT EPOCHS: distillation from the original on the training images
  "$B" finetune "$1" -o "$2" --reference "$model" --images "$F/train-images-idx3-ubyte.gz" \
      --labels "$F/train-labels-idx1-ubyte.gz" --limit "$kd" --epochs "$3" --quiet
}
tune() { # OUT ARGS...: tuning on 50 training images (no labels: top-1 is scored on the test set)
  local d="$1"; shift
  [ -f "$d/result.json" ] || "$B" tune "$model" --images "$F/train-images-idx3-ubyte.gz" \
      --out "$d" --quiet "$@" > "$d.log"
}
stages() { # SEED HOOK_JSON_FIELD -> run file
  cat <<JSON
{"seed": $1, "trials": $trials, "samples": 50,
 "stages": [
   {"name": "conv", "layers": ["/features/*"], "method": "tucker",
    "budget": {"metric": "macs", "max": $macs}$2},
   {"name": "fc", "layers": ["/classifier/*"], "method": "svd",
    "budget": {"metric": "params", "max": $params}}]}
JSON
}
# the conv stage's hook: one KD epoch of the stage's model, from which the fc stage starts
hook='"$B" finetune "$BOCOMP_STAGE_MODEL" -o "$BOCOMP_STAGE_OUTPUT" --reference "$model" --images "$F/train-images-idx3-ubyte.gz" --labels "$F/train-labels-idx1-ubyte.gz" --limit "$kd" --epochs 1 --quiet'
hook_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$hook")
for s in $(seq 0 $((seeds - 1))); do
  stages "$s" ", \"hook\": $hook_json" > "$out/staged-$s.json"
  stages "$s" "" > "$out/twostep-$s.json"
  tune "$out/staged-$s" --config "$out/staged-$s.json"
  [ -f "$out/staged-$s/final.onnx" ] || kd "$out/staged-$s/compressed.onnx" "$out/staged-$s/final.onnx" 1
  tune "$out/twostep-$s" --config "$out/twostep-$s.json"
  [ -f "$out/twostep-$s/final.onnx" ] || kd "$out/twostep-$s/compressed.onnx" "$out/twostep-$s/final.onnx" 2
  frac=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["params"]["compressed"]/r["params"]["original"])' "$out/staged-$s/result.json")
  tune "$out/single-$s" --seed "$s" --trials $((2 * trials)) --samples 50 --max-params "$frac"
  [ -f "$out/single-$s/final.onnx" ] || kd "$out/single-$s/compressed.onnx" "$out/single-$s/final.onnx" 2
  for v in staged twostep single; do
    for m in compressed final; do
      e=$("$B" eval "$out/$v-$s/$m.onnx" --images "$F/t10k-images-idx3-ubyte.gz" \
          --labels "$F/t10k-labels-idx1-ubyte.gz" --reference "$model" --json \
          | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)))")
      echo "{\"seed\": $s, \"variant\": \"$v\", \"model\": \"$m\", \"eval\": $e}" >> "$out/scores.jsonl"
    done
  done
done
