"""deploy/prometheus/alerts.yml parses, references only metrics the code exposes, and each alert has a runbook."""

from __future__ import annotations

import re
import threading

import pytest
import yaml
from platform_model import DEPLOY
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from test_metrics import api_metrics_text

from platform_shared.db import Database
from platform_shared.messaging.consumer import ConsumerStats
from platform_shared.worker import WORKER_EVENT_OUTCOMES, register_worker_metrics

PROMQL_WORDS = {
    "sum",
    "by",
    "rate",
    "increase",
    "histogram_quantile",
    "and",
    "or",
    "unless",
    "without",
    "on",
    "ignoring",
    "max",
    "min",
    "avg",
    "count",
    "bool",
}
PROMETHEUS_OWN = {"up"}


def _rules() -> list[dict]:
    document = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def _metric_names(expr: str) -> set[str]:
    expr = re.sub(r'"[^"]*"', "", expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)
    tokens = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr))
    return tokens - PROMQL_WORDS


@pytest.fixture(scope="module")
def exposed_names(tmp_path_factory) -> set[str]:
    """Every sample name an API and a worker really expose."""
    tmp = tmp_path_factory.mktemp("alerts")
    texts = [api_metrics_text("dossier", tmp)]
    registry = CollectorRegistry()
    stats = ConsumerStats()
    register_worker_metrics(registry, stats, Database(f"sqlite:///{tmp / 'service.db'}"), threading.Event())
    for outcome in WORKER_EVENT_OUTCOMES:
        stats.count(outcome)
    texts.append(generate_latest(registry).decode())
    return {
        sample.name for text in texts for family in text_string_to_metric_families(text) for sample in family.samples
    }


def test_every_rule_is_complete():
    rules = _rules()
    assert len(rules) >= 8
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s"))


def test_rules_reference_only_metrics_the_apis_and_workers_expose(exposed_names):
    for rule in _rules():
        unknown = _metric_names(rule["expr"]) - exposed_names - PROMETHEUS_OWN
        assert not unknown, (rule["alert"], unknown)


def test_the_expressions_are_balanced():
    for rule in _rules():
        for opening, closing in ("()", "{}", "[]"):
            assert rule["expr"].count(opening) == rule["expr"].count(closing), rule["alert"]


def test_each_alert_links_to_its_section_of_the_runbook():
    readme = (DEPLOY / "README.md").read_text()
    anchors = {
        re.sub(r"[^a-z0-9-]", "", heading.strip().lower().replace(" ", "-"))
        for heading in re.findall(r"^#+ (.+)$", readme, re.M)
    }
    for rule in _rules():
        assert rule["annotations"]["runbook"] == f"deploy/README.md#{rule['alert'].lower()}"
        assert rule["alert"].lower() in anchors, rule["alert"]
