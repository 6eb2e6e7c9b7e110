"""The demo data set loaded by `make run` (through the APIs, as the demo people): a second run changes nothing."""

from __future__ import annotations

from scenario_helpers import call, ok

from web.demo.loader import DemoLoader
from web.demo.people import BY_KEY


def counts(platform) -> dict[str, int]:
    agent = platform.headers("agent", BY_KEY["agent"].sub)
    admin = platform.headers("admin", BY_KEY["admin"].sub)
    return {
        "models": len(ok(call(platform, "dossier", "GET", "/models", admin, params={"limit": 100}))["items"]),
        "dossiers": len(ok(call(platform, "dossier", "GET", "/dossiers", agent, params={"limit": 100}))["items"]),
        "contracts": len(ok(call(platform, "attestation", "GET", "/contracts", agent, params={"limit": 100}))["items"]),
        "partners": len(ok(call(platform, "partner-gateway", "GET", "/partners", agent))["items"]),
        "templates": len(ok(call(platform, "documents", "GET", "/templates", admin))["items"]),
        "rules": len(ok(call(platform, "notification", "GET", "/rules", admin))["items"]),
    }


def test_loading_the_demo_data_again_changes_nothing(platform, demo):
    before = counts(platform)
    assert before["models"] == 2 and before["contracts"] == 3 and before["partners"] == 2
    assert DemoLoader(demo).run(wait_seconds=10) == ["already loaded, nothing changed"]
    assert counts(platform) == before
