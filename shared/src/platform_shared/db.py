"""One SQLAlchemy 2 engine and session factory per service, unchanged on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from .errors import NotFound

Row = TypeVar("Row")


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both backends (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy own the transaction boundaries (pysqlite's own are wrong for SAVEPOINT/BEGIN).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front: concurrent writers queue on busy_timeout
        # instead of failing with "database is locked" when they upgrade a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, poolclass=NullPool, connect_args={"check_same_thread": False, "timeout": 10}
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, echo=echo, pool_size=5, max_overflow=10, pool_recycle=RECYCLE_SECONDS, **options)
    _ping_after_idle(engine, IDLE_PING_SECONDS)
    return engine


# No ``pool_pre_ping`` (a round trip before every request, issue 18): a connection is pinged only when it comes
# back to work after resting IDLE_PING_SECONDS in the pool (where a restarted or failed-over server, or a
# firewall, may have closed it), and none is kept longer than RECYCLE_SECONDS. A connection found dead by the
# ping is replaced at checkout (the pool retries); one that dies in use fails its statement once, and
# SQLAlchemy then invalidates every connection of the pool, so the next requests get new ones.
IDLE_PING_SECONDS = 10.0
RECYCLE_SECONDS = 1800


def _ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as error:
            raise DisconnectionError(f"connection dead after resting in the pool: {error}") from error


class Database:
    """A service's database: its engine and the sessions use cases run in."""

    def __init__(self, url: str, *, echo: bool = False):
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._extra_engines: list[Engine] = []

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on error."""
        with self.session_factory() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read_only(self) -> Iterator[Session]:
        """A session for reads whose objects stay loaded after it ends; nothing it changes is committed.

        It ends by ``close()``, which rolls the transaction back and detaches the objects with what they had
        loaded, rather than by ``rollback()``, which would expire them (``expire_on_commit=False`` does not
        cover a rollback): a route may return them and its response schema dump them after the block. What
        was never loaded (a lazy relationship not touched inside the block) cannot be loaded later.
        """
        with self.session_factory() as session:
            yield session

    @contextlib.contextmanager
    def single_statement_read(self) -> Iterator[Session]:
        """Like ``read_only`` for a read of one statement (each statement its own snapshot), with no
        BEGIN and no closing ROLLBACK sent on PostgreSQL: its connection is in autocommit (issue 18: three
        round trips per hot read became one). Writing through it is refused, since nothing would roll it back.
        """
        if self.is_sqlite:
            with self.read_only() as session:
                yield session
            return
        with self._autocommit_session_factory() as session:
            yield session

    @functools.cached_property
    def _autocommit_session_factory(self) -> sessionmaker:
        # Its own small pool of connections that stay in autocommit: nothing to switch at checkout and nothing
        # to roll back at checkin (``reset_on_return=None``: an autocommit connection has no transaction open).
        engine = make_engine(self.url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
        self._extra_engines.append(engine)
        factory = sessionmaker(engine, expire_on_commit=False)

        @event.listens_for(factory, "before_flush")
        def _refuse_writes(session, _context, _instances):
            raise RuntimeError("single_statement_read() is for reads: write in a transaction()")

        return factory

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        for engine in self._extra_engines:
            engine.dispose()


class DriverRead:
    """A SELECT built once with SQLAlchemy Core and run straight on the driver's cursor: the hot reads (issue 18).

    Executing through SQLAlchemy's ``Connection`` costs ~250 µs of CPU per call for a row of 40 columns (its
    execution context, its result metadata, and psycopg building ``cursor.description`` for it each time),
    which was most of a ``GET /dossiers/{id}``. Here the statement is compiled once per dialect, sent as a
    prepared statement on PostgreSQL, and only the columns' own result processors are applied (the UTC
    datetimes; JSON and booleans on SQLite): the values are those an ORM or Core read returns. Parameters are
    passed to the driver as they are (strings and numbers: no bind processing).

    It reads on the session's connection when the session has one (inside a transaction it sees the
    transaction's writes), else on a connection of the session's engine, which goes straight back to the pool.
    A connection found dead is invalidated with the rest of the pool, and the read is tried once more on a new
    one (it is a read: nothing is done twice). SQLAlchemy's cursor events do not see these statements.
    """

    def __init__(self, statement: Any):
        self.statement = statement
        self.keys = [column.key for column in statement.selected_columns]
        self._forms: dict[str, tuple[str, tuple[str, ...] | None, list]] = {}

    def _form(self, dialect) -> tuple[str, tuple[str, ...] | None, list]:
        form = self._forms.get(dialect.name)
        if form is None:
            compiled = self.statement.compile(dialect=dialect)
            positions = tuple(compiled.positiontup) if compiled.positional else None
            processors = [
                (index, processor)
                for index, column in enumerate(self.statement.selected_columns)
                if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
            ]
            form = self._forms[dialect.name] = (compiled.string, positions, processors)
        return form

    def rows(self, session: Session, params: dict[str, Any]) -> list[tuple]:
        """Every row, as tuples in the order of ``keys``."""
        if session.in_transaction():
            connection = session.connection()
            return self._run(connection.connection, connection.dialect, params)
        engine = session.get_bind()
        for attempt in (1, 2):
            raw = engine.raw_connection()
            try:
                return self._run(raw, engine.dialect, params)
            except engine.dialect.loaded_dbapi.Error as error:
                if attempt == 2 or not engine.dialect.is_disconnect(error, raw, None):
                    raise
                raw.invalidate(error)
                engine.dispose()  # the others of the pool went with the server: new connections from here
            finally:
                raw.close()
        raise AssertionError("unreachable")

    def _run(self, raw: Any, dialect, params: dict[str, Any]) -> list[tuple]:
        sql, positions, processors = self._form(dialect)
        cursor = raw.cursor()
        try:
            if positions is None:
                cursor.execute(sql, params, **({"prepare": True} if dialect.name == "postgresql" else {}))
            else:
                cursor.execute(sql, [params[name] for name in positions])
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if not processors:
            return rows
        processed = []
        for row in rows:
            values = list(row)
            for index, processor in processors:
                values[index] = processor(values[index])
            processed.append(tuple(values))
        return processed


def get_or_404(
    session: Session,
    entity: type[Row],
    ident: Any,
    detail: str,
    *,
    visible: Callable[[Row], bool] | None = None,
    **options: Any,
) -> Row:
    """``session.get(entity, ident, **options)``, or ``NotFound(detail)`` when there is no such row or when
    ``visible`` refuses it: a row the caller may not see answers exactly like a missing one."""
    row = session.get(entity, ident, **options)
    if row is None or (visible is not None and not visible(row)):
        raise NotFound(detail)
    return row
