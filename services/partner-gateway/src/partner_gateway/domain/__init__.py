"""Rules of the partner-gateway service: plain code, no I/O."""
