"""Counters kept in rows and changed by the database in one statement, on PostgreSQL and SQLite alike.

Reading a number, adding one in Python and writing it back loses updates (or hands out a number twice) as soon
as two requests do it at once. Here the database adds: `INSERT ... ON CONFLICT DO UPDATE SET n = n + 1
RETURNING n` (both databases speak it; SQLite since 3.35). On PostgreSQL the row stays locked until the
transaction ends, so a second writer waits and then adds to the first one's result; SQLite serialises writers.
Used for complaint folios and for rate limits (server/limits.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: sa.Table) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def add(session: Session, table: sa.Table, *, key: dict[str, Any], column: str, amount: int = 1,
        first: Any = None, extra: dict[str, Any] | None = None) -> int:
    """Add `amount` to `column` of the row `key` identifies, creating the row with `first` (default: `amount`;
    may be a SQL expression) and `extra` when it is missing; the new value. Atomic under concurrency."""
    target = table.c[column]
    statement = (
        _insert(session, table)
        .values(**key, **(extra or {}), **{column: amount if first is None else first})
        .on_conflict_do_update(index_elements=list(key), set_={column: target + amount})
        .returning(target)
    )
    return session.execute(statement).scalar_one()


def bump(session: Session, table: sa.Table, *, where: list[Any], column: str, amount: int = 1) -> int | None:
    """Add `amount` to `column` of the one existing row `where` selects; its new value, or None without a row."""
    target = table.c[column]
    return session.execute(sa.update(table).where(*where).values({column: target + amount})
                           .returning(target)).scalar_one_or_none()
