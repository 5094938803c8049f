"""Database engine for PostgreSQL + PostGIS or SQLite + SpatiaLite, and the session helpers.

One use case, one transaction: services receive a session from `session_scope()` (a use case that may write) or
`read_scope()` (one that only reads) and never commit themselves.

Which scope: a use case that never writes takes `read_scope()`. On SQLite it begins with a plain deferred
`BEGIN` and runs with `PRAGMA query_only=1`, so it never queues behind a writer (WAL readers do not wait for the
write lock) and a write slipped into it fails at once with ReadOnlyScopeError instead of silently upgrading to a
writer; on PostgreSQL its transaction is `READ ONLY` (it could be sent to a replica). Everything else takes
`session_scope()`, which on SQLite begins with `BEGIN IMMEDIATE` (writers wait for each other up front rather than
failing halfway). A read that sometimes writes (a last-seen time stamped once a minute) reads in a `read_scope()`
and opens a short `session_scope()` for the write only when it is due.

This module holds the engines and the sessions; the rest of the package is re-exported here, so that every caller
keeps writing `from server.db import utcnow` or `db.insert_rows(...)`:

- `server/db/columns.py`: the model mixins and column types every table shares (`IdMixin`, `TimestampMixin`,
  `SoftDeleteMixin`, `UTCDateTime`, `utcnow`, `new_id`) and the constraint naming convention;
- `server/db/bulk.py`: statements as each database takes them best (`insert_rows`, `among`, `query_plan`,
  `dialect_name`);
- `server/db/failures.py`: what a database error means (`unavailable`, `RETRY_AFTER_SECONDS`, `unique_violation`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

# Shapely must be loaded before the first SpatiaLite connection: SQLite dlopens extensions with RTLD_GLOBAL,
# and Shapely's bundled GEOS would otherwise bind to the system GEOS that SpatiaLite brings, corrupting
# geometries (seen as NaN Z values and "WKT output dimension" errors).
import shapely  # noqa: F401
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from server.config import Settings, get_settings
from server.db.bulk import among, dialect_name, insert_rows, query_plan
from server.db.columns import IdMixin, SoftDeleteMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from server.db.failures import RETRY_AFTER_SECONDS, read_only_violation, unavailable, unique_violation

__all__ = [
    # this module: engines and sessions
    "SQLITE_READERS", "Database", "ReadOnlyScopeError", "configure", "database_of", "get_database", "make_engine",
    "prepare_spatial_database", "read_scope", "session_scope", "using",
    # server/db/columns.py
    "IdMixin", "SoftDeleteMixin", "TimestampMixin", "UTCDateTime", "new_id", "utcnow",
    # server/db/bulk.py
    "among", "dialect_name", "insert_rows", "query_plan",
    # server/db/failures.py
    "RETRY_AFTER_SECONDS", "unavailable", "unique_violation",
]


# --------------------------------------------------------------------------------------------------- engines


def _sqlite_path(url: str) -> Path | None:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


# Read transactions at once per process on SQLite (the reader pool's size; a read finding none free waits up to
# 30 s, then 503). Reads are CPU-bound Python: more threads reading at once only fight over the GIL and starve
# the event loop (measured: 32 at once served about half the requests per second of 3; docs/performance.md).
SQLITE_READERS = 3


def make_engine(settings: Settings) -> Engine:
    """The engine for settings.database_url: PostGIS through psycopg 3, or SpatiaLite through sqlean."""
    from server import answer_cache  # every write raises its tables' answer versions (server/answer_cache.py)

    url = settings.database_url
    if url.startswith("sqlite"):
        engine = _make_sqlite_engine(url, settings.spatialite_library, pool_size=settings.db_pool_size)
        answer_cache.track(engine)
        if _sqlite_path(url) is not None:
            # read_scope()'s own pool of connections that are read-only for life (see _make_sqlite_engine)
            reader = _make_sqlite_engine(url, settings.spatialite_library, reader=True, pool_size=SQLITE_READERS)
            answer_cache.track(reader)
            _readers[engine] = reader
            event.listen(engine, "engine_disposed", lambda _engine: reader.dispose())
        return engine
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_recycle=1800,
    )
    answer_cache.track(engine)
    return engine


def _make_sqlite_engine(url: str, spatialite_library: str, *, reader: bool = False,
                        pool_size: int | None = None) -> Engine:
    """`reader=True`: connections with PRAGMA query_only=1 from the start, whose transactions begin with a plain
    deferred BEGIN (read_scope()). A pool of their own, because changing query_only on a connection expires every
    statement SQLite has prepared on it: flipping it per request would re-prepare each query each time."""
    # Python's own sqlite3 here cannot load extensions; sqlean is a drop-in module that can.
    import sqlean

    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"module": sqlean, "connect_args": {"check_same_thread": False, "timeout": 30}}
    if path is None:
        kwargs["poolclass"] = StaticPool
    elif pool_size is not None:
        # A fixed set of connections, never opened and closed per burst: each one loads SpatiaLite (its GEOS and
        # PROJ contexts, several MB of C heap), and a pool with overflow (SQLAlchemy's default, 5 + 10) under 32
        # concurrent reads closed its extra connections as soon as they came back and opened new ones at the next
        # burst, a few per second: the C heap fragmented and the process grew ~2 MB every 10 s without end
        # (docs/performance.md, "Memory under a steady load"). More connections would not read faster on SQLite;
        # a request beyond them waits for one (up to pool_timeout, then 503).
        kwargs.update(pool_size=pool_size, max_overflow=0)
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin (needed for SAVEPOINT).
        dbapi_connection.isolation_level = None
        dbapi_connection.enable_load_extension(True)
        try:
            dbapi_connection.load_extension(spatialite_library)
        except Exception as exc:  # the message must tell a newcomer what to install
            raise RuntimeError(
                f"Could not load SpatiaLite ({spatialite_library}): install it with "
                "'sudo apt-get install libsqlite3-mod-spatialite' or set SPATIALITE_LIBRARY."
            ) from exc
        finally:
            dbapi_connection.enable_load_extension(False)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Read through memory-mapped I/O (up to 256 MiB of the file, shared by every connection through the
            # OS page cache) instead of a read() per page outside SQLite's small per-connection cache.
            cursor.execute("PRAGMA mmap_size=268435456")
        if reader:
            cursor.execute("PRAGMA query_only=1")
        cursor.close()

    if reader:
        @event.listens_for(engine, "begin")
        def _on_reader_begin(connection: Connection) -> None:
            # A deferred BEGIN takes no lock: in WAL mode it reads its snapshot while a writer works.
            connection.exec_driver_sql("BEGIN")

        return engine

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: two writers wait for each other instead of failing
        # with "database is locked" halfway through a use case.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# A SQLite file's engine -> its engine of read-only connections (make_engine)
_readers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


class ReadOnlyScopeError(RuntimeError):
    """A write was attempted inside `read_scope()`: a bug in the use case, which must take `session_scope()`
    (or a short one of its own for the write) instead."""


def prepare_spatial_database(engine: Engine) -> None:
    """Create what the spatial extension needs before the first migration (idempotent)."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            has_metadata = cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='spatial_ref_sys'"
            ).fetchone()
            if not has_metadata:
                # Only WGS84 is needed; InitSpatialMetadata(1) runs in its own transaction.
                cursor.execute("SELECT InitSpatialMetadata(1, 'WGS84')")
            cursor.close()
        finally:
            raw.close()
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")


