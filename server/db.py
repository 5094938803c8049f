"""Database engine for PostgreSQL + PostGIS or SQLite + SpatiaLite, the session helpers and model mixins.

One use case, one transaction: services receive a session from `session_scope()` (a use case that may write) or
`read_scope()` (one that only reads) and never commit themselves.

Which scope: a use case that never writes takes `read_scope()`. On SQLite it begins with a plain deferred
`BEGIN` and runs with `PRAGMA query_only=1`, so it never queues behind a writer (WAL readers do not wait for the
write lock) and a write slipped into it fails at once with ReadOnlyScopeError instead of silently upgrading to a
writer; on PostgreSQL its transaction is `READ ONLY` (it could be sent to a replica). Everything else takes
`session_scope()`, which on SQLite begins with `BEGIN IMMEDIATE` (writers wait for each other up front rather than
failing halfway). A read that sometimes writes (a last-seen time stamped once a minute) reads in a `read_scope()`
and opens a short `session_scope()` for the write only when it is due.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
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
from sqlmodel import Field, SQLModel

from server.config import Settings, get_settings

# Consistent constraint names, so Alembic can address them on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7): unique without coordination, like the ids phones generate offline,
    yet it keeps B-tree inserts local as tables grow."""
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= secrets.randbits(12) << 64
    value |= 0b10 << 62
    value |= secrets.randbits(62)
    return uuid.UUID(int=value)


class UTCDateTime(sa.types.TypeDecorator):
    """Timestamps stored in UTC and always returned timezone-aware, on PostgreSQL and SQLite alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class IdMixin(SQLModel):
    """UUID primary key; clients may generate it (records created offline keep their id)."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)


class TimestampMixin(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )


class SoftDeleteMixin(SQLModel):
    """A tombstone instead of a DELETE, so offline devices learn that a record is gone."""

    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


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
            if _read_only_violation(exc):
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


def _read_only_violation(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) is the database refusing a write in a read-only transaction."""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        orig = getattr(current, "orig", None) or current
        if getattr(orig, "sqlstate", None) == "25006":  # PostgreSQL: read_only_sql_transaction
            return True
        if getattr(orig, "sqlite_errorcode", None) == 8 or "attempt to write a readonly database" in str(orig):
            return True
        current = current.__cause__ or current.__context__
    return False


# --------------------------------------------------------------------------------------------------- outages

# How long a client is asked to wait (Retry-After) when the database cannot serve: about what a PostgreSQL
# restart or failover, or a queue of SQLite writers, takes.
RETRY_AFTER_SECONDS = 5
# PostgreSQL SQLSTATEs that say "not now" rather than "never": connection exceptions (08), insufficient resources
# (53: too many connections, out of memory, disk full), shutdown and start-up (57P01-57P05), statement timeout
# (57014), I/O errors (58000, 58030), serialization failures and deadlocks (40001, 40P01), a lock not granted
# in time (55P03). Others (a value too long for an index, bad input) are the request's or the code's fault.
_PG_TRANSIENT_CLASSES = ("08", "53")
_PG_TRANSIENT = {"57014", "57P01", "57P02", "57P03", "57P04", "57P05", "58000", "58030", "40001", "40P01", "55P03"}
# SQLite's primary result codes for "not now": BUSY, LOCKED (another writer holds the lock past busy_timeout),
# IOERR and CANTOPEN (the file cannot be read or opened right now).
_SQLITE_TRANSIENT = {5, 6, 10, 14}
_SQLITE_TRANSIENT_TEXT = ("database is locked", "database table is locked", "database is busy",
                          "unable to open database file", "disk i/o error")


def unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database cannot serve right now (down, restarting, out of
    connections, locked by another writer) rather than that the request or the code is wrong: the caller should
    be answered 503 with Retry-After, and the same request may succeed a moment later."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa.exc.TimeoutError):  # no pooled connection free within pool_timeout
            return True
        if isinstance(current, sa.exc.DBAPIError):
            if current.connection_invalidated:
                return True
            if _transient_driver_error(current.orig):
                return True
        elif _transient_driver_error(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _transient_driver_error(error: BaseException | None) -> bool:
    if error is None:
        return False
    module = type(error).__module__
    if module.startswith("psycopg"):
        import psycopg

        if not isinstance(error, psycopg.OperationalError):
            return False
        state = getattr(error, "sqlstate", None)
        # No SQLSTATE: the server could not be reached or the connection broke (refused, closed, reset).
        return state is None or state[:2] in _PG_TRANSIENT_CLASSES or state in _PG_TRANSIENT
    if module.startswith(("sqlean", "sqlite3")) and type(error).__name__ == "OperationalError":
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_TRANSIENT
        return str(error).lower().startswith(_SQLITE_TRANSIENT_TEXT)
    return False


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]], **same: Any) -> None:
    """Insert many rows (all with the same keys) in the session's transaction, as few statements as the database
    takes: on PostgreSQL one `COPY ... FROM STDIN` (`_copy_rows`), on SQLite the driver's own `executemany` of one
    `INSERT`. `same`: columns with one value (or SQL expression, evaluated once) for every row. Used by the sync
    push to write a batch's rows together (server/sync/push.py)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy_rows(session, table, rows, same)
        return
    statement = sa.insert(table).values(**same) if same else sa.insert(table)
    session.execute(statement, rows).close()


