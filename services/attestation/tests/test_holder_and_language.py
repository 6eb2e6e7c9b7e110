"""What an attestation prints: the contract's holder whoever asks, their postal address, and values written
in the template's language; what the client reads, in their language."""

from platform_shared.testing.unit import bearer

LONG = 10 * 365 * 24 * 3600

ADDRESS = {"address_line1": "12 rue des Lilas", "postal_code": "75011", "city": "Paris", "country": "France"}


def ask(client, headers, contract_id, **body):
    return client.post("/api/v1/attestation-requests", json={"contract_id": contract_id, **body}, headers=headers)


def read_request(client, headers, request_id):
    return client.get(f"/api/v1/attestation-requests/{request_id}", headers=headers).get_json()


def test_a_colleagues_request_prints_the_contracts_holder_not_the_colleague(
    client, world, documents, db, settings, run_job
):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"], owner_sub="client-jeanne", owner_org="acme")
    colleague = bearer(settings, "client", "login-x", org="acme", name="Login X", email="x@acme.test", ttl_seconds=LONG)
    response = ask(client, colleague, contract["id"])
    assert response.status_code == 201, response.get_json()
    run_job(db, settings)
    (render,) = documents.renders
    assert render["context"]["client"]["name"] == "Bob Martin"  # the holder world.contract records
    assert render["context"]["client"]["email"] == "bob@example.test"
    assert "Login X" not in str(render["context"])
    assert read_request(client, colleague, response.get_json()["id"])["holder_name"] == "Bob Martin"


def test_a_colleague_without_an_address_is_not_told_at_the_holders(client, world, documents, db, settings, run_job):
    from platform_shared.testing.unit import outbox_events

    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"], owner_sub="client-jeanne", owner_org="acme")
    colleague = bearer(settings, "client", "login-y", org="acme", ttl_seconds=LONG)
    assert ask(client, colleague, contract["id"]).status_code == 201
    run_job(db, settings)
    (event,) = outbox_events(db, "attestation.issued")
    assert (event.data["client_sub"], event.data["client_email"]) == ("login-y", None)


def test_the_postal_address_resolves_in_templates_and_is_kept_on_the_contract(
    client, world, documents, db, settings, as_agent, as_client, run_job
):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"])
    response = client.patch(f"/api/v1/contracts/{contract['id']}", json=ADDRESS, headers=as_agent)
    assert response.status_code == 200 and response.get_json()["city"] == "Paris"
    assert ask(client, as_client, contract["id"]).status_code == 201
    run_job(db, settings)
    assert documents.renders[0]["context"]["client"]["address"] == "12 rue des Lilas, 75011 Paris, France"


def test_a_contract_created_with_an_address_keeps_it(client, world, as_agent):
    product = world.product()
    body = {"number": "C-ADDR-1", "product_id": product["id"], "owner_sub": "c", "start_date": "2026-01-01"}
    response = client.post("/api/v1/contracts", json={**body, **ADDRESS}, headers=as_agent)
    assert response.status_code == 201
    assert {name: response.get_json()[name] for name in ADDRESS} == ADDRESS


def test_values_are_written_in_a_french_templates_language(client, world, documents, db, settings, as_client, run_job):
    product = world.product([{"template_id": documents.add_template(language="fr")}])
    contract = world.contract(product["id"])
    assert ask(client, as_client, contract["id"]).status_code == 201
    run_job(db, settings)
    context = documents.renders[0]["context"]
    assert context["contract"]["status"] == "en cours"
    assert context["contract"]["start_date"] == "01/01/2026"
    assert context["receipt"]["amount_paid"] == "100,00\xa0€"
    assert context["receipt"]["period_start"] == "01/11/2026"
    assert context["today"] == "23/11/2026"


def test_values_are_written_in_an_english_templates_language(
    client, world, documents, db, settings, as_client, run_job
):
    product = world.product([{"template_id": documents.add_template(language="en")}])
    contract = world.contract(
        product["id"], beneficiaries=[{"kind": "person", "name": "Ann", "birth_date": "1990-04-02"}]
    )
    assert ask(client, as_client, contract["id"]).status_code == 201
    run_job(db, settings)
    context = documents.renders[0]["context"]
    assert context["contract"]["status"] == "in force"
    assert context["contract"]["start_date"] == "1 January 2026"
    assert context["receipt"]["amount_due"] == "€100.00"
    assert context["contract"]["beneficiaries"] == "Ann (born 2 April 1990)"


def test_the_products_template_keeps_the_language_of_the_documents_template(client, world, documents):
    product = world.product([{"template_id": documents.add_template(language="en")}])
    assert product["templates"][0]["language"] == "en"


def test_messages_for_the_client_follow_the_tokens_locale_then_accept_language(client, world, documents, settings):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"], status="terminated")
    english = bearer(settings, "client", "client-bob", locale="en", ttl_seconds=LONG)
    french = bearer(settings, "client", "client-bob", ttl_seconds=LONG)
    path = f"/api/v1/contracts/{contract['id']}/attestation-options"
    assert client.get(path, headers=english).get_json()["messages"] == ["The contract is not in force."]
    assert client.get(path, headers=french).get_json()["messages"] == ["Le contrat n'est pas en cours."]
    by_header = client.get(path, headers={**french, "Accept-Language": "en-GB,en;q=0.8"})
    assert by_header.get_json()["messages"] == ["The contract is not in force."]
    refused = ask(client, {**french, "Accept-Language": "en"}, contract["id"])
    assert refused.status_code == 409 and refused.get_json()["detail"].startswith("An attestation cannot be")
    refused = ask(client, french, contract["id"])
    assert refused.get_json()["detail"].startswith("Une attestation ne peut pas être demandée")


def test_the_request_message_is_in_the_callers_language(client, world, documents, db, settings, run_job):
    product = world.product([{"template_id": documents.add_template()}])
    contract = world.contract(product["id"])
    english = bearer(settings, "client", "client-bob", locale="en", ttl_seconds=LONG)
    asked = ask(client, english, contract["id"]).get_json()
    assert asked["message"] == "Your attestation is being generated."
    run_job(db, settings)
    body = read_request(client, english, asked["id"])
    assert body["message"] == "Your attestation is available in the contract's documents."
    french = bearer(settings, "client", "client-bob", ttl_seconds=LONG)
    read = client.get(f"/api/v1/attestation-requests/{body['id']}", headers=french).get_json()
    assert read["message"] == "Votre attestation est disponible dans les documents du contrat."


def test_a_pdf_attestations_file_name_ends_pdf_in_the_request_and_its_event(
    client, world, documents, db, settings, as_client, run_job
):
    from platform_shared.testing.unit import outbox_events

    product = world.product([{"template_id": documents.add_template(pdf_auto=True)}])
    contract = world.contract(product["id"])
    asked = ask(client, as_client, contract["id"]).get_json()
    run_job(db, settings)
    body = read_request(client, as_client, asked["id"])
    assert body["filename"] == f"attestation-{contract['number']}.pdf"
    assert outbox_events(db, "attestation.issued")[0].data["filename"] == body["filename"]
