"""What the portal's pages share: the API of the signed-in person, API errors next to fields, files."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, g, render_template
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..api_messages import translated
from ..clients import Api, ApiError
from ..identity import Person

PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length", "ETag", "Last-Modified")


def api() -> Api:
    return g.api


def person() -> Person:
    return g.person


def page(template: str, nav: str = "", **context):
    return render_template(template, nav_active=nav, **context)


def field_errors(error: ApiError, keys: Iterable[str], prefixes: Iterable[str] = ("fields.", "values.")) -> dict:
    """The API's errors for the model fields ``keys`` (it names them ``fields.<key>``, ``values.<key>`` or
    ``<key>``), by key; the rest stay under their own names for the form's general message."""
    keys = set(keys)
    by_key: dict[str, str] = {}
    for name, message in error.errors.items():
        bare = name
        for prefix in prefixes:
            if name.startswith(prefix):
                bare = name[len(prefix) :]
                break
        if bare in keys:
            by_key[bare] = translated(message)
        else:
            by_key[name] = translated(message)
    return by_key


def upload(file: FileStorage, owner_type: str, owner_id: str, category: str, dossier_id: str | None = None) -> dict:
    """``POST /documents`` with the person's token: the documents service sniffs the type, sets the visibility
    a person of this kind gets, and answers 413/415 for what it refuses."""
    data = {"owner_type": owner_type, "owner_id": owner_id, "category": category}
    if dossier_id:
        data["dossier_id"] = dossier_id
    return api().post(
        "documents",
        "/documents",
        json=None,
        data=data,
        files={"file": (file.filename or "document", file.stream, file.mimetype or "application/octet-stream")},
    )


def upload_problem(error: ApiError) -> str:
    """A sentence for a refused upload (the pages show it next to the file input)."""
    if error.status == 413:
        return _("The file is too large.")
    if error.status == 415:
        return _("This type of file is not accepted (PDF, images, Word, Excel, OpenDocument, text).")
    if error.status == 409:
        return _("The dossier is closed: nothing can be added any more.")
    return error.errors.get("file") or error.detail or _("The file could not be added.")


def stream_document(document_id: str, rendition: str | None) -> Response:
    """The bytes of a document the person may see, streamed through with the documents service's headers
    (``Content-Disposition: attachment``, ``nosniff``)."""
    params = {"rendition": rendition} if rendition else {}
    upstream = api().send("documents", "GET", f"/documents/{document_id}/content", params=params, stream=True)

    def body():
        try:
            yield from upstream.iter_content(64 * 1024)
        finally:
            upstream.close()

    response = Response(body(), status=upstream.status_code)
    for header in PASSED_HEADERS:
        if header in upstream.headers:
            response.headers[header] = upstream.headers[header]
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_states(documents: list[dict]) -> dict[str, str]:
    """Each listed document's PDF: ``ready`` (a PDF rendition to download), ``rendering`` (the documents worker
    is making it) or ``failed``; the workspace links a quote's, an invoice's... filed PDF only when ready."""
    states = {}
    for document in documents:
        kinds = {item.get("kind") for item in document.get("renditions") or []}
        if "pdf" in kinds:
            states[document["id"]] = "ready"
        elif document.get("state") == "rendering":
            states[document["id"]] = "rendering"
        else:
            states[document["id"]] = "failed"
    return states


def stream_ics(path: str) -> Response:
    """An event's iCalendar file from the dossier service, streamed through with its headers."""
    upstream = api().send("dossier", "GET", path)
    response = Response(upstream.content, mimetype="text/calendar")
    for name in ("Content-Type", "Content-Disposition"):
        if name in upstream.headers:
            response.headers[name] = upstream.headers[name]
    return response
