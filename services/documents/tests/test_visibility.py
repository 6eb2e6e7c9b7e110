"""Who sees which document: staff, the owner's client and company, uploaders, partners, contributors."""

from platform_shared.testing.unit import bearer, outbox_events


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def _list(client, headers, owner_type="dossier", owner_id="dos-1", **filters):
    query = "&".join(
        f"{key}={value}" for key, value in {"owner_type": owner_type, "owner_id": owner_id, **filters}.items()
    )
    return client.get(f"/api/v1/documents?{query}", headers=headers)


def _dossier_of(event, client_sub="client-bob", client_org=None, dossier_id="dos-1"):
    event("dossier.created", {"dossier_id": dossier_id, "client_sub": client_sub, "client_org": client_org})


def test_staff_see_every_document_including_internal_ones(upload, client, as_agent, settings):
    internal = upload(as_agent).get_json()
    shared = upload(as_agent, client=True).get_json()
    other_agent = bearer(settings, "agent", "agent-carl")
    assert _ids(_list(client, other_agent)) == {internal["id"], shared["id"]}
    assert client.get(f"/api/v1/documents/{internal['id']}", headers=other_agent).status_code == 200


def test_the_owners_client_sees_client_flagged_documents_and_not_internal_ones(
    upload, client, event, as_agent, as_client
):
    _dossier_of(event)
    internal = upload(as_agent).get_json()
    shared = upload(as_agent, client=True).get_json()
    assert _ids(_list(client, as_client)) == {shared["id"]}
    assert client.get(f"/api/v1/documents/{internal['id']}", headers=as_client).status_code == 404
    assert client.get(f"/api/v1/documents/{internal['id']}/content", headers=as_client).status_code == 404
    assert client.get(f"/api/v1/documents/{shared['id']}/content", headers=as_client).status_code == 200


def test_a_member_of_the_clients_company_sees_its_shared_documents(upload, client, event, settings, as_agent):
    _dossier_of(event, client_sub="client-bob", client_org="acme")
    shared = upload(as_agent, client=True).get_json()
    colleague = bearer(settings, "client", "client-dora", org="acme")
    outsider = bearer(settings, "client", "client-eve", org="globex")
    assert _ids(_list(client, colleague)) == {shared["id"]}
    assert _ids(_list(client, outsider)) == set()
    assert client.get(f"/api/v1/documents/{shared['id']}", headers=outsider).status_code == 404


def test_a_client_sees_their_own_upload_and_cannot_share_it_with_partners(upload, client, event, as_agent, as_client):
    _dossier_of(event)
    response = upload(as_client, partner=True, roles="guarantor")
    assert response.status_code == 201
    mine = response.get_json()
    assert mine["visibility"] == {"client": True, "partner": False, "roles": [], "financial": False}
    assert mine["uploaded_by"] == {"sub": "client-bob", "role": "client"}
    assert client.get(f"/api/v1/documents/{mine['id']}", headers=as_client).status_code == 200
    assert _ids(_list(client, as_agent)) == {mine["id"]}


def test_a_client_cannot_upload_to_a_dossier_that_is_not_theirs(upload, event, settings):
    _dossier_of(event, client_sub="client-bob")
    stranger = bearer(settings, "client", "client-eve")
    assert upload(stranger).status_code == 404


def test_the_contract_owner_sees_shared_documents_of_the_contract_and_its_beneficiaries(
    upload, client, event, as_agent, as_client
):
    event(
        "contract.created",
        {
            "contract_id": "ctr-1",
            "owner_sub": "client-bob",
            "owner_org": None,
            "beneficiaries": [{"id": "ben-1", "kind": "vehicle"}],
        },
    )
    on_contract = upload(as_agent, owner_type="contract", owner_id="ctr-1", client=True).get_json()
    on_vehicle = upload(as_agent, owner_type="beneficiary", owner_id="ben-1", client=True).get_json()
    assert _ids(_list(client, as_client, "contract", "ctr-1")) == {on_contract["id"]}
    assert _ids(_list(client, as_client, "beneficiary", "ben-1")) == {on_vehicle["id"]}


