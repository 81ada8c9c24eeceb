#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, every test.
# Safe to run again and again; it installs and starts what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-test-env.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --locked -- -D warnings
# The tests build with the test-only fault points (`failpoints`: events whose id starts with
# `failpoint-panic-` panic on purpose); release builds never have them.
cargo clippy --all-targets --locked --features failpoints -- -D warnings
cargo clippy -p intl_pluralrules --all-targets --locked -- -D warnings
echo "== cargo doc --no-deps (warnings are errors: the links in the docs stay true)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet
echo "== cargo test --features failpoints"
cargo test --all-targets --locked --features failpoints 2>&1 | tee target/test-output.txt
echo "== cargo test -p intl_pluralrules (the plural rules Fluent selects with)"
cargo test -p intl_pluralrules --locked 2>&1 | tee -a target/test-output.txt
# The runner's summary, all binaries together, as the last lines.
grep -E '^test result:' target/test-output.txt | awk '{p+=$4; f+=$6} END {printf "%d passed, %d failed\n", p, f}'
