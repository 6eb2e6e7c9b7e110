"""What a worker process imports (issue 18: memory): each `<service>-ctl worker` loads its command line, its
handlers and its jobs; none of them may bring in the web stack, PyJWT, the template libraries or icalendar,
which only the APIs (or the render server) use. Each is several MiB in each of the five worker processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SERVICES = ("dossier", "partner_gateway", "attestation", "notification", "documents")
NEVER_IN_A_WORKER = ("flask", "werkzeug", "flask_smorest", "apispec", "jwt", "docxtpl", "docx", "icalendar")
NOT_IN_THE_DOCUMENTS_WORKER = ("requests",)  # only the Gotenberg converter speaks HTTP
_PROBE = """
import importlib, json, sys
package = sys.argv[1]
cli = importlib.import_module(package + ".cli")
for name in ("handlers", "jobs"):
    try:
        importlib.import_module(package + "." + name)
    except ModuleNotFoundError as error:
        if error.name != package + "." + name:
            raise
print(json.dumps(sorted({module.split(".")[0] for module in sys.modules})))
"""


@pytest.mark.parametrize("package", SERVICES)
def test_a_worker_imports_neither_the_web_stack_nor_what_only_the_apis_use(package):
    result = subprocess.run([sys.executable, "-c", _PROBE, package], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert package in loaded
    assert sorted(loaded & set(NEVER_IN_A_WORKER)) == []
    if package == "documents":
        assert sorted(loaded & set(NOT_IN_THE_DOCUMENTS_WORKER)) == []


def test_the_api_still_verifies_tokens_and_the_render_server_preloads_docxtpl():
    probe = (
        "import sys\n"
        "from platform_shared.auth import TokenVerifier, mint_token\n"
        "from platform_shared.config import load_settings\n"
        "settings = load_settings(service_name='probe', database_url='sqlite://', amqp_url='amqp://x')\n"
        "assert 'jwt' not in sys.modules\n"
        "caller = TokenVerifier(settings).verify(mint_token(settings, sub='s', role='agent'))\n"
        "assert caller.sub == 's' and 'jwt' in sys.modules\n"
        "from documents.domain import templates\n"
        "assert 'docxtpl' not in sys.modules\n"
        "templates.preload()\n"
        "assert 'docxtpl' in sys.modules and 'docx.shared' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
