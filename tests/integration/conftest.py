"""Fixtures of the integration suite: the whole platform as real processes (see harness.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Platform

from platform_shared.testing import infra


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"integration infrastructure missing under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    """All five services (API + worker) on fresh PostgreSQL databases and a private vhost."""
    try:
        running = Platform(tmp_path_factory.mktemp("platform")).start()
    except infra.InfraUnavailable as error:
        _unavailable(str(error))
    try:
        yield running
    finally:
        running.stop()
