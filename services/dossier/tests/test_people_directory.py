"""The people directory: persons, organisations, members, search, keyset pages, first sign-in, access, merge,
import, export, erasure."""

import pytest

from platform_shared.testing.unit import bearer, outbox_events


def person(client, headers, **body):
    body.setdefault("name", "Sophie Bernard")
    return client.post("/api/v1/people", json=body, headers=headers)


def organisation(client, headers, **body):
    body.setdefault("name", "Bernard & Associés")
    return client.post("/api/v1/organisations", json=body, headers=headers)


def count(db, table):
    with db.read_only() as session:
        from sqlalchemy import text

        return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def sophie(client, as_agent):
    response = person(client, as_agent, email="Sophie@Bernard.example", phone="+33 1 23 45 67 89", language="fr")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def company(client, as_agent):
    response = organisation(client, as_agent, code="acme", registration_number="RCS 123 456 789")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_staff_create_a_person_with_a_normalised_email_and_an_event(client, as_agent, sophie, db):
    assert sophie["email"] == "sophie@bernard.example" and sophie["source"] == "staff"
    (event,) = outbox_events(db, "person.created")
    assert event.data["person_id"] == sophie["id"]
    assert event.data["name"] == "Sophie Bernard" and event.data["language"] == "fr"


def test_a_duplicate_email_is_a_422_and_nothing_is_written(client, as_agent, sophie, db):
    response = person(client, as_agent, name="Other", email="sophie@BERNARD.example")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "email" in response.get_json()["errors"]
    assert count(db, "persons") == 1
    other = person(client, as_agent, name="Other", email="other@x.example").get_json()
    patched = client.patch(f"/api/v1/people/{other['id']}", json={"email": "sophie@bernard.example"}, headers=as_agent)
    assert patched.status_code == 422


def test_search_by_name_email_and_phone_number(client, as_agent, sophie):
    person(client, as_agent, name="Marc Lefèvre", email="marc@bernard.example")
    person(client, as_agent, name="Julien Moreau", email="julien@partner.example")

    def names(q):
        response = client.get("/api/v1/people", query_string={"q": q}, headers=as_agent)
        assert response.status_code == 200
        return [item["name"] for item in response.get_json()["items"]]

    assert names("sophie") == ["Sophie Bernard"]
    assert names("bernard.example") == ["Marc Lefèvre", "Sophie Bernard"]
    assert names("45 67") == ["Sophie Bernard"]
    assert names("100%_") == []


def test_persons_come_in_keyset_pages_by_name(client, as_agent):
    for name in ("Delta", "alpha", "Charlie", "bravo", "Echo"):
        assert person(client, as_agent, name=name).status_code == 201
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/people", query_string=query, headers=as_agent).get_json()
        seen += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == ["alpha", "bravo", "Charlie", "Delta", "Echo"]
    forged = client.get("/api/v1/people", query_string={"cursor": "bm90LWpzb24"}, headers=as_agent)
    assert forged.status_code == 422


def test_organisations_search_by_name_and_registration_number(client, as_agent, company):
    organisation(client, as_agent, name="Globex", registration_number="RCS 999")
    by_number = client.get("/api/v1/organisations", query_string={"q": "123 456"}, headers=as_agent).get_json()
    assert [item["id"] for item in by_number["items"]] == [company["id"]]
    by_name = client.get("/api/v1/organisations", query_string={"q": "associés"}, headers=as_agent).get_json()
    assert [item["name"] for item in by_name["items"]] == ["Bernard & Associés"]


def test_an_organisation_code_or_number_taken_is_a_422(client, as_agent, company, db):
    assert organisation(client, as_agent, name="Other", code="acme").status_code == 422
    assert organisation(client, as_agent, name="Other", registration_number="RCS 123 456 789").status_code == 422
    assert count(db, "organisations") == 1


