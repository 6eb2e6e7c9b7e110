"""Templates: upload, tag discovery, fields, versions, sandboxed rendering, inputs and warnings."""

import io

from platform_shared.testing.unit import outbox_events


def _upload_template(
    client,
    headers,
    data,
    *,
    name="Vehicle attestation",
    type="attestation",
    entity="contract",
    pdf_auto=False,
    filename="attestation.docx",
):
    return client.post(
        "/api/v1/templates",
        headers=headers,
        content_type="multipart/form-data",
        data={
            "name": name,
            "type": type,
            "entity": entity,
            "pdf_auto": str(pdf_auto).lower(),
            "file": (io.BytesIO(data), filename),
        },
    )


def _attestation_docx(samples):
    return samples.build_docx(
        ["Insured: {{ client.name }}", "Vehicle plate: {{ vehicle.plate }}", "Remark: {{ remark }}"],
        split_runs=[["Contract number: {{ contr", "act.num", "ber }}"]],
        header="Attestation {{ contract.product_name }}",
        footer="Issued on {{ today }}",
    )


def _render(client, headers, template_id, **body):
    payload = {"owner_type": "contract", "owner_id": "ctr-1", "category": "attestation", **body}
    return client.post(f"/api/v1/templates/{template_id}/render", json=payload, headers=headers)


def _content(client, headers, document_id, rendition="docx"):
    response = client.get(f"/api/v1/documents/{document_id}/content?rendition={rendition}", headers=headers)
    assert response.status_code == 200
    return response.data


def test_an_admin_uploads_a_template_and_its_fields_are_discovered_in_body_headers_and_footers(
    client, samples, as_admin
):
    response = _upload_template(client, as_admin, _attestation_docx(samples))
    assert response.status_code == 201, response.get_json()
    template = response.get_json()
    assert (template["type"], template["entity"], template["version"]) == ("attestation", "contract", 1)
    fields = client.get(f"/api/v1/templates/{template['id']}/fields", headers=as_admin).get_json()["fields"]
    by_name = {field["name"]: field for field in fields}
    assert set(by_name) == {
        "client.name",
        "contract.number",
        "contract.product_name",
        "today",
        "vehicle.plate",
        "remark",
    }
    assert {name for name, field in by_name.items() if field["source"] == "entity"} == {
        "client.name",
        "contract.number",
        "contract.product_name",
        "today",
    }
    assert by_name["vehicle.plate"] == {
        "name": "vehicle.plate",
        "source": "input",
        "description": None,
        "label": "vehicle.plate",
        "default": None,
    }


def test_only_admins_and_services_upload_templates(client, samples, as_agent):
    assert _upload_template(client, as_agent, _attestation_docx(samples)).status_code == 403


def test_a_template_that_is_not_a_docx_is_415(client, samples, as_admin):
    assert _upload_template(client, as_admin, samples.pdf, filename="a.docx").status_code == 415


def test_smart_quotes_inside_a_tag_are_422_naming_the_tag(client, samples, as_admin):
    data = samples.build_docx(["Date: {{ due_date | default(„to be confirmed“) }}"])
    response = _upload_template(client, as_admin, data)
    assert response.status_code == 422
    detail = response.get_json()["detail"]
    assert "due_date | default(„to be confirmed" in detail
    assert "quotes" in detail


def test_a_template_reaching_for_python_internals_is_refused(client, samples, as_admin):
    for tag in (
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ joiner['__init__'] }}",
    ):
        response = _upload_template(client, as_admin, samples.build_docx([tag]))
        assert response.status_code == 422, tag
        assert "private attribute" in response.get_json()["detail"]


