"""The partner-gateway service's reaction table: event type -> handler(session, envelope)."""
from __future__ import annotations

from platform_shared.messaging.inbox import HandlerTable


def handlers(settings) -> HandlerTable:
    return {}
