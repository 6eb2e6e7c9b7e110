"""The demo loader's refusals, checked before it calls anything."""

from __future__ import annotations

import pytest
from helpers import PRODUCTION, make_settings

from web.demo.loader import DemoLoader, LoadRefused


def test_the_demo_data_is_never_loaded_in_production(apis):
    with pytest.raises(LoadRefused, match="production"):
        DemoLoader(make_settings(apis, **PRODUCTION)).run(wait_seconds=0)
    assert apis.calls() == []


def test_demo_data_0_turns_it_off(apis):
    with pytest.raises(LoadRefused, match="DEMO_DATA=0"):
        DemoLoader(make_settings(apis, demo_data=False)).run(wait_seconds=0)
    assert apis.calls() == []


def test_databases_holding_other_data_are_left_alone(apis):
    for service in ("dossier", "partner-gateway", "attestation", "notification", "documents"):
        apis.answer(service, "GET", "/readyz", body={"status": "ready"})
    apis.answer("dossier", "GET", "/models", body={"items": [{"id": "m", "name": "Permis de construire"}]})
    with pytest.raises(LoadRefused, match="other data"):
        DemoLoader(make_settings(apis)).run(wait_seconds=5)
    assert [call.method for call in apis.calls()] and all(call.method == "GET" for call in apis.calls())
