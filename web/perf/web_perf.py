"""Each main page's server time next to the time of the API calls it makes, measured in the same run.

Against a running platform with the demo data (`make run`): `.venv/bin/python web/perf/web_perf.py
[--base-url http://127.0.0.1:8000] [--rounds 20]`. For each page, as the demo person who sees it:
- the page's time in the web application (its `Server-Timing` total),
- the summed time of the API calls the page made (the same header: each call as the web application timed it),
  and the number of calls,
- the same calls made directly by this script, one after the other, with the person's token (the baseline:
  what the page would cost if its calls were sequential and nothing else were done).
Rounds alternate pages and the direct calls, so a load change on the machine touches both alike.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

import requests

from platform_shared.auth import mint_token
from web.config import load
from web.demo.people import BY_KEY

SERVICE_URLS = {
    "dossier": "dossier_url",
    "partner-gateway": "partner_gateway_url",
    "attestation": "attestation_url",
    "notification": "notification_url",
    "documents": "documents_url",
}
CALL = re.compile(r'c\d+;dur=(?P<dur>[\d.]+);desc="(?P<method>\w+) (?P<service>[\w-]+) (?P<path>[^"]+)"')


@dataclass
class Measure:
    page: list[float] = field(default_factory=list)
    api_sum: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    calls: int = 0


def signed_in(base_url: str, person: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base_url}/sign-in/demo", data={"person": person, "csrf_token": token}, allow_redirects=False, timeout=30
    )
    response.raise_for_status()
    return session


def link(session: requests.Session, base_url: str, start: str, pattern: str) -> str:
    """The first link of a page matching ``pattern`` (the pages are found as a person finds them)."""
    html = session.get(base_url + start, timeout=30).text
    return re.search(pattern, html).group(1)


def server_timing(response: requests.Response) -> tuple[float, float, list[dict]]:
    header = response.headers["Server-Timing"]
    total = float(re.search(r"total;dur=([\d.]+)", header).group(1))
    api = float(re.search(r"api;dur=([\d.]+)", header).group(1))
    return total, api, [match.groupdict() for match in CALL.finditer(header)]


def direct(settings, token: str, calls: list[dict]) -> float:
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    for call in calls:
        base = getattr(settings, SERVICE_URLS[call["service"]]).rstrip("/")
        requests.request(call["method"], f"{base}/api/v1{call['path']}", headers=headers, timeout=30)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    settings = load()
    base = args.base_url
    client, partner, contributor = (signed_in(base, key) for key in ("client", "external_partner", "contributor"))
    roof = link(client, base, "/portal/dossiers", r'href="(/portal/dossiers/[^"]+)">Rénovation')
    contract = link(client, base, "/portal/contracts", r'href="(/portal/contracts/[^"]+)">MRH-\d{4}-000142')
    partner_dossier = link(partner, base, "/portal/", r'href="(/portal/partner/dossiers/[^"]+)"')
    pieces = link(contributor, base, "/portal/", r'href="(/portal/contributions/[^"]+)"')
    pages = {
        "client: my dossiers": ("client", client, "/portal/dossiers"),
        "client: a dossier": ("client", client, roof),
        "client: my contracts": ("client", client, "/portal/contracts"),
        "client: a contract": ("client", client, contract),
        "client: attestation form": ("client", client, contract + "/attestation"),
        "partner: my space": ("external_partner", partner, "/portal/"),
        "partner: a dossier": ("external_partner", partner, partner_dossier),
        "contributor: my pieces": ("contributor", contributor, pieces),
    }
    tokens = {}
    for key in ("client", "external_partner", "contributor"):
        demo = BY_KEY[key]
        tokens[key] = mint_token(
            settings, sub=demo.sub, role=demo.role, org=demo.org or None, email=demo.email, name=demo.name
        )
    results = {name: Measure() for name in pages}
    for _ in range(3):  # warm-up: connections, template compilation, the services' caches
        for _, session, path in pages.values():
            session.get(base + path, timeout=30)
    for _ in range(args.rounds):
        for name, (key, session, path) in pages.items():
            response = session.get(base + path, timeout=30)
            response.raise_for_status()
            total, api, calls = server_timing(response)
            measure = results[name]
            measure.page.append(total)
            measure.api_sum.append(api)
            measure.calls = len(calls)
            measure.direct.append(direct(settings, tokens[key], calls))

    def p(values: list[float], quantile: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(quantile * (len(ordered) - 1))))]

    print(f"{args.rounds} rounds against {base} (p50 / p95, milliseconds)")
    header = f"{'page':<26} {'calls':>5}  {'page (server)':>15}  {'its API calls, summed':>22}  {'same calls direct, one by one':>30}"
    print(header)
    print("-" * len(header))
    for name, measure in results.items():
        print(
            f"{name:<26} {measure.calls:>5}  "
            f"{p(measure.page, 0.5):>7.1f} / {p(measure.page, 0.95):>5.1f}  "
            f"{p(measure.api_sum, 0.5):>14.1f} / {p(measure.api_sum, 0.95):>5.1f}  "
            f"{p(measure.direct, 0.5):>22.1f} / {p(measure.direct, 0.95):>5.1f}"
        )
    medians = [statistics.median(m.page) / max(statistics.median(m.direct), 0.001) for m in results.values()]
    print(f"page time / sequential direct calls, median over pages: {statistics.median(medians):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
