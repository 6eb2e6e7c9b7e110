"""Recording the gateway's events (docs/contracts.md) in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from platform_shared.messaging.outbox import record_event

from .. import SERVICE_NAME


def publish(
    session: Session, event_type: str, data: dict[str, Any], actor: dict | None, aggregate_id: str | None = None
) -> None:
    record_event(
        session,
        event_type,
        data,
        producer=SERVICE_NAME,
        actor=actor,
        aggregate_id=aggregate_id or data.get("dossier_id"),
    )
