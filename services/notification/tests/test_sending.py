"""The sender against a real SMTP server: at most once, retries, permanent failures, debounce, secrets."""

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from notification.db import Delivery
from notification.jobs import _claim, backoff_seconds, send_due, sender_job
from notification.mailer import Mailer
from platform_shared import clock
from platform_shared.messaging.sealed import seal
from platform_shared.testing.unit import outbox_events

AGENT = {"sub": "agent-1", "role": "agent", "email": "agent@x.test"}
KEY = "K7QF-2M9X-PL4D-88ZT-WQ3R-HN5C"


def _attestation(publish, email="client7@x.test", request_id="r-1"):
    return publish(
        "attestation.issued",
        {
            "request_id": request_id,
            "contract_id": "k-1",
            "beneficiary_id": None,
            "document_id": "doc-1",
            "template_id": "t",
            "title": "Assurance",
            "client_sub": "client-7",
            "client_org": None,
            "client_email": email,
        },
        actor=AGENT,
    )


def _deliveries(db, **filters):
    with db.read_only() as session:
        statement = select(Delivery).where(Delivery.channel == "email").order_by(Delivery.created_at, Delivery.id)
        for name, value in filters.items():
            statement = statement.where(getattr(Delivery, name) == value)
        rows = session.execute(statement).scalars().all()
        session.expunge_all()
        return rows


def test_an_event_is_mailed_once_with_text_and_html_parts_in_french(publish, db, sending_settings, smtp_server):
    _attestation(publish)
    sender_job(db, sending_settings)
    [message] = smtp_server.messages
    assert message["To"] == "client7@x.test"
    assert message["Subject"] == "Votre attestation est disponible"
    assert "Assurance" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert 'href="http://127.0.0.1:3000/portal/contracts/k-1"' in html
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert outbox_events(db, "notification.sent") == []  # nobody consumes it: the row says it


def test_a_recipient_registered_in_english_gets_english(publish, db, sending_settings, smtp_server, client, as_admin):
    client.post(
        "/api/v1/contacts", json={"email": "client7@x.test", "sub": "client-7", "language": "en"}, headers=as_admin
    )
    _attestation(publish)
    sender_job(db, sending_settings)
    assert smtp_server.messages[0]["Subject"] == "Your attestation is ready"


def _failed_attestation(publish, reason):
    return publish(
        "attestation.failed",
        {
            "request_id": "r-1",
            "contract_id": "k-1",
            "beneficiary_id": None,
            "template_id": "tpl-1",
            "title": "Carte verte",
            "client_sub": "client-7",
            "client_org": None,
            "client_email": "client7@x.test",
            "reason": reason,
            "attempts": 3,
            "validator_subs": ["val-1"],
            "validator_role": None,
        },
        actor={"sub": "service:attestation", "role": "service"},
    )


def _parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_a_failed_attestation_tells_the_client_in_french_with_the_portal_link(
    publish, db, sending_settings, smtp_server
):
    _failed_attestation(publish, "render_refused")
    sender_job(db, sending_settings)
    [message] = smtp_server.messages
    text, html = _parts(message)
    assert (message["To"], message["Subject"]) == ("client7@x.test", "Votre attestation n'a pas pu être établie")
    assert "Carte verte" in text and "le modèle d'attestation n'a pas pu être complété" in text
    assert "http://127.0.0.1:3000/portal/contracts/k-1" in text
    assert 'href="http://127.0.0.1:3000/portal/contracts/k-1"' in html


