#!/usr/bin/env bash
# `make test`: the shared library's tests, every service's unit tests, the web application's unit and browser
# tests (Chromium against the real platform), then the integration scenarios.
#
# Two lanes run side by side, because most of a platform test's time is spent waiting on other processes
# (the services, the broker, Chromium, LibreOffice): lane 1 is lint, the unit suites and the web suite, printed
# as it runs; lane 2 is tests/integration (its own platform: fresh databases, vhost and ports), saved under
# var/test-logs/ and printed when both lanes are done. TEST_LANES=1 runs everything one after the other.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
PY=.venv/bin/python
LOGS=var/test-logs
mkdir -p "$LOGS"
rm -f "$LOGS"/*.failed
run() {
    echo "=== $1"
    local name=$1
    shift
    "$@"
    local code=$?
    if [ $code -ne 0 ] && [ $code -ne 5 ]; then
        touch "$LOGS/$name.failed"
    fi
}
lane_units_and_web() {
    run lint bash -c ".venv/bin/ruff check . && .venv/bin/ruff format --check ."
    run shared $PY -m pytest -q -p no:cacheprovider shared/tests
    for s in $SERVICES; do
        run "$s" $PY -m pytest -q -p no:cacheprovider services/$s/tests
    done
    run web $PY -m pytest -q -p no:cacheprovider web/tests
    if [ -d tests/deploy ]; then
        run deploy $PY -m pytest -q -p no:cacheprovider tests/deploy
    fi
}
lane_integration() {
    run integration $PY -m pytest -q -p no:cacheprovider tests/integration
}
started=$(date +%s)
if [ "${TEST_LANES:-2}" = "1" ]; then
    lane_units_and_web
    lane_integration
else
    lane_integration >"$LOGS/integration.log" 2>&1 &
    integration=$!
    trap 'pkill -TERM -P "$integration"; kill -TERM "$integration" 2>/dev/null' INT TERM
    lane_units_and_web
    echo "=== waiting for the integration lane (output in $LOGS/integration.log)"
    wait "$integration"
    cat "$LOGS/integration.log"
fi
echo "=== make test took $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s"
failed=$(cd "$LOGS" && ls -- *.failed 2>/dev/null | sed 's/\.failed$//' | tr '\n' ' ')
if [ -n "$failed" ]; then
    echo "=== failed: $failed"
    exit 1
fi
echo "=== all green"
