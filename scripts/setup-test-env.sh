#!/usr/bin/env bash
# Installs and starts what the test suite needs, idempotently, on a machine that has only the
# Rust toolchain: rustfmt and clippy, python3 (the workload generator) with dkimpy and PyNaCl
# (the independent DKIM verifier), Debian's chromium and chromium-driver (the gallery's browser
# test), Postfix's smtp-sink (the SMTP server that advertises PIPELINING, for the pipelined-send
# tests and the benchmark), and RabbitMQ on 127.0.0.1:5672 with guest/guest (the worker
# tests), Node.js (the Auth0 Action's tests run it against a live `mailroom serve`) and
# python-hcl2 (the Terraform example's check). The other SMTP and HTTP test servers are
# in-process.
# Needs root for apt-get when something is missing.
set -euo pipefail

log() { printf 'setup: %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

apt_updated=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  apt-get install -y -qq "$@" >/dev/null
}

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    log "installing $component"
    rustup component add "$component"
  fi
done

command -v python3 >/dev/null 2>&1 || { log "installing python3"; apt_install python3; }

# dkimpy (with PyNaCl for ed25519-sha256) is the independent DKIM verifier of the tests
# (scripts/dkim_verify.py), for whichever python3 is first on PATH.
if ! python3 -c 'import dkim, nacl.signing' >/dev/null 2>&1; then
  log "installing dkimpy and pynacl"
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  python3 -m pip install --quiet dkimpy pynacl 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages dkimpy pynacl 2>/dev/null ||
    apt_install python3-dkim python3-nacl
  python3 -c 'import dkim, nacl.signing' || { log "dkimpy could not be installed"; exit 1; }
fi

# Node runs the Auth0 Action (deploy/auth0/action.js) as Auth0 would; it needs fetch (18+).
if ! command -v node >/dev/null 2>&1; then
  log "installing nodejs"
  apt_install nodejs
fi

# python-hcl2 parses the Terraform example (scripts/check-terraform.py).
if ! python3 -c 'import hcl2' >/dev/null 2>&1; then
  log "installing python-hcl2"
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  python3 -m pip install --quiet -r "$(dirname "$0")/requirements-deploy.txt" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages -r "$(dirname "$0")/requirements-deploy.txt"
  python3 -c 'import hcl2' || { log "python-hcl2 could not be installed"; exit 1; }
fi

if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
  log "installing chromium and chromium-driver"
  apt_install chromium chromium-driver
fi

if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
  log "installing postfix (for smtp-sink)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt_install postfix
fi

if ! command -v promtool >/dev/null 2>&1; then
  log "installing prometheus (for promtool: the alert rules are checked and unit-tested)"
  apt_install --no-install-recommends prometheus
fi

if ! port_open 5672; then
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    log "installing rabbitmq-server"
    apt_install rabbitmq-server
  fi
  log "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 90); do
    port_open 5672 && break
    sleep 1
  done
fi
if ! port_open 5672; then
  log "RabbitMQ is not listening on 127.0.0.1:5672"
  exit 1
fi
# The port opens before the broker accepts logins; wait until it is fully up.
if command -v rabbitmqctl >/dev/null 2>&1; then
  timeout 120 rabbitmqctl await_startup >/dev/null 2>&1 || true
fi
log "RabbitMQ is up on 127.0.0.1:5672"
