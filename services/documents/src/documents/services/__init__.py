"""Use cases of the documents service: each takes a session, changes state and records events."""
