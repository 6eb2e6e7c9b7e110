"""Schemathesis over a service's own ``/openapi.json`` (in process, or a running server's): no generated request
may get a 500, nor an answer its OpenAPI does not document (``CONTRACT_CHECKS``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from ..migrations import upgrade
from . import infra
from .unit import migrated_sqlite_url

# Every check schemathesis runs on one answer, but those named in NOT_CHECKED: the answer must be no 5xx, have
# a documented status, its documented media type, headers and schema; an unknown method is a 405 with Allow; a
# request without a token or with a bad one a 401.
CONTRACT_CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
)
NOT_CHECKED = {
    "positive_data_acceptance": "a schema cannot say every rule: an opaque cursor, the coherence of a model, "
    "a value of the dossier's model, another resource's state are checked by the service (422, 409)",
    "max_response_time": "no latency budget here (tests/perf measures it)",
    "use_after_free, ensure_resource_availability, object_level_authorization": "stateful checks: they need "
    "OpenAPI links between operations and a stateful run (tests/integration/test_access_matrix.py checks who "
    "sees what)",
}


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
            case.call_and_validate(headers=headers, checks=CONTRACT_CHECKS)

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
