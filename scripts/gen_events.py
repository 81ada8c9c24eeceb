#!/usr/bin/env python3
"""Generate the reference workload for the transactional-email worker.

Writes N JSON events, one per line (JSON Lines, UTF-8, compact separators),
each about 1 KB. Fully deterministic for a given (--n, --seed): the same
arguments always produce byte-identical output (the script prints the
SHA-256 so runs can be compared).

This is the reference workload the project's performance figures were measured on, kept in
the repository so that the tests (tests/it/workload.rs) and scripts/bench-e2e.sh need nothing
beside it; its output is byte-identical to the original's for the same arguments.

Usage:
    python3 gen_events.py --n 20000 --seed 20261128 --out events.jsonl
"""
import argparse
import base64
import datetime as dt
import hashlib
import json
import random
import statistics
import sys
import uuid

DEFAULT_SEED = 20261128
DEFAULT_N = 20000

# Event type mix: 70 % verification requests, 30 % sign-ups.
TYPES = [("user.verification_requested", 70), ("user.signed_up", 30)]

# Language mix. 95 % supported (en, fr, de, es, pt-BR, ja, ar),
# 5 % unsupported: an unknown tag, an empty string, or no "lang" key at all.
MISSING = object()
LANGS = [
    ("en", 33), ("fr", 12), ("de", 12), ("es", 12), ("pt-BR", 10), ("ja", 8), ("ar", 8),
    ("xx-YY", 2), ("", 1.5), (MISSING, 1.5),
]

