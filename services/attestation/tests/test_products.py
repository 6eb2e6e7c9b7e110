"""Products: attestation templates replaced atomically, checked with the documents service; validation settings."""


def test_saving_the_templates_replaces_the_list_with_titles_and_template_details(client, world, documents, as_admin):
    first = documents.add_template(name="Attestation simple")
    second = documents.add_template(name="Carte verte", entity="beneficiary", pdf_auto=True)
    product = world.product([{"template_id": first}])
    response = client.put(
        f"/api/v1/products/{product['id']}/attestation-templates",
        headers=as_admin,
        json=[{"template_id": second, "extranet_title": "Green card"}],
    )
    assert response.status_code == 200
    assert response.get_json()["templates"] == [
        {
            "template_id": second,
            "extranet_title": "Green card",
            "template_name": "Carte verte",
            "entity": "beneficiary",
            "pdf_auto": True,
            "language": "fr",
        }
    ]
    assert first in documents.templates  # removing a template from a product never deletes it


def test_a_template_of_another_type_or_entity_is_422_and_nothing_changes(client, world, documents, as_admin):
    good = documents.add_template()
    letter = documents.add_template(type="letter")
    dossier = documents.add_template(entity="dossier")
    product = world.product([{"template_id": good}])
    response = client.put(
        f"/api/v1/products/{product['id']}/attestation-templates",
        headers=as_admin,
        json=[{"template_id": good}, {"template_id": letter}, {"template_id": dossier}],
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["templates"]) == {"1", "2"}
    after = client.get(f"/api/v1/products/{product['id']}", headers=as_admin).get_json()
    assert [item["template_id"] for item in after["templates"]] == [good]


def test_an_unknown_template_is_422(client, world, as_admin):
    product = world.product()
    response = client.put(
        f"/api/v1/products/{product['id']}/attestation-templates",
        headers=as_admin,
        json=[{"template_id": "no-such-template"}],
    )
    assert response.status_code == 422


def test_only_admins_configure_products(client, as_agent, as_client):
    assert client.post("/api/v1/products", json={"code": "X", "name": "X"}, headers=as_agent).status_code == 403
    assert client.get("/api/v1/products", headers=as_client).status_code == 403


def test_a_product_code_is_unique(client, world, as_admin):
    world.product(code="AUTO-1")
    assert (
        client.post("/api/v1/products", json={"code": "AUTO-1", "name": "Again"}, headers=as_admin).status_code == 409
    )


def test_a_product_follows_the_global_validation_unless_it_overrides_it(client, world, as_admin):
    product = world.product()
    response = client.put(
        "/api/v1/validation-settings", headers=as_admin, json={"required": True, "validators": {"role": "agent"}}
    )
    assert response.status_code == 200
    read = client.get(f"/api/v1/products/{product['id']}", headers=as_admin).get_json()
    assert read["validation"]["required"] is None
    assert read["effective_validation"] == {"required": True, "validators": {"subs": [], "role": "agent"}}
    world.validation(product["id"], required=False, subs=())
    read = client.get(f"/api/v1/products/{product['id']}", headers=as_admin).get_json()
    assert read["effective_validation"]["required"] is False


def test_required_validation_without_validators_is_422(client, world, as_admin):
    product = world.product()
    response = client.put(
        f"/api/v1/products/{product['id']}/validation",
        headers=as_admin,
        json={"required": True, "validators": {"subs": []}},
    )
    assert response.status_code == 422