def test_members_with_their_function(client, as_agent, sophie, company, db):
    url = f"/api/v1/organisations/{company['id']}/members"
    added = client.post(url, json={"person_id": sophie["id"], "function": "Gérante"}, headers=as_agent)
    assert added.status_code == 201
    assert added.get_json() == {
        "person_id": sophie["id"],
        "name": "Sophie Bernard",
        "email": "sophie@bernard.example",
        "function": "Gérante",
    }
    assert outbox_events(db, "person.updated")[-1].data["organisation_ids"] == [company["id"]]
    twice = client.post(url, json={"person_id": sophie["id"]}, headers=as_agent)
    assert twice.status_code == 409 and twice.content_type == "application/problem+json"
    unknown_person = client.post(url, json={"person_id": "nope"}, headers=as_agent)
    assert unknown_person.status_code == 422 and "person_id" in unknown_person.get_json()["errors"]
    unknown_org = client.post("/api/v1/organisations/nope/members", json={"person_id": sophie["id"]}, headers=as_agent)
    assert unknown_org.status_code == 404
    assert count(db, "organisation_members") == 1
    changed = client.patch(f"{url}/{sophie['id']}", json={"function": "Associée"}, headers=as_agent)
    assert changed.get_json()["function"] == "Associée"
    page = client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()
    assert page["organisations"] == [
        {"organisation_id": company["id"], "code": "acme", "name": "Bernard & Associés", "function": "Associée"}
    ]
    assert client.delete(f"{url}/{sophie['id']}", headers=as_agent).get_json() == []
    assert client.get(url, headers=as_agent).get_json() == []


def test_a_dossier_refers_to_directory_entries(client, as_agent, sophie, company, model_id, db):
    body = {
        "model_id": model_id,
        "title": "Bail",
        "client_person_id": sophie["id"],
        "client_organisation_id": company["id"],
        "fields": {"site_name": "x"},
    }
    created = client.post("/api/v1/dossiers", json=body, headers=as_agent)
    assert created.status_code == 201, created.get_json()
    dossier = created.get_json()
    assert dossier["client_name"] == "Sophie Bernard" and dossier["client_email"] == "sophie@bernard.example"
    assert dossier["client_org"] == "acme" and dossier["client_org_name"] == "Bernard & Associés"
    assert dossier["client_person_id"] == sophie["id"]
    event = outbox_events(db, "dossier.created")[-1]
    assert event.data["client_name"] == "Sophie Bernard" and event.data["client_language"] == "fr"
    for key in ("client_person_id", "client_organisation_id"):
        response = client.post("/api/v1/dossiers", json={**body, key: "unknown"}, headers=as_agent)
        assert response.status_code == 422 and key in response.get_json()["errors"]
    assert count(db, "dossiers") == 1


def test_the_person_and_organisation_pages_list_dossiers_contracts_and_activity(
    client, as_agent, sophie, company, model_id, settings
):
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example")
    client.post("/api/v1/people/me", headers=as_sophie)
    for kind in ("dossier", "contract"):
        client.post(
            "/api/v1/dossiers",
            json={
                "model_id": model_id,
                "title": f"A {kind}",
                "kind": kind,
                "client_person_id": sophie["id"],
                "client_organisation_id": company["id"],
                "fields": {"site_name": "x"},
            },
            headers=as_agent,
        )
    dossier_id = client.get("/api/v1/dossiers", headers=as_agent).get_json()["items"][-1]["id"]
    client.post(f"/api/v1/dossiers/{dossier_id}/notes", json={"body": "Question"}, headers=as_sophie)
    page = client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()
    assert [item["title"] for item in page["dossiers"]] == ["A dossier"]
    assert [item["title"] for item in page["contracts"]] == ["A contract"]
    assert [item["kind"] for item in page["recent_activity"]] == ["note"]
    org_page = client.get(f"/api/v1/organisations/{company['id']}", headers=as_agent).get_json()
    assert len(org_page["dossiers"]) == 1 and len(org_page["contracts"]) == 1
    assert len(org_page["recent_activity"]) >= 3


def test_first_sign_in_creates_the_entry_from_the_claims(client, settings, db):
    headers = bearer(settings, "client", "sub-new", email="New@Client.example", name="Nouveau Client", locale="en")
    first = client.post("/api/v1/people/me", headers=headers)
    assert first.status_code == 200
    entry = first.get_json()
    assert (entry["name"], entry["email"], entry["language"], entry["sub"], entry["source"]) == (
        "Nouveau Client",
        "new@client.example",
        "en",
        "sub-new",
        "sign_in",
    )
    again = client.post("/api/v1/people/me", headers=headers).get_json()
    assert again["id"] == entry["id"]
    assert len(outbox_events(db, "person.created")) == 1 and outbox_events(db, "person.updated") == []


