"""Calling another service's HTTP API with a service token, its errors mapped back to ours."""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from .auth import service_token
from .config import Settings
from .errors import Conflict, DomainError, Forbidden, Gone, NotFound, UpstreamUnavailable, ValidationFailed
from .logs import current_correlation_id

_STATUS_ERRORS: dict[int, type[DomainError]] = {
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    422: ValidationFailed,
}


class _RetryResetReads(Retry):
    """Retry a read only when the connection was reset or closed, never after a timeout (a slow answer, or a
    stream waiting for its next chunk, is not sent twice)."""

    def increment(self, method=None, url=None, *args, error=None, **kwargs):
        if isinstance(error, ReadTimeoutError):
            raise error
        return super().increment(method, url, *args, error=error, **kwargs)


def pooled_session() -> requests.Session:
    """A ``requests.Session`` whose reads survive a pooled connection the server has just closed.

    gunicorn closes an idle keep-alive connection after ``keepalive`` seconds; a call that reuses it at that
    moment is reset ("Connection reset by peer") and would surface as a 503. A GET, HEAD or OPTIONS is then sent
    again on a new connection (twice at most); a write, an answer of any status and a timeout never are.
    """
    retry = _RetryResetReads(
        total=2,
        connect=2,
        read=2,
        status=0,
        other=0,
        redirect=0,
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class ServiceClient:
    """A small HTTP client for one other service (thread-safe: one session per thread)."""

    def __init__(self, settings: Settings, base_url: str, *, name: str = "upstream"):
        self.settings = settings
        self.base_url = base_url.rstrip("/")
        self.name = name
        self._local = threading.local()
        self._token: tuple[str, float] | None = None

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = pooled_session()
        return session

    def _bearer(self) -> str:
        if self._token is None or self._token[1] < time.time() + 30:
            self._token = (service_token(self.settings), time.time() + self.settings.service_token_ttl_seconds)
        return self._token[0]

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        """Send a request; 2xx is returned, known 4xx become domain errors, the rest 503."""
        headers = kwargs.pop("headers", {}) or {}
        headers["Authorization"] = f"Bearer {token or self._bearer()}"
        correlation_id = current_correlation_id()
        if correlation_id:
            headers["X-Request-ID"] = correlation_id
        try:
            response = self._session().request(
                method, self.base_url + path, headers=headers, timeout=self.settings.http_timeout_seconds, **kwargs
            )
        except requests.RequestException as error:
            raise UpstreamUnavailable(f"The {self.name} service did not answer.") from error
        if response.status_code < 400:
            return response
        error_class = _STATUS_ERRORS.get(response.status_code)
        if error_class is None:
            raise UpstreamUnavailable(f"The {self.name} service answered {response.status_code}.")
        try:
            problem = response.json()
        except ValueError:
            problem = {}
        raise error_class(problem.get("detail"), errors=problem.get("errors"))

    def get_json(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs).json()
