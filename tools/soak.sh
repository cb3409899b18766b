#!/usr/bin/env bash
# Crash soak of `bocomp tune`: kills a run with SIGKILL at KILLS moments, resumes each one, and
# checks that every run ends byte-identical to a run that was never interrupted.
#
#   tools/soak.sh [KILLS] [TRIALS]        (defaults: 20 kills, 40 trials on the default model)
#
# The moments cycle through four kinds: a random time within the uninterrupted run's duration, and
# the windows in which the factor cache, compressed.onnx and report.html are being written (the
# script polls for the temporary file that AtomicFiles writes before its rename, and kills as soon
# as it sees one; a window it misses three times is reported as missed, and that kill falls back
# to a random time). Each run has its own empty factor cache, so every run writes the cache.
#
# After a kill the run is resumed (`tune --resume DIR`, same options), or started again with
# `--out DIR` when the kill came before the run had a journal (before any trial: the factor-cache
# window lies there). Compared with the uninterrupted run: compressed.onnx byte for byte;
# result.json and journal.jsonl byte for byte after removing the fields that hold wall-clock time
# (result.json: seconds, timing; journal: the header's created, each trial's ms), and with the
# run's directory and cache paths in the header's command line replaced by DIR and CACHE (each run
# has its own). report.html holds the times in its text and is not compared. Leftover temporary
# files in the run directory are counted too. Exit status 0 only when every run matched.
#
# Needs the built CLI (./bocomp builds it) and python3 (the JSON comparison). Work files go to
# SOAK_DIR (default target/soak, replaced).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kills="${1:-20}"
trials="${2:-40}"
work="${SOAK_DIR:-$here/target/soak}"
jar="$here/java/target/bocomp.jar"
lib="$here/java/target/lib"

"$here/bocomp" --version >/dev/null   # builds the jar when the sources changed
rm -rf "$work"
mkdir -p "$work"
opts=(--trials "$trials" --samples 32 --seed 7 --quiet)

tune() { # tune LOG ARGS...: runs the CLI in the background; sets $pid
  local log="$1"
  shift
  java --add-modules jdk.incubator.vector -Dorg.bytedeco.javacpp.cachedir="$work/javacpp" \
    -cp "$jar:$lib/*" io.bocomp.cli.Main tune "${opts[@]}" "$@" >>"$log" 2>&1 &
  pid=$!
}

normalize() { # normalize FILE KIND DIR CACHE: the file without its wall-clock fields, and with
  # the run's own directory and cache paths in the journal header's command line as DIR and CACHE
  python3 - "$1" "$2" "$3" "$4" <<'EOF'
import json, sys
path, kind, rundir, cache = sys.argv[1:5]
def strip(o, keys):
    if isinstance(o, dict):
        return {k: strip(v, keys) for k, v in o.items() if k not in keys}
    if isinstance(o, list):
        return [strip(v, keys) for v in o]
    return o
if kind == "result":
    print(json.dumps(strip(json.load(open(path)), {"seconds", "timing"}), sort_keys=True))
else:
    for line in open(path):
        o = strip(json.loads(line), {"created", "ms"})
        if o.get("type") == "header":
            o["command"] = o["command"].replace(rundir, "DIR").replace(cache, "CACHE")
        print(json.dumps(o, sort_keys=True))
EOF
}

now_ms() { date +%s%3N; }

# --- the uninterrupted reference run ------------------------------------------------------------
t0=$(now_ms)
tune "$work/ref.log" --out "$work/ref" --cache-dir "$work/cache-ref"
wait "$pid"
ref_ms=$(( $(now_ms) - t0 ))
normalize "$work/ref/result.json" result "$work/ref" "$work/cache-ref" >"$work/ref.result"
normalize "$work/ref/journal.jsonl" journal "$work/ref" "$work/cache-ref" >"$work/ref.journal"
echo "reference: ${ref_ms} ms for ${trials} trials ($(wc -l <"$work/ref/journal.jsonl") journal lines)"

# --- the killed runs ----------------------------------------------------------------------------
kinds=(random cache model report)
pattern() { # pattern KIND DIR CACHE: the temporary file that marks the window
  case "$1" in
    cache) echo "$3/factors/.*.factors.*.tmp" ;;
    model) echo "$2/.compressed.onnx.*.tmp" ;;
    report) echo "$2/.report.html.*.tmp" ;;
  esac
}

ok=0; failed=0; missed=0
printf '%-4s %-7s %-28s %-8s %s\n' run kind "killed at" resumes result
for i in $(seq 1 "$kills"); do
  kind="${kinds[$(( (i - 1) % 4 ))]}"
  dir="$work/run-$i"
  cache="$work/cache-$i"
  log="$work/run-$i.log"
  at=""
  if [ "$kind" != random ]; then
    for attempt in 1 2 3; do
      rm -rf "$dir" "$cache"
      tune "$log" --out "$dir" --cache-dir "$cache"
      glob="$(pattern "$kind" "$dir" "$cache")"
      while kill -0 "$pid" 2>/dev/null; do
        if compgen -G "$glob" >/dev/null; then
          kill -9 "$pid" 2>/dev/null && at="$kind write (try $attempt)"
          break
        fi
      done
      wait "$pid" 2>/dev/null || true
      [ -n "$at" ] && break
    done
    if [ -z "$at" ]; then
      missed=$((missed + 1))
      kind="random*"
    fi
  fi
  if [ -z "$at" ]; then
    rm -rf "$dir" "$cache"
    delay=$(( RANDOM * 32768 + RANDOM ))
    delay=$(( delay % (ref_ms > 0 ? ref_ms : 1) ))
    tune "$log" --out "$dir" --cache-dir "$cache"
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then
      at="${delay} ms"
    else
      at="${delay} ms (had ended)"
    fi
    wait "$pid" 2>/dev/null || true
  fi
  # resume until the run has written its result (a resume is never killed here)
  resumes=0
  while [ ! -f "$dir/result.json" ] || grep -q '"partial" : true' "$dir/result.json"; do
    resumes=$((resumes + 1))
    if [ -f "$dir/journal.jsonl" ]; then
      tune "$log" --resume "$dir" --cache-dir "$cache"
    else
      tune "$log" --out "$dir" --cache-dir "$cache"
    fi
    wait "$pid" || { echo "run $i: the resume failed, see $log"; break; }
    [ "$resumes" -ge 3 ] && break
  done
  result=match
  if ! cmp -s "$dir/compressed.onnx" "$work/ref/compressed.onnx"; then
    result="compressed.onnx differs"
  else
    normalize "$dir/result.json" result "$dir" "$cache" >"$work/run-$i.result"
    normalize "$dir/journal.jsonl" journal "$dir" "$cache" >"$work/run-$i.journal"
    if ! cmp -s "$work/run-$i.result" "$work/ref.result"; then
      result="result.json differs"
    elif ! cmp -s "$work/run-$i.journal" "$work/ref.journal"; then
      result="journal differs"
    fi
  fi
  if [ "$result" = match ] && compgen -G "$dir/.*.tmp" >/dev/null; then
    result="temporary files left: $(cd "$dir" && echo .*.tmp)"
  fi
  if [ "$result" = match ]; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
  printf '%-4s %-7s %-28s %-8s %s\n' "$i" "$kind" "$at" "$resumes" "$result"
done
echo "soak: $ok of $kills runs identical to the uninterrupted run, $failed differ," \
  "$missed write windows missed"
[ "$failed" -eq 0 ]
