"""The reference web front-end of the platform: server-rendered pages over the five public APIs."""

SERVICE_NAME = "web"
