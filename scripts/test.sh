#!/usr/bin/env bash
# `make test`: the shared library's tests, every service's unit tests, the web application's unit and browser
# tests (Chromium against the real platform), then the integration scenarios.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
PY=.venv/bin/python
status=0
run() {
    echo "=== $1"
    shift
    "$@"
    code=$?
    if [ $code -ne 0 ] && [ $code -ne 5 ]; then status=1; fi
}
run lint bash -c ".venv/bin/ruff check . && .venv/bin/ruff format --check ."
run shared $PY -m pytest -q -p no:cacheprovider shared/tests
for s in $SERVICES; do
    run "$s" $PY -m pytest -q -p no:cacheprovider services/$s/tests
done
run web $PY -m pytest -q -p no:cacheprovider web/tests
if [ -d tests/deploy ]; then
    run deploy $PY -m pytest -q -p no:cacheprovider tests/deploy
fi
run integration $PY -m pytest -q -p no:cacheprovider tests/integration
exit $status
