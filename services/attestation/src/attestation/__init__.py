"""The attestation service."""

SERVICE_NAME = "attestation"
