#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite databases and run the five APIs and workers under honcho.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
export PATH="$PWD/.venv/bin:$PATH"
export DATA_DIR=${DATA_DIR:-$PWD/var}
export SMTP_HOST=${SMTP_HOST:-127.0.0.1} SMTP_PORT=${SMTP_PORT:-1025}
mkdir -p "$DATA_DIR"
.venv/bin/python scripts/preflight.py
for script in services/*/scripts/install-system-deps.sh; do
    [ -f "$script" ] && bash "$script"
done
for s in $SERVICES; do
    .venv/bin/$s-ctl migrate
    .venv/bin/$s-ctl setup-broker
done
echo "Starting the platform: APIs on ports 8001-8005, SMTP catcher on 1025. Ctrl-C stops everything."
exec .venv/bin/honcho start -f Procfile
