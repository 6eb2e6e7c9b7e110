"""Test helpers shared by the services' unit tests and the integration suite."""