def test_two_first_sign_ins_of_one_account_at_once_answer_the_same_entry(client, settings, db, monkeypatch):
    """The other sign-in created the entry after this one looked (unique sub): read it, never a 500."""
    from dossier.services import people

    headers = bearer(settings, "client", "sub-twice", email="twice@client.example", name="Deux Fois")
    first = client.post("/api/v1/people/me", headers=headers).get_json()
    looked = people.person_by_sub
    misses = iter([True])

    def not_yet_visible(session, sub):
        return None if next(misses, False) else looked(session, sub)

    monkeypatch.setattr(people, "person_by_sub", not_yet_visible)
    monkeypatch.setattr(people, "normal_email", lambda _email: None)  # no match by email either
    raced = client.post("/api/v1/people/me", headers=headers)
    assert raced.status_code == 200 and raced.get_json()["id"] == first["id"]
    assert len(outbox_events(db, "person.created")) == 1


def test_sign_in_matches_by_email_and_never_overwrites_what_staff_typed(client, as_agent, sophie, settings, db):
    headers = bearer(settings, "client", "sub-sophie", email="SOPHIE@bernard.example", name="sophie b", locale="en")
    entry = client.post("/api/v1/people/me", headers=headers).get_json()
    assert entry["id"] == sophie["id"] and entry["sub"] == "sub-sophie"
    assert entry["name"] == "Sophie Bernard" and entry["language"] == "fr"
    assert outbox_events(db, "person.updated")[-1].data["sub"] == "sub-sophie"
    imported_blank = person(client, as_agent, name="Paul", email="paul@x.example").get_json()
    paul = bearer(settings, "client", "sub-paul", email="paul@x.example", locale="en")
    assert client.post("/api/v1/people/me", headers=paul).get_json()["language"] == "en"
    assert client.get(f"/api/v1/people/{imported_blank['id']}", headers=as_agent).get_json()["name"] == "Paul"


def test_a_client_portal_request_puts_the_requester_in_the_directory(client, settings, model_id, db):
    headers = bearer(settings, "client", "sub-lea", email="lea@x.example", name="Léa Garnier", org="acme")
    response = client.post(
        "/api/v1/dossiers",
        json={"model_id": model_id, "title": "Demande", "fields": {"site_name": "x"}},
        headers=headers,
    )
    assert response.status_code == 201
    found = client.get(
        "/api/v1/people", query_string={"q": "garnier"}, headers=bearer(settings, "agent", "agent-x")
    ).get_json()
    assert [item["sub"] for item in found["items"]] == ["sub-lea"]


def test_company_membership_from_the_directory_opens_the_company_dossiers(
    client, as_agent, company, new_dossier, settings
):
    dossier = new_dossier(client_sub="someone-else")  # client_org acme
    outsider = bearer(settings, "client", "sub-marc", email="marc@bernard.example")  # no org claim
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=outsider).status_code == 404
    assert client.get("/api/v1/dossiers", headers=outsider).get_json()["items"] == []
    marc = client.post("/api/v1/people/me", headers=outsider).get_json()
    client.post(f"/api/v1/organisations/{company['id']}/members", json={"person_id": marc["id"]}, headers=as_agent)
    assert client.get(f"/api/v1/dossiers/{dossier['id']}", headers=outsider).status_code == 200
    assert [item["id"] for item in client.get("/api/v1/dossiers", headers=outsider).get_json()["items"]] == [
        dossier["id"]
    ]
    company_page = client.get(f"/api/v1/organisations/{company['id']}", headers=outsider)
    assert company_page.status_code == 200
    assert company_page.get_json()["members"] == [{"person_id": marc["id"], "name": None, "function": None}]
    assert "dossiers" not in company_page.get_json()


def test_a_client_sees_only_their_own_entry_and_company(client, as_agent, sophie, company, settings):
    other = organisation(client, as_agent, name="Globex", code="globex").get_json()
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example", org="acme")
    me = client.post("/api/v1/people/me", headers=as_sophie).get_json()
    stranger = person(client, as_agent, name="Stranger").get_json()
    assert client.get(f"/api/v1/people/{me['id']}", headers=as_sophie).status_code == 200
    assert "dossiers" not in client.get(f"/api/v1/people/{me['id']}", headers=as_sophie).get_json()
    assert client.get(f"/api/v1/people/{stranger['id']}", headers=as_sophie).status_code == 404
    assert client.get(f"/api/v1/organisations/{company['id']}", headers=as_sophie).status_code == 200
    assert client.get(f"/api/v1/organisations/{other['id']}", headers=as_sophie).status_code == 404
    assert client.get("/api/v1/people", headers=as_sophie).status_code == 403
    assert client.get("/api/v1/organisations", headers=as_sophie).status_code == 403
    as_partner = bearer(settings, "partner", "partner-pat")
    assert client.get(f"/api/v1/people/{stranger['id']}", headers=as_partner).status_code == 403


