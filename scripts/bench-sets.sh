#!/usr/bin/env bash
# What template sets cost at start-up: load time and peak RSS of `mailroom preview` (which
# loads and checks everything once, as the worker does, then renders one email) over a copy
# of the shipped templates with no extra sets, with N "light" sets (each rewords one template's
# subject) and with N "heavy" sets (each a copy of the example set `b2b`, whose
# footer layout changes every template).
#
#   scripts/bench-sets.sh [--sets 50] [--runs 5]
#
# Prints one line per case: median seconds and median peak RSS over the runs. BENCH_BIN
# compares another build (A/B in the same hour). Needs nothing but a release build; no network.
set -euo pipefail
cd "$(dirname "$0")/.."

sets=50
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) sets="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--sets N] [--runs N]" >&2; exit 2 ;;
  esac
done

if [ -z "${BENCH_BIN:-}" ]; then
  cargo build --release --quiet
fi
bin="${BENCH_BIN:-$PWD/target/release/mailroom}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# case name → a folder with templates/ and locales/
make_case() {
  local dir="$work/$1"
  mkdir -p "$dir"
  cp -r templates locales "$dir/"
  rm -rf "$dir/templates/sets" "$dir"/locales/*/sets
  local templates
  templates=$(ls templates | grep -v -e '^layouts$' -e '^sets$')
  local i=0
  while [ "$i" -lt "$2" ]; do
    i=$((i + 1))
    local name
    name=$(printf 'set%02d' "$i")
    case "$3" in
      light)
        # One template's subject: the set changes that template only.
        local t
        t=$(echo "$templates" | sed -n "$(( (i - 1) % $(echo "$templates" | wc -l) + 1 ))p")
        mkdir -p "$dir/templates/sets/$name/$t"
        { printf '[%s] ' "$name"; cat "templates/$t/subject.txt"; } \
          > "$dir/templates/sets/$name/$t/subject.txt"
        ;;
      heavy)
        mkdir -p "$dir/templates/sets"
        cp -r templates/sets/b2b "$dir/templates/sets/$name"
        for l in locales/*/sets/b2b.ftl; do
          local lang
          lang=$(basename "$(dirname "$(dirname "$l")")")
          mkdir -p "$dir/locales/$lang/sets"
          cp "$l" "$dir/locales/$lang/sets/$name.ftl"
        done
        ;;
    esac
  done
}

measure() {
  python3 - "$bin" "$work/$1" "$runs" <<'EOF'
import os, statistics, subprocess, sys, time
binary, dir, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
secs, rss = [], []
for _ in range(runs):
    start = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILROOM_")}
    p = subprocess.Popen(
        [binary, "preview", "verify_email", "--format", "json"],
        cwd=dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**env, "RUST_LOG": "error"},
    )
    _, status, usage = os.wait4(p.pid, 0)
    secs.append(time.monotonic() - start)
    rss.append(usage.ru_maxrss / 1024)
    if status != 0:
        sys.exit(f"mailroom failed in {dir}: {p.stderr.read().decode()}")
print(f"seconds={statistics.median(secs):.3f} peak_rss_mb={statistics.median(rss):.1f}")
EOF
}

make_case none 0 none
make_case light "$sets" light
make_case heavy "$sets" heavy
for c in none light heavy; do
  printf '%-6s sets=%-3s ' "$c" "$([ "$c" = none ] && echo 0 || echo "$sets")"
  measure "$c"
done