# Per-language name pools (given, family). Non-ASCII on purpose.
NAMES = {
    "en": (["Alice", "Bob", "Charlotte", "David", "Emma", "Liam", "Olivia", "Noah", "Zoë", "Seán"],
           ["Smith", "Johnson", "O'Brien", "Williams", "Brown", "Taylor", "Davies", "Evans", "Müller-Jones", "Nguyễn"]),
    "fr": (["Amélie", "François", "Hélène", "Jérôme", "Léa", "Chloé", "Noël", "Inès", "Gaël", "Maëlle"],
           ["Dupont", "Lefèvre", "Girard", "Bérénger", "Rousseau", "Château", "Moreau", "L'Hôpital", "Faure", "Bœuf"]),
    "de": (["Jürgen", "Björn", "Małgorzata", "Günther", "Käthe", "Lukas", "Sophie", "Jörg", "Ömer", "Heike"],
           ["Müller", "Schröder", "Weiß", "Groß", "Köhler", "Straße", "Bäcker", "Wagner", "Fuchs", "Öztürk"]),
    "es": (["José", "María", "Íñigo", "Begoña", "Sofía", "Martín", "Lucía", "Álvaro", "Nuria", "Ramón"],
           ["García", "Núñez", "Muñoz", "Pérez", "Ibáñez", "Sánchez", "Gómez", "Peña", "Cortés", "Ortiz"]),
    "pt-BR": (["João", "Conceição", "Gonçalo", "Luíza", "Antônio", "Fátima", "Thiago", "Camila", "Sebastião", "Letícia"],
              ["Gonçalves", "Araújo", "Simões", "Magalhães", "Loureiro", "Brandão", "Guimarães", "Assunção", "Silva", "Conceição"]),
    "ja": (["太郎", "花子", "翔太", "さくら", "健一", "美咲", "大輔", "ゆい", "蓮", "陽菜"],
           ["山田", "佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "中村", "小林", "加藤"]),
    "ar": (["محمد", "فاطمة", "أحمد", "مريم", "علي", "نور", "يوسف", "ليلى", "عمر", "سارة"],
           ["العلي", "حسن", "الحسيني", "منصور", "خليل", "السيد", "الزهراني", "عبدالله", "حداد", "ناصر"]),
}

# ~5 % of users get a name with HTML-special characters (<, >, &, quotes).
TRICKY_NAMES = [
    "Tom & Jerry", "<b>Eve</b>", "\"Bobby\" Tables", "O'Neil <admin>", "Zoë <script>alert(1)</script>",
    "A & B \"C\" 'D'", "Ben &amp; Jerry", "Léa \u2028 Line", "Mallory </td></tr>", "R&D <Team>",
]

HOBBIES = ["ski", "échecs", "Fußball", "読書", "القراءة", "<coding> & tea", "cozinhar", "fotografía",
           "jardinage", "running", "Go (囲碁)", "\"birding\"", "vélo & rando", "música"]

PLANS = ["free", "free", "free", "starter", "pro", "team", "enterprise"]
ROLES = ["member", "admin", "owner", "viewer", "billing"]

# Fixed set of client applications (tenants' apps). Names exercise escaping
# and non-ASCII as well.
CLIENT_NAMES = [
    ("Acme Corp", "acme"), ("Globex & Co", "globex"), ("Café «Zoë»", "cafe-zoe"), ("O'Reilly Apps", "oreilly"),
    ("<Dev> Tools", "devtools"), ("Smørrebrød Studio", "smorrebrod"), ("株式会社サンプル", "sample-jp"),
    ("متجر النخبة", "nokhba"), ("Initech", "initech"), ("Umbrella \"Health\"", "umbrella"),
    ("Hooli", "hooli"), ("Stark Industries", "stark"), ("Wayne Enterprises", "wayne"), ("Pied Piper", "piedpiper"),
    ("Bücherwurm GmbH", "buecherwurm"), ("Señor Taco", "senortaco"),
]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def rand_alnum(rng, n, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def rand_hex(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def make_clients(rng):
    clients = []
    for name, slug in CLIENT_NAMES:
        clients.append({
            "client_id": rand_alnum(rng, 32),
            "name": name,
            "client_metadata": {
                "home_page_url": f"https://www.{slug}.example.test/",
                "support_email": f"support@{slug}.example.test",
                "brand_color": "#%06x" % rng.randrange(0x202020, 0xE0E0E0),
                "logo_url": f"https://cdn.{slug}.example.test/assets/logo-{rand_hex(rng, 8)}.png",
            },
        })
    return clients


def ascii_local(s):
    out = "".join(c.lower() if c.isascii() and c.isalnum() else "" for c in s)
    return out or "user"


def make_event(rng, i, clients, t0):
    ev_type = weighted(rng, TYPES)
    lang = weighted(rng, LANGS)
    pool_lang = lang if lang in NAMES else "en"
    given = rng.choice(NAMES[pool_lang][0])
    family = rng.choice(NAMES[pool_lang][1])
    name = f"{given} {family}"
    if rng.random() < 0.05:
        name = rng.choice(TRICKY_NAMES)
    local = f"{ascii_local(given)}.{ascii_local(family)}.{rng.randrange(10000)}"
    if rng.random() < 0.1:
        local += "+signup"
    email = f"{local}@example.test"
    client = rng.choice(clients)
    slug = client["client_metadata"]["home_page_url"].split("//www.")[1].split(".")[0]
    created = t0 + dt.timedelta(seconds=i * 3 + rng.randrange(3), milliseconds=rng.randrange(1000))
    occurred = created + dt.timedelta(milliseconds=rng.randrange(50, 5000))
    ticket = base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")
    url = f"https://login.{slug}.example.test/verify?ticket={ticket}"
    if rng.random() < 0.3:
        url += "&source=email&utm_campaign=verify"  # '&' must be escaped in href
    metadata = {"hobby": rng.choice(HOBBIES)}
    if lang is not MISSING:
        metadata = {"lang": lang, **metadata}
    ev = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "type": ev_type,
        "occurred_at": rfc3339(occurred),
        "user": {
            "user_id": "auth0|" + rand_hex(rng, 24),
            "email": email,
            "email_verified": False,
            "name": name,
            "given_name": given,
            "family_name": family,
            "picture": f"https://s.gravatar.example.test/avatar/{rand_hex(rng, 32)}?d=identicon",
            "created_at": rfc3339(created),
            "user_metadata": metadata,
            "app_metadata": {"plan": rng.choice(PLANS), "roles": [rng.choice(ROLES)]},
        },
        "client": client,
        "request": {"ip": f"203.0.113.{rng.randrange(1, 255)}"},
        "data": {"url": url, "ttl_seconds": 3600 * rng.randint(1, 48)},
    }
    return ev


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=DEFAULT_N, help="number of events (default %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="PRNG seed (default %(default)s)")
    ap.add_argument("--out", default="events.jsonl", help="output file (default %(default)s), '-' for stdout")
    args = ap.parse_args()
    if args.n < 0 or args.n > 10_000_000:
        sys.exit("--n must be in 0..10000000")

    rng = random.Random(args.seed)
    clients = make_clients(rng)
    t0 = dt.datetime(2026, 11, 1, 8, 0, 0, tzinfo=dt.timezone.utc)
    sizes = []
    h = hashlib.sha256()
    out = sys.stdout.buffer if args.out == "-" else open(args.out, "wb")
    try:
        for i in range(args.n):
            line = (json.dumps(make_event(rng, i, clients, t0), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            sizes.append(len(line) - 1)
            h.update(line)
            out.write(line)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    if sizes:
        print(f"events={args.n} seed={args.seed} bytes_mean={statistics.mean(sizes):.0f} "
              f"bytes_min={min(sizes)} bytes_max={max(sizes)} sha256={h.hexdigest()}", file=sys.stderr)


if __name__ == "__main__":
    main()
