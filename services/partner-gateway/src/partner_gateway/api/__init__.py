"""HTTP resources of the partner-gateway service."""
