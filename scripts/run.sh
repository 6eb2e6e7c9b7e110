#!/usr/bin/env bash
# `make run`: migrate the embedded SQLite databases, run the five APIs and workers and the web application
# under scripts/supervise.py, and load the demo data into empty databases (through the public APIs, once they answer).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
export PATH="$PWD/.venv/bin:$PATH"
export DATA_DIR=${DATA_DIR:-$PWD/var}
export SMTP_HOST=${SMTP_HOST:-127.0.0.1} SMTP_PORT=${SMTP_PORT:-1025}
# The links of the emails open the web application (http://127.0.0.1:8000).
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:8000/portal} CRM_BASE_URL=${CRM_BASE_URL:-http://127.0.0.1:8000/crm}
export WEB_MAIL_DIR="$PWD/var/mail"
# The web application's pages may call the APIs from the browser (CORS; off unless set, see shared/README.md).
export CORS_ALLOWED_ORIGINS=${CORS_ALLOWED_ORIGINS:-http://127.0.0.1:8000,http://localhost:8000}
# One LibreOffice converter for a developer's platform (about 50 MiB less; issue 18: memory); compose and the
# Kubernetes manifests keep the service's default of two.
export CONVERTER_SLOTS=${CONVERTER_SLOTS:-1}
# glibc's malloc gives each thread that allocates its own arena (up to 8 per core), and an arena keeps what it
# freed: two arenas per process serve these few threads (issue 18: memory; the images set the same).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
mkdir -p "$DATA_DIR"
.venv/bin/python scripts/preflight.py
for script in services/*/scripts/install-system-deps.sh; do
    [ -f "$script" ] && bash "$script"
done
for s in $SERVICES; do
    .venv/bin/$s-ctl migrate
    .venv/bin/$s-ctl setup-broker
done
echo "Starting the platform: APIs on ports 8001-8005, web on 8000, SMTP catcher on 1025. Ctrl-C stops everything."
# The supervisor stops every process when one exits: the one-shot demo loader runs beside it, not as a Procfile line.
.venv/bin/python scripts/supervise.py -f Procfile &
supervisor=$!
trap 'kill -TERM "$supervisor" 2>/dev/null; wait "$supervisor"; exit 130' INT TERM
.venv/bin/web-ctl demo-data --wait 120 || echo "demo data: not loaded (see the lines above)"
echo
echo "  The platform is up: open http://127.0.0.1:8000 and sign in as one of the demo people."
echo "  Emails (partner keys, invitations) are saved in var/mail/."
echo
wait "$supervisor"
