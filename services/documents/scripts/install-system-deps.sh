#!/usr/bin/env bash
# System pieces the documents worker needs outside .venv: unoserver for the system Python that has
# Debian's python3-uno (LibreOffice's UNO bridge only loads there). Idempotent; quick when done.
# LibreOffice itself comes from apt (.ci/run): libreoffice-writer-nogui python3-uno
# fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 poppler-utils.
set -euo pipefail
UNO_PYTHON=${UNO_PYTHON:-/usr/bin/python3}
UNOSERVER_VERSION=3.7
if ! command -v soffice >/dev/null 2>&1 || ! "$UNO_PYTHON" -c "import uno" >/dev/null 2>&1; then
    echo "documents: LibreOffice or python3-uno is absent; PDFs will not be produced (CONVERTER resolves to none)"
    exit 0
fi
if "$UNO_PYTHON" -c "import unoserver.server, importlib.metadata as m; assert m.version('unoserver') == '$UNOSERVER_VERSION'" \
        >/dev/null 2>&1; then
    exit 0
fi
"$UNO_PYTHON" -m pip install --quiet --break-system-packages "unoserver==$UNOSERVER_VERSION"
echo "documents: unoserver $UNOSERVER_VERSION installed for $UNO_PYTHON"
