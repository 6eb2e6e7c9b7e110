"""The documents service."""

SERVICE_NAME = "documents"