def _copy_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]], same: dict[str, Any]) -> None:
    """PostgreSQL: the rows written by `COPY table (columns) FROM STDIN` on the session's connection, in its
    transaction (savepoints included). Why: a multi-row `INSERT` of 500 filings carries 30,000 parameters, and
    the driver spent more CPU parsing that statement than the rest of the write (docs/performance.md, "Push:
    COPY, the collector, a page loaded together"); COPY sends the values with no statement to parse, as the benchmark's limit does.

    What an INSERT through SQLAlchemy would do is done here too: each value goes through its column type's bind
    processor (JSON, geometry as EWKT, enums), Python-side column defaults fill the columns the rows lack (server
    defaults and sequences are the database's, as in an INSERT), an SQL expression in `same` is evaluated once,
    the connection's `before_cursor_execute` / `after_cursor_execute` listeners see the COPY statement (the answer
    cache's write tracking, statement counters), and a driver error is raised as SQLAlchemy's (IntegrityError,
    OperationalError with the connection invalidated when the server went away), so callers handle it as they
    would an INSERT's."""
    connection = session.connection()
    dialect = connection.dialect
    fixed: dict[str, Any] = {}
    for name, value in same.items():
        if isinstance(value, sa.sql.ClauseElement):
            value = connection.execute(sa.select(value)).scalar_one()
        fixed[name] = value
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in fixed or column.name in rows[0] or column.default is None:
            continue
        default = column.default
        if not (default.is_scalar or default.is_callable):  # an SQL expression or sequence: the INSERT's own way
            statement = sa.insert(table).values(**fixed) if fixed else sa.insert(table)
            session.execute(statement, rows).close()
            return
        defaults[column.name] = default
    names = given + list(fixed) + list(defaults)
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    fixed_values = list(fixed.values())

    def values(row: dict[str, Any]) -> list[Any]:
        raw = [row[name] for name in given] + fixed_values
        raw += [default.arg if default.is_scalar else default.arg(None) for default in defaults.values()]
        return [value if process is None or value is None else process(value)
                for value, process in zip(raw, processors, strict=True)]

    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) FROM STDIN"
    driver = connection.connection.driver_connection
    cursor = driver.cursor()
    dispatch = connection.dispatch if connection._has_events or connection.engine._has_events else None
    try:
        if dispatch is not None:
            dispatch.before_cursor_execute(connection, cursor, statement, rows, None, True)
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(values(row))
        if dispatch is not None:
            dispatch.after_cursor_execute(connection, cursor, statement, rows, None, True)
    except dialect.loaded_dbapi.Error as exc:  # psycopg's; raised as SQLAlchemy raises it for an INSERT
        invalidated = dialect.is_disconnect(exc, connection.connection, cursor)
        if invalidated:
            connection.invalidate(exc)
        raise sa.exc.DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error,
                                         connection_invalidated=invalidated) from exc
    finally:
        cursor.close()


def among(session: Session, column: Any, values: list[Any]) -> sa.ColumnElement[bool]:
    """`column IN values` as each database takes a long list best: on PostgreSQL `column = ANY(:values)`, one
    array parameter (the driver parses a statement of one placeholder, not of five hundred), elsewhere `IN`."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def query_plan(session: Session, statement: sa.sql.expression.ClauseElement) -> list[str]:
    """The database's plan for `statement`, one line per step (PostgreSQL's EXPLAIN; SQLite's EXPLAIN QUERY PLAN,
    whose detail column names each table and index used). Parameters are inlined as literals."""
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    connection = session.connection()
    if dialect.name == "sqlite":
        return [str(row[3]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    return [str(row[0]) for row in connection.exec_driver_sql("EXPLAIN " + sql)]


# ------------------------------------------------------------------------------------------------ unique keys


def unique_violation(exc: BaseException) -> tuple[str, list[str]] | None:
    """(table, columns) of the unique key or primary key `exc` broke, or None if it is no such error. The same
    answer on PostgreSQL (SQLSTATE 23505 with the constraint's name, looked up in the models) and SQLite
    ("UNIQUE constraint failed: table.column, ...")."""
    orig = getattr(exc, "orig", None)
    if not isinstance(exc, sa.exc.IntegrityError) or orig is None:
        return None
    if getattr(orig, "sqlstate", None) == "23505":
        diag = getattr(orig, "diag", None)
        table_name, constraint = getattr(diag, "table_name", None), getattr(diag, "constraint_name", None)
        table = SQLModel.metadata.tables.get(table_name or "")
        if table is None:
            return (table_name or "", [])
        if table.primary_key.name == constraint or constraint == f"{table_name}_pkey":
            return (table.name, [column.name for column in table.primary_key.columns])
        for item in [*table.constraints, *table.indexes]:
            if getattr(item, "name", None) == constraint:
                return (table.name, [column.name for column in item.columns])
        return (table.name, [])
    text = str(orig)
    if text.startswith("UNIQUE constraint failed: "):
        qualified = [part.strip() for part in text.split(": ", 1)[1].split(",")]
        return (qualified[0].split(".")[0], [part.split(".", 1)[-1] for part in qualified])
    return None
