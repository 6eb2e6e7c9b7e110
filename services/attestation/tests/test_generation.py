"""Asynchronous generation (the PDF arrives by event), retries by the worker job, and the visible failure."""

from datetime import timedelta

from attestation import handlers
from attestation.db import AttestationRequest
from attestation.services import requests as use_cases
from platform_shared import clock
from platform_shared.testing.unit import deliver, outbox_events

CONSUMER = "attestation"


def ask(client, world, documents, as_client, **template):
    """A request, as the POST answers it (``generating``: the worker's job makes the first attempt)."""
    contract = world.contract(world.product([{"template_id": documents.add_template(**template)}])["id"])
    return client.post(
        "/api/v1/attestation-requests", json={"contract_id": contract["id"]}, headers=as_client
    ).get_json()


def state_of(client, as_client, request_id):
    return client.get(f"/api/v1/attestation-requests/{request_id}", headers=as_client).get_json()


def ask_and_attempt(client, world, documents, db, settings, as_client, run_job, **template):
    """A request after its first attempt: the POST, then the worker's job woken by its commit."""
    body = ask(client, world, documents, as_client, **template)
    run_job(db, settings)
    return state_of(client, as_client, body["id"])


def test_a_pdf_being_converted_is_issued_when_document_rendered_arrives(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("rendering")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    assert body["state"] == "generating"
    document_id = documents.renders[0]["document_id"]
    deliver(
        db,
        CONSUMER,
        handlers.handlers(settings),
        "document.rendered",
        {"document_id": document_id, "owner_type": "contract", "owner_id": "x", "renditions": ["docx", "pdf"]},
    )
    assert state_of(client, as_client, body["id"])["state"] == "issued"
    assert outbox_events(db, "attestation.issued")[0].data["document_id"] == document_id


def test_a_failed_conversion_is_retried_with_a_new_document_and_the_failed_one_deleted(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.extend(["rendering", "ready"])
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    failed_document = documents.renders[0]["document_id"]
    deliver(
        db,
        CONSUMER,
        handlers.handlers(settings),
        "document.render_failed",
        {"document_id": failed_document, "owner_type": "contract", "owner_id": "x", "error": "soffice crashed"},
    )
    assert state_of(client, as_client, body["id"])["state"] == "generating"
    run_job(db, settings)
    read = state_of(client, as_client, body["id"])
    assert read["state"] == "issued" and read["attempts"] == 2
    assert failed_document not in documents.documents
    assert read["document_id"] == documents.renders[1]["document_id"]


def test_an_unreachable_documents_service_is_retried_by_the_worker(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("down")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job)
    assert body["state"] == "generating" and body["attempts"] == 1
    run_job(db, settings)
    assert state_of(client, as_client, body["id"])["state"] == "issued"


def test_a_generation_that_keeps_failing_ends_visibly_failed(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.extend(["down"] * settings.render_max_attempts)
    body = ask(client, world, documents, as_client)
    for _ in range(settings.render_max_attempts):
        run_job(db, settings)
    read = state_of(client, as_client, body["id"])
    assert read["state"] == "failed" and read["attempts"] == settings.render_max_attempts
    assert "n'a pas pu être générée" in read["message"] and read["error"]
    assert outbox_events(db, "attestation.issued") == []
    [failed] = outbox_events(db, "attestation.failed")
    assert (failed.data["reason"], failed.data["attempts"]) == ("attempts_exhausted", settings.render_max_attempts)


def test_a_render_refused_by_the_documents_service_fails_at_once_and_is_announced_once(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("refused")
    template = {"template_id": documents.add_template(), "extranet_title": "Green card"}
    contract = world.contract(world.product([template])["id"])
    body = client.post(
        "/api/v1/attestation-requests", json={"contract_id": contract["id"]}, headers=as_client
    ).get_json()
    run_job(db, settings)
    body = state_of(client, as_client, body["id"])
    assert (body["state"], body["attempts"]) == ("failed", 1)
    assert "contract.numbr" in body["error"]  # the full error stays readable on the request
    run_job(db, settings)
    assert documents.renders == [] and state_of(client, as_client, body["id"])["state"] == "failed"
    assert documents.render_calls == [template["template_id"]]  # refused once, never tried again
    [failed] = outbox_events(db, "attestation.failed")
    assert failed.actor == {"sub": "service:attestation", "role": "service"}
    assert failed.data == {
        "request_id": body["id"],
        "contract_id": contract["id"],
        "beneficiary_id": None,
        "template_id": body["template_id"],
        "title": "Green card",
        "client_sub": "client-bob",
        "client_org": None,
        "client_email": "bob@example.test",
        "client_name": None,
        "client_language": "fr",
        "contract_number": contract["number"],
        "reason": "render_refused",
        "attempts": 1,
        "validator_subs": [],
        "validator_role": None,
    }


def test_the_failure_names_the_validators_of_the_product(client, world, documents, db, settings, as_client, run_job):
    documents.render_outcomes.append("refused")
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"], subs=("agent-val",), role="admin")
    contract = world.contract(product["id"])
    client.post("/api/v1/attestation-requests", json={"contract_id": contract["id"]}, headers=as_client)
    run_job(db, settings)
    [failed] = outbox_events(db, "attestation.failed")
    assert (failed.data["validator_subs"], failed.data["validator_role"]) == (["agent-val"], "admin")
    assert outbox_events(db, "attestation.validation_requested") == []


def test_a_failed_request_is_never_issued_nor_failed_again_by_late_events_or_the_job(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.extend(["rendering"] * settings.render_max_attempts)
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    table = handlers.handlers(settings)
    for attempt in range(settings.render_max_attempts):
        document_id = documents.renders[attempt]["document_id"]
        deliver(
            db,
            CONSUMER,
            table,
            "document.render_failed",
            {"document_id": document_id, "owner_type": "contract", "owner_id": "x", "error": "soffice crashed"},
        )
        run_job(db, settings)
    assert state_of(client, as_client, body["id"])["state"] == "failed"
    last_document = documents.renders[-1]["document_id"]
    deliver(
        db,
        CONSUMER,
        table,
        "document.render_failed",
        {"document_id": last_document, "owner_type": "contract", "owner_id": "x", "error": "again"},
    )
    deliver(
        db,
        CONSUMER,
        table,
        "document.rendered",
        {"document_id": last_document, "owner_type": "contract", "owner_id": "x", "renditions": ["docx", "pdf"]},
    )
    run_job(db, settings.replace(render_stale_seconds=0.0))
    read = state_of(client, as_client, body["id"])
    assert (read["state"], read["attempts"]) == ("failed", settings.render_max_attempts)
    assert len(documents.renders) == settings.render_max_attempts and documents.documents == {}
    assert outbox_events(db, "attestation.issued") == []
    assert len(outbox_events(db, "attestation.failed")) == 1


def test_a_transaction_that_read_the_request_before_another_failed_it_neither_fails_nor_issues_it_again(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("rendering")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    with db.read_only() as session:
        read_before = session.get(AttestationRequest, body["id"])
        session.expunge(read_before)
    with db.transaction() as session:  # the first one: its render was refused for good
        use_cases.generation_failed(
            session, settings, session.get(AttestationRequest, body["id"]), "refused", permanent=True
        )
    with db.transaction() as session:  # the racer acts on what it read before (PostgreSQL's loser)
        stale = session.merge(read_before, load=False)
        assert stale.state == "generating"
        use_cases.generation_failed(session, settings, stale, "soffice crashed", permanent=True)
        use_cases.generation_succeeded(session, stale)
    assert state_of(client, as_client, body["id"])["state"] == "failed"
    assert len(outbox_events(db, "attestation.failed")) == 1
    assert outbox_events(db, "attestation.issued") == []


def test_a_render_whose_event_never_comes_is_settled_by_asking_the_documents_service(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("rendering")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    documents.documents[documents.renders[0]["document_id"]]["state"] = "ready"
    run_job(db, settings.replace(render_stale_seconds=0.0))
    assert state_of(client, as_client, body["id"])["state"] == "issued"


def test_an_event_about_another_document_changes_nothing(client, world, documents, db, settings, as_client, run_job):
    documents.render_outcomes.append("rendering")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job, pdf_auto=True)
    deliver(
        db,
        CONSUMER,
        handlers.handlers(settings),
        "document.rendered",
        {"document_id": "someone-elses", "owner_type": "dossier", "owner_id": "d"},
    )
    assert state_of(client, as_client, body["id"])["state"] == "generating"


def test_an_attempt_is_claimed_once_even_when_two_workers_race(client, world, documents, db, settings, as_client):
    body = ask(client, world, documents, as_client)
    with db.transaction() as session:
        assert use_cases.claim_attempt(session, settings, body["id"]) is True
        assert use_cases.claim_attempt(session, settings, body["id"]) is False


def test_a_request_left_mid_attempt_by_a_dead_process_is_tried_again_after_its_lease(
    client, world, documents, db, settings, as_client, run_job
):
    documents.render_outcomes.append("down")
    body = ask_and_attempt(client, world, documents, db, settings, as_client, run_job)
    with db.transaction() as session:
        assert use_cases.claim_attempt(session, settings, body["id"])  # the process dies before rendering
    run_job(db, settings)
    assert documents.renders == [] and state_of(client, as_client, body["id"])["state"] == "generating"
    with clock.frozen_at(clock.now() + timedelta(minutes=10)):
        run_job(db, settings)
    read = state_of(client, as_client, body["id"])
    assert read["state"] == "issued" and len(documents.renders) == 1
