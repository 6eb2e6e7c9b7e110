"""HTTP resources of the dossier service."""
