"""Attestation options and requests against the fake documents service."""

from platform_shared.testing.unit import outbox_events

VEHICLE = {"kind": "vehicle", "registration": "AB-123-CD", "make": "Renault"}


def request(client, headers, **body):
    return client.post("/api/v1/attestation-requests", json=body, headers=headers)


def read(client, headers, request_id):
    return client.get(f"/api/v1/attestation-requests/{request_id}", headers=headers).get_json()


def test_options_say_why_a_request_is_not_possible(client, world, documents, as_client):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"], status="terminated", paid=False)
    options = client.get(f"/api/v1/contracts/{contract['id']}/attestation-options", headers=as_client).get_json()
    assert options["enabled"] is False
    assert options["reasons"] == ["not_in_force", "not_covered_by_paid_receipt"]
    assert options["templates"] == []


def test_options_without_a_template_on_the_product_are_disabled(client, world, as_client):
    contract = world.contract(world.product()["id"])
    options = client.get(f"/api/v1/contracts/{contract['id']}/attestation-options", headers=as_client).get_json()
    assert options["enabled"] is False and options["reasons"] == ["no_template"]


def test_options_list_templates_with_titles_inputs_and_choices(client, world, documents, as_client):
    simple = documents.add_template(name="Attestation simple")
    event = documents.add_template(
        name="Attestation événement",
        inputs=[
            {"name": "motif", "label": "Motif"},
            {"name": "date_fin", "label": "Date de fin", "default": "31/12/2026"},
        ],
    )
    card = documents.add_template(name="Carte verte", entity="beneficiary")
    product = world.product(
        [
            {"template_id": simple, "extranet_title": "Attestation d'assurance"},
            {"template_id": event},
            {"template_id": card},
        ]
    )
    contract = world.contract(product["id"], beneficiaries=[VEHICLE])
    options = client.get(f"/api/v1/contracts/{contract['id']}/attestation-options", headers=as_client).get_json()
    assert options["enabled"] is True
    assert options["choice_needed"] == {"contract": True, "beneficiary": False}
    assert [(item["title"], item["entity"]) for item in options["templates"]] == [
        ("Attestation d'assurance", "contract"),
        ("Attestation événement", "contract"),
        ("Carte verte", "beneficiary"),
    ]
    assert options["templates"][1]["fields"] == [
        {"name": "motif", "label": "Motif", "default": None, "required": True},
        {"name": "date_fin", "label": "Date de fin", "default": "31/12/2026", "required": False},
    ]
    assert options["beneficiaries"][0]["label"] == "AB-123-CD"


def test_the_request_is_answered_generating_without_any_render_call(client, world, documents, db, as_client):
    """Issue 18: the POST checks and records the request; rendering it is the worker's."""
    contract = world.contract(world.product([{"template_id": documents.add_template()}])["id"])
    response = request(client, as_client, contract_id=contract["id"])
    assert response.status_code == 201
    body = response.get_json()
    assert (body["state"], body["attempts"], body["document_id"]) == ("generating", 0, None)
    assert body["message"] == "Votre attestation est en cours de génération."
    assert documents.render_calls == [] and documents.documents == {}
    assert outbox_events(db, "attestation.issued") == [] and outbox_events(db, "attestation.failed") == []
    assert read(client, as_client, body["id"])["state"] == "generating"


def test_the_worker_job_then_renders_and_issues_the_request(client, world, documents, db, settings, as_client, run_job):
    template = documents.add_template()
    contract = world.contract(world.product([{"template_id": template}])["id"])
    body = request(client, as_client, contract_id=contract["id"]).get_json()
    run_job(db, settings)
    issued = read(client, as_client, body["id"])
    assert (issued["state"], issued["attempts"]) == ("issued", 1)
    assert documents.render_calls == [template]
    assert issued["document_id"] == documents.renders[0]["document_id"]
    (event,) = outbox_events(db, "attestation.issued")
    assert event.data["request_id"] == body["id"]
    run_job(db, settings)  # nothing left to do: no second render, no second event
    assert documents.render_calls == [template] and len(outbox_events(db, "attestation.issued")) == 1


