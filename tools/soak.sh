#!/usr/bin/env bash
# `npm run test:soak [-- QUIET_RUNS [LOADED_RUNS]]`: the unit suite (what
# `npm test` runs) QUIET_RUNS times in a row (default 5), then LOADED_RUNS
# times (default 3) while two busy loops hog both cores. One line per run, a
# summary, exit 1 if any run failed. The busy loops are always stopped, on
# Ctrl-C too. A failed run's output is kept and its path printed.
#
# Heavy: on a shared machine, run it under the lock:
#   flock /tmp/usher-heavy.lock npm run test:soak
set -uo pipefail
cd "$(dirname "$0")/.."

quiet_runs=${1:-5}
loaded_runs=${2:-3}
for n in "$quiet_runs" "$loaded_runs"; do
  if ! [[ $n =~ ^[0-9]+$ ]]; then
    echo "soak: run counts must be whole numbers, e.g. npm run test:soak -- 5 3; got '$n'" >&2
    exit 2
  fi
done

logs=$(mktemp -d /tmp/usher-soak.XXXXXX)
hogs=()
suite=''
current_log=''

stop_hogs() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${hogs[@]}"; do wait "$pid" 2>/dev/null; done
  hogs=()
}
cleanup() {
  stop_hogs
  # The suite runs in its own process group: stop all of it (test files, their namespaces).
  if [ -n "$suite" ]; then kill -TERM -- "-$suite" 2>/dev/null; wait "$suite" 2>/dev/null; fi
  # Keep only the logs of failed runs (not those of a run cut short).
  find "$logs" -name '*.pass.log' -delete 2>/dev/null
  if [ -n "$current_log" ]; then rm -f "$current_log"; fi
  rmdir "$logs" 2>/dev/null
}
trap cleanup EXIT
trap 'echo "soak: interrupted"; exit 130' INT TERM

echo "soak: building once"
npm run --silent build || exit 1

passed_quiet=0
passed_loaded=0

# One run of the suite; prints its line, returns its status.
one_run() {
  local label=$1 index=$2 total=$3
  local log="$logs/$label-$index.log" started=$SECONDS
  setsid node --test build/test/*/*.test.js >"$log" 2>&1 &
  suite=$!
  current_log=$log
  wait "$suite"
  local code=$?
  suite=''
  current_log=''
  local counts
  counts=$(grep -E '^# (pass|fail) ' "$log" | tr '\n' ' ' | sed 's/# //g; s/ $//')
  if [ "$code" -eq 0 ]; then
    mv "$log" "${log%.log}.pass.log"
    echo "soak: $label run $index/$total: pass ($counts) in $((SECONDS - started)) s"
  else
    echo "soak: $label run $index/$total: FAIL ($counts, exit $code) in $((SECONDS - started)) s; output kept in $log"
    grep -E '^\s*not ok' "$log" | sed 's/^ */soak:   /' | head -20
  fi
  return "$code"
}

for ((i = 1; i <= quiet_runs; i++)); do
  one_run quiet "$i" "$quiet_runs" && passed_quiet=$((passed_quiet + 1))
done

if [ "$loaded_runs" -gt 0 ]; then
  echo "soak: starting two busy loops (one per core)"
  for _ in 1 2; do
    (while :; do :; done) &
    hogs+=($!)
  done
  for ((i = 1; i <= loaded_runs; i++)); do
    one_run loaded "$i" "$loaded_runs" && passed_loaded=$((passed_loaded + 1))
  done
  stop_hogs
fi

echo "soak: summary: $passed_quiet/$quiet_runs quiet runs passed, $passed_loaded/$loaded_runs runs under two busy loops passed"
[ "$passed_quiet" -eq "$quiet_runs" ] && [ "$passed_loaded" -eq "$loaded_runs" ]
