"""Finding real PostgreSQL and RabbitMQ servers for integration tests and benchmarks.

Order: ``TEST_DATABASE_URL`` / ``TEST_AMQP_URL`` when set; else the local servers
when they answer; else testcontainers when a Docker engine is available; else
skip with the reason, except under CI (``CI=true``), where it fails so the
integration suite never silently stops running.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlparse, urlunparse

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


class InfraUnavailable(RuntimeError):
    pass


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _from_container(kind: str) -> str:
    try:
        if kind == "postgres":
            try:
                from testcontainers.postgres import PostgresContainer
            except ImportError:
                from testcontainers.community.postgres import PostgresContainer  # type: ignore
            container = PostgresContainer("postgres:16-alpine")
            container.start()
            atexit.register(container.stop)
            return container.get_connection_url(driver=None)
        try:
            from testcontainers.rabbitmq import RabbitMqContainer
        except ImportError:
            from testcontainers.community.rabbitmq import RabbitMqContainer  # type: ignore
        container = RabbitMqContainer("rabbitmq:3.13-management")
        container.start()
        atexit.register(container.stop)
        params = container.get_connection_params()
        return f"amqp://guest:guest@{params.host}:{params.port}/%2F"
    except Exception as error:  # no Docker engine, no testcontainers
        raise InfraUnavailable(f"no {kind} server: not configured, none local, no Docker engine ({error})") from error


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if _answers(LOCAL_POSTGRES, 5432):
        return LOCAL_POSTGRES
    return _from_container("postgres")


def amqp_url() -> str:
    url = os.environ.get("TEST_AMQP_URL")
    if url:
        return url
    if _answers(LOCAL_AMQP, 5672):
        return LOCAL_AMQP
    return _from_container("rabbitmq")


def create_postgres_database(admin_url: str, name: str) -> str:
    """Create an empty database ``name`` and return its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(admin_url)
    return urlunparse(parsed._replace(path="/" + name))


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Vhost:
    url: str
    name: str | None  # None: the shared default vhost (no rabbitmqctl here)


def create_vhost(base_url: str, prefix: str = "test") -> Vhost:
    """A private RabbitMQ virtual host for one test run, so runs never collide.

    Uses ``rabbitmqctl`` on the local broker; elsewhere falls back to the given URL.
    """
    parsed = urlparse(base_url)
    local = parsed.hostname in ("127.0.0.1", "localhost")
    ctl = shutil.which("rabbitmqctl")
    if not (local and ctl):
        return Vhost(base_url, None)
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    user = parsed.username or "guest"
    try:
        subprocess.run([ctl, "add_vhost", name], check=True, capture_output=True, timeout=60)
        subprocess.run(
            [ctl, "set_permissions", "-p", name, user, ".*", ".*", ".*"], check=True, capture_output=True, timeout=60
        )
    except (subprocess.SubprocessError, OSError):
        return Vhost(base_url, None)
    return Vhost(urlunparse(parsed._replace(path="/" + quote(name, safe=""))), name)


def delete_vhost(vhost: Vhost) -> None:
    ctl = shutil.which("rabbitmqctl")
    if vhost.name and ctl:
        subprocess.run([ctl, "delete_vhost", vhost.name], capture_output=True, timeout=60)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"
