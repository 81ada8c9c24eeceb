#!/usr/bin/env bash
# End-to-end benchmark: preload N events (the shared reference workload), run `mailroom run`
# against Postfix's smtp-sink until every email was accepted, and print the figures.
#
#   scripts/bench-e2e.sh [--n 20000] [--concurrency 64] [--runs 1]
#
# Installs what it needs (postfix for smtp-sink, RabbitMQ) on first use. Talks to 127.0.0.1
# only. The last lines are key=value figures: emails_per_s, cpu_ms_per_email, peak_rss_mb,
# startup_ms.
set -euo pipefail
cd "$(dirname "$0")/.."

n=20000
concurrency=64
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--n N] [--concurrency C] [--runs R]" >&2; exit 2 ;;
  esac
done

scripts/setup-test-env.sh
if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
  echo "bench: installing postfix (for smtp-sink)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

cargo build --release --quiet
bin=target/release/mailroom
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

generator=../shared/bench/gen_events.py
python3 "$generator" --n "$n" --seed 20261128 --out "$work/events.jsonl"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for run in $(seq 1 "$runs"); do
  queue="mailroom.bench.$$.$run"
  port=$(free_port)
  export MAILROOM_QUEUE="$queue" MAILROOM_SMTP_URL="smtp://127.0.0.1:$port" \
         MAILROOM_STATE_DIR="$work/state.$run" MAILROOM_CONCURRENCY="$concurrency" \
         MAILROOM_FROM="Mailroom Bench <no-reply@bench.test>" RUST_LOG=warn,mailroom::worker=warn
  unset MAILROOM_CONFIG
  "$bin" publish --events "$work/events.jsonl" 2>&1 | sed 's/^/bench: /'

  # -M: exit after N messages, so its exit marks the moment the last email was accepted.
  "$sink" -u nobody -M "$n" "127.0.0.1:$port" 1024 &
  sink_pid=$!
  sleep 0.2

  start_ns=$(date +%s%N)
  RUST_LOG=info "$bin" run >"$work/worker.$run.log" 2>&1 &
  worker_pid=$!
  wait "$sink_pid"
  end_ns=$(date +%s%N)

  # CPU and memory of the worker, read before it exits.
  read -r utime stime < <(awk '{print $14, $15}' "/proc/$worker_pid/stat")
  hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$worker_pid/status")
  ticks=$(getconf CLK_TCK)
  kill -TERM "$worker_pid"
  wait "$worker_pid" || true
  startup_ms=$(grep -m1 -o 'since_start_ms=[0-9]*' "$work/worker.$run.log" | cut -d= -f2)
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
done
