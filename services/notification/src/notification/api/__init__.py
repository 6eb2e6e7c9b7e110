"""HTTP resources of the notification service."""
