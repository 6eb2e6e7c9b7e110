"""Rules of the documents service: plain code, no I/O."""
