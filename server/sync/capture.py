"""The change log is written by the session itself: after every flush, each record a device may pull that the
flush created, changed or deleted (directly or through one of its parts) gets a row in `sync_changes`, in the
same transaction. No service has to remember to log its changes, so no change can be forgotten.

Which records those are is each domain's own declaration (a `server.tracking.Pullable` in its `changes.py`),
registered here when Vigía starts (server/assembly.py): this module knows no domain's models but its own
(an attachment, a photo arriving or declared, changes the record it belongs to). A record's scope (who may pull
it) never changes after it is created: a complaint's reporter, a visit's committee, a work's municipality.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server import db
from server.db import utcnow
from server.sync.models import Attachment, Change, Clock
from server.tracking import Pullable

_PULLABLE: dict[str, Pullable] = {}  # entity -> its declaration
_RECORDS: dict[type, Pullable] = {}  # the models that are a record themselves
_PARTS: dict[type, tuple[Pullable, Any]] = {}  # a part's model -> (its record's declaration, the record's id of it)


def register(*pullables: Pullable) -> None:
    """Track these kinds of record from now on (idempotent: registering the same declaration again changes
    nothing) and make sure every session writes the change log after each flush."""
    for pullable in pullables:
        known = _PULLABLE.get(pullable.entity)
        if known is pullable:
            continue
        if known is not None or pullable.model in _RECORDS or pullable.model in _PARTS:
            raise ValueError(f"{pullable.entity} ({pullable.model.__name__}) is already tracked")
        for model in pullable.parts:
            if model in _RECORDS or model in _PARTS:
                raise ValueError(f"{model.__name__} is already tracked")
        _PULLABLE[pullable.entity] = pullable
        _RECORDS[pullable.model] = pullable
        for model, id_of in pullable.parts.items():
            _PARTS[model] = (pullable, id_of)
    if not event.contains(Session, "after_flush", _log_changes):
        event.listen(Session, "after_flush", _log_changes)


def tracked() -> dict[str, Pullable]:
    """The registered kinds of record, by entity."""
    return dict(_PULLABLE)


def txid_expression(dialect: str) -> sa.ColumnElement[int]:
    """The writing transaction's id (PostgreSQL), or on SQLite the last number the clock gave (that of the
    transaction asking, once it has logged a change; 0 before any)."""
    if dialect == "postgresql":
        return sa.text("pg_current_xact_id()::text::bigint")  # type: ignore[return-value]
    return sa.func.coalesce(sa.select(Clock.txid).where(Clock.id == 1).scalar_subquery(), 0)


_TOKEN = "vigia_sync_clock"  # session.info: (the session's outermost transaction, its token)


def transaction_number(session: Session) -> int | sa.ColumnElement[int]:
    """The txid of the change rows this session's transaction writes now: PostgreSQL's transaction id (as an
    expression), or on SQLite the number the clock gives this transaction."""
    dialect = session.get_bind().dialect.name
    return txid_expression(dialect) if dialect == "postgresql" else _sqlite_txid(session)


def _sqlite_txid(session: Session) -> int:
    """This transaction's number on SQLite: the next one at its first flush that logs a change, the same at the
    later ones. Writers hold the write lock from BEGIN IMMEDIATE to COMMIT, so numbers follow commit order. The
    row remembers which transaction took its number (a token); when a savepoint that took it was rolled back, the
    row no longer names this transaction and the next flush takes the number again."""
    outermost = session.get_transaction()
    held = session.info.get(_TOKEN)
    if held is None or held[0] is not outermost:  # held strongly: a new transaction cannot reuse its identity
        held = session.info[_TOKEN] = (outermost, uuid.uuid4())
    token = held[1]
    table = Clock.__table__
    insert = sqlite_insert(table).values(id=1, txid=1, owner=token)
    bump = insert.on_conflict_do_update(index_elements=[table.c.id], set_={
        "txid": table.c.txid + sa.case((table.c.owner.is_not_distinct_from(insert.excluded.owner), 0), else_=1),
        "owner": insert.excluded.owner,
    }).returning(table.c.txid)
    return session.connection().execute(bump).scalar_one()


def _touched(session: Session) -> tuple[dict[tuple[str, uuid.UUID], str], dict[tuple[str, uuid.UUID], Any]]:
    """What the flush changed: {(entity, id): "upsert" | "delete"}, and the records' own instances it holds."""
    ops: dict[tuple[str, uuid.UUID], str] = {}
    own: dict[tuple[str, uuid.UUID], Any] = {}

    def note(obj: Any, deleted: bool) -> None:
        kind = type(obj)
        if kind is Attachment:  # a photo arriving or declared changes its record
            ops.setdefault((obj.record_type, obj.record_id), "upsert")
            return
        record = _RECORDS.get(kind)
        if record is not None:
            if obj.id is None:
                return
            key = (record.entity, obj.id)
            gone = deleted or getattr(obj, "deleted_at", None) is not None
            ops[key] = "delete" if gone or ops.get(key) == "delete" else "upsert"
            own[key] = obj
            return
        part = _PARTS.get(kind)
        if part is None:
            return
        record, id_of = part
        entity_id = id_of(obj)
        if entity_id is None:
            return
        key = (record.entity, entity_id)
        ops[key] = "delete" if ops.get(key) == "delete" else "upsert"

    for obj in session.new:
        note(obj, False)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            note(obj, False)
    for obj in session.deleted:
        note(obj, True)
    return ops, own


