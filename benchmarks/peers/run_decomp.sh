#!/usr/bin/env bash
# Decomposition time of the largest VGG-16 layers: bocomp's CpuDecompositions (JMH) vs numpy/scipy
# on the same tensors, printed as a markdown table with ratios. Extra arguments go to JMH (e.g.
# -p layer=FC_4096X4096 -i 3). Set OPENBLAS_NUM_THREADS to fix both sides' thread count.
#   benchmarks/peers/run_decomp.sh
#   OPENBLAS_NUM_THREADS=1 benchmarks/peers/run_decomp.sh -p layer=CONV_512X512X3X3
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -P '!cuda' -pl benchmarks -am package -DskipTests
inputs=benchmarks/target/decomp-inputs
java -cp benchmarks/target/benchmarks.jar io.bocomp.bench.DecompositionInputs "$inputs" >/dev/null
java -jar benchmarks/target/benchmarks.jar DecompositionBench -rf json \
  -rff benchmarks/target/decomp-jmh.json "$@" >benchmarks/target/decomp-jmh.log
/usr/bin/python3 benchmarks/peers/decomp_scipy_peer.py --inputs "$inputs" \
  --jmh benchmarks/target/decomp-jmh.json
