"""Rules of the attestation service: plain code, no I/O."""