def test_a_failed_attestation_tells_an_english_client_and_an_english_validator(
    publish, db, sending_settings, smtp_server, client, as_admin
):
    for contact in (
        {"email": "client7@x.test", "sub": "client-7", "language": "en"},
        {"email": "val@x.test", "sub": "val-1", "role": "agent", "language": "en"},
    ):
        client.post("/api/v1/contacts", json=contact, headers=as_admin)
    _failed_attestation(publish, "attempts_exhausted")
    sender_job(db, sending_settings)
    mails = {message["To"]: message for message in smtp_server.messages}
    assert sorted(mails) == ["client7@x.test", "val@x.test"]
    text, html = _parts(mails["client7@x.test"])
    assert mails["client7@x.test"]["Subject"] == "Your attestation could not be produced"
    assert "could not be generated despite several attempts" in text
    assert 'href="http://127.0.0.1:3000/portal/contracts/k-1"' in html
    text, html = _parts(mails["val@x.test"])
    assert mails["val@x.test"]["Subject"] == "An attestation could not be generated"
    assert "client7@x.test" in text and "it failed 3 times" in text and "r-1" in text
    assert 'href="http://127.0.0.1:3000/crm/contracts/k-1"' in html


def test_421_three_times_then_accepted_delivers_one_email_after_four_attempts(
    publish, db, sending_settings, smtp_server
):
    smtp_server.replies = ["421 4.3.2 try again later"] * 3
    _attestation(publish)
    for _ in range(4):
        send_due(db, sending_settings, Mailer(sending_settings))
    assert smtp_server.recipients() == ["client7@x.test"]
    assert smtp_server.data_commands == 4
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 4, None)
    assert outbox_events(db, "notification.failed") == []


def test_a_temporary_failure_waits_for_its_backoff(publish, db, settings, smtp_server):
    slow_retry = settings.replace(smtp_port=smtp_server.port, retry_base_seconds=600.0)
    smtp_server.replies = ["451 4.7.1 greylisted"]
    _attestation(publish)
    send_due(db, slow_retry, Mailer(slow_retry))
    send_due(db, slow_retry, Mailer(slow_retry))
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "451 4.7.1 greylisted")
    assert smtp_server.data_commands == 1
    wait = (delivery.next_attempt_at - delivery.updated_at).total_seconds()
    assert 300 <= wait <= 600


def test_backoff_doubles_with_jitter_up_to_the_ceiling(settings):
    tuned = settings.replace(retry_base_seconds=10.0, retry_max_seconds=60.0)
    assert 5 <= backoff_seconds(tuned, 1) <= 10
    assert 20 <= backoff_seconds(tuned, 3) <= 40
    assert 30 <= backoff_seconds(tuned, 9) <= 60


def test_retries_stop_at_the_limit_and_the_failure_is_published(publish, db, sending_settings, smtp_server):
    limited = sending_settings.replace(send_max_attempts=2)
    smtp_server.replies = ["421 busy"] * 5
    _attestation(publish)
    for _ in range(4):
        send_due(db, limited, Mailer(limited))
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert smtp_server.data_commands == 2
    assert [event.data["error"] for event in outbox_events(db, "notification.failed")] == ["421 busy"]


def test_550_fails_at_once_is_not_retried_and_is_published(publish, db, sending_settings, smtp_server):
    smtp_server.replies = ["550 5.1.1 no such mailbox"]
    _attestation(publish)
    for _ in range(3):
        send_due(db, sending_settings, Mailer(sending_settings))
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "550 5.1.1 no such mailbox")
    assert smtp_server.data_commands == 1 and smtp_server.messages == []
    [failed] = outbox_events(db, "notification.failed")
    assert failed.data["delivery_id"] == delivery.id and failed.data["error"].startswith("550")


def test_a_redelivered_event_sends_nothing_new(publish, db, sending_settings, smtp_server):
    envelope = _attestation(publish)
    sender_job(db, sending_settings)
    publish(envelope.type, envelope.data, envelope=envelope)
    sender_job(db, sending_settings)
    assert len(smtp_server.messages) == 1
    assert len(_deliveries(db)) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_never_sent_again(publish, db, sending_settings, smtp_server):
    _attestation(publish)
    with db.transaction() as session:
        session.execute(Delivery.__table__.update().values(status="sending", attempts=1))
    with clock.frozen_at(clock.now() + timedelta(seconds=sending_settings.stale_sending_seconds + 1)):
        sender_job(db, sending_settings)
    [delivery] = _deliveries(db)
    assert delivery.status == "unknown"
    assert smtp_server.messages == []
    assert len(outbox_events(db, "notification.failed")) == 1


