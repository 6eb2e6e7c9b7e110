"""HTTP resources of the attestation service."""
