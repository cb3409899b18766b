#!/usr/bin/env bash
# run-gpu-memcheck.sh [RESULTS_DIR]: compute-sanitizer memcheck over the distance test and a few SVD
# and Tucker-2 tests (not the whole suite: the JVM under the sanitizer is slow), bounded by
# MEMCHECK_TIMEOUT seconds (default 240). Output in RESULTS_DIR/gpu-memcheck.txt.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RES=${1:-$HERE/results}
mkdir -p "$RES"
SAN=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1 || true)
if [ -n "$SAN" ]; then
  echo "== compute-sanitizer memcheck ($SAN)" > "$RES/gpu-memcheck.txt"
  timeout "${MEMCHECK_TIMEOUT:-240}" "$SAN" --tool memcheck --target-processes all \
    --error-exitcode 3 "$HERE/bin/java-gpu" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --details=flat --disable-ansi-colors \
    --select-class io.bocomp.cuda.CpuVsCudaDistanceTest \
    --select-method 'io.bocomp.cuda.CpuVsCudaSvdTest#rankDeficientMatricesKeepOrthonormalFactors(io.bocomp.cuda.SvdRoute)' \
    --select-method 'io.bocomp.cuda.CpuVsCudaTucker2Test#deviceFactorsSliceTheCoreWithoutCopies()' \
    >> "$RES/gpu-memcheck.txt" 2>&1
  echo "memcheck exit status: $? (124 = timed out)" >> "$RES/gpu-memcheck.txt"
  tail -30 "$RES/gpu-memcheck.txt"
else
  echo "compute-sanitizer: not found on this host; memcheck not run" | tee "$RES/gpu-memcheck.txt"
fi