def test_a_dead_smtp_server_costs_one_attempt_per_pass_and_blocks_no_event(publish, db, settings, email_recipients):
    dead = settings.replace(smtp_port=1, retry_base_seconds=0.0, smtp_timeout_seconds=1.0)
    for number in range(3):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    sender_job(db, dead)
    later = _attestation(publish, email="later@x.test", request_id="r-9")
    assert email_recipients(later.id) == ["later@x.test"]
    deliveries = _deliveries(db)
    assert [delivery.attempts for delivery in deliveries] == [1, 0, 0, 0]
    assert all(delivery.status == "pending" for delivery in deliveries)
    assert "Connection" in deliveries[0].last_error


def test_several_documents_within_the_window_make_one_email(dossier_world, publish, db, settings, smtp_server):
    windowed = settings.replace(smtp_port=smtp_server.port, debounce_seconds=60.0)
    for number in range(5):
        publish(
            "document.added",
            {
                "document_id": f"doc-{number}",
                "dossier_id": dossier_world,
                "owner_type": "dossier",
                "owner_id": dossier_world,
                "filename": f"f{number}.pdf",
                "visibility": {"client": True, "partner": False, "roles": []},
            },
            actor=AGENT,
        )
    sender_job(db, windowed)
    assert "client@x.test" not in smtp_server.recipients()
    with clock.frozen_at(clock.now() + timedelta(seconds=61)):
        sender_job(db, windowed)
    to_client = [message for message in smtp_server.messages if message["To"] == "client@x.test"]
    assert len(to_client) == 1
    assert to_client[0]["Subject"] == "5 nouveaux documents sur le dossier DOS-1"
    text = to_client[0].get_body(("plain",)).get_content()
    assert all(f"f{number}.pdf" in text for number in range(5))
    lead, *carried = _deliveries(db, recipient="client@x.test")
    assert (lead.status, lead.sent_with) == ("sent", None)
    assert {(delivery.status, delivery.sent_with) for delivery in carried} == {("sent", lead.id)}


def test_the_key_reaches_the_partner_but_never_the_database_or_the_logs(
    publish, db, sending_settings, smtp_server, caplog
):
    caplog.set_level(logging.DEBUG)
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
    smtp_server.replies = ["421 busy"]
    sender_job(db, sending_settings)
    sender_job(db, sending_settings)
    [message] = smtp_server.messages
    assert KEY in message.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:3000/portal/attach" in message.get_body(("plain",)).get_content()
    database_file = Path(sending_settings.database_url.removeprefix("sqlite:///"))
    db.dispose()
    assert KEY.encode() not in database_file.read_bytes()
    service_logs = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("mail.log")
    )  # the test's own SMTP server
    assert service_logs and KEY not in service_logs
    [delivery] = _deliveries(db)
    assert "sealed_key" not in delivery.context


def test_claiming_several_emails_per_transaction_sends_each_once(publish, db, sending_settings, smtp_server):
    chunked = sending_settings.replace(sender_claim_size=3)
    for number in range(5):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    sender_job(db, chunked)
    sender_job(db, chunked)
    assert smtp_server.recipients() == [f"c{number}@x.test" for number in range(5)]
    assert {(delivery.status, delivery.attempts) for delivery in _deliveries(db)} == {("sent", 1)}


def test_an_unreachable_server_mid_claim_leaves_the_rest_pending(publish, db, settings):
    """Only the email tried costs an attempt: the others of its claim go back to pending as they were."""
    dead = settings.replace(smtp_port=1, retry_base_seconds=600.0, smtp_timeout_seconds=1.0, sender_claim_size=3)
    for number in range(4):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    before = {d.id: d.next_attempt_at for d in _deliveries(db)}
    sender_job(db, dead)
    deliveries = _deliveries(db)
    assert [(d.status, d.attempts) for d in deliveries] == [("pending", 1)] + [("pending", 0)] * 3
    assert deliveries[0].next_attempt_at > before[deliveries[0].id]  # the one tried waits its backoff
    assert [d.next_attempt_at for d in deliveries[1:]] == [before[d.id] for d in deliveries[1:]]
    assert [d.last_error for d in deliveries[1:]] == [None] * 3


