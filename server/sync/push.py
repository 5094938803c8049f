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
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Union

import sqlalchemy as sa
from pydantic import AwareDatetime, BaseModel, ConfigDict, GetJsonSchemaHandler, ValidationError, create_model
from pydantic import Field as PField
from pydantic.json_schema import JsonSchemaValue
from sqlalchemy.orm import Session

from server import db, edge, lookups
from server.audit import service as audit
from server.auth.actor import Actor
from server.db import session_scope, utcnow
from server.errors import AppError, Invalid, validation_details
from server.i18n import translate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.sync import attachments, capture, intents
from server.sync.models import Mutation

log = logging.getLogger("vigia.sync")

PROTOCOL = "vigia-sync/1"
MAX_MUTATIONS = 500
MAX_PUSH_BYTES = 5 * 1024 * 1024


class MutationIn(BaseModel):
    """One thing the person did offline, as a named intent with its data."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = PField(description="made by the device; never reused")
    intent: str = PField(min_length=1, max_length=40, description=", ".join(intents.INTENTS))
    municipality: str = PField(min_length=1, max_length=20, description="the municipality's code")
    at: AwareDatetime | None = PField(None, description="when it was done on the phone (informative)")
    payload: dict[str, Any]


def _documented_mutation(name: str, intent: intents.Intent) -> type[BaseModel]:
    """The shape of one intent's mutation, for the API document only (each is parsed on its own at run time)."""
    return create_model(
        "Mutation_" + name.replace(".", "_"), __base__=MutationIn, __doc__=f"A `{name}` mutation.",
        intent=(Literal[name], PField(description="the intent")),  # type: ignore[valid-type]
        payload=(intent.schema, ...),
    )


_DOCUMENTED = [_documented_mutation(name, intent) for name, intent in intents.INTENTS.items()]


class _PushDocumented(BaseModel):
    mutations: list[Annotated[Union[tuple(_DOCUMENTED)], PField(discriminator="intent")]] = PField(  # noqa: UP007
        min_length=1, max_length=MAX_MUTATIONS)


class PushBody(BaseModel):
    """Up to 500 mutations, applied in order. Each one is checked on its own: a malformed mutation is rejected
    in its result and does not spoil the others (so the body is parsed loosely; the document shows each
    intent's shape)."""

    model_config = ConfigDict(extra="forbid")
    edge_checks_items_of: ClassVar[tuple[str, ...]] = ("mutations",)  # server.edge, per mutation in apply_one

    mutations: list[Any] = PField(min_length=1, max_length=MAX_MUTATIONS)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(_PushDocumented.__pydantic_core_schema__)
        schema = handler.resolve_ref_schema(schema)
        schema["title"] = "PushBody"
        schema["description"] = (cls.__doc__ or "").strip()
        return schema