# --------------------------------------------------------------------------------------------------- sessions


class Database:
    """An engine and the session factory bound to it (or to one connection, in tests)."""

    def __init__(self, engine: Engine, bind: Engine | Connection | None = None) -> None:
        self.engine = engine
        self._joins_connection = isinstance(bind, Connection)
        options: dict[str, Any] = {"expire_on_commit": False}
        if isinstance(bind, Connection):
            # Tests: every use case becomes a SAVEPOINT inside one outer transaction rolled back afterwards.
            options["join_transaction_mode"] = "create_savepoint"
        self.sessions = sessionmaker(bind=bind or engine, **options)
        reader = None if self._joins_connection else _readers.get(engine)
        self.read_sessions = sessionmaker(bind=reader, **options) if reader is not None else None

    @property
    def joins_connection(self) -> bool:
        """Tests: every use case a SAVEPOINT of one connection's transaction (nothing is ever committed)."""
        return self._joins_connection

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_scope(self) -> Iterator[Session]:
        """A transaction that only reads (see the module's docstring): on SQLite a deferred BEGIN with
        query_only on, never waiting for a writer; on PostgreSQL a READ ONLY transaction. A write inside it
        raises ReadOnlyScopeError. Objects read stay usable after the block, as with session_scope()."""
        session = (self.read_sessions or self.sessions)()
        flagged: Any = None  # a SQLite connection whose query_only this block turned on
        try:
            if self.read_sessions is not None:
                pass  # SQLite's reader pool: query_only and a deferred BEGIN on every connection
            elif self.dialect == "sqlite":
                # The tests' connection (a SAVEPOINT inside the test's transaction) or an in-memory database (one
                # connection, nobody to wait for): query_only for this block only.
                flagged = session.connection().connection.dbapi_connection
                flagged.execute("PRAGMA query_only=1")
            elif self._joins_connection:  # tests: undone by the ROLLBACK TO SAVEPOINT below
                session.connection().exec_driver_sql("SET TRANSACTION READ ONLY")
            else:
                session.connection(execution_options={"postgresql_readonly": True})  # begins it, read-only
            yield session
            session.flush()  # a change left in the session is a write too: refused here, not dropped
            session.expunge_all()  # keep what was read loaded: nothing to commit, the rollback ends it
            session.rollback()
        except BaseException as exc:
            session.rollback()
            if read_only_violation(exc):
                raise ReadOnlyScopeError(
                    "a write inside read_scope(): take session_scope() for a use case that writes "
                    f"(or a short one of its own for the write): {exc}"
                ) from exc
            raise
        finally:
            if flagged is not None:
                flagged.execute("PRAGMA query_only=0")
            session.close()

