"""The dossier list: what each caller sees, filters, text search, keyset pagination."""

import pytest


def listing(client, headers, query=""):
    response = client.get(f"/api/v1/dossiers{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def titles(client, headers, query=""):
    return [item["title"] for item in listing(client, headers, query)["items"]]


@pytest.fixture
def three(new_dossier, client, as_agent):
    mine = new_dossier(title="Bob's roof", client_org=None)
    company = new_dossier(title="Acme warehouse", client_sub="client-carol", assignee_sub="agent-zoe")
    other = new_dossier(title="Globex lab", client_sub="client-dave", client_org="globex")
    client.post(f"/api/v1/dossiers/{company['id']}/transitions", json={"to": "in_review"}, headers=as_agent)
    return mine, company, other


def test_agents_list_everything_newest_first(client, as_agent, three):
    assert titles(client, as_agent) == ["Globex lab", "Acme warehouse", "Bob's roof"]


def test_a_client_lists_their_own_and_their_company_s_dossiers(client, as_client, as_stranger, three):
    assert titles(client, as_client) == ["Acme warehouse", "Bob's roof"]
    assert titles(client, as_stranger) == ["Globex lab"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?status=in_review", ["Acme warehouse"]),
        ("?assignee=agent-zoe", ["Acme warehouse"]),
        ("?category=corporate", ["Globex lab", "Acme warehouse", "Bob's roof"]),
        ("?category=litigation", []),
        ("?origin=portal", []),
        ("?q=ROOF", ["Bob's roof"]),
        ("?q=100%25", []),
    ],
)
def test_filters(client, as_agent, three, query, expected):
    assert titles(client, as_agent, query) == expected


def test_text_search_matches_the_reference(client, as_agent, three):
    reference = three[2]["reference"]
    assert titles(client, as_agent, f"?q={reference.lower()}") == ["Globex lab"]


def test_keyset_pagination_walks_every_dossier_once(client, as_agent, new_dossier):
    created = {new_dossier(title=f"d{index}")["id"] for index in range(7)}
    seen, cursor = [], None
    while True:
        page = listing(client, as_agent, "?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 and set(seen) == created


def test_a_garbled_cursor_is_422(client, as_agent):
    assert client.get("/api/v1/dossiers?cursor=%%%", headers=as_agent).status_code == 422


def test_clients_see_list_statuses_as_clients(client, as_agent, as_client, three):
    client.post(f"/api/v1/dossiers/{three[0]['id']}/transitions", json={"to": "screening"}, headers=as_agent)
    item = next(entry for entry in listing(client, as_client)["items"] if entry["id"] == three[0]["id"])
    assert item["status_label"] == "Submitted" and "partner_visible" not in item
