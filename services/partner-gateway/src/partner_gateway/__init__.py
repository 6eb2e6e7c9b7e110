"""The partner-gateway service."""

SERVICE_NAME = "partner-gateway"