_database: Database | None = None
_lock = threading.Lock()
# Set while an in-process job runs: the job works on the database whose commit started it.
_current: ContextVar[Database | None] = ContextVar("vigia_database", default=None)


def configure(database: Database) -> Database:
    """Make `database` the one `session_scope()` uses in this process."""
    global _database
    _database = database
    return database


def get_database() -> Database:
    """The database of the job being run in-process, else the process-wide one (configured from the
    environment on first use: workers, CLI)."""
    current = _current.get()
    if current is not None:
        return current
    global _database
    if _database is None:
        with _lock:
            if _database is None:
                _database = Database(make_engine(get_settings()))
    return _database


def database_of(session: Session) -> Database:
    """A Database on the same engine (or, in tests, the same connection) as `session`."""
    bind = session.get_bind()
    if isinstance(bind, Connection):
        return Database(bind.engine, bind=bind)
    return Database(bind)


@contextmanager
def using(database: Database) -> Iterator[Database]:
    """Within the block, session_scope() opens sessions on `database`."""
    token = _current.set(database)
    try:
        yield database
    finally:
        _current.reset(token)


@contextmanager
def session_scope() -> Iterator[Session]:
    """One use case, one transaction: commit when the block ends, roll back if it raises."""
    with get_database().session_scope() as session:
        yield session


@contextmanager
def read_scope() -> Iterator[Session]:
    """One use case that only reads, one read-only transaction that never waits for a writer on SQLite (see the
    module's docstring); a write inside it raises ReadOnlyScopeError."""
    with get_database().read_scope() as session:
        yield session