class ErrorOut(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = []


class MutationResult(BaseModel):
    id: str | None
    intent: str | None
    status: str = PField(description="applied, noted, rejected, or retry (not stored: send it again later)")
    record: dict[str, Any] | None = None
    data: dict[str, Any] = {}
    message: str | None = None
    error: ErrorOut | None = None


class PushAck(BaseModel):
    """The explicit acknowledgement: trust a push only if protocol, ok and one result per mutation are here."""

    protocol: str = PROTOCOL
    ok: bool = True
    server_time: datetime
    results: list[MutationResult]


def _fingerprint(mutation: MutationIn) -> str:
    canonical = json.dumps({"intent": mutation.intent, "municipality": mutation.municipality,
                            "payload": mutation.payload}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rejected(raw_id: Any, intent: Any, error: AppError, language: str) -> dict[str, Any]:
    return {"id": str(raw_id) if raw_id is not None else None, "intent": intent if isinstance(intent, str) else None,
            "status": "rejected", "record": None, "data": {}, "message": error.message(language),
            "error": {"code": error.code, "message": error.message(language),
                      "details": error.rendered_details(language)}}


def _shown(session, result: dict[str, Any], device_id: uuid.UUID, *, fresh: bool = False) -> dict[str, Any]:
    """A stored result as sent to the device that pushed it: the follow-up code of an anonymous complaint it
    filed is derived again from the complaint and this device (server.complaints.filings), never stored; in the
    format it was issued in (a complaint filed before today's codes keeps its old one; `fresh`: filed by this
    very mutation, so in today's format, with no need to read it)."""
    if result.get("intent") == "complaint.file" and result.get("status") == "applied" \
            and result.get("data", {}).get("anonymous"):
        from server.complaints import filings
        from server.complaints.models import Complaint

        complaint_id = uuid.UUID(result["record"]["id"])
        filer = filings.device_filer(device_id)
        complaint = None if fresh else session.get(Complaint, complaint_id)
        code = (filings.filer_code(complaint, filer) if complaint is not None else None) \
            or filings.follow_up_code(complaint_id, filer)
        result = {**result, "data": {**result["data"], "follow_up_code": code}}
    return result


def _stored(session, device_id: uuid.UUID, mutation_id: uuid.UUID) -> Mutation | None:
    return session.execute(
        sa.select(Mutation).where(Mutation.device_id == device_id, Mutation.mutation_id == mutation_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _stored_of_batch(session, device_id: uuid.UUID, mutation_ids: list[uuid.UUID]) -> dict[uuid.UUID, Mutation]:
    """The mutations of the batch already stored (replays), in one query."""
    found: dict[uuid.UUID, Mutation] = {}
    for start in range(0, len(mutation_ids), 250):
        chunk = mutation_ids[start:start + 250]
        found.update((row.mutation_id, row) for row in session.scalars(
            sa.select(Mutation).where(Mutation.device_id == device_id,
                                      db.among(session, Mutation.mutation_id, chunk))))
    return found


def _replay(session, stored: Mutation, mutation: MutationIn, language: str) -> dict[str, Any]:
    if stored.fingerprint != _fingerprint(mutation) or stored.intent != mutation.intent:
        return _rejected(mutation.id, mutation.intent, AppError("mutation_id_reused", status=409), language)
    return _shown(session, stored.result, stored.device_id)


def _parsed(raw: Any, language: str) -> MutationIn | dict[str, Any]:
    """The mutation, or its rejection when its envelope is wrong (never stored: it has no trustworthy id)."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    raw_intent = raw.get("intent") if isinstance(raw, dict) else None
    try:  # odd input is this mutation's fault, never a reason to send it again (server.edge)
        edge.refuse_nul(raw)
    except AppError as error:
        return _rejected(raw_id, raw_intent, error, language)
    try:
        mutation = MutationIn.model_validate(raw)
    except ValidationError as exc:
        return _rejected(raw_id, raw_intent, Invalid("mutation_invalid", details=validation_details(exc, language)),
                         language)
    if mutation.intent not in intents.INTENTS:
        return _rejected(mutation.id, mutation.intent,
                         Invalid("mutation_invalid", details=[{"field": "intent", "code": "intent_unknown",
                                                               "params": {"known": ", ".join(intents.INTENTS)}}]),
                         language)
    return mutation


@dataclass
class _Batch:
    """What one push shares between its mutations: the session (one transaction), who pushes, and the look-ups
    made once for the batch (municipalities by code; the domains keep theirs with server.lookups)."""

    session: Session
    actor: Actor
    device_id: uuid.UUID
    language: str
    stored: dict[uuid.UUID, Mutation]
    municipalities: dict[str, Municipality] = field(default_factory=dict)

    def municipality(self, code: str) -> Municipality:
        if code not in self.municipalities:  # an unknown code raises NotFound each time: never cached
            self.municipalities[code] = municipalities.get_by_code(self.session, code)
        return self.municipalities[code]


class _Rejected(Exception):
    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result


def _apply(batch: _Batch, mutation: MutationIn) -> dict[str, Any]:
    """Apply one mutation at most once in its own savepoint and return its result (stored, except retries)."""
    session = batch.session
    stored = batch.stored.get(mutation.id)
    if stored is not None:
        return _replay(session, stored, mutation, batch.language)
    claim = Mutation(device_id=batch.device_id, mutation_id=mutation.id, user_id=batch.actor.user_id,
                     intent=mutation.intent, fingerprint=_fingerprint(mutation), status="pending", result={})
    try:
        try:
            with session.begin_nested():  # the claim, the intent and its result: all of them or none
                session.add(claim)
                session.flush()  # the primary key decides between two connections sending it at once
                result = _run(batch, mutation)
                if result["status"] == "rejected":
                    raise _Rejected(result)  # undo whatever the intent did before it refused
                claim.status, claim.result = result["status"], result
                session.flush()
        except _Rejected as rejected:
            # Nothing of the intent stays; the rejection is stored so that a replay answers the same.
            result = rejected.result
            claim = Mutation(device_id=batch.device_id, mutation_id=mutation.id, user_id=batch.actor.user_id,
                             intent=mutation.intent, fingerprint=claim.fingerprint, status="rejected", result=result)
            with session.begin_nested():
                session.add(claim)
                session.flush()
        batch.stored[mutation.id] = claim  # the same id again in this batch replays it
        return _shown(session, result, batch.device_id)
    except Exception as exc:  # a server fault: this mutation's savepoint is undone, the phone sends it again
        if db.unavailable(exc):
            # The database is down or busy: the whole push answers 503 with Retry-After and nothing of the batch
            # is stored (nothing was acknowledged; a resend applies it all).
            raise
        if isinstance(exc, sa.exc.IntegrityError):
            stored = _stored(session, batch.device_id, mutation.id)
            if stored is not None:  # another connection applied it just now (its claim won)
                return _replay(session, stored, mutation, batch.language)
        return _retry(mutation, batch.language)


def _retry(mutation: MutationIn, language: str) -> dict[str, Any]:
    """A server fault while applying one mutation: nothing of it is stored, the phone sends it again."""
    log.exception("sync_mutation_failed", extra={"intent": mutation.intent, "mutation_id": str(mutation.id)})
    error = AppError("internal_error", status=500)
    return {"id": str(mutation.id), "intent": mutation.intent, "status": "retry", "record": None, "data": {},
            "message": error.message(language),
            "error": {"code": error.code, "message": error.message(language), "details": []}}


def _run(batch: _Batch, mutation: MutationIn) -> dict[str, Any]:
    session, language = batch.session, batch.language
    intent = intents.INTENTS[mutation.intent]
    try:
        municipality = batch.municipality(mutation.municipality)
        try:
            payload = intent.schema.model_validate(mutation.payload)
        except ValidationError as exc:
            raise Invalid("validation_error", details=validation_details(exc, language)) from None
        edge.refuse_wide_ints(payload, "payload")
        edge.refuse_blank(payload, "payload")
        ctx = intents.Context(actor=batch.actor, device_id=batch.device_id, municipality=municipality,
                              language=language)
        outcome = intents.apply(session, ctx, mutation.intent, payload)
    except AppError as error:
        return _rejected(mutation.id, mutation.intent, error, language)
    message = translate(outcome.message_code, language) if outcome.message_code else None
    return {"id": str(mutation.id), "intent": mutation.intent, "status": outcome.status,
            "record": {"type": outcome.record_type, "id": str(outcome.record_id)},
            "data": json.loads(json.dumps(outcome.data, default=str)), "message": message, "error": None}


# ------------------------------------------------------------------------------------------------ the fast path
#
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
# savepoint (`_apply`), which answers a replay with the stored result.


@dataclass
class _Claimed:
    """A mutation stored by this batch's fast path, as a replay later in the same batch reads it."""

    device_id: uuid.UUID
    intent: str
    fingerprint: str
    result: dict[str, Any]


@dataclass
class _Group:
    """Fast-path mutations applied in memory and not yet written."""

    audit_mark: int = 0  # the audit queue's length before the group's first mutation
    mutations: list[MutationIn] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # in the push's results
    claims: list[dict[str, Any]] = field(default_factory=list)
    ids: set[uuid.UUID] = field(default_factory=set)


def _complaint_key(mutation: MutationIn) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(mutation.payload.get("id")))
    except ValueError:
        return None


def _fast(batch: _Batch, mutation: MutationIn, group: _Group, filed: set[uuid.UUID]) -> bool:
    """Whether the mutation may take the fast path: a first filing of a complaint id not seen before in this batch
    (a resend of one goes through `_apply`, after the group is written), joining no photo uploaded before it, and
    announcing only photos whose declaration needs no look at what is stored (server.sync.attachments)."""
    from server.complaints import intake

    if mutation.intent != "complaint.file" or mutation.id in batch.stored or mutation.id in group.ids:
        return False
    payload = mutation.payload
    if payload.get("photo_ids"):  # photos uploaded before, joined to the complaint as it is filed
        return False
    key = _complaint_key(mutation)
    if key is None or key in filed:
        return False
    # photos announced with it are declared in the batch's queue too, if nothing stored needs a look
    return not payload.get("attachments") or (attachments.may_queue(batch.session, payload["attachments"])
                                              and intake.new_in_batch(batch.session, key))


def _apply_fast(batch: _Batch, mutation: MutationIn, group: _Group, position: int) -> dict[str, Any]:
    """Apply one mutation in memory (see above) and return its result."""
    from server.complaints import intake

    session = batch.session
    audit_mark, queue_mark = audit.queued_count(session), intake.queued_count(session)
    photo_mark = attachments.queued_count(session)
    try:
        with intake.queueing(session), attachments.queueing(session):
            result = _run(batch, mutation)
    except Exception as exc:
        audit.drop_queued(session, audit_mark)
        intake.drop_queued(session, queue_mark)
        attachments.drop_queued(session, photo_mark)
        if db.unavailable(exc):
            raise  # the whole push answers 503 (see _apply)
        return _retry(mutation, batch.language)
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
                         "intent": mutation.intent, "fingerprint": _fingerprint(mutation),
                         "status": result["status"], "result": result, "received_at": utcnow()})
    return _shown(session, result, batch.device_id, fresh=fresh)


def _write_group(batch: _Batch, group: _Group, results: list[dict[str, Any]]) -> _Group:
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
            results[position] = _apply(batch, mutation)
        return _Group()
    for claim in group.claims:
        batch.stored[claim["mutation_id"]] = _Claimed(claim["device_id"], claim["intent"], claim["fingerprint"],
                                                      claim["result"])
    return _Group()


def push(*, actor: Actor, device_id: uuid.UUID, body: PushBody, language: str) -> PushAck:
    from server.auth import service as auth

    from server.complaints import intake

    parsed = [_parsed(raw, language) for raw in body.mutations]
    mutations = [m for m in parsed if isinstance(m, MutationIn)]
    complaint_ids = list(dict.fromkeys(key for m in mutations if m.intent == "complaint.file"
                                       and (key := _complaint_key(m)) is not None))
    with session_scope() as session, lookups.kept(session), audit.appended_at_end(session), \
            intake.filed_at_end(session, complaint_ids):
        batch = _Batch(session=session, actor=actor, device_id=device_id, language=language,
                       stored=_stored_of_batch(session, device_id, list(dict.fromkeys(m.id for m in mutations))))
        with attachments.declared_at_end(session, _announced_photos(batch, mutations)):
            results = _apply_all(batch, parsed, mutations)
        auth.mark_synced(session, device_id=device_id)
    return PushAck(server_time=utcnow(), results=[MutationResult.model_validate(r) for r in results])


def _announced_photos(batch: _Batch, mutations: list[MutationIn]) -> list[tuple[uuid.UUID, Any]]:
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


def _apply_all(batch: _Batch, parsed: list[MutationIn | dict[str, Any]],
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
    group = _Group()
    filed: set[uuid.UUID] = set()  # complaint ids filed (or tried) earlier in the batch
    for item in parsed:
        if not isinstance(item, MutationIn):
            results.append(item)
            continue
        if _fast(batch, item, group, filed):
            results.append(_apply_fast(batch, item, group, len(results)))
        else:
            group = _write_group(batch, group, results)  # what came before is written before it applies
            results.append(_apply(batch, item))
        if item.intent == "complaint.file" and (key := _complaint_key(item)) is not None:
            filed.add(key)
    _write_group(batch, group, results)
    return results
