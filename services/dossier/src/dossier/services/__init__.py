"""Use cases of the dossier service: they take a session, change state, record events; never commit."""
