#!/usr/bin/env python3
"""Reads what scripts/bench-e2e.sh left behind and reports on it.

  bench_report.py latency EVENTS TIMESTAMPS WORKER_LOG
      Publish → accepted-and-acked latency per event: the publish moment comes from
      `mailroom publish --timestamps`, the end from the worker's JSON log line "sent" for that
      event id, written after the SMTP server accepted the message and the ack was sent
      (microsecond timestamps; file modification times are too coarse, ~4 ms ticks).
      Prints p50/p99/p999/max in milliseconds.

  bench_report.py check EVENTS DUMP_DIR
      Checks every received message against its event: one message per event, the expected
      Content-Language, a text and an HTML part, hostile names escaped in the HTML and shown as
      typed in the text, `&` in links written `&amp;` in the HTML. Exits 1 on any failure.
"""

import email
import email.policy
import json
import os
import re
import sys

SHIPPED = {"en", "fr", "de", "es", "pt-BR", "ja", "ar"}


def events_by_id(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(x for x in f if x.strip()):
            e = json.loads(line)
            out[e["id"]] = (i, e)
    return out


def dumped(dump_dir):
    """(path, event id, mtime_ns, message) for every dumped message."""
    for name in os.listdir(dump_dir):
        path = os.path.join(dump_dir, name)
        with open(path, "rb") as f:
            raw = f.read()
        # smtp-sink writes the envelope first (X-Client-Addr, X-Helo, X-Mail-From, X-Rcpt-To…)
        # and then the message as received.
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        mid = msg.get("Message-ID", "")
        m = re.match(r"<([^@>]+)@", mid.strip())
        yield path, (m.group(1) if m else None), os.stat(path).st_mtime_ns, msg


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def rfc3339_ns(ts):
    """2026-11-28T19:41:39.123456Z → Unix nanoseconds (fractions of any length)."""
    import datetime

    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", ts)
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    secs = int(base.replace(tzinfo=datetime.timezone.utc).timestamp())
    frac = (m.group(2) or "0")[:9].ljust(9, "0")
    return secs * 1_000_000_000 + int(frac)


def latency(events_path, timestamps_path, worker_log):
    events = events_by_id(events_path)
    published = {}
    with open(timestamps_path) as f:
        for line in f:
            i, ns = line.split()
            published[int(i)] = int(ns)
    lat = []
    with open(worker_log, encoding="utf-8") as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            # mailroom flattens the event's fields into the record.
            fields = rec.get("fields", rec)
            eid = fields.get("event_id")
            if fields.get("message") != "sent" or eid not in events:
                continue
            i = events[eid][0]
            if i in published:
                lat.append((rfc3339_ns(rec["timestamp"]) - published[i]) / 1e6)
    lat.sort()
    print(f"latency: {len(lat)} emails matched of {len(published)} published")
    print(f"latency_p50_ms={percentile(lat, 50):.2f}")
    print(f"latency_p99_ms={percentile(lat, 99):.2f}")
    print(f"latency_p999_ms={percentile(lat, 99.9):.2f}")
    print(f"latency_max_ms={lat[-1] if lat else float('nan'):.2f}")


def expected_locale(event):
    lang = (event.get("user") or {}).get("user_metadata", {}).get("lang")
    if isinstance(lang, str) and lang in SHIPPED:
        return lang
    return None  # negotiated or defaulted: not checked here


def check(events_path, dump_dir):
    events = events_by_id(events_path)
    seen = {}
    failures = []
    for path, eid, _, msg in dumped(dump_dir):
        if eid not in events:
            failures.append(f"{path}: Message-ID names no event ({eid})")
            continue
        if eid in seen:
            failures.append(f"{eid}: received twice ({seen[eid]}, {path})")
            continue
        seen[eid] = path
        event = events[eid][1]
        lang = msg.get("Content-Language", "")
        want = expected_locale(event)
        if want and lang != want:
            failures.append(f"{eid}: Content-Language {lang!r}, expected {want!r}")
        html = msg.get_body(preferencelist=("html",))
        text = msg.get_body(preferencelist=("plain",))
        if html is None or text is None:
            failures.append(f"{eid}: missing a text or HTML part")
            continue
        html, text = html.get_content(), text.get_content()
        name = (event.get("user") or {}).get("given_name") or ""
        if "<script>" in html or "<b>Eve</b>" in html:
            failures.append(f"{eid}: unescaped markup in the HTML part")
        if name and "<" in name and name not in text:
            failures.append(f"{eid}: the text part does not show {name!r} as typed")
        url = (event.get("data") or {}).get("url") or ""
        if "&" in url and url.replace("&", "&amp;") not in html:
            failures.append(f"{eid}: the link is not written with &amp; in the HTML part")
    missing = len(events) - len(seen)
    if missing:
        failures.append(f"{missing} events have no message")
    for f in failures[:20]:
        print(f"check: {f}")
    print(f"check: {len(seen)} messages checked, {len(failures)} problems")
    print(f"correct={'yes' if not failures else 'no'}")
    return 0 if not failures else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "latency":
        latency(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