def test_rendering_fills_entity_values_inputs_and_a_tag_word_split_across_runs(client, samples, db, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(
        client,
        as_agent,
        template["id"],
        context={"contract": {"number": "CTR-2026-42", "product_name": "Auto+"}, "client": {"name": "Zoé Martin"}},
        inputs={"vehicle.plate": "AB-123-CD", "remark": "none"},
        visibility={"client": True},
    )
    assert response.status_code == 201, response.get_json()
    document = response.get_json()
    assert (document["state"], document["template_version"], document["warnings"]) == ("ready", 1, [])
    assert document["filename"] == "Vehicle attestation.docx"
    assert [rendition["kind"] for rendition in document["renditions"]] == ["docx"]
    text = samples.docx_text(_content(client, as_agent, document["id"]))
    for expected in (
        "Contract number: CTR-2026-42",
        "Insured: Zoé Martin",
        "Vehicle plate: AB-123-CD",
        "Attestation Auto+",
        "Issued on ",
    ):
        assert expected in text
    (rendered,) = outbox_events(db, "document.rendered")
    assert rendered.data == {
        "document_id": document["id"],
        "owner_type": "contract",
        "owner_id": "ctr-1",
        "dossier_id": None,
        "renditions": ["docx"],
        "warnings": [],
    }
    assert outbox_events(db, "document.added")[0].data["visibility"]["client"] is True


def test_markup_characters_in_values_come_out_intact(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(
        client,
        as_agent,
        template["id"],
        context={
            "contract": {"number": "<C&1>", "product_name": "R&D <pro>"},
            "client": {"name": "Smith & Sons <Ltd>"},
        },
        inputs={"vehicle.plate": "A<B>&C", "remark": "5 > 3 & 2 < 4"},
    )
    text = samples.docx_text(_content(client, as_agent, response.get_json()["id"]))
    for expected in (
        "Contract number: <C&1>",
        "Insured: Smith & Sons <Ltd>",
        "Vehicle plate: A<B>&C",
        "Remark: 5 > 3 & 2 < 4",
        "Attestation R&D <pro>",
    ):
        assert expected in text


def test_a_value_cannot_smuggle_template_code(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(
        client,
        as_agent,
        template["id"],
        context={"client": {"name": "{{ cycler.__init__ }}"}},
        inputs={"vehicle.plate": "{% for x in range(3) %}x{% endfor %}", "remark": "r"},
    )
    text = samples.docx_text(_content(client, as_agent, response.get_json()["id"]))
    assert "Insured: {{ cycler.__init__ }}" in text
    assert "Vehicle plate: {% for x in range(3) %}x{% endfor %}" in text


def test_the_sandbox_stops_internal_access_even_in_a_stored_template(client, db, storage, samples, as_admin, as_agent):
    from sqlalchemy import update

    from documents.db import TemplateVersion
    from documents.storage import spool_bytes

    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    hostile = spool_bytes(samples.build_docx(["{{ cycler.__init__.__globals__ }}"]), storage.objects.parent)
    key = storage.put(hostile)
    with db.transaction() as session:  # as if it had been stored before the upload check existed
        session.execute(update(TemplateVersion).values(storage_key=key, tags=[]))
    response = _render(client, as_agent, template["id"])
    assert response.status_code == 422
    assert "unsafe" in response.get_json()["detail"]


def test_a_missing_input_without_default_is_422_naming_it(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(client, as_agent, template["id"], inputs={"remark": "x"})
    assert response.status_code == 422
    body = response.get_json()
    assert "vehicle.plate" in body["detail"]
    assert set(body["errors"]) == {"inputs.vehicle.plate"}


def test_configured_defaults_and_labels_fill_inputs(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = client.put(
        f"/api/v1/templates/{template['id']}/fields",
        headers=as_admin,
        json={
            "fields": [
                {"name": "vehicle.plate", "label": "Registration plate", "default": "not registered"},
                {"name": "remark", "label": "Remark"},
            ]
        },
    )
    assert response.status_code == 200
    by_name = {field["name"]: field for field in response.get_json()["fields"]}
    assert (by_name["vehicle.plate"]["label"], by_name["vehicle.plate"]["default"]) == (
        "Registration plate",
        "not registered",
    )
    rendered = _render(
        client,
        as_agent,
        template["id"],
        inputs={"remark": "ok"},
        context={"contract": {"number": "1", "product_name": "p"}, "client": {"name": "n"}},
    )
    assert rendered.status_code == 201
    assert "Vehicle plate: not registered" in samples.docx_text(_content(client, as_agent, rendered.get_json()["id"]))


def test_fields_of_the_entity_cannot_be_configured_as_inputs(client, samples, as_admin):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = client.put(
        f"/api/v1/templates/{template['id']}/fields",
        headers=as_admin,
        json={"fields": [{"name": "contract.number", "label": "Number"}]},
    )
    assert response.status_code == 422
    assert "contract.number" in response.get_json()["detail"]


def test_empty_values_are_rendered_with_warnings(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(
        client,
        as_agent,
        template["id"],
        context={"contract": {"number": "1"}},
        inputs={"vehicle.plate": "AB", "remark": ""},
    )
    assert response.status_code == 201
    warned = {warning["field"] for warning in response.get_json()["warnings"]}
    assert warned == {"client.name", "contract.product_name", "remark"}


def test_an_input_the_template_does_not_ask_for_is_422(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, _attestation_docx(samples)).get_json()
    response = _render(client, as_agent, template["id"], inputs={"vehicle.plate": "A", "remark": "r", "colour": "red"})
    assert response.status_code == 422
    assert "colour" in response.get_json()["detail"]


def test_a_new_version_changes_future_renders_but_not_documents_already_generated(client, samples, as_admin, as_agent):
    template = _upload_template(client, as_admin, samples.build_docx(["Version one {{ remark }}"])).get_json()
    first = _render(client, as_agent, template["id"], inputs={"remark": "a"}).get_json()
    response = client.post(
        f"/api/v1/templates/{template['id']}/versions",
        headers=as_admin,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(samples.build_docx(["Version two {{ remark }}"])), "v2.docx")},
    )
    assert response.status_code == 201
    assert response.get_json()["version"] == 2
    second = _render(client, as_agent, template["id"], inputs={"remark": "b"}).get_json()
    assert second["template_version"] == 2
    assert "Version one a" in samples.docx_text(_content(client, as_agent, first["id"]))
    assert "Version two b" in samples.docx_text(_content(client, as_agent, second["id"]))


def test_pdf_auto_without_a_converter_keeps_the_docx_with_a_clear_state(client, samples, db, as_admin, as_agent):
    template = _upload_template(client, as_admin, samples.build_docx(["Hello {{ remark }}"]), pdf_auto=True).get_json()
    response = _render(client, as_agent, template["id"], inputs={"remark": "x"})
    assert response.status_code == 201
    document = response.get_json()
    assert document["state"] == "pdf_unavailable"
    assert "No PDF converter" in document["error"]
    assert [rendition["kind"] for rendition in document["renditions"]] == ["docx"]
    (failed,) = outbox_events(db, "document.render_failed")
    assert failed.data["renditions"] == ["docx"] and "No PDF converter" in failed.data["error"]


def test_templates_are_listed_and_read_by_staff_and_services(client, samples, as_admin, as_service, as_client):
    template = _upload_template(client, as_admin, samples.build_docx(["x"])).get_json()
    assert [item["id"] for item in client.get("/api/v1/templates", headers=as_service).get_json()["items"]] == [
        template["id"]
    ]
    assert client.get(f"/api/v1/templates/{template['id']}", headers=as_service).get_json()["pdf_auto"] is False
    assert client.get("/api/v1/templates", headers=as_client).status_code == 403


def test_a_service_installs_a_financial_template_whose_lines_loop_is_filled_from_the_context(
    client, samples, as_service
):
    data = samples.build_docx(
        [
            "{{ document.kind_label }} {{ document.number }}",
            "{% for line in document.lines %}{{ line.label }}: {{ line.net }} {{ document.currency }}; {% endfor %}",
            "Total {{ document.total }} {{ document.currency }}",
        ]
    )
    response = _upload_template(client, as_service, data, name="Invoice", type="financial", entity="finance")
    assert response.status_code == 201, response.get_json()
    template = response.get_json()
    fields = client.get(f"/api/v1/templates/{template['id']}/fields", headers=as_service).get_json()["fields"]
    assert {field["source"] for field in fields} == {"entity"}  # document.lines is the entity's: no input asked
    lines = [{"label": "Tiling", "net": "486.25"}, {"label": "Disposal", "net": "149.99"}]
    document = {
        "kind_label": "Facture",
        "number": "INV-2026-0001",
        "lines": lines,
        "total": "636.24",
        "currency": "EUR",
    }
    rendered = _render(
        client,
        as_service,
        template["id"],
        owner_type="dossier",
        owner_id="dos-1",
        category="invoice",
        context={"document": document},
    )
    assert rendered.status_code == 201, rendered.get_json()
    text = samples.docx_text(_content(client, as_service, rendered.get_json()["id"]))
    assert "Facture INV-2026-0001" in text and "Tiling: 486.25 EUR; Disposal: 149.99 EUR;" in text
    assert "Total 636.24 EUR" in text