def test_a_partner_sees_partner_flagged_documents_and_their_own_uploads_only(
    upload, client, gateway, settings, as_agent
):
    partner = bearer(settings, "partner", "partner-paul")
    gateway.grant("dos-1", "partner-paul", partner=True, solicitation_ids=["sol-1"])
    internal = upload(as_agent).get_json()
    for_partners = upload(as_agent, partner=True).get_json()
    for_client = upload(as_agent, client=True).get_json()
    own = upload(partner, data=b"%PDF-1.4 partner opinion").get_json()
    assert own["visibility"] == {"client": False, "partner": False, "roles": [], "financial": False}
    assert _ids(_list(client, partner)) == {for_partners["id"], own["id"]}
    for hidden in (internal, for_client):
        assert client.get(f"/api/v1/documents/{hidden['id']}", headers=partner).status_code == 404


def test_a_partner_sees_a_solicitations_documents_only_for_their_own_solicitation(
    upload, client, event, gateway, settings, as_agent
):
    event("solicitation.created", {"solicitation_id": "sol-1", "dossier_id": "dos-1"})
    event("solicitation.created", {"solicitation_id": "sol-2", "dossier_id": "dos-1"})
    gateway.grant("dos-1", "partner-paul", partner=True, solicitation_ids=["sol-1"])
    partner = bearer(settings, "partner", "partner-paul")
    mine = upload(as_agent, owner_type="solicitation", owner_id="sol-1", partner=True).get_json()
    theirs = upload(as_agent, owner_type="solicitation", owner_id="sol-2", partner=True).get_json()
    assert mine["dossier_id"] == "dos-1"
    assert client.get(f"/api/v1/documents/{mine['id']}", headers=partner).status_code == 200
    assert client.get(f"/api/v1/documents/{theirs['id']}", headers=partner).status_code == 404


def test_a_partner_without_a_live_grant_sees_nothing(upload, client, settings, as_agent):
    partner = bearer(settings, "partner", "partner-paul")
    flagged = upload(as_agent, partner=True).get_json()
    assert _ids(_list(client, partner)) == set()
    assert client.get(f"/api/v1/documents/{flagged['id']}", headers=partner).status_code == 404
    assert upload(partner).status_code == 404


def test_a_contributor_sees_only_the_pieces_of_their_role(upload, client, gateway, settings, as_agent):
    gateway.grant("dos-1", "guarantor-gus", contributor_roles=["guarantor"])
    contributor = bearer(settings, "partner", "guarantor-gus")
    guarantor_piece = upload(as_agent, roles="guarantor").get_json()
    upload(as_agent, roles="tenant_2")
    upload(as_agent, partner=True)
    assert _ids(_list(client, contributor)) == {guarantor_piece["id"]}
    provided = upload(contributor, roles="tenant_2", category="supporting_piece").get_json()
    assert provided["visibility"]["roles"] == []  # between the contributor and staff until staff share it


def test_a_contributor_does_not_read_the_pieces_another_contributor_of_the_same_role_provided(
    upload, client, gateway, settings, as_agent
):
    for sub in ("tenant-ann", "tenant-ben"):
        gateway.grant("dos-1", sub, contributor_roles=["tenant"])
    ann, ben = bearer(settings, "partner", "tenant-ann"), bearer(settings, "partner", "tenant-ben")
    payslip = upload(ann, roles="tenant", category="supporting_piece").get_json()
    assert client.get(f"/api/v1/documents/{payslip['id']}", headers=ann).status_code == 200
    assert client.get(f"/api/v1/documents/{payslip['id']}", headers=ben).status_code == 404
    assert client.get(f"/api/v1/documents/{payslip['id']}/content", headers=ben).status_code == 404
    assert payslip["id"] not in _ids(_list(client, ben))
    shared = client.patch(f"/api/v1/documents/{payslip['id']}", json={"roles": ["tenant"]}, headers=as_agent)
    assert shared.status_code == 200, shared.get_json()
    assert client.get(f"/api/v1/documents/{payslip['id']}", headers=ben).status_code == 200


def test_a_participant_sees_what_the_client_sees(upload, client, gateway, settings, as_agent):
    gateway.grant("dos-1", "sub-contractor", participant=True)
    participant = bearer(settings, "partner", "sub-contractor")
    shared = upload(as_agent, client=True).get_json()
    upload(as_agent)
    assert _ids(_list(client, participant)) == {shared["id"]}