def _rows(session: Session, ops: dict[tuple[str, uuid.UUID], str], own: dict[tuple[str, uuid.UUID], Any]
          ) -> list[dict[str, Any]]:
    scopes: dict[tuple[str, uuid.UUID], tuple[uuid.UUID, uuid.UUID | None]] = {}
    lookup: dict[str, list[uuid.UUID]] = {}
    for key in ops:
        instance = own.get(key)
        own_scope = _PULLABLE[key[0]].own_scope if instance is not None else None
        if own_scope is not None:
            scopes[key] = own_scope(instance)
        else:  # reached through one of its parts (or a form version): ask the database
            lookup.setdefault(key[0], []).append(key[1])
    connection = session.connection()
    for entity, ids in lookup.items():
        for entity_id, municipality_id, scope_id in connection.execute(_PULLABLE[entity].scopes(ids)):
            scopes[(entity, entity_id)] = (municipality_id, scope_id)
    now = utcnow()
    rows = []
    for (entity, entity_id), op in ops.items():
        municipality_id, scope_id = scopes.get((entity, entity_id), (None, None))
        if scope_id is None:
            continue  # e.g. an anonymous complaint: nobody pulls it
        rows.append({"municipality_id": municipality_id, "scope_kind": _PULLABLE[entity].scope_kind,
                     "scope_id": scope_id, "entity": entity, "entity_id": entity_id, "op": op, "at": now})
    return rows


def _log_changes(session: Session, _context: Any) -> None:
    ops, own = _touched(session)
    if not ops:
        return
    rows = _rows(session, ops, own)
    if rows:
        session.connection().execute(sa.insert(Change).values(txid=transaction_number(session)), rows)


def log(session: Session, entity: str, changes: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str]]) -> None:
    """Log changes written without the ORM (a push's filings written together, one INSERT for many rows):
    `(record id, municipality id, scope id, "upsert" | "delete")` of a registered kind of record, in one INSERT,
    in the caller's transaction, numbered as the flushes' rows are. A record with no scope id is not logged (as
    after a flush: nobody pulls it)."""
    pullable = _PULLABLE[entity]
    now = utcnow()
    rows = [{"municipality_id": municipality_id, "scope_kind": pullable.scope_kind, "scope_id": scope_id,
             "entity": entity, "entity_id": entity_id, "op": op, "at": now}
            for entity_id, municipality_id, scope_id, op in changes if scope_id is not None]
    if rows:
        db.insert_rows(session, Change.__table__, rows, txid=transaction_number(session))
