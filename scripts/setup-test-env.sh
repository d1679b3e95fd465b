#!/usr/bin/env bash
# Creates the Python environment the integration tests use to run the seed's
# Flask fixture apps (tests/fixtures/flask) and the third-party-style fixture
# apps (tests/fixtures/thirdparty, Flask and FastAPI/uvicorn):
# <workspace>/.venv with the pinned requirements. Idempotent and quiet; fails loudly.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/tests/fixtures/flask/requirements.txt"
thirdparty_requirements="$root/tests/fixtures/thirdparty/requirements.txt"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" || { echo "setup-test-env: python3 -m venv failed (is python3-venv installed?)" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" \
    || { echo "setup-test-env: pip install -r $requirements failed" >&2; exit 1; }
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$thirdparty_requirements" \
    || { echo "setup-test-env: pip install -r $thirdparty_requirements failed" >&2; exit 1; }
"$venv/bin/python" -c "import flask, werkzeug" \
    || { echo "setup-test-env: flask is not importable from $venv" >&2; exit 1; }
"$venv/bin/python" -c "import fastapi, uvicorn" \
    || { echo "setup-test-env: fastapi/uvicorn are not importable from $venv" >&2; exit 1; }