def test_a_participants_upload_is_client_visible_by_default_and_staff_can_take_it_back(
    upload, client, event, gateway, settings, db, as_agent, as_client
):
    _dossier_of(event)
    gateway.grant("dos-1", "sub-contractor", participant=True)
    participant = bearer(settings, "partner", "sub-contractor")
    response = upload(participant, partner=True, roles="guarantor")  # a participant chooses nothing else
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["visibility"] == {"client": True, "partner": False, "roles": [], "financial": False}
    assert client.get(f"/api/v1/documents/{report['id']}", headers=as_client).status_code == 200
    [added] = [e for e in outbox_events(db, "document.added") if e.data["document_id"] == report["id"]]
    assert added.data["visibility"]["client"] is True  # what tells the client side (notification)
    hidden = client.patch(f"/api/v1/documents/{report['id']}", json={"client": False}, headers=as_agent)
    assert hidden.status_code == 200, hidden.get_json()
    assert client.get(f"/api/v1/documents/{report['id']}", headers=as_client).status_code == 404
    assert client.get(f"/api/v1/documents/{report['id']}", headers=participant).status_code == 200  # the uploader


def test_a_contributors_piece_stays_private_even_when_they_are_also_a_participant(
    upload, client, event, gateway, settings, as_client
):
    _dossier_of(event)
    gateway.grant("dos-1", "guarantor-gus", contributor_roles=["guarantor"])
    gateway.grant("dos-1", "both-bea", contributor_roles=["tenant"], participant=True)
    for sub in ("guarantor-gus", "both-bea"):
        piece = upload(bearer(settings, "partner", sub), category="supporting_piece").get_json()
        assert piece["visibility"]["client"] is False and piece["visibility"]["roles"] == []
        assert client.get(f"/api/v1/documents/{piece['id']}", headers=as_client).status_code == 404


def test_a_third_party_check_fails_closed_when_the_gateway_is_down(
    app, upload, event, settings, db, as_agent, as_client
):
    from documents.app import create_app

    _dossier_of(event)
    shared = upload(as_agent, client=True, partner=True).get_json()
    offline = create_app(settings.replace(partner_gateway_url="http://127.0.0.1:1"), db).test_client()
    partner = bearer(settings, "partner", "partner-paul")
    assert offline.get(f"/api/v1/documents/{shared['id']}", headers=partner).status_code == 503
    assert offline.get(f"/api/v1/documents/{shared['id']}", headers=as_client).status_code == 200


def test_changing_visibility_changes_who_sees_and_publishes_the_event(upload, client, event, db, as_agent, as_client):
    _dossier_of(event)
    document = upload(as_agent).get_json()
    assert client.get(f"/api/v1/documents/{document['id']}", headers=as_client).status_code == 404
    response = client.patch(
        f"/api/v1/documents/{document['id']}", json={"client": True, "roles": ["guarantor"]}, headers=as_agent
    )
    assert response.status_code == 200
    assert response.get_json()["visibility"] == {
        "client": True,
        "partner": False,
        "roles": ["guarantor"],
        "financial": False,
    }
    assert client.get(f"/api/v1/documents/{document['id']}", headers=as_client).status_code == 200
    (changed,) = outbox_events(db, "document.visibility_changed")
    assert changed.data == {
        "document_id": document["id"],
        "owner_type": "dossier",
        "owner_id": "dos-1",
        "dossier_id": "dos-1",
        "visibility": {"client": True, "partner": False, "roles": ["guarantor"], "financial": False},
    }


def test_services_list_everything_and_may_narrow_to_partner_or_role(upload, client, as_agent, as_service, as_client):
    internal = upload(as_agent).get_json()
    for_partners = upload(as_agent, partner=True).get_json()
    for_guarantor = upload(as_agent, roles="guarantor").get_json()
    assert _ids(_list(client, as_service)) == {internal["id"], for_partners["id"], for_guarantor["id"]}
    assert _ids(_list(client, as_service, partner="true")) == {for_partners["id"]}
    assert _ids(_list(client, as_service, role="guarantor")) == {for_guarantor["id"]}
    assert _list(client, as_client, partner="true").status_code == 422


