"""A boundary fake of the five services for the web application's unit tests: one real HTTP server (werkzeug,
free port) answering what each test scripts, in the services' shapes (problem+json errors), and recording
every request it got. The browser tests use the real services instead."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICES = ("dossier", "partner-gateway", "attestation", "notification", "documents")


@dataclass
class Recorded:
    service: str
    method: str
    path: str
    headers: dict
    body: bytes
    form: dict
    query: dict = field(default_factory=dict)


@dataclass
class Scripted:
    status: int
    body: Any
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


def problem(status: int, title: str, detail: str = "", errors: dict | None = None) -> dict:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


class FakeApis:
    def __init__(self):
        self._answers: dict[tuple[str, str, str], Scripted] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port}/{service}"

    def start(self) -> FakeApis:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def reset(self) -> None:
        with self._lock:
            self._answers.clear()
            self.requests.clear()
            self.max_in_flight = 0

    def answer(self, service: str, method: str, path: str, status: int = 200, body: Any = None, **options) -> None:
        """Answer ``method /api/v1<path>`` of ``service`` (``body`` as JSON; problem+json for errors)."""
        self._answers[(service, method.upper(), path)] = Scripted(status, body, **options)

    def calls(self, service: str | None = None, method: str | None = None, path: str | None = None) -> list[Recorded]:
        with self._lock:
            return [
                item
                for item in self.requests
                if (service is None or item.service == service)
                and (method is None or item.method == method)
                and (path is None or item.path == path)
            ]

    def _app(self, environ, start_response):
        request = Request(environ)
        service, _, rest = request.path.lstrip("/").partition("/")
        path = "/" + rest.removeprefix("api/v1/")
        form = dict(request.form)  # parsed before the raw body is read (multipart uploads)
        body = request.get_data()
        with self._lock:
            self.requests.append(
                Recorded(service, request.method, path, dict(request.headers), body, form, dict(request.args))
            )
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            scripted = self._answers.get((service, request.method, path))
            if scripted is None:
                scripted = Scripted(404, problem(404, "Not Found", f"nothing scripted for {request.method} {path}"))
            if scripted.delay:
                time.sleep(scripted.delay)
            if isinstance(scripted.body, bytes):
                response = Response(scripted.body, status=scripted.status, headers=scripted.headers)
            else:
                kind = "application/problem+json" if scripted.status >= 400 else "application/json"
                payload = "" if scripted.body is None else json.dumps(scripted.body)
                response = Response(payload, status=scripted.status, content_type=kind, headers=scripted.headers)
            return response(environ, start_response)
        finally:
            with self._lock:
                self.in_flight -= 1
