"""Health, readiness, OpenAPI and unknown paths: the contract every service keeps (``platform_shared.testing``)."""

from platform_shared.testing.service_contract import ServiceContract


class TestServiceContract(ServiceContract):
    """The shared contract, against this service's app."""
