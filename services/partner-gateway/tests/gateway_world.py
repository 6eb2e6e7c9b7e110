"""Builders for the gateway's tests: dossiers (in the upstream fake and the local copy), partners, keys."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from partner_gateway.handlers import handlers
from platform_shared import clock
from platform_shared.testing.unit import bearer, deliver

MODEL = {
    "id": "model-1",
    "version": 1,
    "name": "Loan",
    "statuses": [
        {"code": "review", "label": "Under review", "initial": True, "partner_visible": True},
        {"code": "decision", "label": "Decision", "partner_visible": True},
        {"code": "internal_check", "label": "Internal check", "partner_visible": False},
        {"code": "hidden", "label": "Hidden", "partner_visible": False},
    ],
    "roles": [
        {
            "code": "guarantor",
            "label": "Guarantor",
            "pieces": [{"code": "payslip", "label": "Payslip", "required": True}],
        },
        {
            "code": "co_borrower",
            "label": "Co-borrower",
            "pieces": [{"code": "tax_notice", "label": "Tax notice", "required": True}],
        },
    ],
}
CLIENT_INVITES_MODEL = {**MODEL, "id": "model-client-invites", "client_can_invite": True}
PARTNER_VIEW = [
    {
        "key": "court",
        "label": "Court",
        "type": "text",
        "mode": "read",
        "value": "Lyon",
        "source": "portal",
        "financial": False,
        "choices": [],
    },
    {
        "key": "expert_opinion",
        "label": "Expert opinion",
        "type": "long_text",
        "mode": "write",
        "value": None,
        "source": "partner",
        "financial": False,
        "choices": [],
    },
]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class World:
    def __init__(self, client, db, settings, upstream):
        self.client, self.db, self.settings, self.upstream = client, db, settings, upstream
        self.agent = bearer(settings, "agent", "agent-alice", email="alice@example.org")
        self.upstream.models[MODEL["id"]] = MODEL

    def partner_headers(self, sub: str) -> dict:
        return bearer(self.settings, "partner", sub)

    def event(self, event_type: str, data: dict) -> None:
        deliver(self.db, "partner-gateway", handlers(self.settings), event_type, data, producer="dossier")

    def dossier(
        self,
        status: str = "review",
        partner_visible: bool = True,
        model: dict = MODEL,
        client_sub: str | None = "client-bob",
        client_org: str | None = "acme",
    ) -> str:
        dossier_id = str(uuid.uuid4())
        self.upstream.models[model["id"]] = model
        self.upstream.dossiers[dossier_id] = {
            "id": dossier_id,
            "reference": unique("DOS"),
            "title": "Loan request",
            "status": status,
            "partner_visible": partner_visible,
            "closed": False,
            "model_id": model["id"],
            "model_version": 1,
            "client_sub": client_sub,
            "client_org": client_org,
            "updated_at": "2000-01-01T00:00:00Z",
            "view": [dict(field) for field in PARTNER_VIEW],
        }
        self.event(
            "dossier.created",
            {
                "dossier_id": dossier_id,
                "status": status,
                "partner_visible": partner_visible,
                "model_id": model["id"],
                "model_version": 1,
            },
        )
        return dossier_id

    def change_status(self, dossier_id: str, to: str, partner_visible: bool) -> None:
        self.upstream.dossiers[dossier_id].update(status=to, partner_visible=partner_visible)
        self.event(
            "dossier.status_changed",
            {"dossier_id": dossier_id, "from": "x", "to": to, "partner_visible": partner_visible},
        )

    def close(self, dossier_id: str) -> None:
        self.upstream.dossiers[dossier_id]["closed"] = True
        self.event("dossier.closed", {"dossier_id": dossier_id, "closed_at": clock.isoformat(clock.now())})

    def partner(self, kind: str = "external", agent_sub: str | None = None) -> dict:
        body = {"name": "Expert Ltd", "email": "expert@example.org", "kind": kind}
        if agent_sub:
            body["agent_sub"] = agent_sub
        response = self.client.post("/api/v1/partners", json=body, headers=self.agent)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def solicit(self, dossier_id: str, partner_id: str | None = None, **overrides: Any) -> dict:
        body = {
            "partner_id": partner_id or self.partner()["id"],
            "type": "opinion",
            "scope": "financial",
            "due_date": (date.today() + timedelta(days=10)).isoformat(),
            "instructions": "Check the figures.",
            "open_statuses": ["review"],
            **overrides,
        }
        response = self.client.post(f"/api/v1/dossiers/{dossier_id}/solicitations", json=body, headers=self.agent)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def attach(self, key: str, sub: str, headers: dict | None = None):
        """``headers`` minted beforehand when the clock is frozen in the future (tokens are checked at real time)."""
        return self.client.post("/api/v1/attach", json={"key": key}, headers=headers or self.partner_headers(sub))

    def attached_solicitation(self, dossier_id: str | None = None, **overrides: Any) -> tuple[dict, str, dict]:
        """A solicitation attached by a fresh partner account: (solicitation, partner sub, its headers)."""
        dossier_id = dossier_id or self.dossier()
        solicitation = self.solicit(dossier_id, **overrides)
        sub = unique("partner")
        assert self.attach(solicitation["access_key"], sub).status_code == 200
        return solicitation, sub, self.partner_headers(sub)

    def invite(self, dossier_id: str, headers: dict | None = None, **overrides: Any) -> dict:
        response = self.try_invite(dossier_id, headers, **overrides)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def try_invite(self, dossier_id: str, headers: dict | None = None, **overrides: Any):
        body = {
            "kind": "contributor",
            "role": "guarantor",
            "name": "Gus",
            "email": "gus@example.org",
            "notify": False,
            **overrides,
        }
        return self.client.post(f"/api/v1/dossiers/{dossier_id}/contributors", json=body, headers=headers or self.agent)

    def attached_invitation(self, dossier_id: str | None = None, **overrides: Any) -> tuple[dict, str, dict]:
        """An invitation attached by a fresh account: (invitation, account sub, its headers)."""
        dossier_id = dossier_id or self.dossier()
        invitation = self.invite(dossier_id, **overrides)
        sub = unique("guest")
        response = self.attach(invitation["access_key"], sub)
        assert response.status_code == 200, response.get_json()
        return invitation, sub, self.partner_headers(sub)
