"""Use cases of the partner-gateway: they take a session, change state, record events; the caller commits."""
