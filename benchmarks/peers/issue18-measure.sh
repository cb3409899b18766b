#!/bin/bash
# Issue 18 measurements in one quiet window (benchmarks/results/forward.md, tune-speed.md,
# train-throughput.md): ForwardBenchmark on five models, TuneTrialBench against ONNX Runtime,
# `tune --trials 100` of an older build against this one, training throughput against PyTorch.
#   mvn -B -o -q -P '!cuda' package -DskipTests
#   OLD=/path/to/a/checkout/of/3e60b23/built/the/same/way OUT=DIR benchmarks/peers/issue18-measure.sh
# SECTIONS="1 3" runs only those sections (default: all four).
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/issue18}
mkdir -p $OUT/forward $OUT/trial $OUT/tune $OUT/train
JAR=benchmarks/target/benchmarks.jar
OLD=${OLD:?set OLD to a built checkout of commit 3e60b23}
( while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 15; done ) > $OUT/load.log &
LOADPID=$!
echo "start $(date -u +%H:%M:%S) $(git rev-parse --short HEAD)" > $OUT/times.txt
SECTIONS=${SECTIONS:-1 2 3 4}
on() { [[ " $SECTIONS " == *" $1 "* ]]; }
# 1. ForwardBenchmark, interleaved, order reversed in rep 2
on 1 && for rep in 1 2; do
  if [ $rep = 1 ]; then order="bocomp ort"; else order="ort bocomp"; fi
  for m in default resnet18 tucker2 mobilenet vit; do for b in 50 1; do for e in $order; do
    java -jar $JAR ForwardBenchmark -f 1 -wi 3 -i 3 -w 2 -r 2 \
      -p model=$m -p batch=$b -p engine=$e -rf json -rff $OUT/forward/$m-$b-$e-$rep.json > $OUT/forward/$m-$b-$e-$rep.log 2>&1
  done; done; done
done
echo "forward done $(date -u +%H:%M:%S)" >> $OUT/times.txt
# 2. TuneTrialBench: the tuner's trial against ONNX Runtime
on 2 && for rep in 1 2; do
  order="incremental ort ortTrial"; [ $rep = 2 ] && order="ortTrial ort incremental"
  for c in all fc; do for m in $order; do
    java -jar $JAR "TuneTrialBench\.$m\$" -f 1 -wi 4 -i 5 -w 1 -r 1 \
      -p changed=$c -rf json -rff $OUT/trial/$c-$m-$rep.json > $OUT/trial/$c-$m-$rep.log 2>&1
  done; done
done
echo "trial done $(date -u +%H:%M:%S)" >> $OUT/times.txt
# 3. tune --trials 100: 3e60b23 (tune-speed.md's commit) against HEAD, interleaved, in each
#    build's default search (3e60b23: lagrangian; HEAD: constrained) and both in --mode lagrangian
#    (the same kind of search). Wall seconds of
#    the whole command in wall.txt. Then the forward pass of the default model at batch 50 in both
#    builds in the same window.
tune() { # name dir args...
  local name=$1 dir=$2; shift 2
  local t0=$(date +%s.%N)
  (cd $dir && ./bocomp tune --trials 100 --out $OUT/tune/$name --quiet "$@" > $OUT/tune/$name.log 2>&1)
  echo "$name $(echo "$(date +%s.%N) - $t0" | bc)" >> $OUT/tune/wall.txt
}
on 3 && for i in 1 2 3; do
  tune old$i $OLD
  tune new$i .
  tune oldlag$i $OLD --mode lagrangian
  tune newlag$i . --mode lagrangian
done
on 3 && for rep in 1 2; do
  java -jar $OLD/benchmarks/target/benchmarks.jar ForwardBenchmark -f 1 -wi 3 -i 3 -w 2 -r 2 -p model=default -p batch=50 -p engine=bocomp -rf json -rff $OUT/tune/fwd-old-$rep.json > /dev/null 2>&1
  java -jar $JAR ForwardBenchmark -f 1 -wi 3 -i 3 -w 2 -r 2 -p model=default -p batch=50 -p engine=bocomp -rf json -rff $OUT/tune/fwd-new-$rep.json > /dev/null 2>&1
done
echo "tune done $(date -u +%H:%M:%S)" >> $OUT/times.txt
# 4. training throughput against PyTorch
on 4 && ROUNDS=2 REPEATS=3 STEPS=20 benchmarks/peers/run_train_throughput.sh > $OUT/train/default.jsonl 2> $OUT/train/err.log
echo "train done $(date -u +%H:%M:%S)" >> $OUT/times.txt
kill $LOADPID
