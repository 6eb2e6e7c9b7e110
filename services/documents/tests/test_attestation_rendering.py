"""What an attestation needs from rendering: its file named .pdf when a PDF is made, the template's language
for ``today``, the holder/receipt/verification tags as entity fields, and the QR code drawn as an image."""

import io
import zipfile

import pytest

from documents.app import create_app
from documents.domain.templates import ENTITY_FIELDS, qr_png


def upload(client, headers, data, *, pdf_auto=False, language=None, entity="contract"):
    form = {
        "name": "Attestation",
        "type": "attestation",
        "entity": entity,
        "pdf_auto": str(pdf_auto).lower(),
        "file": (io.BytesIO(data), "attestation.docx"),
    }
    if language:
        form["language"] = language
    return client.post("/api/v1/templates", headers=headers, content_type="multipart/form-data", data=form)


def render(client, headers, template_id, **body):
    payload = {"owner_type": "contract", "owner_id": "ctr-1", "category": "attestation", **body}
    return client.post(f"/api/v1/templates/{template_id}/render", json=payload, headers=headers)


@pytest.fixture
def converting_client(settings, db):
    """An API whose worker would convert (the render only queues the PDF, so no converter runs here)."""
    app = create_app(settings.replace(converter="soffice"), db)
    app.config["TESTING"] = True
    return app.test_client()


def test_a_pdf_attestation_is_named_pdf_and_a_docx_one_docx(converting_client, samples, as_admin, as_agent):
    docx = samples.build_docx(["Contrat {{ contract.number }}"])
    pdf_template = upload(converting_client, as_admin, docx, pdf_auto=True).get_json()
    word_template = upload(converting_client, as_admin, docx).get_json()
    context = {"contract": {"number": "C-1"}}
    as_pdf = render(converting_client, as_agent, pdf_template["id"], context=context, filename="attestation-C-1")
    as_word = render(converting_client, as_agent, word_template["id"], context=context, filename="attestation-C-1")
    assert (as_pdf.status_code, as_pdf.get_json()["state"]) == (202, "rendering")
    assert as_pdf.get_json()["filename"] == "attestation-C-1.pdf"
    assert as_word.get_json()["filename"] == "attestation-C-1.docx"


def test_without_a_converter_a_pdf_template_yields_a_docx_named_so(client, samples, as_admin, as_agent):
    template = upload(client, as_admin, samples.build_docx(["{{ contract.number }}"]), pdf_auto=True).get_json()
    document = render(client, as_agent, template["id"], context={"contract": {"number": "C-1"}}).get_json()
    assert document["state"] == "pdf_unavailable" and document["filename"] == "Attestation.docx"


def test_a_template_has_a_language_french_by_default_and_today_is_written_in_it(client, samples, as_admin, as_agent):
    from datetime import UTC, datetime

    from platform_shared import clock

    docx = samples.build_docx(["Fait le {{ today }}"])
    french = upload(client, as_admin, docx).get_json()
    english = upload(client, as_admin, docx, language="en").get_json()
    assert (french["language"], english["language"]) == ("fr", "en")
    assert upload(client, as_admin, docx, language="de").status_code == 422
    with clock.frozen_at(datetime(2026, 3, 12, 9, 0, tzinfo=UTC)):
        texts = [
            samples.docx_text(
                client.get(
                    f"/api/v1/documents/{render(client, as_agent, item['id']).get_json()['id']}/content",
                    headers=as_agent,
                ).data
            )
            for item in (french, english)
        ]
    assert "Fait le 12/03/2026" in texts[0] and "Fait le 12 March 2026" in texts[1]


def test_the_holder_receipt_and_verification_tags_are_entity_fields_not_inputs(client, samples, as_admin):
    docx = samples.build_docx(
        [
            "{{ client.name }}, {{ client.address }} ({{ client.org }})",
            "{{ contract.status }} {{ contract.beneficiaries }} {{ receipt.amount_paid }} {{ receipt.period_end }}",
            "{{ verification.code }} {{ verification.url }} {{ verification.valid_until }} {{ verification.qr }}",
        ]
    )
    for entity in ("contract", "beneficiary"):
        template = upload(client, as_admin, docx, entity=entity).get_json()
        fields = client.get(f"/api/v1/templates/{template['id']}/fields", headers=as_admin).get_json()["fields"]
        assert {field["source"] for field in fields} == {"entity"}, fields
    assert "verification.qr" in ENTITY_FIELDS["beneficiary"]


def test_the_qr_tag_becomes_a_picture_of_the_verification_url(client, samples, as_admin, as_agent):
    template = upload(client, as_admin, samples.build_docx(["Code {{ verification.code }}", "{{ verification.qr }}"]))
    url = "https://attestations.example.org/verify/7KQ2M9XD00001111ABCDEFGHJKMN"
    response = render(
        client,
        as_agent,
        template.get_json()["id"],
        context={"verification": {"code": "7KQ2-M9XD-0000-1111-ABCD-EFGH-JKMN", "url": url}},
    )
    assert response.status_code == 201 and response.get_json()["warnings"] == []
    docx = client.get(f"/api/v1/documents/{response.get_json()['id']}/content", headers=as_agent).data
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        images = [name for name in package.namelist() if name.startswith("word/media/")]
        assert len(images) == 1 and package.read(images[0]) == qr_png(url)
        assert "<w:drawing>" in package.read("word/document.xml").decode()
    assert "Code 7KQ2-M9XD-0000-1111-ABCD-EFGH-JKMN" in samples.docx_text(docx)


def test_without_a_url_the_qr_tag_renders_nothing_and_warns(client, samples, as_admin, as_agent):
    template = upload(client, as_admin, samples.build_docx(["QR: {{ verification.qr }}"])).get_json()
    document = render(client, as_agent, template["id"], context={}).get_json()
    assert document["warnings"] == [{"field": "verification.qr", "message": "The tag resolved to an empty value."}]
