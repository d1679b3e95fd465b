#!/usr/bin/env bash
# Runs every test. Installs what the tests need first (a Python venv with Flask
# for the seed's fixtures), so it works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh
export PALISADE_PYTHON="$PWD/.venv/bin/python"
cargo test --workspace --locked "$@"
