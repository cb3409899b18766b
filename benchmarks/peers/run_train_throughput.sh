#!/bin/sh
# Training throughput, bocomp (io.bocomp.bench.TrainThroughput) vs PyTorch 1.13 CPU
# (train_torch_peer.py), interleaved so both see the same machine: for each model,
# ROUNDS x (bocomp, torch NCHW, torch channels-last), each a fresh process with the same
# batch, threads, loss (KD T 4 + CE, alpha 0.5), optimizer (SGD 0.01, momentum 0.9) and images.
#
#   mvn -B -o -q -P '!cuda' install -DskipTests
#   benchmarks/peers/run_train_throughput.sh [MODEL.onnx ...]   (default: the embedded model)
#
# Env: BATCH (64), THREADS (2), STEPS (30), REPEATS (5), ROUNDS (2). Prints the JSON summary
# lines; compare medians and minimums measured in the same run only.
set -eu
cd "$(dirname "$0")/../.."
BATCH=${BATCH:-64}
THREADS=${THREADS:-2}
STEPS=${STEPS:-30}
REPEATS=${REPEATS:-5}
ROUNDS=${ROUNDS:-2}
JAR=benchmarks/target/benchmarks.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -o -q -P '!cuda' install -DskipTests" >&2; exit 2; }
MODELS=${*:-default}
for m in $MODELS; do
  peer_model=$m
  [ "$m" = default ] && peer_model=models/fashion-cnn.onnx
  keep=""
  [ "$m" = default ] || keep=--keep-zeros
  r=1
  while [ "$r" -le "$ROUNDS" ]; do
    java --add-modules jdk.incubator.vector -cp "$JAR" io.bocomp.bench.TrainThroughput "$m" \
      "$BATCH" "$STEPS" "$REPEATS" "$THREADS" 10 2>/dev/null | tail -1
    for layout in "" --channels-last; do
      /usr/bin/python3 benchmarks/peers/train_torch_peer.py --model "$peer_model" \
        --batch "$BATCH" --threads "$THREADS" --steps "$STEPS" --repeats "$REPEATS" \
        --warmup 10 $keep $layout | tail -1
    done
    r=$((r + 1))
  done
done
