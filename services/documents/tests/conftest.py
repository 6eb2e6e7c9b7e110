import io
import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from documents import config, handlers
from documents.app import create_app
from documents.cli import MIGRATIONS_DIR
from platform_shared.auth import TokenVerifier
from platform_shared.errors import Unauthenticated
from platform_shared.testing.service_fixtures import (  # noqa: F401  (shared fixtures)
    UNREACHABLE_BROKER,
    ServiceUnderTest,
    app,
    client,
    database_url,
    db,
    template_dir,
)
from platform_shared.testing.unit import bearer, deliver


class FakeGateway:
    """The partner-gateway's ``GET /api/v1/access`` boundary, served for real over HTTP on a free port.

    The gateway is another service (built in parallel); these tests only need its answer, so a tiny
    WSGI app stands in for it. It checks the service token like the real one does.
    """

    def __init__(self, verifier_settings):
        self.grants: dict[tuple[str, str], dict] = {}
        self.calls = 0
        self.verifier = TokenVerifier(verifier_settings)
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def grant(
        self, dossier_id: str, sub: str, *, partner=False, solicitation_ids=(), contributor_roles=(), participant=False
    ) -> None:
        self.grants[(dossier_id, sub)] = {
            "dossier_id": dossier_id,
            "sub": sub,
            "partner": partner,
            "solicitation_ids": list(solicitation_ids),
            "contributor_roles": list(contributor_roles),
            "participant": participant,
        }

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.calls += 1
        try:
            caller = self.verifier.verify(request.headers.get("Authorization", "").removeprefix("Bearer "))
        except Unauthenticated:
            return Response(status=401)(environ, start_response)
        if caller.role != "service" or request.path != "/api/v1/access":
            return Response(status=403)(environ, start_response)
        dossier_id, sub = request.args["dossier_id"], request.args["sub"]
        body = self.grants.get((dossier_id, sub)) or {
            "dossier_id": dossier_id,
            "sub": sub,
            "partner": False,
            "solicitation_ids": [],
            "contributor_roles": [],
            "participant": False,
        }
        return Response(json.dumps(body), mimetype="application/json")(environ, start_response)

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def gateway():
    fake = FakeGateway(config.load(database_url="sqlite://"))
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def service_under_test():
    return ServiceUnderTest("documents", MIGRATIONS_DIR, create_app, handlers.handlers)


@pytest.fixture
def settings(tmp_path, database_url, gateway):
    gateway.grants.clear()
    return config.load(
        database_url=database_url,
        amqp_url=UNREACHABLE_BROKER,
        erasure_redacts_dead_letters=False,
        log_json=False,
        data_dir=str(tmp_path / "data"),
        converter="none",
        max_upload_bytes=64 * 1024,
        partner_gateway_url=gateway.url,
    )


@pytest.fixture
def storage(app):
    return app.extensions["documents_storage"]


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice")


@pytest.fixture
def as_admin(settings):
    return bearer(settings, "admin", "admin-ada")


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme")


@pytest.fixture
def as_service(settings):
    return bearer(settings, "service", "service:partner-gateway")


@pytest.fixture
def event(db, settings):
    """Deliver an event to the documents service's handlers, as its consumer would."""
    table = handlers.handlers(settings)

    def _deliver(event_type: str, data: dict):
        return deliver(db, "documents", table, event_type, data)

    return _deliver


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def upload(client):
    """POST /documents with a file and form fields; returns the response."""

    def _upload(
        headers,
        *,
        data: bytes = PDF_BYTES,
        filename: str = "report.pdf",
        owner_type="dossier",
        owner_id="dos-1",
        **form,
    ):
        fields = {
            "owner_type": owner_type,
            "owner_id": owner_id,
            **{key: str(value).lower() if isinstance(value, bool) else value for key, value in form.items()},
        }
        fields["file"] = (io.BytesIO(data), filename)
        return client.post("/api/v1/documents", data=fields, headers=headers, content_type="multipart/form-data")

    return _upload


def build_docx(paragraphs=(), *, split_runs=(), header=None, footer=None) -> bytes:
    """A real .docx made with python-docx; ``split_runs`` paragraphs are written as several runs,
    the way Word splits a tag it has spell-checked or partly formatted."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for runs in split_runs:
        paragraph = document.add_paragraph()
        for index, text in enumerate(runs):
            paragraph.add_run(text).bold = index % 2 == 1
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [paragraph.text for paragraph in section.header.paragraphs]
    parts += [paragraph.text for paragraph in section.footer.paragraphs]
    return "\n".join(parts)


class Samples:
    pdf = PDF_BYTES
    png = PNG_BYTES
    build_docx = staticmethod(build_docx)
    docx_text = staticmethod(docx_text)


@pytest.fixture
def samples():
    return Samples
