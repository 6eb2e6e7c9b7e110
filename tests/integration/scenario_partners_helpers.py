"""Calls shared by the partners-module and multi-recipient-procedures scenarios: each actor talks to the
public HTTP APIs with their own token, exactly as the CRM and portal front-ends do."""
from __future__ import annotations

import io
import re
import time
import uuid
from collections import Counter

import docx
import requests

KEY_PATTERN = re.compile(r"\b(?:[0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}\b")
GROUPED_TIMEOUT = 90  # document emails wait for the notification service's debounce window (30 s) first


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def address(prefix: str) -> str:
    return f"{unique(prefix)}@example.org"


def call(platform, service: str, method: str, path: str, headers: dict, **kwargs) -> requests.Response:
    return requests.request(method, platform.api(service, path), headers=headers, timeout=30, **kwargs)


def ok(response: requests.Response, status: int = 200) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.status_code} " \
                                           f"{response.text[:500]}"
    return response.json() if response.content else {}


def create_model(platform, model: dict) -> str:
    return ok(call(platform, "dossier", "POST", "/models", platform.headers("admin", unique("admin")), json=model),
              201)["id"]


def move(platform, agent: dict, dossier_id: str, to: str) -> None:
    ok(call(platform, "dossier", "POST", f"/dossiers/{dossier_id}/transitions", agent, json={"to": to}))


def upload(platform, headers: dict, owner_type: str, owner_id: str, filename: str, data: bytes,
           status: int = 201, **form) -> dict:
    fields = {"owner_type": owner_type, "owner_id": owner_id,
              **{key: str(value).lower() if isinstance(value, bool) else value for key, value in form.items()}}
    response = requests.post(platform.api("documents", "/documents"), headers=headers, data=fields,
                             files={"file": (filename, data)}, timeout=30)
    return ok(response, status)


def pdf_bytes(label: str) -> bytes:
    """A distinct small PDF-signed file (equal bytes would share storage, which is fine, but keep them apart)."""
    return b"%PDF-1.4\n% " + label.encode() + b" " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"


def visible_document_ids(platform, headers: dict, owner_type: str, owner_id: str) -> set[str] | None:
    response = call(platform, "documents", "GET", "/documents", headers,
                    params={"owner_type": owner_type, "owner_id": owner_id})
    return {item["id"] for item in response.json()["items"]} if response.status_code == 200 else None


def document_status(platform, headers: dict, document_id: str) -> int:
    return call(platform, "documents", "GET", f"/documents/{document_id}", headers).status_code


def letter_template_docx() -> bytes:
    """A Word letter built with python-docx: dossier entity tags and one input."""
    document = docx.Document()
    document.add_paragraph("Letter about dossier {{ dossier.reference }}: {{ dossier.title }}")
    document.add_paragraph("Dear partner, {{ request_text }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to(message) -> str:
    return str(message["To"]).lower()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails_to(platform, addresses) -> list:
    wanted = {item.lower() for item in addresses}
    return [message for message in platform.mailbox.matching(lambda m: to(m) in wanted)]


def mail_counts(platform, addresses) -> Counter:
    return Counter(to(message) for message in mails_to(platform, addresses))


def settle(platform, addresses, expected: dict[str, int], timeout: float) -> Counter:
    """Wait until ``expected`` ({address: emails}) has arrived among ``addresses``, then a little more for strays."""
    platform.wait_until(lambda: all(mail_counts(platform, addresses)[who] >= n for who, n in expected.items()),
                        timeout=timeout)
    time.sleep(2)
    return mail_counts(platform, addresses)


def deliveries(platform, dossier_id: str, event_type: str) -> Counter:
    """How many deliveries the notification service made per recipient for one dossier's events of a type
    (the exact recipients of each event, whether or not the debounce grouped their emails)."""
    admin = platform.headers("admin", unique("admin"))
    found: Counter = Counter()
    cursor = None
    while True:
        params = {"dossier_id": dossier_id, "event_type": event_type, "limit": 100,
                  **({"cursor": cursor} if cursor else {})}
        page = ok(call(platform, "notification", "GET", "/deliveries", admin, params=params))
        found.update(item["recipient"].lower() for item in page["items"] if item["channel"] == "email")
        cursor = page.get("next_cursor")
        if not cursor:
            return found


def wait_deliveries(platform, dossier_id: str, event_type: str, expected: dict[str, int],
                    timeout: float = 30) -> Counter:
    """Deliveries of ``event_type`` once ``expected`` is reached (or what there is at the timeout)."""
    platform.wait_until(lambda: deliveries(platform, dossier_id, event_type) == Counter(expected), timeout=timeout)
    time.sleep(1)
    return deliveries(platform, dossier_id, event_type)
