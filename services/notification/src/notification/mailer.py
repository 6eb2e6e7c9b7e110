"""SMTP client: host, port, STARTTLS or implicit TLS, credentials; failures classified temporary or permanent."""

from __future__ import annotations

import random
import re
import smtplib
import ssl
import sys
from dataclasses import dataclass
from email import policy, quoprimime
from email.message import EmailMessage
from email.utils import getaddresses
from functools import lru_cache


class SendFailure(Exception):
    """The server did not take the message. ``permanent`` (5xx) is never retried; ``connection``
    means the server could not be reached at all (the sender stops its batch)."""

    def __init__(self, error: str, *, permanent: bool, connection: bool = False):
        super().__init__(error)
        self.error = error[:1000]
        self.permanent = permanent
        self.connection = connection


def attach_calendar(message: EmailMessage, ics: str, method: str, filename: str = "invite.ics") -> None:
    """Attach an iCalendar invitation (``text/calendar; method=...``): calendar clients offer to add, move or
    remove the event. Turns the message into multipart/mixed (text and HTML stay alternatives)."""
    message.add_attachment(
        ics,
        subtype="calendar",
        charset="utf-8",
        filename=filename,
        params={"method": method},
    )


@dataclass(frozen=True)
class Outgoing:
    """An email ready for the wire: its envelope and its bytes (CRLF line ends), sent as they are."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes


_WIRE = policy.SMTP  # the default policy, CRLF line ends: what ``send_message`` writes
_MAX_LINE = _WIRE.max_line_length
_PRINTABLE = re.compile(r"[\x20-\x7e]*\Z")
# A bare addr-spec of ASCII atoms (what the sender writes as it is: its envelope is itself).
# A message id as ``make_msgid`` writes it: the email package writes it as it is, however long.
_MESSAGE_ID = re.compile(r"<[\x21-\x3b=\x3f-\x7e]+@[\x21-\x3b=\x3f-\x7e]+>\Z")
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\Z"
)


@lru_cache(maxsize=512)
def _folded(name: str, value: str) -> str:
    """``Name: value`` as the email package writes it (RFC 2047 words, folded at 78); raises ValueError for
    a value with a line break, as setting the header on an ``EmailMessage`` does."""
    return _WIRE.fold(*_WIRE.header_store_parse(name, value))


def _header(name: str, value: str) -> str:
    # A short printable ASCII value without anything that reads as an encoded word is written as it is
    # (what the email package writes too, without parsing it); anything else goes through the email package.
    if len(name) + 2 + len(value) <= _MAX_LINE and _PRINTABLE.match(value) and "=?" not in value:
        return f"{name}: {value}\r\n"
    if name.lower() == "message-id" and len(value) < 900 and _MESSAGE_ID.match(value):
        return f"{name}: {value}\r\n"
    return _folded(name, value)


@lru_cache(maxsize=16)
def _sender(mail_from: str) -> tuple[str, str] | None:
    """The ``From`` line and the envelope sender ``send_message`` would take from it; None unless ASCII."""
    line = _folded("From", mail_from)
    address = getaddresses([str(_WIRE.header_factory("From", mail_from))])[0][1]
    return (line, address) if address.isascii() and address else None


def _text_body(text: str) -> tuple[str, str]:
    """(Content-Transfer-Encoding, body with CRLF line ends): 7bit when ASCII in short lines (as
    ``set_content`` does), else quoted-printable (7-bit clean: no 8BITMIME needed from the server)."""
    lines = text.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= _MAX_LINE:
        try:
            return "7bit", b"\r\n".join(lines).decode("ascii") + "\r\n"
        except UnicodeDecodeError:
            pass
    return "quoted-printable", quoprimime.body_encode(b"\n".join(lines).decode("latin-1") + "\n", _MAX_LINE, "\r\n")


def compose(
    mail_from: str, recipient: str, subject: str, headers: list[tuple[str, str]], text: str, html: str
) -> Outgoing | None:
    """A multipart/alternative email (UTF-8 text and HTML) written straight to bytes: what ``EmailMessage``
    and ``send_message`` would send, without building and folding the header objects of the email package
    (most of an email's cost). None when the envelope is not plain ASCII (the caller builds an
    ``EmailMessage``: ``send_message`` negotiates SMTPUTF8)."""
    sender = _sender(mail_from)
    if sender is None or not _PLAIN_ADDRESS.match(recipient):
        return None
    from_line, envelope_from = sender
    parts = [(subtype, *_text_body(content)) for subtype, content in (("plain", text), ("html", html))]
    while True:  # as the email package does: a boundary found in no part
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        if not any(boundary in body for _, _, body in parts):
            break
    lines = [
        from_line,
        _header("To", recipient),
        _header("Subject", subject),
        *(_header(name, value) for name, value in headers),
        "MIME-Version: 1.0\r\n",
        f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n',
    ]
    for subtype, cte, body in parts:
        lines.append(
            f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: {cte}\r\n\r\n{body}\r\n"
        )
    lines.append(f"--{boundary}--\r\n")
    return Outgoing(envelope_from, (recipient,), "".join(lines).encode("ascii"))


def _describe(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def classify(error: Exception) -> SendFailure:
    """SMTP reply codes 5xx are permanent, 4xx (421 included) temporary; network trouble is temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()))
        return SendFailure(_describe(code, message), permanent=500 <= code < 600)
    if isinstance(error, smtplib.SMTPResponseException):
        return SendFailure(_describe(error.smtp_code, error.smtp_error), permanent=500 <= error.smtp_code < 600)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return SendFailure(f"server disconnected: {error}", permanent=False, connection=True)
    return SendFailure(f"{type(error).__name__}: {error}", permanent=False, connection=True)


class Mailer:
    """One SMTP connection reused across messages, reopened after any failure."""

    def __init__(self, settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        timeout = settings.smtp_timeout_seconds
        if settings.smtp_tls:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        return smtp

    def send(self, message: EmailMessage | Outgoing) -> None:
        """Hand ``message`` to the server or raise ``SendFailure``."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            if isinstance(message, Outgoing):
                self._smtp.sendmail(message.sender, list(message.recipients), message.data)
            else:
                self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise classify(error) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
