"""The Gotenberg converter's HTTP boundary (the container runs in docker-compose, not here: a tiny
WSGI app on a free port answers like Gotenberg's ``/forms/libreoffice/convert``)."""

import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from documents.conversion.converters import ConversionTimedOut, ConverterUnavailable, GotenbergConverter


class FakeGotenberg:
    def __init__(self):
        self.behaviour = "pdf"
        self.received = []
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.received.append((request.path, {name: part.read() for name, part in request.files.items()}))
        if self.behaviour == "hang":
            time.sleep(1.5)
        if self.behaviour == "busy":
            return Response("busy", status=503)(environ, start_response)
        return Response(b"%PDF-1.7 converted", mimetype="application/pdf")(environ, start_response)


@pytest.fixture(scope="module")
def gotenberg():
    fake = FakeGotenberg()
    yield fake
    fake.server.shutdown()


def test_the_docx_is_posted_as_a_form_file_and_the_pdf_comes_back(gotenberg):
    gotenberg.behaviour = "pdf"
    assert GotenbergConverter(gotenberg.url, timeout=5).convert_to_pdf(b"docx bytes") == b"%PDF-1.7 converted"
    path, files = gotenberg.received[-1]
    assert path == "/forms/libreoffice/convert"
    assert files == {"files": b"docx bytes"}


def test_a_gotenberg_that_hangs_is_a_timeout(gotenberg):
    gotenberg.behaviour = "hang"
    with pytest.raises(ConversionTimedOut):
        GotenbergConverter(gotenberg.url, timeout=0.5).convert_to_pdf(b"docx")


def test_a_busy_or_absent_gotenberg_is_unavailable_and_retried_later(gotenberg):
    gotenberg.behaviour = "busy"
    with pytest.raises(ConverterUnavailable):
        GotenbergConverter(gotenberg.url, timeout=5).convert_to_pdf(b"docx")
    with pytest.raises(ConverterUnavailable):
        GotenbergConverter("http://127.0.0.1:1", timeout=5).convert_to_pdf(b"docx")
