"""HTTP resources of the documents service."""
