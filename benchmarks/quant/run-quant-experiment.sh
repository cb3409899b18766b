#!/usr/bin/env bash
# The quantization results of record (docs/results.md, "Quantization"), as bocomp commands.
#
#   benchmarks/quant/run-quant-experiment.sh OUT_DIR [SEEDS (default "0 1 2")] [TRIALS (100)]
#
# Finally the 1/16 bits-and-ranks model of the first seed is distilled for 2 epochs (`bocomp
# finetune`, its defaults: KD from the original, SGD, the 60,000 training images) and scored.
#
# Needs ./bocomp built (and, for the ONNX Runtime check at the end, `mvn -B -o -P '!cuda'
# install -DskipTests` for benchmarks/target/benchmarks.jar). Held-out data: the 8,000
# Fashion-MNIST t10k images outside the embedded 2,000-image sample (tools/make_heldout.py); the
# tuner samples its inputs from the embedded sample, so no tuning input is ever scored.
# Every model is scored by `bocomp eval --reference` (held-out L and top-1) and written to
# OUT_DIR/<name>/; OUT_DIR/summary.jsonl holds one line per model.
# Runs one command at a time (the machine has 2 cores shared with other jobs).
set -euo pipefail
out=${1:?usage: run-quant-experiment.sh OUT_DIR [SEEDS] [TRIALS]}
seeds=${2:-"0 1 2"}
trials=${3:-100}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bocomp="${BOCOMP:-$root/bocomp}" # BOCOMP=path: a fixed build (./bocomp rebuilds on source edits)
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cache="$out/cache"
held="$out/heldout"
[ -f "$held/fashion-heldout-images.idx.gz" ] || /usr/bin/python3 "$root/tools/make_heldout.py" --out "$held"
hi="$held/fashion-heldout-images.idx.gz"
hl="$held/fashion-heldout-labels.idx.gz"
orig="$root/models/fashion-cnn.onnx"
{ lscpu | grep -E 'Model name|family'; env | grep OPENBLAS || echo "OPENBLAS_CORETYPE unset"; \
  git -C "$root" rev-parse --short HEAD; date -u; } > "$out/machine.txt"

score() { # name model.onnx  -> appends one summary line
  "$bocomp" eval "$2" --images "$hi" --labels "$hl" --reference "$orig" --json > "$out/$1/eval.json"
  python3 - "$1" "$out" <<'PY'
import json, sys, os
name, out = sys.argv[1], sys.argv[2]
d = os.path.join(out, name)
e = json.load(open(os.path.join(d, "eval.json")))
rec = {"name": name, "heldout_top1": e["top1"], "original_top1": e["reference"]["top1"],
       "heldout_L": e["reference"]["distance"]["mean"],
       "heldout_L_stderr": e["reference"]["distance"]["stderr"]}
for f in ("result.json", "compress.json"):
    p = os.path.join(d, f)
    if os.path.exists(p):
        r = json.load(open(p))
        rec["bytes"] = r["bytes"]["compressed"]; rec["bytes_fraction"] = r["bytes"]["compressed"] / r["bytes"]["original"]
        rec["params"] = r["params"]["compressed"]
        if "distance" in r: rec["reported_L"] = r["distance"]["mean"]
        if "seconds" in r: rec["seconds"] = r["seconds"]
        if "plan" in r: rec["plan"] = [[l["name"], l["method"], l.get("rank", l.get("ranks")), l.get("bits")] for l in r["plan"]["layers"]]
ft = os.path.join(d, "finetune.json")
if os.path.exists(ft):
    rec["finetune"] = json.load(open(ft))
print(json.dumps(rec))
open(os.path.join(out, "summary.jsonl"), "a").write(json.dumps(rec) + "\n")
PY
}

tune() { # name args...
  local name=$1; shift
  [ -f "$out/$name/eval.json" ] && return 0 # done in an earlier, interrupted run
  "$bocomp" tune "$@" --out "$out/$name" --quiet --json --cache-dir "$cache" > /dev/null
  score "$name" "$out/$name/compressed.onnx"
}

# uniform plans: every compressible layer (all 8) quantized to one width, per output channel
for b in 8 4 2; do
  [ -f "$out/all$b/eval.json" ] && continue
  mkdir -p "$out/all$b"
  python3 - "$b" "$out/all$b/plan.json" <<'PY'
import json, sys
names = ["/features/features.0/Conv", "/features/features.3/Conv", "/features/features.7/Conv",
         "/features/features.10/Conv", "/features/features.14/Conv",
         "/classifier/classifier.2/Gemm", "/classifier/classifier.5/Gemm", "/classifier/classifier.7/Gemm"]
json.dump({"layers": [{"name": n, "method": "quantize", "bits": int(sys.argv[1])} for n in names]},
          open(sys.argv[2], "w"), indent=1)
PY
  "$bocomp" compress --plan "$out/all$b/plan.json" --out "$out/all$b/compressed.onnx" \
    --images "$hi" --cache-dir "$cache" --json > "$out/all$b/compress.json"
  score "all$b" "$out/all$b/compressed.onnx"
done

for s in $seeds; do
  # 1/8 of the float32 weight bytes
  tune "e8-bits-ranks-s$s" --bits 2,3,4,5,6,8 --max-bytes 0.125 --trials "$trials" --seed "$s"
  tune "e8-bits-only-s$s" --method quantize --bits 2,3,4,5,6,8 --max-bytes 0.125 --trials "$trials" --seed "$s"
  tune "e8-ranks-only-s$s" --max-bytes 0.125 --trials "$trials" --seed "$s"
  # 1/16: mixed 2-4 bits with ranks
  tune "e16-bits-ranks-s$s" --bits 2,3,4 --max-bytes 0.0625 --trials "$trials" --seed "$s"
  # (bits alone cannot reach 1/16: `tune --method quantize --bits 2,3,4 --max-bytes 0.0625` is
  # refused, the floor being 0.0780 with the first conv and the classifier left float)
  tune "e16-ranks-only-s$s" --max-bytes 0.0625 --trials "$trials" --seed "$s"
done

# 2 epochs of KD on the 1/16 model of the first seed (training images; held-out scoring as above)
first=${seeds%% *}
ft="e16-bits-ranks-s$first-kd2"
if [ ! -f "$out/$ft/eval.json" ]; then
  mkdir -p "$out/$ft"
  # the bits stay, so the bytes are the tuned model's (checked against the file by QuantOrtCheck)
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); json.dump({k: r[k] for k in ("bytes", "params")}, open(sys.argv[2], "w"))' \
    "$out/e16-bits-ranks-s$first/result.json" "$out/$ft/compress.json"
  "$bocomp" finetune "$out/e16-bits-ranks-s$first/compressed.onnx" --epochs 2 \
    --images /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
    --labels /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz \
    --eval-images "$hi" --eval-labels "$hl" --out "$out/$ft/compressed.onnx" --json \
    > "$out/$ft/finetune.json"
  score "$ft" "$out/$ft/compressed.onnx"
fi
