"""What a third party may see on a dossier, asked of the partner-gateway (``GET /api/v1/access``)."""

from __future__ import annotations

from platform_shared.errors import NotFound, ValidationFailed
from platform_shared.service_client import ServiceClient

from .domain.access import NO_ACCESS, ThirdPartyAccess


def gateway_client(settings) -> ServiceClient:
    """One per app: it keeps a connection per thread to the partner-gateway."""
    return ServiceClient(settings, settings.partner_gateway_url, name="partner-gateway")


class AccessLookup:
    """One answer per (dossier, sub) for the life of the object (a request)."""

    def __init__(self, client: ServiceClient):
        self.client = client
        self._answers: dict[tuple[str, str], ThirdPartyAccess] = {}

    def access(self, dossier_id: str | None, sub: str) -> ThirdPartyAccess:
        if not dossier_id:
            return NO_ACCESS
        key = (dossier_id, sub)
        if key not in self._answers:
            self._answers[key] = self._fetch(dossier_id, sub)
        return self._answers[key]

    def _fetch(self, dossier_id: str, sub: str) -> ThirdPartyAccess:
        try:
            body = self.client.get_json("/api/v1/access", params={"dossier_id": dossier_id, "sub": sub})
        except (NotFound, ValidationFailed):  # an id the gateway cannot even hold grants nothing
            return NO_ACCESS
        return ThirdPartyAccess(
            partner=bool(body.get("partner")),
            solicitation_ids=frozenset(body.get("solicitation_ids") or ()),
            contributor_roles=frozenset(body.get("contributor_roles") or ()),
            participant=bool(body.get("participant")),
        )
