#!/usr/bin/env bash
# End-to-end benchmark: preload N events (the shared reference workload), run `mailroom run`
# against Postfix's smtp-sink until every email was accepted, and print the figures.
#
#   scripts/bench-e2e.sh [--n 20000] [--concurrency 64] [--runs 1] [--dump]
#   scripts/bench-e2e.sh --latency [--rate 1000] [--seconds 20] [--concurrency 64]
#
# Throughput mode (default): the last lines are key=value figures: emails_per_s,
# cpu_ms_per_email, peak_rss_mb, startup_ms. With --dump, smtp-sink keeps every message and
# scripts/bench_report.py checks each one against its event (language, parts, escaping, links;
# prints correct=yes|no); dumping costs the sink time, so figures from such runs are lower.
#
# Latency mode: the worker runs first; `mailroom publish --rate` then publishes RATE events per
# second for SECONDS, and each email's publish → SMTP-accepted time is printed as
# latency_p50_ms, latency_p99_ms, latency_p999_ms, latency_max_ms.
#
# The caller's other MAILROOM_* variables reach the worker: MAILROOM_DKIM_KEY and
# MAILROOM_DKIM_SELECTOR measure DKIM signing.
#
# BENCH_LOG sets the worker's RUST_LOG (default info: one JSON line per email, as in production;
# startup_ms and the latency mode read those lines).
#
# Installs what it needs (postfix for smtp-sink, RabbitMQ) on first use. Talks to 127.0.0.1
# only. Builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."

n=20000
concurrency=64
runs=1
dump=0
latency=0
rate=1000
seconds=20
usage="usage: $0 [--n N] [--concurrency C] [--runs R] [--dump] | --latency [--rate R] [--seconds S]"
while [ $# -gt 0 ]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --dump) dump=1; shift ;;
    --latency) latency=1; shift ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
if [ "$latency" = 1 ]; then
  n=$((rate * seconds))
fi

scripts/setup-test-env.sh # RabbitMQ and smtp-sink
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

cargo build --release --quiet
# BENCH_BIN compares another build (A/B in the same hour: this machine's speed drifts).
bin=${BENCH_BIN:-target/release/mailroom}
work=$(mktemp -d)
chmod 0711 "$work" # smtp-sink writes dumps as `nobody`
worker_pid=
sink_pid=
cleanup() {
  [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

generator=scripts/gen_events.py
python3 "$generator" --n "$n" --seed 20261128 --out "$work/events.jsonl"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_log() { # file pattern: bounded wait for the worker to log a line
  for _ in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench: the worker did not log '$2'" >&2
  cat "$1" >&2
  return 1
}

for run in $(seq 1 "$runs"); do
  queue="mailroom.bench.$$.$run"
  port=$(free_port)
  export MAILROOM_QUEUE="$queue" MAILROOM_SMTP_URL="smtp://127.0.0.1:$port" \
         MAILROOM_STATE_DIR="${BENCH_STATE_DIR:-$work}/state.$run" MAILROOM_CONCURRENCY="$concurrency" \
         MAILROOM_FROM="Mailroom Bench <no-reply@bench.test>" MAILROOM_DIRECTORY=none \
         RUST_LOG=warn,mailroom::worker=warn
  unset MAILROOM_CONFIG
  if [ "$latency" = 0 ]; then
    "$bin" publish --events "$work/events.jsonl" 2>&1 | sed 's/^/bench: /'
  fi

  # -M: exit after N messages, so its exit marks the moment the last email was accepted.
  # -d: one file per message (the directory must be writable by the sink's user).
  # (In latency mode the sink runs until every "sent" line is logged: with -M its exit would
  # cut the last session before the final 250.)
  sink_args=(-u nobody)
  [ "$latency" = 0 ] && sink_args+=(-M "$n")
  if [ "$dump" = 1 ]; then
    dump_dir="$work/dump.$run"
    mkdir -p "$dump_dir"
    chmod 0777 "$dump_dir"
    sink_args+=(-d "$dump_dir/%H%M%S.")
  fi
  "$sink" "${sink_args[@]}" "127.0.0.1:$port" 1024 &
  sink_pid=$!
  sleep 0.2

  start_ns=$(date +%s%N)
  # JSON lines: the latency report reads each "sent" line's timestamp.
  RUST_LOG="${BENCH_LOG:-info}" MAILROOM_LOG_FORMAT=json "$bin" run >"$work/worker.$run.log" 2>&1 &
  worker_pid=$!
  if [ "$latency" = 1 ]; then
    wait_for_log "$work/worker.$run.log" '"consuming"' 
    "$bin" publish --events "$work/events.jsonl" --rate "$rate" \
      --timestamps "$work/published.$run" 2>&1 | sed 's/^/bench: /'
  fi
  if [ "$latency" = 1 ]; then
    for _ in $(seq 1 600); do
      [ "$(grep -c '"message":"sent"' "$work/worker.$run.log")" -ge "$n" ] && break
      sleep 0.05
    done
    kill "$sink_pid"
    wait "$sink_pid" 2>/dev/null || true
  elif ! wait "$sink_pid"; then
    echo "bench: smtp-sink failed" >&2
    exit 1
  fi
  sink_pid=
  end_ns=$(date +%s%N)

  # CPU and memory of the worker, read before it exits.
  read -r utime stime < <(awk '{print $14, $15}' "/proc/$worker_pid/stat")
  hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$worker_pid/status")
  ticks=$(getconf CLK_TCK)
  kill -TERM "$worker_pid"
  wait "$worker_pid" || true
  worker_pid=
  cp "$work/worker.$run.log" "target/bench-worker.$run.log"
  startup_ms=$(grep -m1 -o '"since_start_ms":[0-9]*' "$work/worker.$run.log" | cut -d: -f2 || true)
  rabbitmqctl -q delete_queue "$queue" >/dev/null 2>&1 || true
  rabbitmqctl -q delete_queue "$queue.dlq" >/dev/null 2>&1 || true
  for d in 10s 1m 10m 1h; do rabbitmqctl -q delete_queue "$queue.retry.$d" >/dev/null 2>&1 || true; done

  awk -v n="$n" -v s="$start_ns" -v e="$end_ns" -v u="$utime" -v st="$stime" -v t="$ticks" \
      -v hwm="$hwm_kb" -v su="${startup_ms:-0}" -v run="$run" 'BEGIN {
    secs = (e - s) / 1e9
    printf "run %d: %d emails in %.2f s\n", run, n, secs
    printf "emails_per_s=%.0f\n", n / secs
    printf "cpu_ms_per_email=%.3f\n", (u + st) / t * 1000 / n
    printf "peak_rss_mb=%.1f\n", hwm / 1024
    printf "startup_ms=%d\n", su
  }'
  if [ "$latency" = 1 ]; then
    python3 scripts/bench_report.py latency "$work/events.jsonl" "$work/published.$run" "$work/worker.$run.log"
  elif [ "$dump" = 1 ]; then
    python3 scripts/bench_report.py check "$work/events.jsonl" "$dump_dir" || status=1
    kept="target/bench-dump.$run"
    rm -rf "$kept" && mv "$dump_dir" "$kept"
    echo "bench: the received messages are in $kept"
  fi
done
exit "${status:-0}"
