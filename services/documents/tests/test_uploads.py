"""Upload rules, download headers, ranges and deletion of bytes."""

import io
import zipfile

from platform_shared.testing.unit import outbox_events

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_upload_stores_the_sniffed_type_size_digest_and_publishes_document_added(upload, db, as_agent):
    response = upload(
        as_agent,
        category="supporting_piece",
        client=True,
        roles="guarantor,tenant",
        dossier_id="ignored-for-a-dossier-owner",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF_BYTES)
    assert len(body["sha256"]) == 64
    assert body["visibility"] == {
        "client": True,
        "partner": False,
        "roles": ["guarantor", "tenant"],
        "financial": False,
    }
    (event,) = outbox_events(db, "document.added")
    assert event.data == {
        "document_id": body["id"],
        "owner_type": "dossier",
        "owner_id": "dos-1",
        "dossier_id": "dos-1",
        "filename": "report.pdf",
        "category": "supporting_piece",
        "visibility": {"client": True, "partner": False, "roles": ["guarantor", "tenant"], "financial": False},
        "uploaded_by": {"sub": "agent-alice", "role": "agent"},
        "state": "ready",
    }


def test_a_file_larger_than_the_limit_is_413_and_nothing_is_stored(upload, db, settings, as_agent):
    response = upload(as_agent, data=b"%PDF-1.4\n" + b"x" * (settings.max_upload_bytes + 1))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert outbox_events(db) == []
    assert list((settings.data_path / "documents-tmp").iterdir()) == []


def test_a_body_far_beyond_the_limit_is_refused_before_parsing(upload, settings, as_agent):
    response = upload(as_agent, data=b"%PDF-1.4\n" + b"x" * (settings.max_upload_bytes + 2 * 1024 * 1024))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_bytes_that_lie_about_their_extension_are_415(upload, db, as_agent):
    response = upload(as_agent, data=PNG_BYTES, filename="invoice.pdf")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert outbox_events(db) == []


def test_an_executable_renamed_to_pdf_is_415(upload, as_agent):
    assert upload(as_agent, data=b"\x7fELF\x02\x01\x01" + b"\x00" * 50, filename="scan.pdf").status_code == 415


def test_a_zip_that_is_not_an_office_document_is_415(upload, as_agent):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "rm -rf /")
    assert upload(as_agent, data=buffer.getvalue(), filename="letter.docx").status_code == 415


def test_a_type_left_out_of_the_allow_list_is_415(app, client, settings, as_agent):
    from documents.app import create_app

    narrow = create_app(settings.replace(allowed_types=("pdf",)), app.extensions["db"]).test_client()
    response = narrow.post(
        "/api/v1/documents",
        headers=as_agent,
        content_type="multipart/form-data",
        data={"owner_type": "dossier", "owner_id": "d", "file": (io.BytesIO(PNG_BYTES), "photo.png")},
    )
    assert response.status_code == 415


def test_docx_png_and_csv_are_recognised_from_their_bytes(upload, samples, as_agent):
    cases = [
        (
            samples.build_docx(["hello"]),
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (PNG_BYTES, "photo.png", "image/png"),
        ("name;amount\nZoé;12\n".encode(), "table.csv", "text/csv; charset=utf-8"),
    ]
    for data, filename, content_type in cases:
        response = upload(as_agent, data=data, filename=filename)
        assert response.status_code == 201, filename
        assert response.get_json()["content_type"] == content_type


def test_a_path_like_name_is_reduced_to_a_display_name_and_never_reaches_the_storage(
    upload, client, storage, settings, as_agent
):
    response = upload(as_agent, filename="../../etc/passwd\x00.pdf")
    assert response.status_code == 201
    body = response.get_json()
    assert body["filename"] == "passwd.pdf"
    stored = [path for path in (settings.data_path / "blobs").rglob("*") if path.is_file()]
    assert [path.name for path in stored] == [body["sha256"]]
    assert not (settings.data_path.parent / "etc").exists()


def test_a_download_is_an_attachment_with_the_utf8_name_and_nosniff(upload, client, as_agent):
    document = upload(as_agent, filename="Relevé d'identité.pdf").get_json()
    response = client.get(f"/api/v1/documents/{document['id']}/content", headers=as_agent)
    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Releve d_identite.pdf\"; filename*=UTF-8''Relev%C3%A9%20d%27identit%C3%A9.pdf"
    )
    assert response.headers["Accept-Ranges"] == "bytes"


