#!/usr/bin/env bash
# Create .venv and install the shared library, the five services and the web application (pinned by
# constraints/runtime.txt) with the test and lint tooling of requirements-dev.txt (pinned by
# constraints/dev.txt); the web application's browser assets with `npm ci` (web/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
inputs="constraints/runtime.txt constraints/dev.txt requirements-dev.txt shared/pyproject.toml web/pyproject.toml $(for s in $SERVICES; do echo services/$s/pyproject.toml; done)"
assets_stamp=web/node_modules/.installed
if [ ! -f "$assets_stamp" ] || [ web/package-lock.json -nt "$assets_stamp" ]; then
    if command -v npm >/dev/null 2>&1; then
        (cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && touch "$assets_stamp"
    else
        echo "npm not found: the web application will run without its fonts, icons and htmx (install Node.js)" >&2
    fi
fi
if [ ! -f "$stamp" ] || [ -n "$(find $inputs -newer "$stamp" 2>/dev/null)" ]; then
    .venv/bin/pip install --quiet --upgrade pip
    args="-e shared"
    for s in $SERVICES; do args="$args -e services/$s"; done
    args="$args -e web"
    .venv/bin/pip install --quiet -c constraints/runtime.txt -c constraints/dev.txt $args -r requirements-dev.txt
    touch "$stamp"
fi
# The web application's translations (.po, committed) compiled to the .mo files Flask-Babel reads.
.venv/bin/pybabel -q compile --use-fuzzy -d web/src/web/translations
