"""Calls to the five public APIs with the signed-in person's token, as any front-end makes them.

One ``Api`` per page request: it carries the person's bearer token, the request id (so the services' logs
tie their lines to the page), and a record of every call's duration (the ``Server-Timing`` header and the
benchmark read it). Independent calls of a page run concurrently on a thread pool shared by the process.
Errors come back as ``ApiError`` built from the services' problem+json; a service that cannot be reached
(or answers 502/503/504) is ``ServiceUnavailable``, which the application turns into a 503 page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from platform_shared.service_client import pooled_session

SERVICES = ("dossier", "partner-gateway", "attestation", "notification", "documents")
UNAVAILABLE_STATUSES = (502, 503, 504)


class ApiError(Exception):
    """A problem+json answer (RFC 9457) of one of the services."""

    def __init__(
        self,
        status: int,
        title: str = "",
        detail: str = "",
        errors: Mapping[str, Any] | None = None,
        *,
        service: str = "",
        retry_after: int | None = None,
    ):
        super().__init__(f"{service}: {status} {title} {detail}".strip())
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = flatten_errors(errors or {})
        self.service = service
        self.retry_after = retry_after

    @classmethod
    def from_response(cls, service: str, response: requests.Response) -> ApiError:
        body: dict = {}
        if response.content:
            try:
                parsed = response.json()
                body = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                body = {}
        retry_after = response.headers.get("Retry-After")
        error_class = ServiceUnavailable if response.status_code in UNAVAILABLE_STATUSES else cls
        return error_class(
            response.status_code,
            str(body.get("title", "")),
            str(body.get("detail", "")),
            body.get("errors") if isinstance(body.get("errors"), dict) else None,
            service=service,
            retry_after=int(retry_after) if retry_after and retry_after.isdigit() else None,
        )


class ServiceUnavailable(ApiError):
    """The service is down, unreachable or overloaded: the page cannot be built."""


def flatten_errors(errors: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"fields": {"address": ["Not a valid string."]}}`` → ``{"fields.address": "Not a valid string."}``.

    The services name fields either with dotted keys (``inputs.motif``) or with nested objects (marshmallow);
    the pages look fields up by the dotted name.
    """
    flat: dict[str, str] = {}
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_errors(value, f"{name}."))
        elif isinstance(value, list | tuple):
            texts = [str(item) for item in value if not isinstance(item, Mapping)]
            for item in value:
                if isinstance(item, Mapping):
                    flat.update(flatten_errors(item, f"{name}."))
            if texts:
                flat[name] = " ".join(texts)
        else:
            flat[name] = str(value)
    return flat


@dataclass(frozen=True)
class CallTiming:
    service: str
    method: str
    path: str
    status: int
    milliseconds: float


@dataclass
class CallLog:
    """The calls one page made (appended from the pool's threads)."""

    calls: list[CallTiming] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, timing: CallTiming) -> None:
        with self._lock:
            self.calls.append(timing)

    def total_milliseconds(self) -> float:
        with self._lock:
            return sum(call.milliseconds for call in self.calls)


class Transport:
    """HTTP sessions (one per thread: ``requests.Session`` is not documented as thread-safe) and the pool."""

    def __init__(self, base_urls: Mapping[str, str], timeout: float, workers: int):
        self.base_urls = dict(base_urls)
        self.timeout = timeout
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="api")
        self._local = threading.local()

    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = pooled_session()  # a GET on a connection the API just closed is sent again
            self._local.session = session
        return session

    def url(self, service: str, path: str) -> str:
        return f"{self.base_urls[service].rstrip('/')}/api/v1{path}"


class Api:
    """The APIs as one person sees them, for the length of one page request."""

    def __init__(self, transport: Transport, token: str | None, request_id: str | None = None):
        self.transport = transport
        self.token = token
        self.request_id = request_id
        self.log = CallLog()

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json, application/problem+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.request_id:
            headers["X-Request-ID"] = self.request_id
        return headers

    def send(
        self,
        service: str,
        method: str,
        path: str,
        *,
        stream: bool = False,
        headers: Mapping[str, str] | None = None,
        timeout: float | tuple[float, float] | None = None,
        **kwargs,
    ) -> requests.Response:
        """The raw response of a successful call (2xx); ``ApiError`` otherwise. ``headers`` are added to the
        person's; ``timeout`` replaces the transport's (a live stream waits longer between two chunks)."""
        started = time.perf_counter()
        status = 0
        try:
            response = self.transport.session().request(
                method,
                self.transport.url(service, path),
                headers={**self._headers(), **(headers or {})},
                timeout=timeout or self.transport.timeout,
                stream=stream,
                **kwargs,
            )
            status = response.status_code
        except requests.RequestException as error:
            raise ServiceUnavailable(503, "Service unavailable", str(error), service=service) from error
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            query = urlencode(kwargs.get("params") or {})
            self.log.add(CallTiming(service, method, f"{path}?{query}" if query else path, status, elapsed))
        if response.status_code >= 400:
            raise ApiError.from_response(service, response)
        return response

    def call(self, service: str, method: str, path: str, **kwargs) -> Any:
        response = self.send(service, method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def get(self, service: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.call(service, "GET", path, params={k: v for k, v in (params or {}).items() if v is not None})

    def post(self, service: str, path: str, json: Any = None, **kwargs) -> Any:
        return self.call(service, "POST", path, json=json, **kwargs)

    def patch(self, service: str, path: str, json: Any = None) -> Any:
        return self.call(service, "PATCH", path, json=json)

    def put(self, service: str, path: str, json: Any = None) -> Any:
        return self.call(service, "PUT", path, json=json)

    def delete(self, service: str, path: str) -> Any:
        return self.call(service, "DELETE", path)

    def get_all(self, service: str, path: str, params: Mapping[str, Any] | None = None, limit: int = 100) -> list:
        """Every item of a paginated list, following ``next_cursor``."""
        items: list = []
        query = {**(params or {}), "limit": limit}
        while True:
            page = self.get(service, path, query)
            items.extend(page.get("items", []))
            if not page.get("next_cursor"):
                return items
            query["cursor"] = page["next_cursor"]

    def gather(self, **calls: Callable[[], Any]) -> dict[str, Any]:
        """Run independent calls concurrently; their results by name. The first failure is raised once all
        have finished (a page is not built on half its data); a call that may fail returns its own default."""
        futures = {name: self.transport.executor.submit(call) for name, call in calls.items()}
        results: dict[str, Any] = {}
        failure: BaseException | None = None
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except BaseException as error:  # re-raised below, after every call has finished
                failure = failure or error
        if failure is not None:
            raise failure
        return results

    def optional(self, call: Callable[[], Any], default: Any = None, statuses: tuple[int, ...] = (403, 404)) -> Any:
        """``call()``, or ``default`` when the API answers one of ``statuses`` (something this person may not see)."""
        try:
            return call()
        except ApiError as error:
            if isinstance(error, ServiceUnavailable) or error.status not in statuses:
                raise
            return default