def test_a_service_uploads_on_behalf_of_a_partner(upload, client, db, as_service):
    response = upload(
        as_service,
        uploaded_by_sub="partner-paul",
        uploaded_by_role="partner",
        dossier_id="dos-1",
        owner_type="solicitation",
        owner_id="sol-9",
        category="opinion",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["uploaded_by"] == {"sub": "partner-paul", "role": "partner"}
    assert body["dossier_id"] == "dos-1"
    (added,) = outbox_events(db, "document.added")
    assert added.actor["sub"] == "service:partner-gateway"


def test_only_a_service_may_upload_on_behalf_of_someone(upload, as_agent):
    assert upload(as_agent, uploaded_by_sub="x", uploaded_by_role="partner").status_code == 403


def test_lists_are_paginated_with_a_cursor(upload, client, as_agent):
    created = [upload(as_agent, data=b"%PDF-1.4 " + str(index).encode()).get_json()["id"] for index in range(3)]
    first = _list(client, as_agent, limit=2).get_json()
    assert [item["id"] for item in first["items"]] == created[:2]
    second = _list(client, as_agent, limit=2, cursor=first["next_cursor"]).get_json()
    assert [item["id"] for item in second["items"]] == created[2:]
    assert second["next_cursor"] is None


def test_a_status_change_without_client_fields_keeps_the_known_client(upload, client, event, as_agent, as_client):
    _dossier_of(event)
    event("dossier.status_changed", {"dossier_id": "dos-1", "from": "a", "to": "b"})
    shared = upload(as_agent, client=True).get_json()
    assert client.get(f"/api/v1/documents/{shared['id']}", headers=as_client).status_code == 200


def test_a_third_partys_download_publishes_document_downloaded_for_the_audit_log(
    upload, client, gateway, settings, db, as_agent
):
    gateway.grant("dos-1", "partner-paul", partner=True, solicitation_ids=["sol-1"])
    partner = bearer(settings, "partner", "partner-paul")
    shared = upload(as_agent, partner=True).get_json()
    assert client.get(f"/api/v1/documents/{shared['id']}/content", headers=as_agent).status_code == 200
    assert outbox_events(db, "document.downloaded") == []  # staff reads are not third-party reads
    assert client.get(f"/api/v1/documents/{shared['id']}/content", headers=partner).status_code == 200
    [event] = outbox_events(db, "document.downloaded")
    assert (event.data["document_id"], event.data["dossier_id"], event.actor["sub"]) == (
        shared["id"],
        "dos-1",
        "partner-paul",
    )


def test_a_client_or_a_partner_never_reads_another_persons_account_id_in_uploaded_by(
    upload, client, event, gateway, settings, as_agent, as_client, as_service
):
    _dossier_of(event, client_sub="client-bob", client_org="acme")
    gateway.grant("dos-1", "partner-paul", partner=True, participant=True)
    partner = bearer(settings, "partner", "partner-paul")
    colleague = bearer(settings, "client", "client-dora", org="acme")
    by_staff = upload(as_agent, client=True, partner=True).get_json()
    by_bob = upload(as_client).get_json()  # client-visible by default
    by_paul = upload(partner, data=b"%PDF-1.4 partner opinion").get_json()

    def seen(headers, document):
        single = client.get(f"/api/v1/documents/{document['id']}", headers=headers)
        assert single.status_code == 200, single.get_json()
        (listed,) = [item for item in _list(client, headers).get_json()["items"] if item["id"] == document["id"]]
        assert listed["uploaded_by"] == single.get_json()["uploaded_by"]
        return single.get_json()["uploaded_by"]

    # staff and services keep every account id
    for headers in (as_agent, as_service):
        assert seen(headers, by_staff) == {"sub": "agent-alice", "role": "agent"}
        assert seen(headers, by_bob) == {"sub": "client-bob", "role": "client"}
        assert seen(headers, by_paul) == {"sub": "partner-paul", "role": "partner"}
    # the uploader keeps their own (the portal marks "mine" by it), nobody else's
    assert by_bob["uploaded_by"] == {"sub": "client-bob", "role": "client"}
    assert seen(as_client, by_bob) == {"sub": "client-bob", "role": "client"}
    assert seen(as_client, by_staff) == {"role": "agent"}
    assert seen(colleague, by_bob) == {"role": "client"}
    assert seen(colleague, by_staff) == {"role": "agent"}
    assert by_paul["uploaded_by"] == {"sub": "partner-paul", "role": "partner"}
    assert seen(partner, by_paul) == {"sub": "partner-paul", "role": "partner"}
    assert seen(partner, by_staff) == {"role": "agent"}
    assert seen(partner, by_bob) == {"role": "client"}
    for headers, others in ((as_client, ("agent-alice",)), (colleague, ("agent-alice", "client-bob"))):
        assert not any(sub in _list(client, headers).get_data(as_text=True) for sub in others)
    assert "agent-alice" not in _list(client, partner).get_data(as_text=True)


def test_the_openapi_says_uploaded_by_sub_may_be_absent(client):
    actor = client.get("/openapi.json").get_json()["components"]["schemas"]["ActorRef"]
    assert "sub" in actor["properties"] and "sub" not in actor.get("required", [])
    assert "left out" in actor["properties"]["sub"]["description"]