def test_a_range_request_gets_206_with_only_those_bytes(upload, client, as_agent):
    document = upload(as_agent).get_json()
    response = client.get(f"/api/v1/documents/{document['id']}/content", headers={**as_agent, "Range": "bytes=5-12"})
    assert response.status_code == 206
    assert response.data == PDF_BYTES[5:13]
    assert response.headers["Content-Range"] == f"bytes 5-12/{len(PDF_BYTES)}"
    suffix = client.get(f"/api/v1/documents/{document['id']}/content", headers={**as_agent, "Range": "bytes=-6"})
    assert suffix.status_code == 206 and suffix.data == PDF_BYTES[-6:]


def test_a_range_past_the_end_is_416(upload, client, as_agent):
    document = upload(as_agent).get_json()
    response = client.get(
        f"/api/v1/documents/{document['id']}/content", headers={**as_agent, "Range": "bytes=5000-6000"}
    )
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(PDF_BYTES)}"


def test_an_unknown_rendition_is_404(upload, client, as_agent):
    document = upload(as_agent).get_json()
    assert client.get(f"/api/v1/documents/{document['id']}/content?rendition=docx", headers=as_agent).status_code == 404


def test_delete_removes_the_bytes_from_the_storage_and_publishes_document_deleted(
    upload, client, db, storage, as_agent
):
    document = upload(as_agent, data=PDF_BYTES + b"unique-1").get_json()
    assert storage.exists(document["sha256"])
    response = client.delete(f"/api/v1/documents/{document['id']}", headers=as_agent)
    assert response.status_code == 204
    assert not storage.exists(document["sha256"])
    assert client.get(f"/api/v1/documents/{document['id']}", headers=as_agent).status_code == 404
    (event,) = outbox_events(db, "document.deleted")
    assert event.data == {
        "document_id": document["id"],
        "owner_type": "dossier",
        "owner_id": "dos-1",
        "dossier_id": "dos-1",
    }


def test_bytes_shared_by_two_documents_stay_until_the_last_one_is_deleted(upload, client, storage, as_agent):
    first = upload(as_agent).get_json()
    second = upload(as_agent, owner_id="dos-2").get_json()
    assert first["sha256"] == second["sha256"]
    client.delete(f"/api/v1/documents/{first['id']}", headers=as_agent)
    assert storage.exists(second["sha256"])
    client.delete(f"/api/v1/documents/{second['id']}", headers=as_agent)
    assert not storage.exists(second["sha256"])


def test_only_staff_and_services_delete_or_change_visibility(upload, client, as_agent, as_client):
    document = upload(as_agent, client=True).get_json()
    assert client.delete(f"/api/v1/documents/{document['id']}", headers=as_client).status_code == 403
    assert (
        client.patch(f"/api/v1/documents/{document['id']}", json={"partner": True}, headers=as_client).status_code
        == 403
    )


def test_a_closed_dossier_refuses_uploads_and_deletions(upload, client, event, as_agent):
    document = upload(as_agent).get_json()
    event("dossier.closed", {"dossier_id": "dos-1", "closed_at": "2026-11-23T10:00:00Z"})
    assert upload(as_agent).status_code == 409
    assert client.delete(f"/api/v1/documents/{document['id']}", headers=as_agent).status_code == 409
    assert client.get(f"/api/v1/documents/{document['id']}/content", headers=as_agent).status_code == 200


def test_a_missing_file_or_owner_is_422(client, as_agent):
    response = client.post(
        "/api/v1/documents",
        data={"owner_type": "dossier", "owner_id": "d"},
        headers=as_agent,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    response = client.post(
        "/api/v1/documents",
        data={"owner_type": "planet", "owner_id": "d", "file": (io.BytesIO(PDF_BYTES), "a.pdf")},
        headers=as_agent,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "owner_type" in response.get_json()["errors"]
