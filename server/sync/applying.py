"""One mutation of a push applied on its own (docs/sync.md, "How a batch is applied": *one by one*): its claim,
its intent and its stored result in one savepoint; a replay answered with the stored result, a refusal stored
alone, a server fault answered `retry`. Shared by the push (server/sync/push.py) and its fast path
(server/sync/fast_path.py), which falls back on it."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from server import db, edge
from server.auth.actor import Actor
from server.errors import AppError, Invalid, validation_details
from server.i18n import translate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.sync import intents
from server.sync.models import Mutation
from server.sync.push_schemas import MutationIn

log = logging.getLogger("vigia.sync")

def fingerprint(mutation: MutationIn) -> str:
    canonical = json.dumps({"intent": mutation.intent, "municipality": mutation.municipality,
                            "payload": mutation.payload}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def rejected(raw_id: Any, intent: Any, error: AppError, language: str) -> dict[str, Any]:
    return {"id": str(raw_id) if raw_id is not None else None, "intent": intent if isinstance(intent, str) else None,
            "status": "rejected", "record": None, "data": {}, "message": error.message(language),
            "error": {"code": error.code, "message": error.message(language),
                      "details": error.rendered_details(language)}}


def shown(session, result: dict[str, Any], device_id: uuid.UUID, *, fresh: bool = False) -> dict[str, Any]:
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


def stored_mutation(session, device_id: uuid.UUID, mutation_id: uuid.UUID) -> Mutation | None:
    return session.execute(
        sa.select(Mutation).where(Mutation.device_id == device_id, Mutation.mutation_id == mutation_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def replay(session, stored: Mutation, mutation: MutationIn, language: str) -> dict[str, Any]:
    if stored.fingerprint != fingerprint(mutation) or stored.intent != mutation.intent:
        return rejected(mutation.id, mutation.intent, AppError("mutation_id_reused", status=409), language)
    return shown(session, stored.result, stored.device_id)


@dataclass
class Batch:
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


def apply_one(batch: Batch, mutation: MutationIn) -> dict[str, Any]:
    """Apply one mutation at most once in its own savepoint and return its result (stored, except retries)."""
    session = batch.session
    stored = batch.stored.get(mutation.id)
    if stored is not None:
        return replay(session, stored, mutation, batch.language)
    claim = Mutation(device_id=batch.device_id, mutation_id=mutation.id, user_id=batch.actor.user_id,
                     intent=mutation.intent, fingerprint=fingerprint(mutation), status="pending", result={})
    try:
        try:
            with session.begin_nested():  # the claim, the intent and its result: all of them or none
                session.add(claim)
                session.flush()  # the primary key decides between two connections sending it at once
                result = run(batch, mutation)
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
        return shown(session, result, batch.device_id)
    except Exception as exc:  # a server fault: this mutation's savepoint is undone, the phone sends it again
        if db.unavailable(exc):
            # The database is down or busy: the whole push answers 503 with Retry-After and nothing of the batch
            # is stored (nothing was acknowledged; a resend applies it all).
            raise
        if isinstance(exc, sa.exc.IntegrityError):
            stored = stored_mutation(session, batch.device_id, mutation.id)
            if stored is not None:  # another connection applied it just now (its claim won)
                return replay(session, stored, mutation, batch.language)
        return retry(mutation, batch.language)


def retry(mutation: MutationIn, language: str) -> dict[str, Any]:
    """A server fault while applying one mutation: nothing of it is stored, the phone sends it again."""
    log.exception("sync_mutation_failed", extra={"intent": mutation.intent, "mutation_id": str(mutation.id)})
    error = AppError("internal_error", status=500)
    return {"id": str(mutation.id), "intent": mutation.intent, "status": "retry", "record": None, "data": {},
            "message": error.message(language),
            "error": {"code": error.code, "message": error.message(language), "details": []}}


def run(batch: Batch, mutation: MutationIn) -> dict[str, Any]:
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
        return rejected(mutation.id, mutation.intent, error, language)
    message = translate(outcome.message_code, language) if outcome.message_code else None
    return {"id": str(mutation.id), "intent": mutation.intent, "status": outcome.status,
            "record": {"type": outcome.record_type, "id": str(outcome.record_id)},
            "data": json.loads(json.dumps(outcome.data, default=str)), "message": message, "error": None}