def test_the_timeline_names_actors_from_the_directory(client, as_agent, sophie, settings, new_dossier):
    dossier = new_dossier(client_sub="sub-sophie")
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example")  # no name claim
    client.post("/api/v1/people/me", headers=as_sophie)
    client.post(f"/api/v1/dossiers/{dossier['id']}/notes", json={"body": "Bonjour"}, headers=as_sophie)
    items = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=as_agent).get_json()["items"]
    note = next(item for item in items if item["kind"] == "note")
    assert note["actor_name"] == "Sophie Bernard"
    notes = client.get(f"/api/v1/dossiers/{dossier['id']}/notes", headers=as_agent).get_json()["items"]
    assert notes[0]["author_name"] == "Sophie Bernard"


def test_merge_folds_a_duplicate_into_the_kept_entry(client, as_agent, sophie, company, model_id, db):
    duplicate = person(client, as_agent, name="S. Bernard", email="sb@old.example", postal_address="1 rue X").get_json()
    client.post(
        f"/api/v1/organisations/{company['id']}/members",
        json={"person_id": duplicate["id"], "function": "Gérante"},
        headers=as_agent,
    )
    dossier = client.post(
        "/api/v1/dossiers",
        json={"model_id": model_id, "title": "T", "client_person_id": duplicate["id"], "fields": {"site_name": "x"}},
        headers=as_agent,
    ).get_json()
    merged = client.post(
        f"/api/v1/people/{sophie['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=as_agent
    )
    assert merged.status_code == 200, merged.get_json()
    kept = merged.get_json()
    assert kept["email"] == "sophie@bernard.example" and kept["postal_address"] == "1 rue X"
    page = client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()
    assert [item["function"] for item in page["organisations"]] == ["Gérante"]
    assert [item["id"] for item in page["dossiers"]] == [dossier["id"]]
    assert client.get(f"/api/v1/people/{duplicate['id']}", headers=as_agent).get_json()["merged_into"] == sophie["id"]
    listed = client.get("/api/v1/people", headers=as_agent).get_json()["items"]
    assert [item["id"] for item in listed] == [sophie["id"]]
    assert outbox_events(db, "person.merged")[0].data == {"person_id": sophie["id"], "duplicate_id": duplicate["id"]}
    again = client.post(
        f"/api/v1/people/{sophie['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=as_agent
    )
    assert again.status_code == 422
    itself = client.post(f"/api/v1/people/{sophie['id']}/merge", json={"duplicate_id": sophie["id"]}, headers=as_agent)
    assert itself.status_code == 422


def test_two_signed_in_accounts_are_not_merged(client, as_agent, settings):
    one = client.post("/api/v1/people/me", headers=bearer(settings, "client", "a", email="a@x.example")).get_json()
    two = client.post("/api/v1/people/me", headers=bearer(settings, "client", "b", email="b@x.example")).get_json()
    response = client.post(f"/api/v1/people/{one['id']}/merge", json={"duplicate_id": two["id"]}, headers=as_agent)
    assert response.status_code == 409


def csv_import(client, headers, text):
    return client.post("/api/v1/people/import", data=text.encode(), content_type="text/csv", headers=headers)


def test_csv_import_creates_persons_and_memberships(client, as_agent, sophie, company, db):
    text = (
        "name,email,phone,language,organisation,function\n"
        "Marc Lefèvre,marc@bernard.example,0102,fr,acme,Associé\n"
        "Sophie Renamed,sophie@bernard.example,,en,RCS 123 456 789,Gérante\n"
        "\n"
        "Sans Email,,,,,\n"
    )
    response = csv_import(client, as_agent, text)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert (report["created"], report["updated"], report["unchanged"], report["memberships_added"]) == (2, 0, 1, 2)
    kept = client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()
    assert kept["name"] == "Sophie Bernard" and kept["language"] == "fr"  # staff typed them
    members = client.get(f"/api/v1/organisations/{company['id']}/members", headers=as_agent).get_json()
    assert sorted(item["name"] for item in members) == ["Marc Lefèvre", "Sophie Bernard"]
    assert count(db, "persons") == 3