def test_the_commit_of_a_request_wakes_the_workers_generation_job_which_issues_it(
    client, world, documents, db, settings, as_client
):
    """The worker's real loop (SQLite: the same-host wake) with its polls set to 10 minutes: only the wake of
    the POST's commit can make it generate the request."""
    import socket
    import threading

    from attestation.jobs import periodic_jobs
    from platform_shared.messaging import wake
    from platform_shared.worker import _periodic_loop

    slow = settings.replace(render_job_interval_seconds=600)
    (job,) = periodic_jobs(slow)
    job.idle_interval_seconds = 600
    stop = threading.Event()
    thread = threading.Thread(target=_periodic_loop, args=(job, db, slow, stop), daemon=True)
    contract = world.contract(world.product([{"template_id": documents.add_template()}])["id"])
    thread.start()
    try:
        address = wake.address(db.engine.url.render_as_string(hide_password=True), job.wake_topic)
        for _ in range(200):  # until the job's listener is bound (a wake before that is a hint lost)
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                probe.bind(address)
            except OSError:
                break  # the job's listener holds it
            finally:
                probe.close()
            threading.Event().wait(0.05)
        body = request(client, as_client, contract_id=contract["id"]).get_json()
        for _ in range(200):
            if read(client, as_client, body["id"])["state"] != "generating":
                break
            threading.Event().wait(0.05)
        assert read(client, as_client, body["id"])["state"] == "issued"
    finally:
        stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_without_validation_the_attestation_is_issued_and_shared_with_the_client(
    client, world, documents, db, settings, as_client, run_job
):
    template = documents.add_template(inputs=[{"name": "motif", "label": "Motif", "default": "Assurance"}])
    product = world.product([{"template_id": template}])
    contract = world.contract(product["id"], owner_org="acme")
    response = request(client, as_client, contract_id=contract["id"])
    assert response.status_code == 201
    run_job(db, settings)
    body = read(client, as_client, response.get_json()["id"])
    assert body["state"] == "issued" and body["document_id"]
    (render,) = documents.renders
    assert render["owner_type"] == "contract" and render["owner_id"] == contract["id"]
    assert render["visibility"]["client"] is True and render["category"] == "attestation"
    assert render["inputs"] == {"motif": "Assurance"}
    assert render["context"]["contract"]["number"] == contract["number"]
    assert render["context"]["contract"]["start_date"] == "01/01/2026"
    assert render["context"]["client"]["email"] == "bob@example.test"
    (event,) = outbox_events(db, "attestation.issued")
    assert event.data == {
        "request_id": body["id"],
        "contract_id": contract["id"],
        "beneficiary_id": None,
        "document_id": body["document_id"],
        "template_id": template,
        "title": "Attestation",
        "client_sub": "client-bob",
        "client_org": "acme",
        "client_email": "bob@example.test",
        "client_name": None,
        "client_language": "fr",
        "contract_number": contract["number"],
        "filename": f"attestation-{contract['number']}.docx",
        "valid_until": "2027-11-22",
    }
    # The platform issues it, so notification rules (which skip the actor) still tell the client.
    assert event.actor == {"sub": "service:attestation", "role": "service"}
    assert client.get(f"/api/v1/attestation-requests/{body['id']}", headers=as_client).get_json()["state"] == "issued"


