"""What a database error means, the same on PostgreSQL and SQLite: "not now" (`unavailable`, answered 503 with
`RETRY_AFTER_SECONDS`), a unique key broken (`unique_violation`), a write refused in a read-only transaction
(`read_only_violation`, behind `read_scope()`'s ReadOnlyScopeError). `server.db` re-exports the first three."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel


def read_only_violation(exc: BaseException) -> bool:
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