def test_a_bad_csv_line_imports_nothing_and_names_every_line(client, as_agent, company, db):
    text = (
        "name,email,organisation\n"
        "Good,good@x.example,acme\n"
        ",missing@x.example,\n"
        "Bad Email,not-an-email,\n"
        "Twice,good@x.example,\n"
        "Unknown Org,u@x.example,nowhere\n"
    )
    response = csv_import(client, as_agent, text)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert sorted(response.get_json()["errors"]) == ["line 3", "line 4", "line 5", "line 6"]
    assert count(db, "persons") == 0 and count(db, "organisation_members") == 0
    assert csv_import(client, as_agent, "nom,courriel\nx,y\n").status_code == 422
    assert csv_import(client, as_agent, "name,email\n").status_code == 422
    wrong_type = client.post("/api/v1/people/import", json={"name": "x"}, headers=as_agent)
    assert wrong_type.status_code == 415
    not_utf8 = client.post("/api/v1/people/import", data=b"name\n\xff\n", content_type="text/csv", headers=as_agent)
    assert not_utf8.status_code == 422
    with_nul = client.post("/api/v1/people/import", data=b"name\nA\x00B\n", content_type="text/csv", headers=as_agent)
    assert with_nul.status_code == 422
    unclosed = client.post("/api/v1/people/import", data=b'name\n"Open\n', content_type="text/csv", headers=as_agent)
    assert unclosed.status_code in (200, 422)


def test_export_is_staffs_or_the_persons_own(client, as_agent, sophie, settings, new_dossier):
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example")
    client.post("/api/v1/people/me", headers=as_sophie)
    dossier = new_dossier(client_sub="sub-sophie")
    client.post(f"/api/v1/dossiers/{dossier['id']}/notes", json={"body": "Ma question"}, headers=as_sophie)
    mine = client.get(f"/api/v1/people/{sophie['id']}/export", headers=as_sophie)
    assert mine.status_code == 200
    body = mine.get_json()
    assert body["person"]["email"] == "sophie@bernard.example"
    assert [item["id"] for item in body["dossiers"]] == [dossier["id"]]
    assert [item["body"] for item in body["notes"]] == ["Ma question"]
    assert client.get(f"/api/v1/people/{sophie['id']}/export", headers=as_agent).status_code == 200
    other = bearer(settings, "client", "sub-other")
    assert client.get(f"/api/v1/people/{sophie['id']}/export", headers=other).status_code == 404


def test_erasure_is_refused_while_an_open_dossier_is_held(client, as_admin, as_agent, sophie, new_dossier, db):
    dossier = new_dossier(client_person_id=sophie["id"], client_sub=None, client_email=None)
    refused = client.post(f"/api/v1/people/{sophie['id']}/erase", headers=as_admin)
    assert refused.status_code == 409 and dossier["reference"] in refused.get_json()["detail"]
    assert client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()["email"] == sophie["email"]
    assert outbox_events(db, "person.erased") == []
    assert client.post(f"/api/v1/people/{sophie['id']}/erase", headers=as_agent).status_code == 403


def test_erasure_anonymises_the_person_and_their_dossier_data(client, as_admin, as_agent, settings, new_dossier, db):
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example", name="Sophie Bernard")
    entry = client.post("/api/v1/people/me", headers=as_sophie).get_json()
    dossier = new_dossier(client_sub="sub-sophie", client_email="sophie@bernard.example", client_name="Sophie Bernard")
    client.post(f"/api/v1/dossiers/{dossier['id']}/notes", json={"body": "Signé Sophie Bernard"}, headers=as_sophie)
    client.post(f"/api/v1/dossiers/{dossier['id']}/close", headers=as_agent)
    erased = client.post(f"/api/v1/people/{entry['id']}/erase", headers=as_admin)
    assert erased.status_code == 200, erased.get_json()
    assert erased.get_json()["erased"] is True and erased.get_json()["email"] is None
    (event,) = outbox_events(db, "person.erased")
    assert event.data == {"person_id": entry["id"], "sub": "sub-sophie", "reason": None}
    from sqlalchemy import text

    with db.read_only() as session:
        for table in ("persons", "dossiers", "notes", "timeline_entries", "outbox"):
            dump = " ".join(str(row) for row in session.execute(text(f"SELECT * FROM {table}")))
            for value in ("sophie@bernard.example", "Sophie Bernard"):
                assert value not in dump, (table, value)
    assert client.post(f"/api/v1/people/{entry['id']}/erase", headers=as_admin).status_code == 404


