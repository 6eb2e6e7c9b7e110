"""SMTP client: host, port, STARTTLS or implicit TLS, credentials; failures classified temporary or permanent."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage


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

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server or raise ``SendFailure``."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
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
