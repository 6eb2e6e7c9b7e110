"""Use cases: they take a session, change state and record events; the caller owns the transaction."""
