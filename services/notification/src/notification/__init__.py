"""The notification service."""

SERVICE_NAME = "notification"