def test_a_member_without_an_org_claim_files_for_the_company_the_directory_knows(
    client, as_agent, sophie, company, model_id, settings
):
    client.post(f"/api/v1/organisations/{company['id']}/members", json={"person_id": sophie["id"]}, headers=as_agent)
    as_sophie = bearer(settings, "client", "sub-sophie", email="sophie@bernard.example")  # no org, no name
    created = client.post(
        "/api/v1/requests",
        json={"kind": "dossier", "model_id": model_id, "title": "Demande", "fields": {"site_name": "x"}},
        headers=as_sophie,
    )
    assert created.status_code == 201, created.get_json()
    staff_view = client.get(f"/api/v1/dossiers/{created.get_json()['id']}", headers=as_agent).get_json()
    assert (staff_view["client_org"], staff_view["client_org_name"]) == ("acme", "Bernard & Associés")
    assert staff_view["client_name"] == "Sophie Bernard"
    assert staff_view["client_person_id"] == sophie["id"]
    colleague = bearer(settings, "client", "client-carol", org="acme")
    assert client.get(f"/api/v1/dossiers/{staff_view['id']}", headers=colleague).status_code == 200


def test_third_parties_see_the_client_s_name_and_nothing_else_of_them(client, as_service, sophie, new_dossier):
    dossier = new_dossier(client_person_id=sophie["id"], client_sub=None, client_email=None)
    for view in ("partner-view", "participant-view"):
        body = client.get(f"/api/v1/dossiers/{dossier['id']}/{view}", headers=as_service).get_json()
        assert body["client_name"] == "Sophie Bernard", view
        assert "client_email" not in body and "client_sub" not in body and "client_person_id" not in body, view


def test_a_timeline_names_an_account_the_directory_does_not_know_by_a_pseudonym_never_its_id(
    client, as_agent, settings, new_dossier
):
    from platform_shared.pseudonyms import pseudonym

    dossier = new_dossier(client_sub="acct-7f3e9b21", client_email=None)
    as_unknown = bearer(settings, "client", "acct-7f3e9b21", org="acme")  # no name, no email: not in the directory
    response = client.post(f"/api/v1/dossiers/{dossier['id']}/notes", json={"body": "Bonjour"}, headers=as_unknown)
    assert response.status_code == 201, response.get_json()
    items = client.get(f"/api/v1/dossiers/{dossier['id']}/timeline", headers=as_agent).get_json()["items"]
    note = next(item for item in items if item["kind"] == "note")
    assert note["actor_name"] == pseudonym("acct-7f3e9b21", "client")
    assert "acct-7f3e9b21" not in note["actor_name"] and "acct-7f3e9b21" not in note["summary"]
    assert note["summary"] == f"Note by {pseudonym('acct-7f3e9b21', 'client')}"


@pytest.fixture
def client_with_broker_down(settings, db, service_under_test):
    """The service as in production (dead letters rewritten on erasure) with a broker it cannot reach."""
    app = service_under_test.create_app(settings.replace(erasure_redacts_dead_letters=True), db)
    app.config["TESTING"] = True
    return app.test_client()


def test_an_erasure_is_a_503_and_erases_nothing_while_the_dead_letters_cannot_be_reached(
    client, client_with_broker_down, as_admin, as_agent, sophie, db
):
    response = client_with_broker_down.post(f"/api/v1/people/{sophie['id']}/erase", json={}, headers=as_admin)
    assert response.status_code == 503 and response.content_type == "application/problem+json"
    assert client.get(f"/api/v1/people/{sophie['id']}", headers=as_agent).get_json()["email"] == sophie["email"]
    assert outbox_events(db, "person.erased") == []


def test_an_erasure_rewrites_the_queues_with_every_value_and_the_platform_wide_unrouted_queue_too(sophie, db):
    """The directory's owner rewrites ``domain.unrouted`` (one queue for the platform) besides its own queues."""
    from dossier.services import people
    from platform_shared.auth import Caller

    calls = []
    with db.transaction() as session:
        people.erase(
            session,
            Caller(sub="admin-ada", role="admin"),
            sophie["id"],
            dead_letters=lambda values, **options: calls.append((set(values), options)),
        )
    [(values, options)] = calls
    assert {sophie["email"], sophie["name"], "+33 1 23 45 67 89"} <= values and options == {"unrouted": True}
