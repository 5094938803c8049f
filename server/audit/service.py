"""Appending to a municipality's audit chain, reading it, and verifying it.

Any domain logs a change with `append(...)` in the same session (so the same transaction) as the change itself:
both commit, or neither does. Appends lock the chain's head row, so appends to one municipality queue behind each
other until their transactions end: append late in a use case, after its checks.

A batch of use cases in one transaction (a sync push: server/sync/push.py) runs inside `appended_at_end`: its
appends are queued and written when the batch ends, each chain's head locked once, heads in the order of their
municipality ids (so two batches touching the same municipalities in opposite orders never wait on each other),
and the head is still the last lock the transaction takes, as in a single use case. An entry queued inside a
savepoint that is rolled back is dropped with it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from server import db
from server.audit import chain
from server.audit.chain import GENESIS, AuditDataRejected
from server.audit.models import (
    ACTOR_KINDS,
    AuditEntry,
    AuditEntryPublic,
    AuditHead,
    BrokenLink,
    ChainHead,
    VerifyReport,
)
from server.auth.actor import Actor
from server.db import utcnow
from server.i18n import N_, Language, translate

_entries = AuditEntry.__table__
_heads = AuditHead.__table__
VERIFY_BATCH = 2000


def who(actor: Actor) -> dict[str, Any]:
    """`actor_id` and `actor_kind` for `append(**who(actor), ...)`.

    Remember that the log is public: for an action whose author must stay private (a signed-in citizen filing a
    complaint), log `actor_id=None, actor_kind="anonymous"` instead."""
    if actor.is_authenticated:
        return {"actor_id": actor.user_id, "actor_kind": "user"}
    return {"actor_id": None, "actor_kind": "anonymous"}


def append(
    session: Session,
    *,
    municipality_id: uuid.UUID,
    entity: str,
    entity_id: uuid.UUID,
    action: str,
    actor_id: uuid.UUID | None,
    actor_kind: str,
    data: Mapping[str, Any],
) -> AuditEntry:
    """Add an entry at the end of the municipality's chain, in the caller's transaction.

    `data` says what changed and why, in public-safe facts only: no personal data (the reporter's name, email,
    phone, address...), no private text. Private content goes in as `chain.commitment(...)`. `check_data` refuses
    what it can recognise (AuditDataRejected); the rest is the caller's responsibility (docs/audit-log.md)."""
    chain.check_name("entity", entity)
    chain.check_name("action", action)
    if actor_kind not in ACTOR_KINDS:
        raise AuditDataRejected(f"actor_kind must be one of {', '.join(ACTOR_KINDS)}: {actor_kind!r}")
    if actor_kind in ("user", "device") and actor_id is None:
        raise AuditDataRejected(f"an actor of kind {actor_kind} needs its actor_id")
    if actor_kind == "anonymous" and actor_id is not None:
        raise AuditDataRejected("an anonymous actor has no actor_id")
    # A JSON round trip: what is stored is exactly what was hashed, whatever the caller does with its dict later.
    data = json.loads(chain.checked_json(data))
    queue = session.info.get(_QUEUE)
    if queue is not None:
        # Written as rows when the batch ends (`_link(..., together=True)`), never through the unit of work: a
        # plain record is enough, and building a mapped object cost a batch's filing a fifth of its CPU.
        pending = _Pending(municipality_id, entity, entity_id, action, actor_id, actor_kind, data)
        queue.append((_innermost(session), pending))
        return pending  # type: ignore[return-value]  # its seq, at, prev_hash and hash are set at the end
    entry = AuditEntry(municipality_id=municipality_id, entity=entity, entity_id=entity_id, action=action,
                       actor_id=actor_id, actor_kind=actor_kind, data=data, hash="")
    _link(session, municipality_id, [entry])
    session.flush()
    return entry


_QUEUE = "audit_queue"


@dataclass(slots=True)
class _Pending:
    """An entry queued by `appended_at_end`: the columns of an AuditEntry, as chain.entry_hash reads them."""

    municipality_id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    actor_kind: str
    data: dict[str, Any]
    seq: int = 0
    at: datetime | None = None
    prev_hash: str = ""
    hash: str = ""


@contextmanager
def appended_at_end(session: Session) -> Iterator[None]:
    """Queue the appends made in the block and write them when it ends (see the module docstring): one lock per
    chain for the whole batch instead of one per append. The caller commits after the block."""
    if _QUEUE in session.info:
        raise RuntimeError("audit appends are already being batched in this session")
    session.info[_QUEUE] = []
    event.listen(session, "after_soft_rollback", _forget_rolled_back)
    try:
        yield
        _write_queued(session, session.info[_QUEUE])
    finally:
        event.remove(session, "after_soft_rollback", _forget_rolled_back)
        session.info.pop(_QUEUE, None)


