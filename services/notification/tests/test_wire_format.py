"""The sender writes most emails straight to bytes (``mailer.compose``): they read exactly as the
``EmailMessage`` that ``send_message`` would have sent, envelope included."""

import email
import email.policy
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

import pytest

from notification.domain import rendering
from notification.mailer import Outgoing, compose

FROM = "Dossier platform <no-reply@dossier-platform.local>"
HEADERS = [
    ("Message-ID", make_msgid(idstring="0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", domain="dossier-platform")),
    ("Auto-Submitted", "auto-generated"),
    ("X-Notification-Delivery", "0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
]
LONG_FRENCH = "Votre attestation « Attestation d'assurance » est disponible dans les documents du contrat. " * 3
TEXTS = [
    "Hello,\n\nYour attestation is ready.\n",
    "Bonjour,\n\n" + LONG_FRENCH + "\nÀ bientôt.\n",
    "Court : déjà là.\n",  # short lines, not ASCII
    "x" * 200 + "\n" + "y" * 80,  # one long word, no final line end
    ".\n..leading dots\nFrom the start\n  trailing spaces  \n",
    "",
]
SUBJECTS = [
    "Your attestation is ready",
    "Votre attestation n'a pas pu être établie",
    "A subject long enough to be folded by the email package, " * 3,
    "=?utf-8?q?looks_encoded?= but is not",
    "Émoji 📄 et « guillemets »",
]


def _reference(mail_from, recipient, subject, headers, text, html) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail_from, recipient, subject
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _assert_same_email(outgoing: Outgoing, reference: EmailMessage) -> None:
    assert isinstance(outgoing, Outgoing)
    # The envelope send_message would have used.
    assert outgoing.sender == getaddresses([reference["From"]])[0][1]
    assert list(outgoing.recipients) == [address for _, address in getaddresses([reference["To"]])]
    assert all(len(line) <= 998 for line in outgoing.data.split(b"\r\n"))
    assert b"\n" not in outgoing.data.replace(b"\r\n", b"")  # CRLF line ends only, 7-bit (decoded as ASCII)
    outgoing.data.decode("ascii")
    parsed = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert not parsed.defects
    for name in (
        "From",
        "To",
        "Subject",
        *(name for name, _ in HEADERS),
    ):
        assert str(parsed[name]) == str(reference[name]), name
    assert parsed.get_content_type() == "multipart/alternative"
    for subtype in ("plain", "html"):
        ours = parsed.get_body((subtype,)).get_content().replace("\r\n", "\n")
        assert ours == reference.get_body((subtype,)).get_content()


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_composed_email_reads_as_the_email_package_would_write_it(subject, text):
    html = "<p>" + text.replace("\n", "</p><p>") + "</p>"
    args = (FROM, "client7@x.test", subject, HEADERS, text, html)
    _assert_same_email(compose(*args), _reference(*args))


@pytest.mark.parametrize(
    "mail_from", ["no-reply@x.test", "Plateforme Dossiér <no-reply@x.test>", '"Dossier, platform" <no-reply@x.test>']
)
def test_any_ascii_sender_address_is_kept_with_its_name(mail_from):
    args = (mail_from, "a.b+c@sub.x.test", "Subject", HEADERS, "Text.\n", "<p>Text.</p>")
    _assert_same_email(compose(*args), _reference(*args))


@pytest.mark.parametrize(
    "recipient", ["jérôme@x.test", "Camille <camille@x.test>", "a@x.test, b@x.test", "a@x.test\r\nBcc: b@x.test"]
)
def test_anything_but_a_plain_ascii_recipient_is_left_to_the_email_package(recipient):
    assert compose(FROM, recipient, "Subject", HEADERS, "Text.\n", "<p>Text.</p>") is None


def test_a_non_ascii_envelope_sender_is_left_to_the_email_package():
    assert compose("Dossier <envoi@éxample.test>", "a@x.test", "Subject", HEADERS, "T\n", "<p>T</p>") is None


@pytest.mark.parametrize(
    "header",
    [
        ("Message-ID", "<" + "1" * 120 + "@dossier-platform>"),  # written as it is, however long
        ("Message-ID", "<two words@x>"),
        ("X-Notification-Delivery", "d" * 120),  # an unstructured header too long for a line: encoded, folded
    ],
)
def test_long_or_odd_headers_read_as_the_email_package_writes_them(header):
    args = (FROM, "a@x.test", "Subject", [header], "T\n", "<p>T</p>")
    outgoing, reference = compose(*args), _reference(*args)
    _assert_same_email(outgoing, reference)
    parsed = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert str(parsed[header[0]]) == str(reference[header[0]])


def test_a_header_value_with_a_line_break_is_refused_as_the_email_package_does():
    with pytest.raises(ValueError):
        compose(FROM, "a@x.test", "Subject", [("X-Notification-Delivery", "d-1\r\nBcc: b@x.test")], "T\n", "<p>T</p>")


@pytest.mark.parametrize("language", rendering.LANGUAGES)
@pytest.mark.parametrize("template", rendering.TEMPLATE_NAMES)
def test_every_template_is_composed_as_the_email_package_would_write_it(template, language):
    item = {"dossier_id": "d-1", "role": "guarantor", "reasons": ["é"], "items": [], "title": "Toiture « sud »"}
    variables = {
        "items": [item],
        "item": item,
        "dossier": {"id": "d-1", "reference": "DOS-1", "title": "Réfection"},
        "key": "K7QF-2M9X",
        "recipient_name": "Jérôme",
        "event_label": "x",
        "link": "http://portal.test/x",
    }
    rendered = rendering.render(template, language, variables)
    args = (FROM, "client7@x.test", rendered.subject, HEADERS, rendered.text, rendered.html)
    _assert_same_email(compose(*args), _reference(*args))
