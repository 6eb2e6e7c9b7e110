#!/usr/bin/env bash
# Create .venv and install the shared library and the five services (pinned by constraints/runtime.txt)
# with the test and lint tooling of requirements-dev.txt (pinned by constraints/dev.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
inputs="constraints/runtime.txt constraints/dev.txt requirements-dev.txt shared/pyproject.toml $(for s in $SERVICES; do echo services/$s/pyproject.toml; done)"
if [ -f "$stamp" ] && [ -z "$(find $inputs -newer "$stamp" 2>/dev/null)" ]; then
    exit 0
fi
.venv/bin/pip install --quiet --upgrade pip
args="-e shared"
for s in $SERVICES; do args="$args -e services/$s"; done
.venv/bin/pip install --quiet -c constraints/runtime.txt -c constraints/dev.txt $args -r requirements-dev.txt
touch "$stamp"