def queued_count(session: Session) -> int:
    """How many entries `appended_at_end` holds now (a mark for `drop_queued`)."""
    return len(session.info[_QUEUE])


def drop_queued(session: Session, keep: int) -> None:
    """Forget the entries queued after the first `keep`: a push's fast path undoes a refused mutation's
    appends, made without a savepoint to roll back (server/sync/push.py)."""
    del session.info[_QUEUE][keep:]


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A savepoint (or the transaction) was rolled back: the entries queued inside it go too."""
    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    queue = session.info.get(_QUEUE)
    if queue:
        queue[:] = [(transaction, entry) for transaction, entry in queue if not inside(transaction)]


def _write_queued(session: Session, queue: list[tuple[SessionTransaction | None, _Pending]]) -> None:
    by_chain: dict[uuid.UUID, list[Any]] = {}
    for _transaction, entry in queue:
        by_chain.setdefault(entry.municipality_id, []).append(entry)
    queue.clear()
    for municipality_id in sorted(by_chain, key=str):  # one order for every batch: no lock cycle between two
        _link(session, municipality_id, by_chain[municipality_id], together=True)
    session.flush()


def _link(session: Session, municipality_id: uuid.UUID, entries: list[Any], *, together: bool = False) -> None:
    """Put `entries` at the end of the municipality's chain, in order: the head locked, each entry's position,
    time, previous hash and hash set, the head moved past them. `together` (a batch's entries): written as rows
    in one INSERT rather than through the session's unit of work."""
    seq, prev_hash = _lock_head(session, municipality_id)
    for entry in entries:
        seq += 1
        entry.seq, entry.at, entry.prev_hash = seq, utcnow(), prev_hash
        entry.hash = prev_hash = chain.entry_hash(entry)
    if together:
        db.insert_rows(session, _entries, [{column.name: getattr(entry, column.name) for column in _entries.columns}
                                           for entry in entries])
    else:
        session.add_all(entries)
    session.execute(
        sa.update(_heads).where(_heads.c.municipality_id == municipality_id).values(seq=seq, hash=prev_hash)
    )


def _lock_head(session: Session, municipality_id: uuid.UUID) -> tuple[int, str]:
    """The chain's (seq, hash), locked until the transaction ends (FOR UPDATE on PostgreSQL; on SQLite the
    transaction already holds the database's write lock). The first append creates the head."""
    statement = sa.select(_heads.c.seq, _heads.c.hash).where(_heads.c.municipality_id == municipality_id)
    row = session.execute(statement.with_for_update()).one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                session.execute(sa.insert(_heads).values(municipality_id=municipality_id, seq=0, hash=GENESIS))
        except sa.exc.IntegrityError:
            # Another transaction started this chain at the same moment (its row is there now), or the
            # municipality does not exist (then there is still no row, and the error stands).
            row = session.execute(statement.with_for_update()).one_or_none()
            if row is None:
                raise
            return row.seq, row.hash
        return 0, GENESIS
    return row.seq, row.hash


def head(session: Session, *, municipality_id: uuid.UUID) -> ChainHead:
    """The chain's last position and hash (0 and 64 zeros before the first entry)."""
    row = _read_head(session, municipality_id)
    return ChainHead(seq=row.seq, hash=row.hash) if row else ChainHead(seq=0, hash=GENESIS)


def _read_head(session: Session, municipality_id: uuid.UUID) -> sa.Row | None:
    return session.execute(
        sa.select(_heads.c.seq, _heads.c.hash).where(_heads.c.municipality_id == municipality_id)
    ).one_or_none()


def entries(
    session: Session,
    *,
    municipality_id: uuid.UUID,
    entity: str | None = None,
    entity_id: uuid.UUID | None = None,
    after_seq: int | None = None,
    limit: int = 100,
    action: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    newest_first: bool = False,
    before_seq: int | None = None,
) -> list[AuditEntry]:
    """Entries in chain order (or newest first), optionally only those about one entity, of one action, written
    from `since` until before `before`, after a position (or before one, newest first) for paging."""
    query = sa.select(AuditEntry).where(AuditEntry.municipality_id == municipality_id)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if before is not None:
        query = query.where(AuditEntry.at < before)
    if after_seq:
        query = query.where(AuditEntry.seq > after_seq)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
    return list(session.scalars(query.order_by(order).limit(limit)))


def public(entry: AuditEntry) -> AuditEntryPublic:
    """An entry as published: `at` in the exact form that was hashed."""
    return AuditEntryPublic(
        seq=entry.seq, municipality_id=entry.municipality_id, entity=entry.entity, entity_id=entry.entity_id,
        action=entry.action, actor_id=entry.actor_id, actor_kind=entry.actor_kind,  # type: ignore[arg-type]
        at=chain.timestamp(entry.at), data=entry.data, prev_hash=entry.prev_hash, hash=entry.hash,
    )


# ------------------------------------------------------------------------------------------------ verification


def verify(session: Session, *, municipality_id: uuid.UUID, batch_size: int = VERIFY_BATCH,
           language: Language = "es") -> VerifyReport:
    """Recompute the chain from its first entry and report the first place it is broken.

    Entries are read in batches of `batch_size` by position, so memory stays constant however long the chain.
    Entries appended while verification runs (after the head it read first) are left for the next run."""
    stored = _read_head(session, municipality_id)
    claimed = ChainHead(seq=stored.seq, hash=stored.hash) if stored else ChainHead(seq=0, hash=GENESIS)

    def report(broken: BrokenLink | None, checked: int) -> VerifyReport:
        return VerifyReport(ok=broken is None, checked=checked, head=claimed, first_broken=broken)

    def broken(seq: int, reason: str, expected: Any, found: Any, code: str | None = None, **params: Any) -> BrokenLink:
        message = translate(code or f"audit_{reason}", language, seq=seq, expected=expected, found=found, **params)
        # What the entry at that position says of itself (its time, record and action), if there is one there.
        there = session.execute(sa.select(_entries.c.at, _entries.c.entity, _entries.c.action).where(
            _entries.c.municipality_id == municipality_id, _entries.c.seq == seq)).one_or_none()
        return BrokenLink(seq=seq, reason=reason, expected=expected, found=found,  # type: ignore[arg-type]
                          message=message, at=chain.timestamp(there.at) if there else None,
                          entity=there.entity if there else None, action=there.action if there else None)

    columns = [_entries.c[name] for name in (*chain.CANONICAL_FIELDS, "hash")]
    last_seq, prev = 0, GENESIS
    while True:
        query = sa.select(*columns).where(_entries.c.municipality_id == municipality_id, _entries.c.seq > last_seq)
        if stored is not None:
            query = query.where(_entries.c.seq <= stored.seq)
        rows = session.execute(query.order_by(_entries.c.seq).limit(batch_size)).all()
        for row in rows:
            if row.seq != last_seq + 1:
                return report(broken(last_seq + 1, "removed", last_seq + 1, row.seq), last_seq)
            recomputed = chain.entry_hash(row._mapping)
            if recomputed != row.hash:
                return report(broken(row.seq, "altered", recomputed, row.hash), last_seq)
            if row.prev_hash != prev:
                return report(broken(row.seq, "relinked", prev, row.prev_hash), last_seq)
            last_seq, prev = row.seq, row.hash
        if len(rows) < batch_size:
            break

    ends = f"{last_seq}:{prev}"
    if stored is None:
        if last_seq == 0:
            return report(None, 0)
        return report(broken(last_seq, "head_mismatch", None, ends, N_("audit_head_missing"), count=last_seq), last_seq)
    says = f"{stored.seq}:{stored.hash}"
    if last_seq < stored.seq:
        return report(broken(last_seq + 1, "head_mismatch", says, ends, N_("audit_head_truncated"),
                             head_seq=stored.seq, last_seq=last_seq), last_seq)
    if prev != stored.hash:
        return report(broken(last_seq, "head_mismatch", says, ends, N_("audit_head_hash")), last_seq)
    beyond = session.execute(
        sa.select(_entries.c.seq, _entries.c.hash)
        .where(_entries.c.municipality_id == municipality_id, _entries.c.seq > stored.seq)
        .order_by(_entries.c.seq).limit(1)
    ).one_or_none()
    if beyond is not None:
        # An append that committed while we read moves the head past it; an entry slipped in without moving
        # the head does not.
        now = _read_head(session, municipality_id)
        if now is None or now.seq < beyond.seq:
            return report(broken(beyond.seq, "head_mismatch", says, f"{beyond.seq}:{beyond.hash}",
                                 N_("audit_beyond_head"), head_seq=stored.seq), last_seq)
    return report(None, last_seq)


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("audit_altered"), N_("audit_relinked"), N_("audit_removed"),
    # the reasons `vigia audit verify` explains
    N_("audit_why_altered"), N_("audit_why_head_mismatch"), N_("audit_why_relinked"), N_("audit_why_removed"),
)
