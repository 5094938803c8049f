"""Statements written as each database takes them best: many rows in few statements (`insert_rows`: COPY FROM STDIN
on PostgreSQL, executemany on SQLite), a long `IN` list (`among`), a query's plan (`query_plan`), the dialect's
name. Re-exported by `server.db`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session


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
