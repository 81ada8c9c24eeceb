#!/usr/bin/env bash
# Soak: `mailroom run` for a set time at a steady rate with injected faults, then a report of
# lost, duplicated and dead-lettered events and RSS per minute (see scripts/soak.py).
#
#   scripts/soak.sh                         # 10 minutes at 50 events/s
#   scripts/soak.sh --minutes 3 --rate 100  # any option of scripts/soak.py (--help lists them)
#
# Faults: 5 % of recipients deferred with 451, 0.5 % of messages hung past the SMTP timeout,
# the whole server silent for 20 s every 5 minutes, the worker's broker connections closed
# every minute, a poison message every 100 events. Exits 1 when an event was lost or sent
# twice, a poison message was sent or not dead-lettered, the worker died, or its RSS grew.
# BENCH_BIN runs another build.
#
# Installs what it needs (RabbitMQ; Python's pika and aiosmtpd) on first use; builds the
# release binary; talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-env.sh >/dev/null
if ! python3 -c 'import pika, aiosmtpd' 2>/dev/null; then
  python3 -m pip install --quiet --root-user-action=ignore pika aiosmtpd ||
    python3 -m pip install --quiet --root-user-action=ignore --break-system-packages pika aiosmtpd
fi
cargo build --release --quiet
exec python3 scripts/soak.py --bin "${BENCH_BIN:-target/release/mailroom}" "$@"
