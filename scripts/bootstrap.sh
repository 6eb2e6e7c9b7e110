#!/usr/bin/env bash
# Create .venv and install the shared library and the five services, pinned by constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
inputs="constraints.txt shared/pyproject.toml $(for s in $SERVICES; do echo services/$s/pyproject.toml; done)"
if [ -f "$stamp" ] && [ -z "$(find $inputs -newer "$stamp" 2>/dev/null)" ]; then
    exit 0
fi
.venv/bin/pip install --quiet --upgrade pip
args="-e shared"
for s in $SERVICES; do args="$args -e services/$s"; done
.venv/bin/pip install --quiet -c constraints.txt $args -r requirements-dev.txt
touch "$stamp"
