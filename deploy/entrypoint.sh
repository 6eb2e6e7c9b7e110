#!/bin/sh
# The image's single entry point: `api` (gunicorn on :8000), `worker` (metrics on :9100),
# `migrate` (Alembic upgrade + broker topology, one shot), `healthcheck`, or any `<service>-ctl` command.
set -eu
: "${SERVICE:?SERVICE is baked into the image at build time}"
PACKAGE=$(echo "$SERVICE" | tr - _)
role=${1:-api}
[ $# -gt 0 ] && shift
case "$role" in
    api)
        exec gunicorn -c /app/deploy/gunicorn.conf.py --bind 0.0.0.0:8000 "$PACKAGE.app:create_app()" "$@" ;;
    worker)
        exec "$SERVICE-ctl" worker --metrics-port "${WORKER_METRICS_PORT:-9100}" "$@" ;;
    migrate)
        "$SERVICE-ctl" migrate
        exec "$SERVICE-ctl" setup-broker ;;
    healthcheck)
        # Healthy when the API or the worker answers /healthz with 200 (a stuck worker answers 503).
        exec python - <<PY
import sys, urllib.request
for url in ("http://127.0.0.1:8000/healthz", "http://127.0.0.1:${WORKER_METRICS_PORT:-9100}/healthz"):
    try:
        if urllib.request.urlopen(url, timeout=2).status == 200:
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
        ;;
    ctl)
        exec "$SERVICE-ctl" "$@" ;;
    *)
        exec "$role" "$@" ;;
esac
