#!/usr/bin/env bash
# Runs every cargo-fuzz (libFuzzer) target under fuzz/ for a bounded time and prints, per
# target, the executions and the crashes found; exits 1 when any target crashed.
#
#   scripts/fuzz.sh                      # every target, 180 s each
#   scripts/fuzz.sh --seconds 30 compose # one target, 30 s
#
# Installs cargo-fuzz when it is missing. libFuzzer needs nightly compiler flags
# (-Zsanitizer); on a stable toolchain RUSTC_BOOTSTRAP=1 allows them, as rustup's nightly
# would. The first build takes several minutes (every dependency with coverage and
# AddressSanitizer). A crash leaves its input in fuzz/artifacts/TARGET/; replay it with
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O TARGET artifacts/TARGET/crash-…
# and turn it into a regression test beside the code it broke.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=180
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds wants a whole number, not '$seconds'" >&2; exit 2 ;; esac

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version '^0.13'
fi
export RUSTC_BOOTSTRAP=1

cd fuzz
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

echo "== building ${targets[*]} (release, AddressSanitizer)"
for t in "${targets[@]}"; do cargo fuzz build -O "$t"; done

# The shipped samples are where the event parser starts (the other targets build structured
# inputs of their own). libFuzzer keeps what it finds in the corpus folder, so a later run
# goes on from there.
mkdir -p corpus/event_parse
for f in ../templates/*/samples/*.json; do
  cp -n "$f" "corpus/event_parse/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"
done

export FUZZ_TMP="${FUZZ_TMP:-$(mktemp -d)}"
total=0
crashed=0
printf '%-12s %14s %8s %s\n' target executions crashes "exec/s"
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  log="$(mktemp)"
  status=0
  # -rss_limit_mb: a single input that needs more memory than this is a finding too.
  cargo fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 \
    -timeout=10 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  after=$(find "artifacts/$t" -type f | wc -l)
  found=$((after - before))
  if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then
    # Failed without an artifact: a build or start-up error, not a finding.
    tail -30 "$log" >&2
    echo "fuzz.sh: $t did not run (exit $status)" >&2
    exit 2
  fi
  if [ "$found" -gt 0 ]; then
    crashed=$((crashed + found))
    grep -m1 -A12 -E '^(thread .* panicked|==[0-9]+==ERROR)' "$log" >&2 || tail -20 "$log" >&2
  fi
  printf '%-12s %14s %8s %s\n' "$t" "${execs:-0}" "$found" "${rate:-?}"
  total=$((total + ${execs:-0}))
  rm -f "$log"
done
echo "total: $total executions, $crashed crashes"
[ "$crashed" -eq 0 ]