def test_a_beneficiary_attestation_is_stored_on_the_beneficiary(
    client, world, documents, db, settings, as_client, run_job
):
    contract_template = documents.add_template()
    card = documents.add_template(name="Carte verte", entity="beneficiary")
    product = world.product([{"template_id": contract_template}, {"template_id": card}])
    contract = world.contract(product["id"], beneficiaries=[VEHICLE])
    beneficiary = contract["beneficiaries"][0]
    response = request(client, as_client, contract_id=contract["id"], beneficiary_id=beneficiary["id"])
    assert response.status_code == 201 and response.get_json()["template_id"] == card
    run_job(db, settings)
    (render,) = documents.renders
    assert (render["owner_type"], render["owner_id"]) == ("beneficiary", beneficiary["id"])
    assert render["context"]["beneficiary"]["name"] == "AB-123-CD"


def test_a_contract_template_chosen_with_a_beneficiary_is_422(
    client, world, documents, db, settings, as_client, run_job
):
    contract_template = documents.add_template()
    card = documents.add_template(entity="beneficiary")
    product = world.product([{"template_id": contract_template}, {"template_id": card}])
    contract = world.contract(product["id"], beneficiaries=[VEHICLE])
    response = request(
        client,
        as_client,
        contract_id=contract["id"],
        template_id=contract_template,
        beneficiary_id=contract["beneficiaries"][0]["id"],
    )
    assert response.status_code == 422
    run_job(db, settings)  # nothing was recorded for the worker to generate
    assert documents.render_calls == []


def test_a_missing_required_input_is_422_and_nothing_is_generated(
    client, world, documents, db, settings, as_client, run_job
):
    template = documents.add_template(inputs=[{"name": "motif", "label": "Motif"}])
    contract = world.contract(world.product([{"template_id": template}])["id"])
    response = request(client, as_client, contract_id=contract["id"], inputs={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"inputs": {"motif": ["Motif is required."]}}
    run_job(db, settings)
    assert documents.render_calls == []


def test_a_request_on_a_contract_that_is_not_eligible_is_409(client, world, documents, as_client):
    contract = world.contract(world.product([{"template_id": documents.add_template()}])["id"], paid=False)
    response = request(client, as_client, contract_id=contract["id"])
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"reasons": ["not_covered_by_paid_receipt"]}


def test_a_client_cannot_see_or_request_on_another_clients_contract(client, world, documents, as_client, as_stranger):
    contract = world.contract(world.product([{"template_id": documents.add_template()}])["id"])
    assert client.get(f"/api/v1/contracts/{contract['id']}/attestation-options", headers=as_stranger).status_code == 404
    assert request(client, as_stranger, contract_id=contract["id"]).status_code == 404
    issued = request(client, as_client, contract_id=contract["id"]).get_json()
    assert client.get(f"/api/v1/attestation-requests/{issued['id']}", headers=as_stranger).status_code == 404
    assert (
        client.get(f"/api/v1/attestation-requests?contract_id={contract['id']}", headers=as_stranger).status_code == 404
    )


def test_a_company_member_may_request_on_the_company_contract(
    client, world, documents, db, settings, as_client, run_job
):
    contract = world.contract(
        world.product([{"template_id": documents.add_template()}])["id"], owner_sub="client-carol", owner_org="acme"
    )
    response = request(client, as_client, contract_id=contract["id"])
    assert response.status_code == 201
    run_job(db, settings)
    assert read(client, as_client, response.get_json()["id"])["state"] == "issued"


def test_with_prior_validation_an_unpaid_contract_may_still_ask(
    client, world, documents, db, settings, as_client, run_job
):
    product = world.product([{"template_id": documents.add_template()}])
    world.validation(product["id"])
    contract = world.contract(product["id"], status="terminated", paid=False)
    response = request(client, as_client, contract_id=contract["id"])
    assert response.status_code == 201
    run_job(db, settings)
    body = read(client, as_client, response.get_json()["id"])
    assert body["state"] == "pending_validation" and body["document_id"] is None
    assert "transmise à nos services" in body["message"]
    (render,) = documents.renders
    assert render["visibility"]["client"] is False
    (event,) = outbox_events(db, "attestation.validation_requested")
    assert event.data["validator_subs"] == ["agent-alice"] and event.data["document_id"] == render["document_id"]
