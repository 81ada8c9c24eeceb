#!/usr/bin/env python3
"""Verifies the DKIM signatures of .eml files with dkimpy, an implementation independent of
mailroom's (the tests call it; operators can too, before publishing a key).

    scripts/dkim_verify.py RECORDS.json FILE.eml...

RECORDS.json is what `mailroom dkim-record --format json` prints: the DNS answers to use
instead of DNS (nothing is looked up). For each file, one line of JSON on stdout:

    {"file": "...", "signatures": 2, "results": [true, true]}

`results[i]` is whether the i-th DKIM-Signature (top first) verifies. Exit status 0 when every
signature of every file verifies, 1 when one does not, 2 when this script cannot run (dkimpy
or PyNaCl missing: `scripts/setup-test-env.sh` installs them).
"""

import json
import sys

try:
    import dkim
    import nacl.signing  # noqa: F401  (dkimpy needs it for ed25519-sha256)
except ImportError as e:
    print(f"dkim_verify: {e}; run scripts/setup-test-env.sh (pip install dkimpy pynacl)",
          file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        records = {r["name"].rstrip(".").lower(): r["value"] for r in json.load(f)}

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        value = records.get(name.rstrip(".").lower())
        return value.encode("ascii") if value is not None else None

    ok = True
    for path in argv[1:]:
        with open(path, "rb") as f:
            message = f.read()
        d = dkim.DKIM(message)
        count = sum(1 for name, _ in d.headers if name.lower() == b"dkim-signature")
        results = []
        for i in range(count):
            try:
                results.append(bool(d.verify(idx=i, dnsfunc=dnsfunc)))
            except dkim.DKIMException:
                results.append(False)
        ok = ok and count > 0 and all(results)
        print(json.dumps({"file": path, "signatures": count, "results": results}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
