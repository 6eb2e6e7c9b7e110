"""Small helpers shared by the integration tests: HTTP calls as the front-ends make them, unique identities,
models and files to send, and exact email accounting."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from email.utils import parseaddr

import docx
import requests

KEY_PATTERN = re.compile(r"\b(?:[0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}\b")
GROUPED_TIMEOUT = 100  # document and note emails wait for the notification service's 30 s debounce window first


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def address(prefix: str) -> str:
    return f"{unique(prefix)}@example.org"


def call(platform, service: str, method: str, path: str, headers: dict | None, **kwargs) -> requests.Response:
    return requests.request(method, platform.api(service, path), headers=headers or {}, timeout=60, **kwargs)


def ok(response: requests.Response, status=(200, 201)):
    """The JSON body ({} when empty) of a response whose status is ``status`` or one of them (the body is shown
    otherwise)."""
    expected = (status,) if isinstance(status, int) else status
    assert response.status_code in expected, (
        f"{response.request.method} {response.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else {}


def create_model(platform, model: dict) -> str:
    """``POST /models`` as a fresh admin; the new model's id."""
    return ok(
        call(platform, "dossier", "POST", "/models", platform.headers("admin", unique("admin")), json=model), 201
    )["id"]


def docx_bytes(*paragraphs: str) -> bytes:
    """A Word document (python-docx) of one paragraph per argument."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(label: str = "piece") -> bytes:
    """A small PDF-signed file, distinct on each call (equal bytes would share storage: keep them apart)."""
    return b"%PDF-1.4\n% " + label.encode() + b" " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"


def upload(
    platform,
    headers: dict,
    owner_id: str,
    *,
    owner_type: str = "dossier",
    filename: str = "piece.pdf",
    data: bytes | None = None,
    **form,
) -> requests.Response:
    """``POST /documents`` as the portal or the CRM sends it (distinct bytes unless given)."""
    fields = {
        "owner_type": owner_type,
        "owner_id": owner_id,
        **{key: str(value).lower() if isinstance(value, bool) else value for key, value in form.items()},
    }
    return requests.post(
        platform.api("documents", "/documents"),
        headers=headers,
        data=fields,
        files={"file": (filename, pdf_bytes() if data is None else data)},
        timeout=30,
    )


def recipient(message) -> str:
    """The address an email went to (the To header may carry the recipient's name)."""
    return parseaddr(str(message["To"]))[1].lower()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails_to(platform, addresses: Iterable[str]) -> list:
    wanted = {item.lower() for item in addresses}
    return list(platform.mailbox.matching(lambda m: recipient(m) in wanted))


def mail_counts(platform, addresses: Iterable[str]) -> Counter:
    return Counter(recipient(message) for message in mails_to(platform, addresses))


def settle(platform, addresses: Iterable[str], expected: dict[str, int], timeout: float, quiet: float = 3.0) -> Counter:
    """Wait until ``expected`` ({address: total emails so far}) has arrived, then ``quiet`` seconds more for
    strays; returns the counts of every address in ``addresses`` that got mail (the exact recipients)."""
    addresses = list(addresses)
    platform.wait_until(
        lambda: all(mail_counts(platform, addresses)[who.lower()] >= n for who, n in expected.items()), timeout=timeout
    )
    time.sleep(quiet)
    return mail_counts(platform, addresses)


def new_mails(platform, addresses: Iterable[str], before: dict[str, int]) -> dict[str, int]:
    """Counts received since ``before`` (a previous ``mail_counts``), without the addresses that got none."""
    now = mail_counts(platform, addresses)
    return {who: count - before.get(who, 0) for who, count in now.items() if count - before.get(who, 0)}


def key_in_mail(platform, email_address: str, timeout: float = 30) -> str:
    """The access key in the (single) invitation email sent to ``email_address``."""
    [message] = platform.mailbox.wait_for(lambda m: recipient(m) == email_address.lower(), timeout=timeout)
    [key] = KEY_PATTERN.findall(text_of(message))
    return key
