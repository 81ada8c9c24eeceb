#!/usr/bin/env python3
"""The soak behind scripts/soak.sh: `mailroom run` for a set time at a steady rate, with faults.

Parts, all on 127.0.0.1:
- an SMTP server (aiosmtpd) that defers a share of recipients with 451, hangs on a share of
  messages (longer than the worker's SMTP timeout, then 451), stops answering altogether for
  --stall-seconds every --stall-every seconds, and counts every message it accepted by its
  Message-ID (which is the event id);
- a producer (pika, publisher confirms) publishing good events at --rate per second, with a
  poison message every --poison-every events (not JSON, a year-1 date, no address, over the
  64 KiB limit, an unknown type) and hostile-but-valid values (a path as the language, markup in
  names), which must be sent;
- every --close-every seconds the worker's broker connections are closed with rabbitmqctl, as an
  operator or a network would;
- the worker's RSS sampled every few seconds;
- a consumer on the dead-letter queue recording each dead letter's kind.

After --minutes the producer stops, the rest drains (bounded), and the report says: published,
sent, lost (a good event neither sent nor dead-lettered), duplicated (accepted by the server
more than once), dead-lettered by kind (poison by what it was), and RSS per minute. Exit 1 when
anything was lost or duplicated, a poison message was sent or not dead-lettered (a second
dead-letter copy, after a connection closed between the confirmed republish and the ack, is
counted, not failed), the worker died, or RSS grew by more than a quarter (and 8 MB) from the
second minute to the last.
"""

import argparse
import collections
import copy
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pika
from aiosmtpd.controller import Controller

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([^@>]+)@", re.IGNORECASE | re.MULTILINE)
DEAD_ID = re.compile(rb"(soak-\d+|poison-\d+)")
POISON_KINDS = ["not_json", "year_1", "no_address", "oversized", "unknown_type"]
LANGS = ["en", "fr", "de", "es", "pt-BR", "ja", "ar", "../../etc/passwd", "zz-Latn-XX"]


def log(*args):
    print("soak:", *args, flush=True)


class Sink:
    """aiosmtpd handler: faults by share, accepted messages counted by event id."""

    def __init__(self, defer_share, hang_share, hang_seconds, stall_every, stall_seconds, seed):
        self.rng = random.Random(seed)
        # Every `stall_every` seconds the whole server stops answering for `stall_seconds`
        # (a relay that hangs), on top of the single hung messages.
        self.started = time.monotonic()
        self.stall_every = stall_every
        self.stall_seconds = stall_seconds
        self.stalled = 0
        self.defer_share = defer_share
        self.hang_share = hang_share
        self.hang_seconds = hang_seconds
        self.lock = threading.Lock()
        self.accepted = collections.Counter()
        self.deferred = 0
        self.hung = 0

    async def stall(self):
        """During a whole-server stall: wait it out (and past the SMTP timeout), then 451."""
        import asyncio

        if self.stall_every <= 0:
            return None
        into = (time.monotonic() - self.started) % self.stall_every
        if into <= self.stall_every - self.stall_seconds:
            return None
        self.stalled += 1
        await asyncio.sleep(self.stall_every - into + self.hang_seconds)
        return "451 4.3.0 soak: stalled"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        stalled = await self.stall()
        if stalled:
            return stalled
        if self.rng.random() < self.defer_share:
            self.deferred += 1
            return "451 4.3.0 soak: recipient deferred, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        stalled = await self.stall()
        if stalled:
            return stalled
        if self.rng.random() < self.hang_share:
            self.hung += 1
            await asyncio.sleep(self.hang_seconds)
            return "451 4.3.0 soak: hung"
        m = MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self.lock:
            self.accepted[m.group(1).decode() if m else "?"] += 1
        return "250 2.0.0 OK"


