"""``notification-ctl deliveries unknown|resend``: an email whose sender died mid-send stays unknown until an
operator chooses to send it again, and that choice is recorded (issue 19)."""

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import update

from notification.cli import cli
from notification.db import Delivery
from notification.jobs import sender_job
from platform_shared import clock
from platform_shared.messaging.sealed import seal

from .test_sending import AGENT, KEY, _attestation, _deliveries


def _die_mid_send(db, settings):
    """The worker marked the deliveries ``sending`` and died; a later pass finds them stale."""
    with db.transaction() as session:
        session.execute(update(Delivery).values(status="sending", attempts=1))
    with clock.frozen_at(clock.now() + timedelta(seconds=settings.stale_sending_seconds + 1)):
        sender_job(db, settings)


def _ctl(settings, *args):
    return CliRunner().invoke(cli, ["deliveries", *args], env={"DATABASE_URL": settings.database_url})


def test_an_unknown_delivery_is_listed_resent_by_an_operator_who_is_recorded_and_sent_once(
    publish, db, sending_settings, smtp_server
):
    _attestation(publish)
    _die_mid_send(db, sending_settings)
    [delivery] = _deliveries(db)
    assert delivery.status == "unknown" and smtp_server.messages == []
    sender_job(db, sending_settings)
    assert smtp_server.messages == []  # never resent by itself

    listed = _ctl(sending_settings, "unknown")
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(text) for text in listed.output.splitlines()]
    assert (line["id"], line["recipient"], line["event_type"]) == (delivery.id, "client7@x.test", "attestation.issued")

    resent = _ctl(sending_settings, "resend", delivery.id, "--by", "ops-anna")
    assert resent.exit_code == 0, resent.output
    [queued] = _deliveries(db)
    assert (queued.status, queued.resent_by) == ("pending", "ops-anna") and queued.resent_at is not None
    sender_job(db, sending_settings)
    assert len(smtp_server.messages) == 1
    [sent] = _deliveries(db)
    assert (sent.status, sent.resent_by) == ("sent", "ops-anna")
    assert _ctl(sending_settings, "unknown").output == ""


def test_only_unknown_deliveries_are_resent_and_a_refusal_changes_nothing(publish, db, sending_settings, smtp_server):
    _attestation(publish, email="a@x.test", request_id="r-1")
    _die_mid_send(db, sending_settings)
    _attestation(publish, email="b@x.test", request_id="r-2")
    sender_job(db, sending_settings)
    unknown, sent = _deliveries(db)
    assert (unknown.status, sent.status) == ("unknown", "sent")
    refused = _ctl(sending_settings, "resend", unknown.id, sent.id, "nope", "--by", "ops-anna")
    assert refused.exit_code == 1
    assert f"{sent.id}: its outcome is known (sent)" in refused.output and "nope: no such delivery" in refused.output
    assert [delivery.status for delivery in _deliveries(db)] == ["unknown", "sent"]


def test_an_invitation_whose_outcome_is_unknown_is_resent_with_its_key(publish, db, sending_settings, smtp_server):
    publish(
        "solicitation.created",
        {
            "solicitation_id": "s-9",
            "dossier_id": "d-9",
            "partner_id": "p-9",
            "partner_kind": "external",
            "partner_name": "Expert",
            "partner_email": "expert@x.test",
            "type": "opinion",
            "scope": "legal",
            "due_date": "2026-12-01",
            "sealed_key": seal(KEY, sending_settings.event_secret_key),
        },
        actor=AGENT,
    )
    _die_mid_send(db, sending_settings)
    [delivery] = _deliveries(db)
    assert delivery.status == "unknown" and "sealed_key" in delivery.context  # still sealed, never in clear
    assert _ctl(sending_settings, "resend", delivery.id, "--by", "ops-anna").exit_code == 0
    sender_job(db, sending_settings)
    [message] = smtp_server.messages
    assert KEY in message.get_body(("plain",)).get_content()
    [sent] = _deliveries(db)
    assert "sealed_key" not in sent.context
