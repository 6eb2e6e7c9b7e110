"""The dossier service."""

SERVICE_NAME = "dossier"
