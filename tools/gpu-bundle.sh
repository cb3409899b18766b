#!/usr/bin/env bash
# Builds the GPU-host bundle: a self-contained folder (<= 64 MiB) that runs bocomp's CUDA tests and
# GPU benchmarks on a machine with an NVIDIA driver and CUDA 13 libraries (e.g. the nvidia-* Python
# wheels of a PyTorch install) but no Java, no Maven and no network.
#
#   tools/gpu-bundle.sh [OUT_DIR]        (default: target/gpu-bundle)
#
# Needs: nvcc (the Maven `cuda` profile builds libbocomp_cuda.so and its JNI glue), a JDK with jmods
# (jlink; BUNDLE_JDK, default /usr/lib/jvm/java-17-openjdk-amd64), the Maven repository offline.
# Layout of the result:
#   jre/                 jlink'ed JRE (java.base, java.logging, jdk.unsupported; stripped libjvm)
#   lib/                 bocomp.jar (with libbocomp_cuda.so + libjniNativeKernels.so inside),
#                        bocomp-tests.jar, bocomp-bench.jar, runtime dependencies; the cuda and
#                        openblas platform jars repacked to the .so files bocomp loads; no cuda-redist
#   test-lib/            JUnit console launcher, AssertJ (test runs only)
#   bin/java-gpu         java with the host's CUDA libraries on the JavaCPP linkpath
#   run-gpu-tests.sh     the CUDA tests (JUnit console), compute-sanitizer memcheck where present
#   run-gpu-bench.sh     GpuBenchmark and the PyTorch peers, side by side
#   run-all.sh           environment report + tests + benchmarks into one results folder
#   test-classes.txt     the CUDA test classes run-gpu-tests.sh selects
#   peers/               benchmarks/peers/*.py
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/gpu-bundle}
JDK=${BUNDLE_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
M2=${M2_REPO:-$HOME/.m2/repository}
LIMIT=$((64 * 1024 * 1024))
JUNIT_CONSOLE=$M2/org/junit/platform/junit-platform-console-standalone/1.10.2/junit-platform-console-standalone-1.10.2.jar
ASSERTJ=$M2/org/assertj/assertj-core/3.26.3/assertj-core-3.26.3.jar

die() { echo "gpu-bundle: $*" >&2; exit 1; }
[ -x /usr/local/cuda/bin/nvcc ] || die "needs /usr/local/cuda/bin/nvcc to build libbocomp_cuda.so"
[ -x "$JDK/bin/jlink" ] || die "no jlink in $JDK (set BUNDLE_JDK)"
[ -f "$JUNIT_CONSOLE" ] || die "missing $JUNIT_CONSOLE (mvn dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.10.2)"

echo "gpu-bundle: building with the cuda profile"
(cd "$ROOT" && mvn -B -o -q -Pcuda -pl java,benchmarks -DskipTests package)
[ -f "$ROOT/java/target/classes/io/bocomp/cuda/linux-x86_64/libbocomp_cuda.so" ] \
  || die "libbocomp_cuda.so was not built"

rm -rf "$OUT"
mkdir -p "$OUT/lib" "$OUT/test-lib" "$OUT/bin" "$OUT/peers"

echo "gpu-bundle: jlink"
"$JDK/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT/jre"
strip --strip-unneeded "$OUT/jre/lib/server/libjvm.so"

echo "gpu-bundle: jars"
cp "$ROOT/java/target/bocomp.jar" "$OUT/lib/"
(cd "$ROOT/java/target/test-classes" && zip -q -r "$OUT/lib/bocomp-tests.jar" .)
(cd "$ROOT/benchmarks/target/classes" && zip -q -r "$OUT/lib/bocomp-bench.jar" . -x 'META-INF/*')
for jar in "$ROOT"/java/target/lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in
    # the HTML report's plotting stack: not used by tests or benchmarks on a GPU host
    xchart-*|pdfbox-*|fontbox-*|graphics2d-*|VectorGraphics2D-*|animated-gif-lib-*|commons-logging-*) ;;
    cuda-*-linux-x86_64.jar) ;;
    openblas-*-linux-x86_64.jar) ;;
    *) cp "$jar" "$OUT/lib/" ;;
  esac
done

# Repack a platform jar keeping only the native libraries named in $2 (regex on the file name).
repack() {
  local src=$1 keep=$2 dst=$OUT/lib/$(basename "$1")
  cp "$src" "$dst"
  local drop
  drop=$(unzip -Z1 "$dst" | grep -E '\.so(\.[0-9]+)*$' | grep -Ev "/($keep)$" || true)
  drop="$drop"$'\n'$(unzip -Z1 "$dst" | grep -E '/include/|/lib/cmake/|/lib/pkgconfig/' || true)
  # shellcheck disable=SC2086
  echo "$drop" | grep -v '^$' | xargs -r -d '\n' zip -q -d "$dst" >/dev/null
}
repack "$(ls "$ROOT"/java/target/lib/cuda-*-linux-x86_64.jar)" \
  'libjnicudart\.so|libjnicublas\.so|libjnicusparse\.so|libjnicusolver\.so'
repack "$(ls "$ROOT"/java/target/lib/openblas-*-linux-x86_64.jar)" \
  'libopenblas\.so\.0|libjniopenblas\.so|libjniopenblas_nolapack\.so|libgfortran\.so\.5|libquadmath\.so\.0|libgcc_s\.so\.1'
cp "$JUNIT_CONSOLE" "$ASSERTJ" "$OUT/test-lib/"
# the CUDA test classes the bundle runs (the host may have no unzip to look inside jars); tests
# that need ONNX Runtime (not bundled: it is a CPU-side reference check) are left out
(cd "$ROOT/java/target/test-classes" && find io/bocomp/cuda -name '*Test.class' ! -name '*$*' \
  | while read -r f; do grep -q 'ai/onnxruntime' "$f" || echo "$f"; done \
  | sed 's/\.class$//; s#/#.#g' | sort) > "$OUT/test-classes.txt"
cp "$ROOT"/benchmarks/peers/*.py "$OUT/peers/"

cp "$ROOT/tools/gpu-host/java-gpu" "$OUT/bin/"
cp "$ROOT"/tools/gpu-host/run-*.sh "$OUT/"
chmod +x "$OUT/bin/java-gpu" "$OUT"/run-*.sh

size=$(du -sb "$OUT" | cut -f1)
echo "gpu-bundle: $OUT is $((size / 1024 / 1024)) MiB ($size bytes)"
du -sb "$OUT"/jre "$OUT"/lib/* "$OUT"/test-lib/* | sort -n | tail -6
[ "$size" -le "$LIMIT" ] || die "bundle exceeds 64 MiB"
