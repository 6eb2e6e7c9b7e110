"""Schemathesis over a service's own ``/openapi.json`` (in process, or a running server's): no generated request
may get a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from ..migrations import upgrade
from . import infra
from .unit import migrated_sqlite_url


@contextmanager
def migrated_fuzz_database(tmp_path_factory, template_dir: Path, migrations_dir: Path, prefix: str) -> Iterator[str]:
    """The URL of a database at head for a fuzz run: a fresh PostgreSQL database (dropped afterwards) when one
    answers, since it refuses inputs SQLite accepts (e.g. NUL characters); else a migrated SQLite file."""
    try:
        admin_url = infra.postgres_url()
    except infra.InfraUnavailable:
        yield migrated_sqlite_url(tmp_path_factory.mktemp("fuzz"), migrations_dir, template_dir)
        return
    name = infra.unique_name(prefix)
    url = infra.create_postgres_database(admin_url, name)
    try:
        upgrade(migrations_dir, url)
        yield url
    finally:
        infra.drop_postgres_database(admin_url, name)


def _fuzz_operation(operation, ids: dict, headers_by_role: dict, max_examples: int) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        for name in list(case.path_parameters or {}):
            case.path_parameters[name] = ids.get(name, case.path_parameters[name])
        for headers in headers_by_role.values():
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


def fuzz_schema(schema, *, ids: dict, headers_by_role: dict, max_examples: int) -> int:
    """Fuzz each operation of a schemathesis ``schema`` as each role, path ids replaced by real ones; returns
    how many operations ran."""
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _fuzz_operation(operation, ids, headers_by_role, max_examples)
    return len(operations)


def fuzz_every_operation(app, *, ids: dict, headers_by_role: dict, max_examples: int) -> int:
    """``fuzz_schema`` over the Flask ``app``'s own ``/openapi.json``, in process."""
    return fuzz_schema(
        schemathesis.openapi.from_wsgi("/openapi.json", app),
        ids=ids,
        headers_by_role=headers_by_role,
        max_examples=max_examples,
    )
