#!/usr/bin/env bash
# run-gpu-tests.sh [RESULTS_DIR]: bocomp's CUDA tests on this host (JUnit console launcher); output
# also in RESULTS_DIR/gpu-tests.txt, bounded by TESTS_TIMEOUT seconds (default 200). The test
# classes are listed in test-classes.txt (written when the bundle was built).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RES=${1:-$HERE/results}
mkdir -p "$RES"
SELECT=()
while read -r c; do
  [ -n "$c" ] && SELECT+=(--select-class "$c")
done < "$HERE/test-classes.txt"
timeout "${TESTS_TIMEOUT:-200}" "$HERE/bin/java-gpu" org.junit.platform.console.ConsoleLauncher \
  execute --disable-banner --details=tree --disable-ansi-colors "${SELECT[@]}" \
  > "$RES/gpu-tests.txt" 2>&1
status=$?
cat "$RES/gpu-tests.txt"
echo "tests exit status: $status" | tee -a "$RES/gpu-tests.txt"

exit "$status"
