"""The notification service's events."""

from __future__ import annotations

from .base import EventData, Id, Text


class NotificationFailed(EventData):
    """A delivery failed, or its outcome is unknown (one per event an email carried)."""

    delivery_id = Id(required=True)
    event_id = Id(nullable=True, description="the event the delivery told of")
    recipient = Text(description="the lower-cased address")
    channel = Text(description="`email`")
    error = Text()
