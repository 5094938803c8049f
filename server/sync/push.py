"""Push: a batch of mutations, each applied at most once and answered on its own (docs/sync.md, section 2).

The whole batch is one transaction (one commit, one WAL flush on PostgreSQL); each mutation runs in its own
savepoint: the claim (device, mutation id) is inserted, the intent runs, the result is stored on the claim. A
rejected intent rolls its savepoint back and stores only the claim with its rejection; a server fault rolls it
back and answers `retry` for that mutation alone; a database that cannot serve (server.db.unavailable) fails the
whole push with 503, and then nothing of the batch is stored. The primary key decides between two connections
sending the same mutation at once (on PostgreSQL the second insert waits for the first transaction and then
fails, and its savepoint answers the stored result), and a replay reads the stored result instead of applying
anything.

Locks, so that two batches never wait on each other in a cycle: the folio counters of the municipalities the batch
files complaints in are taken first, sorted by code; the audit chains' heads last, when the batch's entries are
written, sorted by municipality id (server.audit.service.appended_at_end). Look-ups repeated by the mutations
(municipality, category, zone, deadline rules, business-day calendar) are made once per batch (server.lookups).

Here: the batch read, its locks taken and its mutations applied in order. One mutation applied on its own is
server/sync/applying.py; the fast path, filings written together, server/sync/fast_path.py; the wire format
server/sync/push_schemas.py.
"""

from __future__ import annotations

import collections
import uuid
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from server import db, edge, lookups
from server.audit import service as audit
from server.auth.actor import Actor
from server.db import session_scope, utcnow
from server.errors import AppError, Invalid, validation_details
from server.municipalities import service as municipalities
from server.sync import attachments, fast_path, intents
from server.sync.applying import Batch, apply_one, rejected
from server.sync.models import Mutation
from server.sync.push_schemas import MAX_PUSH_BYTES, MutationIn, MutationResult, PushAck, PushBody

__all__ = ["MAX_PUSH_BYTES", "PushAck", "PushBody", "push"]


def _stored_of_batch(session, device_id: uuid.UUID, mutation_ids: list[uuid.UUID]) -> dict[uuid.UUID, Mutation]:
    """The mutations of the batch already stored (replays), in one query."""
    found: dict[uuid.UUID, Mutation] = {}
    for start in range(0, len(mutation_ids), 250):
        chunk = mutation_ids[start:start + 250]
        found.update((row.mutation_id, row) for row in session.scalars(
            sa.select(Mutation).where(Mutation.device_id == device_id,
                                      db.among(session, Mutation.mutation_id, chunk))))
    return found


def _parsed(raw: Any, language: str) -> MutationIn | dict[str, Any]:
    """The mutation, or its rejection when its envelope is wrong (never stored: it has no trustworthy id)."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    raw_intent = raw.get("intent") if isinstance(raw, dict) else None
    try:  # odd input is this mutation's fault, never a reason to send it again (server.edge)
        edge.refuse_nul(raw)
    except AppError as error:
        return rejected(raw_id, raw_intent, error, language)
    try:
        mutation = MutationIn.model_validate(raw)
    except ValidationError as exc:
        return rejected(raw_id, raw_intent, Invalid("mutation_invalid", details=validation_details(exc, language)),
                         language)
    if mutation.intent not in intents.INTENTS:
        return rejected(mutation.id, mutation.intent,
                         Invalid("mutation_invalid", details=[{"field": "intent", "code": "intent_unknown",
                                                               "params": {"known": ", ".join(intents.INTENTS)}}]),
                         language)
    return mutation


def push(*, actor: Actor, device_id: uuid.UUID, body: PushBody, language: str) -> PushAck:
    from server.auth import service as auth
    from server.complaints import intake

    parsed = [_parsed(raw, language) for raw in body.mutations]
    mutations = [m for m in parsed if isinstance(m, MutationIn)]
    complaint_ids = list(dict.fromkeys(key for m in mutations if m.intent == "complaint.file"
                                       and (key := fast_path.complaint_key(m)) is not None))
    with session_scope() as session, lookups.kept(session), audit.appended_at_end(session), \
            intake.filed_at_end(session, complaint_ids):
        batch = Batch(session=session, actor=actor, device_id=device_id, language=language,
                       stored=_stored_of_batch(session, device_id, list(dict.fromkeys(m.id for m in mutations))))
        with attachments.declared_at_end(session, _announced_photos(batch, mutations)):
            results = _apply_all(batch, parsed, mutations)
        auth.mark_synced(session, device_id=device_id)
    return PushAck(server_time=utcnow(), results=[MutationResult.model_validate(r) for r in results])


def _announced_photos(batch: Batch, mutations: list[MutationIn]) -> list[tuple[uuid.UUID, Any]]:
    """(municipality id, `attachments` as sent) of the batch's new filings that announce photos."""
    found = []
    for mutation in mutations:
        if mutation.intent == "complaint.file" and mutation.id not in batch.stored \
                and mutation.payload.get("attachments"):
            try:
                found.append((batch.municipality(mutation.municipality).id, mutation.payload["attachments"]))
            except AppError:
                continue  # an unknown municipality: the mutation is rejected on its own
    return found


def _apply_all(batch: Batch, parsed: list[MutationIn | dict[str, Any]],
               mutations: list[MutationIn]) -> list[dict[str, Any]]:
    """Each mutation's result, in the order sent (see the module docstring and "the fast path")."""
    from server.complaints import intake

    session = batch.session
    # The folio counters the batch will add to, locked first and in one order (see the module docstring).
    filing = collections.Counter(m.municipality for m in mutations
                                 if m.intent == "complaint.file" and m.id not in batch.stored)
    for code in sorted(filing):
        try:
            intake.lock_folio_counter(session, batch.municipality(code))
        except AppError:
            continue  # an unknown municipality: each of its mutations is rejected on its own
        municipalities.expect_zone_questions(session, municipality=batch.municipality(code),
                                             count=filing[code])
    results: list[dict[str, Any]] = []
    group = fast_path.Group()
    filed: set[uuid.UUID] = set()  # complaint ids filed (or tried) earlier in the batch
    for item in parsed:
        if not isinstance(item, MutationIn):
            results.append(item)
            continue
        if fast_path.goes_fast(batch, item, group, filed):
            results.append(fast_path.apply_fast(batch, item, group, len(results)))
        else:
            group = fast_path.write_group(batch, group, results)  # what came before is written before it applies
            results.append(apply_one(batch, item))
        if item.intent == "complaint.file" and (key := fast_path.complaint_key(item)) is not None:
            filed.add(key)
    fast_path.write_group(batch, group, results)
    return results
