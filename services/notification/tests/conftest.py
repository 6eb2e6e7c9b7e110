import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from notification import config, handlers
from notification.app import create_app
from notification.cli import MIGRATIONS_DIR
from platform_shared.testing.service_fixtures import (  # noqa: F401  (shared fixtures)
    UNREACHABLE_BROKER,
    ServiceUnderTest,
    app,
    client,
    database_url,
    db,
    template_dir,
)
from platform_shared.testing.unit import bearer


@pytest.fixture(scope="session")
def service_under_test():
    return ServiceUnderTest("notification", MIGRATIONS_DIR, create_app, handlers.handlers)


@pytest.fixture
def settings(database_url):
    return config.load(
        database_url=database_url, amqp_url=UNREACHABLE_BROKER, erasure_redacts_dead_letters=False, log_json=False
    )


@pytest.fixture
def as_agent(settings):
    return bearer(settings, "agent", "agent-alice")


@pytest.fixture
def as_client(settings):
    return bearer(settings, "client", "client-bob", org="acme")


@pytest.fixture
def as_admin(settings):
    return bearer(settings, "admin", "admin-ann")


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port; ``replies`` scripts the answers to DATA."""
    server = ScriptedSmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sending_settings(settings, smtp_server):
    """Settings pointing at the test's SMTP server, retrying at once, no debounce wait."""
    return settings.replace(
        smtp_port=smtp_server.port, retry_base_seconds=0.0, debounce_seconds=0.0, smtp_timeout_seconds=5.0
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedSmtpServer:
    """Keeps every accepted message; ``replies`` (e.g. ["421 busy"] * 3) are answered first, in order;
    ``on_data(message)``, when set, runs as each message arrives (before the server answers)."""

    def __init__(self):
        self.port = free_port()
        self.replies: list[str] = []
        self.messages: list[email.message.EmailMessage] = []
        self.data_commands = 0
        self.on_data = None
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.data_commands += 1
            if self.replies:
                return self.replies.pop(0)
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            if self.on_data is not None:
                self.on_data(message)
            message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            self.messages.append(message)
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(message["X-Envelope-To"] for message in self.messages)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


@pytest.fixture
def publish(db, settings):
    """Deliver an event to the notification handlers the way the consumer does (inbox included)."""
    from notification.handlers import handlers
    from platform_shared.testing.unit import deliver

    table = handlers(settings)

    def _publish(event_type, data, actor=None, envelope=None):
        return deliver(db, "notification", table, event_type, data, actor=actor, envelope=envelope)

    return _publish


@pytest.fixture
def email_recipients(db):
    """Addresses with an email delivery recorded, optionally for one event."""
    from sqlalchemy import select

    from notification.db import Delivery

    def _recipients(event_id=None, status=None):
        with db.read_only() as session:
            statement = select(Delivery.recipient).where(Delivery.channel == "email")
            if event_id:
                statement = statement.where(Delivery.event_id == event_id)
            if status:
                statement = statement.where(Delivery.status == status)
            return sorted(session.execute(statement).scalars())

    return _recipients


@pytest.fixture
def dossier_world(publish):
    """A dossier with a client, an assignee, an attached external partner, a partner not attached,
    a guarantor contributor and a participant, all with known addresses."""
    dossier_id = "d-0001"
    publish(
        "dossier.created",
        {
            "dossier_id": dossier_id,
            "reference": "DOS-1",
            "title": "Roof",
            "model_id": "m-1",
            "category": "building",
            "origin": "crm",
            "status": "open",
            "client_visible": True,
            "partner_visible": True,
            "client_sub": "client-1",
            "client_email": "client@x.test",
            "assignee_sub": "agent-1",
        },
        actor={"sub": "agent-1", "role": "agent", "email": "agent@x.test"},
    )
    for solicitation_id, partner_email, attach in (("s-1", "partner@x.test", True), ("s-2", "idle@x.test", False)):
        publish(
            "solicitation.created",
            {
                "solicitation_id": solicitation_id,
                "dossier_id": dossier_id,
                "partner_id": "p-" + solicitation_id,
                "partner_kind": "external",
                "partner_name": "Partner",
                "partner_email": partner_email,
            },
            actor={"sub": "agent-1", "role": "agent"},
        )
        if attach:
            publish(
                "solicitation.attached",
                {
                    "solicitation_id": solicitation_id,
                    "dossier_id": dossier_id,
                    "partner_id": "p-" + solicitation_id,
                    "partner_sub": "partner-1",
                },
                actor={"sub": "partner-1", "role": "partner"},
            )
    for contributor_id, kind, role, contributor_email, sub in (
        ("c-1", "contributor", "guarantor", "guarantor@x.test", "guar-1"),
        ("c-2", "participant", None, "sub@x.test", "part-1"),
    ):
        publish(
            "contributor.invited",
            {
                "contributor_id": contributor_id,
                "dossier_id": dossier_id,
                "kind": kind,
                "role": role,
                "name": "Someone",
                "email": contributor_email,
                "notify": False,
            },
            actor={"sub": "agent-1", "role": "agent"},
        )
        publish(
            "contributor.attached",
            {
                "contributor_id": contributor_id,
                "dossier_id": dossier_id,
                "kind": kind,
                "role": role,
                "account_sub": sub,
            },
            actor={"sub": sub, "role": "partner"},
        )
    return dossier_id
