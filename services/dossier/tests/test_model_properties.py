"""Properties of models: any model built from a small vocabulary (so references collide) is either valid or refused
with ``InvalidModel``; any valid model is accepted and carries a dossier through its transitions."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.domain.errors import InvalidModel
from dossier.domain.model_definition import FIELD_TYPES, validate_model

KEYS = st.sampled_from(["a", "b", "c", "d"])
CODES = st.sampled_from(["new", "open", "done"])
ROLES = st.sampled_from(["guarantor", "tenant"])

FIELD = st.fixed_dictionaries(
    {
        "key": KEYS,
        "label": st.just("L"),
        "type": st.sampled_from(FIELD_TYPES),
        "required": st.booleans(),
        "choices": st.lists(st.just("x"), max_size=1),
        "financial": st.booleans(),
    }
)
ENTRY = st.fixed_dictionaries({"key": KEYS, "mode": st.sampled_from(["read", "write"])})
PARTNER_ENTRY = st.fixed_dictionaries(
    {"key": KEYS, "mode": st.sampled_from(["read", "write"]), "source": st.sampled_from(["portal", "crm", "partner"])}
)
MODELS = st.fixed_dictionaries(
    {
        "fields": st.lists(FIELD, max_size=4),
        "partner_fields": st.lists(FIELD, max_size=1),
        "views": st.fixed_dictionaries(
            {
                "portal": st.lists(ENTRY, max_size=3),
                "crm": st.lists(ENTRY, max_size=3),
                "partner": st.lists(PARTNER_ENTRY, max_size=2),
            }
        ),
        "statuses": st.lists(
            st.fixed_dictionaries(
                {
                    "code": CODES,
                    "label": st.just("S"),
                    "initial": st.booleans(),
                    "terminal": st.booleans(),
                    "partner_visible": st.booleans(),
                    "client_visible": st.booleans(),
                }
            ),
            min_size=1,
            max_size=3,
        ),
        "transitions": st.lists(st.fixed_dictionaries({"from": CODES, "to": CODES}), max_size=3),
        "roles": st.lists(st.fixed_dictionaries({"code": ROLES, "label": st.just("R")}), max_size=2),
        "pieces": st.lists(
            st.fixed_dictionaries(
                {"code": st.just("p"), "label": st.just("P"), "role": ROLES, "required": st.booleans()}
            ),
            max_size=2,
        ),
    }
)


@given(MODELS)
@settings(max_examples=300, deadline=None, database=None)
def test_validation_never_fails_otherwise_than_with_invalid_model(raw):
    try:
        model = validate_model(raw)
    except InvalidModel as error:
        assert error.errors and all(messages for messages in error.errors.values())
        return
    assert sum(status.initial for status in model.statuses.values()) == 1
    assert all(source != "partner" or key in model.partner_fields for key, source in model.partner_sources.items())


@st.composite
def valid_models(draw):
    """Models valid by construction: unique keys, one initial status, choices where needed, no exit from terminal."""
    fields = draw(st.lists(FIELD, max_size=4, unique_by=lambda field: field["key"]))
    for field in fields:
        field["choices"] = ["x"] if field["type"] == "choice" else []
    keys = [field["key"] for field in fields]
    entries = (
        st.lists(ENTRY.filter(lambda entry: entry["key"] in keys), max_size=3, unique_by=lambda entry: entry["key"])
        if keys
        else st.just([])
    )
    portal, crm = draw(entries), draw(entries)
    partner = [
        {"key": entry["key"], "mode": draw(st.sampled_from(["read", "write"])), "source": "portal"}
        for entry in portal[:1]
    ]
    codes = draw(st.lists(CODES, min_size=1, max_size=3, unique=True))
    statuses = [
        {
            "code": code,
            "label": code,
            "initial": index == 0,
            "terminal": index == len(codes) - 1 > 0,
            "partner_visible": draw(st.booleans()),
            "client_visible": draw(st.booleans()),
        }
        for index, code in enumerate(codes)
    ]
    open_codes = [status["code"] for status in statuses if not status["terminal"]]
    transitions = draw(
        st.lists(st.fixed_dictionaries({"from": st.sampled_from(open_codes), "to": st.sampled_from(codes)}), max_size=4)
    )
    return {
        "fields": fields,
        "partner_fields": [],
        "views": {"portal": portal, "crm": crm, "partner": partner},
        "statuses": statuses,
        "transitions": transitions,
        "roles": [{"code": "guarantor", "label": "G"}],
        "pieces": [{"code": "p", "label": "P", "role": "guarantor", "required": True}],
    }


@given(valid_models())
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_valid_model_is_accepted_and_carries_a_dossier_through_its_transitions(client, as_admin, as_agent, raw):
    body = {"name": "Generated", "category": "grant", **raw}
    response = client.post("/api/v1/models", json=body, headers=as_admin)
    assert response.status_code == 201, response.get_json()
    model = response.get_json()
    required = {
        field["key"]: _sample(field)
        for field in raw["fields"]
        if field["required"]
        and any(entry["key"] == field["key"] and entry["mode"] == "write" for entry in raw["views"]["crm"])
    }
    created = client.post(
        "/api/v1/dossiers", json={"model_id": model["id"], "title": "t", "fields": required}, headers=as_agent
    )
    assert created.status_code == 201, created.get_json()
    dossier_id = created.get_json()["id"]
    for transition in raw["transitions"]:
        moved = client.post(
            f"/api/v1/dossiers/{dossier_id}/transitions", json={"to": transition["to"]}, headers=as_agent
        )
        assert moved.status_code in (200, 409)
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=as_agent).status_code == 200


def _sample(field):
    return {
        "text": "t",
        "long_text": "t",
        "number": 1,
        "date": "2026-01-01",
        "boolean": True,
        "choice": "x",
        "email": "a@b.example",
        "amount": 2,
    }[field["type"]]
