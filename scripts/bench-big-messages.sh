#!/usr/bin/env bash
# What large broker messages cost the worker: publish COUNT messages of MB megabytes each (a
# JSON string, so valid JSON but far over the 64 KiB event limit) and one good event behind
# them, start `mailroom run`, wait until the big ones are in the dead-letter queue and the good
# email was accepted, and print the worker's peak RSS.
#
#   scripts/bench-big-messages.sh [--count 6] [--mb 50] [--concurrency 32]
#
# The last lines are key=value figures: peak_rss_mb, seconds, dead_lettered, sent.
# BENCH_BIN compares another build (A/B in the same hour). Installs what it needs (RabbitMQ,
# smtp-sink, Python's pika) on first use; talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

count=6
mb=50
concurrency=32
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --mb) mb="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    *) echo "usage: $0 [--count N] [--mb MB] [--concurrency C]" >&2; exit 2 ;;
  esac
done

scripts/setup-test-env.sh
python3 -c 'import pika' 2>/dev/null || python3 -m pip install --quiet --root-user-action=ignore pika
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
cargo build --release --quiet
bin=${BENCH_BIN:-target/release/mailroom}

work=$(mktemp -d)
chmod 0711 "$work"
queue="mailroom.bigbench.$$"
worker_pid=
sink_pid=
cleanup() {
  [ -n "$worker_pid" ] && kill -TERM "$worker_pid" 2>/dev/null
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  for q in "$queue" "$queue.dlq" "$queue.retry.10s" "$queue.retry.1m" "$queue.retry.10m" "$queue.retry.1h"; do
    rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export MAILROOM_QUEUE="$queue" MAILROOM_SMTP_URL="smtp://127.0.0.1:$port" \
       MAILROOM_STATE_DIR="$work/state" MAILROOM_CONCURRENCY="$concurrency" \
       MAILROOM_FROM="Mailroom Bench <no-reply@bench.test>" MAILROOM_DIRECTORY=none \
       RUST_LOG=warn
unset MAILROOM_CONFIG

# Declare the queues as the worker does (its first run), then stop it before publishing, so
# the big messages are all waiting when it starts (the prefetch fills with them at once).
"$bin" run >"$work/declare.log" 2>&1 &
worker_pid=$!
for _ in $(seq 1 100); do
  rabbitmqctl -q list_queues name 2>/dev/null | grep -qx "$queue" && break
  sleep 0.1
done
kill -TERM "$worker_pid"; wait "$worker_pid" || true
worker_pid=

python3 - "$queue" "$count" "$mb" <<'EOF'
import json, sys, pika
queue, count, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", 5672))
ch = conn.channel()
ch.confirm_delivery()
big = b'"' + b"x" * (mb * 1024 * 1024) + b'"'
for i in range(count):
    ch.basic_publish("", queue, big, pika.BasicProperties(delivery_mode=2, message_id=f"big-{i}"))
with open("examples/events.jsonl", "rb") as f:
    good = json.loads(f.readline())
good["id"] = "big-bench-good"
ch.basic_publish("", queue, json.dumps(good).encode(), pika.BasicProperties(delivery_mode=2))
conn.close()
print(f"bench: published {count} messages of {mb} MB and one good event to `{queue}`")
EOF

"$sink" -u nobody -M 1 "127.0.0.1:$port" 16 &
sink_pid=$!
sleep 0.2
start_ns=$(date +%s%N)
"$bin" run >"$work/worker.log" 2>&1 &
worker_pid=$!
dead=0
for _ in $(seq 1 1200); do
  dead=$(rabbitmqctl -q list_queues name messages 2>/dev/null | awk -v q="$queue.dlq" '$1 == q {print $2}')
  if [ "${dead:-0}" -ge "$count" ] && ! kill -0 "$sink_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
end_ns=$(date +%s%N)
sent=0
kill -0 "$sink_pid" 2>/dev/null || sent=1
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$worker_pid/status")
kill -TERM "$worker_pid"; wait "$worker_pid" || true
worker_pid=
[ "$sent" = 1 ] && sink_pid=
awk -v s="$start_ns" -v e="$end_ns" -v hwm="$hwm_kb" -v d="${dead:-0}" -v sent="$sent" 'BEGIN {
  printf "peak_rss_mb=%.1f\n", hwm / 1024
  printf "seconds=%.2f\n", (e - s) / 1e9
  printf "dead_lettered=%d\n", d
  printf "sent=%d\n", sent
}'
if [ "${dead:-0}" -lt "$count" ] || [ "$sent" != 1 ]; then
  echo "bench: not every message was settled; the worker's log:" >&2
  tail -20 "$work/worker.log" >&2
  exit 1
fi
