"""A push's fast path (docs/sync.md, "How a batch is applied": *together*): filings checked before anything is
written, their rows queued and written as a group, one statement per table."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from server import db
from server.audit import service as audit
from server.db import utcnow
from server.sync import attachments, capture
from server.sync.applying import Batch, apply_one, fingerprint, retry, run, shown
from server.sync.models import Mutation
from server.sync.push_schemas import MutationIn

log = logging.getLogger("vigia.sync")

# A `complaint.file` (the commonest mutation, and a batch of them the commonest push), with no photos or with
# photos announced to be uploaded after it, writes nothing while it is applied: intake checks everything that can
# refuse it first, then queues its rows (server.complaints.intake.filed_at_end), its photos' declarations
# (server.sync.attachments.declared_at_end) and its audit entry (audit.appended_at_end). Such mutations form a
# *group*; the group is written when a mutation of another kind comes (mutations apply in the order sent) and at
# the end of the batch: its claims, complaints, timeline entries, declarations and change-log rows one INSERT
# each, the folio counters moved once, all in one savepoint. A refused or failed mutation of the group has
# nothing to roll back: its queued rows and entries are dropped in memory. If the group's write fails (another
# connection stored one of its mutations, or filed one of its complaint ids, since this batch began: the primary
# keys decide), its savepoint is rolled back and its mutations are applied again one by one, each in its own
# savepoint (`apply_one`), which answers a replay with the stored result.


@dataclass
class Claimed:
    """A mutation stored by this batch's fast path, as a replay later in the same batch reads it."""

    device_id: uuid.UUID
    intent: str
    fingerprint: str
    result: dict[str, Any]


@dataclass
class Group:
    """Fast-path mutations applied in memory and not yet written."""

    audit_mark: int = 0  # the audit queue's length before the group's first mutation
    mutations: list[MutationIn] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # in the push's results
    claims: list[dict[str, Any]] = field(default_factory=list)
    ids: set[uuid.UUID] = field(default_factory=set)


def complaint_key(mutation: MutationIn) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(mutation.payload.get("id")))
    except ValueError:
        return None


def goes_fast(batch: Batch, mutation: MutationIn, group: Group, filed: set[uuid.UUID]) -> bool:
    """Whether the mutation may take the fast path: a first filing of a complaint id not seen before in this batch
    (a resend of one goes through `apply_one`, after the group is written), joining no photo uploaded before it, and
    announcing only photos whose declaration needs no look at what is stored (server.sync.attachments)."""
    from server.complaints import intake

    if mutation.intent != "complaint.file" or mutation.id in batch.stored or mutation.id in group.ids:
        return False
    payload = mutation.payload
    if payload.get("photo_ids"):  # photos uploaded before, joined to the complaint as it is filed
        return False
    key = complaint_key(mutation)
    if key is None or key in filed:
        return False
    # photos announced with it are declared in the batch's queue too, if nothing stored needs a look
    return not payload.get("attachments") or (attachments.may_queue(batch.session, payload["attachments"])
                                              and intake.new_in_batch(batch.session, key))


def apply_fast(batch: Batch, mutation: MutationIn, group: Group, position: int) -> dict[str, Any]:
    """Apply one mutation in memory (see above) and return its result."""
    from server.complaints import intake

    session = batch.session
    audit_mark, queue_mark = audit.queued_count(session), intake.queued_count(session)
    photo_mark = attachments.queued_count(session)
    try:
        with intake.queueing(session), attachments.queueing(session):
            result = run(batch, mutation)
    except Exception as exc:
        audit.drop_queued(session, audit_mark)
        intake.drop_queued(session, queue_mark)
        attachments.drop_queued(session, photo_mark)
        if db.unavailable(exc):
            raise  # the whole push answers 503 (see apply_one)
        return retry(mutation, batch.language)
    if session.new or session.dirty or session.deleted:  # a programming error: nothing here may write
        raise RuntimeError(f"{mutation.intent} wrote through the session on the push's fast path")
    fresh = intake.queued_count(session) > queue_mark
    if result["status"] == "rejected":  # nothing was written: its queued rows and entries go, its rejection stays
        audit.drop_queued(session, audit_mark)
        intake.drop_queued(session, queue_mark)
        attachments.drop_queued(session, photo_mark)
        fresh = False
    if not group.mutations:
        group.audit_mark = audit_mark
    group.mutations.append(mutation)
    group.positions.append(position)
    group.ids.add(mutation.id)
    group.claims.append({"device_id": batch.device_id, "mutation_id": mutation.id, "user_id": batch.actor.user_id,
                         "intent": mutation.intent, "fingerprint": fingerprint(mutation),
                         "status": result["status"], "result": result, "received_at": utcnow()})
    return shown(session, result, batch.device_id, fresh=fresh)


def write_group(batch: Batch, group: Group, results: list[dict[str, Any]]) -> Group:
    """Write the group (see above), or apply its mutations again one by one if that fails; an empty group."""
    from server.complaints import intake

    if not group.mutations:
        return group
    session = batch.session
    try:
        with session.begin_nested():
            db.insert_rows(session, Mutation.__table__, group.claims)  # the primary key decides first
            capture.log(session, "complaint", intake.write_queued(session))
            attachments.write_queued(session)
    except Exception as exc:
        if db.unavailable(exc):
            raise
        log.info("sync_group_applied_one_by_one", extra={"mutations": len(group.mutations), "error": repr(exc)})
        intake.drop_queued(session)
        attachments.drop_queued(session)
        audit.drop_queued(session, group.audit_mark)
        for position, mutation in zip(group.positions, group.mutations, strict=True):
            results[position] = apply_one(batch, mutation)
        return Group()
    for claim in group.claims:
        batch.stored[claim["mutation_id"]] = Claimed(claim["device_id"], claim["intent"], claim["fingerprint"],
                                                      claim["result"])
    return Group()
