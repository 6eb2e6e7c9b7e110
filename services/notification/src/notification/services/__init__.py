"""Use cases of the notification service: each takes a session, changes state and records events."""