def _status_when_received(db, smtp_server):
    """Per message, as the server receives it: its own delivery's status and those of the others."""
    seen = []

    def record(message):
        with db.read_only() as session:
            statuses = dict(session.execute(select(Delivery.id, Delivery.status)).all())
        own = message["X-Notification-Delivery"]
        seen.append((statuses.pop(own), sorted(statuses.values())))

    smtp_server.on_data = record
    return seen


def test_each_email_is_claimed_before_it_is_sent_and_recorded_before_the_next_one(
    publish, db, sending_settings, smtp_server
):
    """With SENDER_CLAIM_SIZE=1, the smallest crash window."""
    seen = _status_when_received(db, smtp_server)
    for number in range(3):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    sender_job(db, sending_settings.replace(sender_claim_size=1))
    assert seen == [
        ("sending", ["pending", "pending"]),
        ("sending", ["pending", "sent"]),
        ("sending", ["sent", "sent"]),
    ]


def test_a_larger_claim_commits_the_whole_claim_before_its_first_email(publish, db, sending_settings, smtp_server):
    seen = _status_when_received(db, smtp_server)
    for number in range(4):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    sender_job(db, sending_settings.replace(sender_claim_size=2))
    assert seen == [
        ("sending", ["pending", "pending", "sending"]),
        ("sending", ["pending", "pending", "sending"]),
        ("sending", ["sending", "sent", "sent"]),
        ("sending", ["sending", "sent", "sent"]),
    ]
    assert {delivery.status for delivery in _deliveries(db)} == {"sent"}


def test_the_default_claim_marks_every_email_sending_and_commits_before_any_smtp_call(
    publish, db, sending_settings, smtp_server
):
    """Issue 18: the default claims several emails per transaction (SENDER_CLAIM_SIZE=10); every one of them is
    ``sending``, committed (read here from another connection), when the server receives the first, and each
    goes out once."""
    assert sending_settings.sender_claim_size == 10
    seen = _status_when_received(db, smtp_server)
    for number in range(12):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    sender_job(db, sending_settings)
    assert seen[:10] == [("sending", ["pending"] * 2 + ["sending"] * 9)] * 10
    assert seen[10:] == [("sending", ["sending"] + ["sent"] * 10)] * 2
    assert sorted(smtp_server.recipients()) == sorted(f"c{number}@x.test" for number in range(12))
    assert {(delivery.status, delivery.attempts) for delivery in _deliveries(db)} == {("sent", 1)}


def test_a_claim_takes_only_rows_still_pending(publish, db):
    for number in range(3):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    first, taken, last = _deliveries(db)
    with db.transaction() as session:
        session.execute(Delivery.__table__.update().where(Delivery.id == taken.id).values(status="sending", attempts=1))
    with db.transaction() as session:
        claimed = _claim(session, [[first.id], [taken.id], [last.id, taken.id]])
    assert [[delivery.id for delivery in group] for group in claimed] == [[first.id], [], [last.id]]
    assert [(delivery.status, delivery.attempts) for delivery in _deliveries(db)] == [("sending", 1)] * 3


def test_outcomes_of_one_claim_are_each_recorded_and_published(publish, db, sending_settings, smtp_server):
    smtp_server.replies = ["550 5.1.1 no such mailbox", "451 4.7.1 greylisted"]
    for number in range(3):
        _attestation(publish, email=f"c{number}@x.test", request_id=f"r-{number}")
    send_due(db, sending_settings.replace(sender_claim_size=3, retry_base_seconds=600.0), Mailer(sending_settings))
    assert [(d.status, d.attempts, d.last_error) for d in _deliveries(db)] == [
        ("failed", 1, "550 5.1.1 no such mailbox"),
        ("pending", 1, "451 4.7.1 greylisted"),
        ("sent", 1, None),
    ]
    assert [event.data["recipient"] for event in outbox_events(db, "notification.failed")] == ["c0@x.test"]
    assert outbox_events(db, "notification.sent") == []
