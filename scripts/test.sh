#!/usr/bin/env bash
# Runs every check CI runs, in order: formatting, clippy with warnings as
# errors, then every test. Installs what the tests need first (a Python venv
# with the fixtures' packages, Chromium and playwright-core where used), so it
# works on a fresh clone. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
bash scripts/setup-test-env.sh
export PALISADE_PYTHON="$PWD/.venv/bin/python"
cargo test --workspace --locked "$@"
