#!/usr/bin/env bash
# Benchmark of `mailroom serve` against the real RabbitMQ, beside `mailroom publish` measured
# in the same run (this machine's speed drifts by ±40 % from hour to hour: only figures taken
# together compare).
#
#   scripts/bench-serve.sh [--seconds 10] [--connections 256] [--rate 1000] [--endpoint events|auth0]
#
# 1. publish: `mailroom publish` sends N events (N = 5 s at the rate found in a warm-up) with
#    confirms: publish_per_s.
# 2. throughput: `oha` drives POST /v1/events (or the Auth0 endpoint) with CONNECTIONS
#    concurrent keep-alive clients for SECONDS: accepted_per_s (202s only), p50/p99/p99.9,
#    and the server's peak RSS (VmHWM) under that load; accepted_share_of_publish is
#    accepted_per_s / publish_per_s.
# 3. steady: RATE requests/s from 64 clients for SECONDS (oha -q, with latency correction, so
#    a stall counts against every request it delayed): steady_p50/p99/p999_ms.
#
# The last lines are key=value figures. BENCH_BIN compares another build (A/B in the same
# hour); BENCH_LOG sets serve's RUST_LOG (default info: one line per request, as in
# production). Installs what it needs on first use (RabbitMQ through setup-test-env.sh; oha,
# the load tool, with `cargo install oha --locked`). Talks to 127.0.0.1 only. Builds the
# release binary. Deletes its queues.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=10
connections=256
rate=1000
endpoint=events
usage="usage: $0 [--seconds S] [--connections C] [--rate R] [--endpoint events|auth0]"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --endpoint) endpoint="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case "$endpoint" in
  events) path=/v1/events ;;
  auth0) path=/v1/auth0/custom-email-provider ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

scripts/setup-test-env.sh >/dev/null # RabbitMQ
if ! command -v oha >/dev/null 2>&1; then
  echo "bench: installing oha (the HTTP load tool) with cargo install; a few minutes, once" >&2
  cargo install oha --locked --version 1.16.0 --quiet
fi
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --quiet
bin=${BENCH_BIN:-target/release/mailroom}
work=$(mktemp -d)
queue="mailroom.bench.serve.$$"
token="bench-token-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  for q in "$queue" "$queue.dlq" "$queue.retry.10s" "$queue.retry.1m" "$queue.retry.10m" "$queue.retry.1h"; do
    rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
export MAILROOM_QUEUE="$queue" MAILROOM_METRICS_ADDR=none
unset MAILROOM_CONFIG

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
purge() { rabbitmqctl -q purge_queue "$queue" >/dev/null 2>&1 || true; }

# The request body: the first example event, or the Auth0 Action's sample event.
if [ "$endpoint" = events ]; then
  head -n 1 examples/events.jsonl > "$work/body.json"
else
  cp deploy/auth0/test/event.json "$work/body.json"
fi

# 1. The confirmed publish rate, same machine, same broker, same hour: a warm-up finds the
# rate, then 5 seconds' worth are timed.
python3 scripts/gen_events.py --n 20000 --seed 20261203 --out "$work/warm.jsonl"
"$bin" publish --events "$work/warm.jsonl" 2> "$work/publish-warm.log"
purge
warm=$(python3 - "$work/publish-warm.log" <<'EOF'
import re, sys
m = re.search(r"published (\d+) events .* in ([0-9.]+)s", open(sys.argv[1]).read())
print(int(int(m.group(1)) / float(m.group(2))))
EOF
)
n=$((warm * 5))
[ "$n" -lt 20000 ] && n=20000
python3 scripts/gen_events.py --n "$n" --seed 20261203 --out "$work/events.jsonl"
# The publisher's own CPU too (user + system of the child).
python3 - "$bin" "$work/events.jsonl" "$work/publish.log" > "$work/publish-cpu" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[3], "w") as log:
    subprocess.run([sys.argv[1], "publish", "--events", sys.argv[2]], stderr=log, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)
EOF
purge
publish_per_s=$(python3 - "$work/publish.log" <<'EOF'
import re, sys
m = re.search(r"published (\d+) events .* in ([0-9.]+)s", open(sys.argv[1]).read())
print(round(int(m.group(1)) / float(m.group(2))))
EOF
)

# 2. serve under load.
port=$(free_port)
MAILROOM_HTTP_ADDR="127.0.0.1:$port" MAILROOM_INGEST_TOKEN="$token" \
  MAILROOM_HTTP_MAX_IN_FLIGHT=4096 MAILROOM_DIRECTORY=none RUST_LOG="${BENCH_LOG:-info}" \
  "$bin" serve 2> "$work/serve.log" &
serve_pid=$!
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "bench: serve did not become ready" >&2; cat "$work/serve.log" >&2; exit 1; }
url="http://127.0.0.1:$port$path"
load() { # extra oha arguments…; the JSON summary on stdout
  oha --no-tui --output-format json -m POST -T application/json \
    -H "authorization: Bearer $token" -D "$work/body.json" "$@" "$url"
}
# A short warm-up (connections, allocator, broker), not counted.
load -z 2s -c 64 > /dev/null
purge
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
before=$(cpu_ticks)
load -z "${seconds}s" -c "$connections" > "$work/throughput.json"
serve_cpu_s=$(python3 -c "import os; print(($(cpu_ticks) - $before) / os.sysconf('SC_CLK_TCK'))")
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$serve_pid/status")
purge

# 3. A steady rate, as an identity provider's traffic is (after the broker settled the purge).
sleep 2
load -z "${seconds}s" -c 64 -q "$rate" --latency-correction > "$work/steady.json"
purge

python3 - "$work/throughput.json" "$work/steady.json" "$publish_per_s" "$rss_kb" "$connections" "$rate" "$endpoint" "$serve_cpu_s" "$(cat "$work/publish-cpu")" "$n" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
publish = float(sys.argv[3])
rss_kb, connections, rate, endpoint = int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
serve_cpu, publish_cpu, published = float(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])
def ms(d, p):
    v = d["latencyPercentiles"].get(p)
    return "n/a" if v is None else f"{v * 1000:.2f}"
def accepted(d):
    codes = d["statusCodeDistribution"]
    ok = sum(n for c, n in codes.items() if c in ("200", "202"))
    total = sum(codes.values())
    return ok, total, codes
ok, total, codes = accepted(t)
accepted_per_s = ok / t["summary"]["total"]
print(f"endpoint={endpoint} connections={connections}")
print(f"status_codes={json.dumps(codes, sort_keys=True)} errors={json.dumps(t.get('errorDistribution', {}))}")
print(f"publish_per_s={publish:.0f}")
print(f"accepted_per_s={accepted_per_s:.0f}")
print(f"accepted_share_of_publish={accepted_per_s / publish:.2f}")
print(f"p50_ms={ms(t, 'p50')} p99_ms={ms(t, 'p99')} p999_ms={ms(t, 'p99.9')}")
print(f"peak_rss_mb={rss_kb / 1024:.1f}")
# CPU per event: serve's (all its requests in the run) beside the publish command's.
print(f"serve_cpu_us_per_request={serve_cpu / max(total, 1) * 1e6:.1f} publish_cpu_us_per_event={publish_cpu / published * 1e6:.1f}")
sok, stotal, scodes = accepted(s)
print(f"steady_rate={rate} steady_accepted={sok}/{stotal} steady_p50_ms={ms(s, 'p50')} steady_p99_ms={ms(s, 'p99')} steady_p999_ms={ms(s, 'p99.9')}")
EOF