def good_event(base, n, rng):
    e = copy.deepcopy(base)
    e["id"] = f"soak-{n}"
    e["occurred_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    e["user"]["email"] = f"u{n}@soak.test"
    e["user"]["user_metadata"]["lang"] = rng.choice(LANGS)
    if n % 7 == 0:
        e["user"]["given_name"] = "<script>alert(1)</script>\u202eevil"
        e["client"]["name"] = "Acme\r\nBcc: victim@evil.test"
    return e


def poison(base, n, kind):
    """A message that must be dead-lettered; the id is in the body for the DLQ reader."""
    pid = f"poison-{n}"
    if kind == "not_json":
        return f"{pid}: this is not JSON {{".encode()
    e = copy.deepcopy(base)
    e["id"] = pid
    if kind == "year_1":
        e["occurred_at"] = "0001-01-01T00:00:00Z"
    elif kind == "no_address":
        del e["user"]["email"]
    elif kind == "oversized":
        e["data"]["pad"] = "x" * (100 * 1024)
    elif kind == "unknown_type":
        e["type"] = "user.exploded"
    return json.dumps(e).encode()


class Producer(threading.Thread):
    """Publishes at a steady rate with confirms; reconnects and republishes on broker errors."""

    def __init__(self, queue, rate, poison_every, seed):
        super().__init__(daemon=True)
        self.queue = queue
        self.rate = rate
        self.poison_every = poison_every
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.good = set()
        self.poison = {}  # id -> kind
        self.reconnects = 0
        with open(os.path.join(ROOT, "templates/verify_email/samples/default.json")) as f:
            self.base = json.load(f)

    def connect(self):
        conn = pika.BlockingConnection(
            pika.ConnectionParameters(
                "127.0.0.1", 5672, client_properties={"connection_name": "soak-producer"}
            )
        )
        ch = conn.channel()
        ch.confirm_delivery()
        return conn, ch

    def publish(self, ch, body):
        ch.basic_publish(
            "", self.queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True
        )

    def run(self):
        conn, ch = self.connect()
        start = time.monotonic()
        n = 0
        while not self.stop.is_set():
            n += 1
            if n % self.poison_every == 0:
                kind = POISON_KINDS[(n // self.poison_every) % len(POISON_KINDS)]
                body, record = poison(self.base, n, kind), ("poison", f"poison-{n}", kind)
            else:
                body, record = json.dumps(good_event(self.base, n, self.rng)).encode(), (
                    "good",
                    f"soak-{n}",
                    None,
                )
            for attempt in range(20):
                try:
                    self.publish(ch, body)
                    break
                except pika.exceptions.AMQPError as e:
                    # Unconfirmed: publish it again (a copy may already be queued; the worker's
                    # sent-id record keeps that from becoming a second email).
                    self.reconnects += 1
                    log(f"producer: {type(e).__name__}, reconnecting")
                    time.sleep(0.5)
                    try:
                        conn.close()
                    except Exception:
                        pass
                    conn, ch = self.connect()
            else:
                raise SystemExit("producer: could not publish for 10 s")
            if record[0] == "good":
                self.good.add(record[1])
            else:
                self.poison[record[1]] = record[2]
            delay = start + n / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        conn.close()


class DeadLetters(threading.Thread):
    """Consumes the dead-letter queue, recording (id, kind) per dead letter."""

    def __init__(self, dlq):
        super().__init__(daemon=True)
        self.dlq = dlq
        self.lock = threading.Lock()
        self.seen = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                conn = pika.BlockingConnection(
                    pika.ConnectionParameters(
                        "127.0.0.1", 5672, client_properties={"connection_name": "soak-dlq"}
                    )
                )
                ch = conn.channel()
                while not self.stop.is_set():
                    method, props, body = ch.basic_get(self.dlq, auto_ack=True)
                    if method is None:
                        time.sleep(0.2)
                        continue
                    headers = props.headers or {}
                    kind = headers.get("x-mailroom-error-kind", b"?")
                    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
                    m = DEAD_ID.search(body[:4096])
                    with self.lock:
                        self.seen.append((m.group(1).decode() if m else "?", kind))
                conn.close()
            except pika.exceptions.ChannelClosedByBroker:
                time.sleep(0.5)  # not declared yet: the worker declares it on start
            except pika.exceptions.AMQPError:
                time.sleep(0.5)


def close_worker_connections():
    out = subprocess.run(
        ["rabbitmqctl", "list_connections", "pid", "client_properties", "-q"],
        capture_output=True,
        text=True,
    ).stdout
    closed = 0
    for line in out.splitlines():
        if '{"connection_name","mailroom-' in line:
            pid = line.split("\t")[0]
            r = subprocess.run(
                ["rabbitmqctl", "close_connection", pid, "closed by the soak"],
                capture_output=True,
            )
            closed += r.returncode == 0
    return closed


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def queue_names(queue, delays):
    return [queue, f"{queue}.dlq"] + [f"{queue}.retry.{d}" for d in delays.split(",")]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(ROOT, "target/release/mailroom"))
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--rate", type=float, default=50, help="events per second")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--defer-share", type=float, default=0.05, help="share of RCPTs answered 451")
    p.add_argument("--hang-share", type=float, default=0.005, help="share of messages hung")
    p.add_argument("--hang-seconds", type=float, default=15)
    p.add_argument("--stall-every", type=float, default=300,
                   help="seconds between whole-server stalls (0: none)")
    p.add_argument("--stall-seconds", type=float, default=20,
                   help="how long the whole server stops answering")
    p.add_argument("--smtp-timeout", default="3s")
    p.add_argument("--retry-delays", default="2s,10s,30s")
    p.add_argument("--poison-every", type=int, default=100)
    p.add_argument("--close-every", type=float, default=60, help="seconds between closes")
    p.add_argument("--seed", type=int, default=20261202)
    a = p.parse_args()

    queue = f"mailroom.soak.{os.getpid()}"
    work = tempfile.mkdtemp(prefix="mailroom-soak-")
    sink = Sink(a.defer_share, a.hang_share, a.hang_seconds, a.stall_every, a.stall_seconds, a.seed)
    import socket

    with socket.socket() as s:  # aiosmtpd checks readiness by connecting: it needs the port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    smtp = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    smtp.start()

    env = dict(os.environ)
    env.pop("MAILROOM_CONFIG", None)
    env.update(
        MAILROOM_QUEUE=queue,
        MAILROOM_SMTP_URL=f"smtp://127.0.0.1:{port}",
        MAILROOM_SMTP_TIMEOUT=a.smtp_timeout,
        MAILROOM_RETRY_DELAYS=a.retry_delays,
        MAILROOM_STATE_DIR=os.path.join(work, "state"),
        MAILROOM_CONCURRENCY=str(a.concurrency),
        MAILROOM_FROM="Mailroom Soak <no-reply@soak.test>",
        MAILROOM_DIRECTORY="none",
        MAILROOM_LOG_FORMAT="json",
        RUST_LOG="warn,mailroom=info",
    )
    worker_log = open(os.path.join(work, "worker.log"), "wb")
    worker = subprocess.Popen([a.bin, "run"], env=env, stdout=worker_log, stderr=subprocess.STDOUT)

    def interrupted(signum, _frame):
        # Stopped early (Ctrl-C, a timeout): leave no worker or queues behind.
        worker.kill()
        smtp.stop()
        for q in queue_names(queue, a.retry_delays):
            subprocess.run(["rabbitmqctl", "-q", "delete_queue", q], capture_output=True)
        log(f"interrupted (signal {signum}); the worker's log is {work}/worker.log")
        os._exit(130)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    log(f"worker pid {worker.pid}, queue {queue}, SMTP 127.0.0.1:{port}, log {work}/worker.log")
    for _ in range(200):
        with open(os.path.join(work, "worker.log"), "rb") as f:
            if b'"consuming"' in f.read():
                break
        if worker.poll() is not None:
            raise SystemExit(f"soak: the worker exited with {worker.returncode} before consuming")
        time.sleep(0.05)
    else:
        raise SystemExit("soak: the worker did not start consuming within 10 s")

    dead = DeadLetters(f"{queue}.dlq")
    dead.start()
    producer = Producer(queue, a.rate, a.poison_every, a.seed)
    producer.start()

    started = time.monotonic()
    end = started + a.minutes * 60
    samples = []  # (seconds, rss MB)
    closes = 0
    next_close = started + a.close_every
    died = None
    while time.monotonic() < end:
        time.sleep(5)
        now = time.monotonic()
        r = rss_mb(worker.pid)
        if worker.poll() is not None or r is None:
            died = worker.returncode
            break
        samples.append((now - started, r))
        if now >= next_close:
            closes += close_worker_connections()
            next_close += a.close_every
    producer.stop.set()
    producer.join(timeout=30)

    # Drain: every event settled, bounded by the longest path one can take (each retry tier
    # and a hang per attempt), plus a margin.
    tiers = [t for t in a.retry_delays.split(",") if t]
    bound = 60 + sum(float(t[:-1]) * {"s": 1, "m": 60}[t[-1]] for t in tiers) + a.hang_seconds * (
        len(tiers) + 1
    )
    deadline = time.monotonic() + bound
    while died is None and time.monotonic() < deadline:
        with sink.lock:
            sent = set(sink.accepted)
        with dead.lock:
            dead_ids = {i for i, _ in dead.seen}
        if producer.good <= sent | dead_ids and set(producer.poison) <= dead_ids:
            time.sleep(2)  # a last look for late duplicates
            break
        r = rss_mb(worker.pid)
        if r is not None:
            samples.append((time.monotonic() - started, r))
        time.sleep(1)
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    elif died is None:
        died = worker.returncode
    dead.stop.set()
    dead.join(timeout=5)
    smtp.stop()
    for q in queue_names(queue, a.retry_delays):
        subprocess.run(["rabbitmqctl", "-q", "delete_queue", q], capture_output=True)

    # The report.
    with sink.lock:
        accepted = dict(sink.accepted)
    dead_by_id = collections.defaultdict(list)
    for i, kind in dead.seen:
        dead_by_id[i].append(kind)
    good, poisons = producer.good, producer.poison
    sent = {i for i in good if i in accepted}
    duplicated = {i: c for i, c in accepted.items() if c > 1}
    lost = sorted(i for i in good if i not in accepted and i not in dead_by_id)
    good_dead = collections.Counter(k for i in good for k in dead_by_id.get(i, []))
    poison_table = collections.defaultdict(collections.Counter)
    poison_wrong = []
    dead_copies = 0
    for i, what in poisons.items():
        kinds = dead_by_id.get(i, [])
        poison_table[what][kinds[0] if kinds else "not dead-lettered"] += 1
        # A second copy is at-least-once, not a fault: when the broker connection closes
        # between the confirmed republish and the ack, the delivery comes back and is
        # dead-lettered again (PRODUCT.md: ack only after the republish is confirmed).
        dead_copies += max(0, len(kinds) - 1)
        if not kinds or len(set(kinds)) > 1 or i in accepted:
            poison_wrong.append(i)

    print()
    print(f"ran {samples[-1][0] / 60 if samples else 0:.1f} min at {a.rate:g}/s, concurrency {a.concurrency}")
    print(f"published: {len(good)} good, {len(poisons)} poison; producer reconnects: {producer.reconnects}")
    print(f"faults: {sink.deferred} RCPTs deferred (451), {sink.hung} messages hung, "
          f"{sink.stalled} commands caught in whole-server stalls, {closes} broker connections closed")
    print(f"sent: {len(sent)}  lost: {len(lost)}  duplicated: {len(duplicated)}")
    print("dead-lettered good events by kind:", dict(good_dead) or "none")
    print(f"second dead-letter copies (a connection closed before the ack): {dead_copies}")
    for what in POISON_KINDS:
        if what in poison_table:
            print(f"  poison {what:<13} {dict(poison_table[what])}")
    print("RSS MB by minute (max):")
    by_minute = collections.defaultdict(float)
    for t, r in samples:
        by_minute[int(t // 60)] = max(by_minute[int(t // 60)], r)
    for m in sorted(by_minute):
        print(f"  {m:3d} {by_minute[m]:7.1f}")
    ok = True
    if died is not None:
        print(f"FAIL: the worker exited ({died}) during the soak; log: {work}/worker.log")
        ok = False
    if lost:
        print(f"FAIL: lost {lost[:10]}")
        ok = False
    if duplicated:
        print(f"FAIL: duplicated {list(duplicated.items())[:10]}")
        ok = False
    if poison_wrong:
        print(f"FAIL: poison not dead-lettered, or sent: {poison_wrong[:10]}")
        ok = False
    minutes = sorted(by_minute)
    if len(minutes) >= 3:
        first, last = by_minute[minutes[1]], by_minute[minutes[-1]]
        growth = last - first
        print(f"RSS from minute {minutes[1]} to {minutes[-1]}: {first:.1f} → {last:.1f} MB ({growth:+.1f})")
        if growth > max(8, first / 4):
            print("FAIL: RSS grew")
            ok = False
    print("soak: PASS" if ok else "soak: FAIL")
    if ok:
        subprocess.run(["rm", "-rf", work])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
