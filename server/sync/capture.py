"""The change log is written by the session itself: after every flush, each record a device may pull that the
flush created, changed or deleted (directly or through one of its parts) gets a row in `sync_changes`, in the
same transaction. No service has to remember to log its changes, so no change can be forgotten.

`TRACKED` maps a model to the pullable record it belongs to. A record's scope (who may pull it) never changes
after it is created: a complaint's reporter, a visit's committee, a work's municipality.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.committees.models import (
    Agreement,
    Committee,
    CommitteeEvent,
    CommitteeWork,
    Meeting,
    MeetingAttendance,
    Member,
)
from server.complaints.models import Complaint, ComplaintPhoto, ComplaintUpdate
from server.db import utcnow
from server.inspections.models import FormTemplate, FormVersion, Visit, VisitFinding, VisitPhoto
from server.sync.models import Attachment, Change, ScopeKind
from server.works.models import ProgressObservation, Work, WorkZone

# model -> (entity, how to get the entity's id from an instance)
TRACKED: dict[type, tuple[str, Callable[[Any], uuid.UUID | None]]] = {
    Work: ("work", lambda o: o.id),
    ProgressObservation: ("work", lambda o: o.work_id),
    WorkZone: ("work", lambda o: o.work_id),
    FormVersion: ("form_version", lambda o: o.id),
    Committee: ("committee", lambda o: o.id),
    CommitteeWork: ("committee", lambda o: o.committee_id),
    CommitteeEvent: ("committee", lambda o: o.committee_id),
    Member: ("committee", lambda o: o.committee_id),
    Meeting: ("meeting", lambda o: o.id),
    MeetingAttendance: ("meeting", lambda o: o.meeting_id),
    Agreement: ("meeting", lambda o: o.meeting_id),
    Visit: ("visit", lambda o: o.id),
    VisitFinding: ("visit", lambda o: o.visit_id),
    VisitPhoto: ("visit", lambda o: o.visit_id),
    Complaint: ("complaint", lambda o: o.id),
    ComplaintUpdate: ("complaint", lambda o: o.complaint_id),
    ComplaintPhoto: ("complaint", lambda o: o.complaint_id),
    Attachment: ("attachment", lambda o: o.id),  # resolved to its record below
}

# entity -> (scope kind, SELECT id, municipality_id, scope_id for a list of ids)
_SCOPES: dict[str, tuple[str, Callable[[list[uuid.UUID]], sa.Select]]] = {
    "work": (ScopeKind.works, lambda ids: sa.select(Work.id, Work.municipality_id, Work.municipality_id)
             .where(Work.id.in_(ids))),
    "form_version": (ScopeKind.forms, lambda ids: sa.select(FormVersion.id, FormTemplate.municipality_id,
                                                             FormTemplate.municipality_id)
                     .join(FormTemplate, FormTemplate.id == FormVersion.template_id).where(FormVersion.id.in_(ids))),
    "committee": (ScopeKind.committee, lambda ids: sa.select(Committee.id, Committee.municipality_id, Committee.id)
                  .where(Committee.id.in_(ids))),
    "meeting": (ScopeKind.committee, lambda ids: sa.select(Meeting.id, Meeting.municipality_id, Meeting.committee_id)
                .where(Meeting.id.in_(ids))),
    "visit": (ScopeKind.committee, lambda ids: sa.select(Visit.id, Visit.municipality_id, Visit.committee_id)
              .where(Visit.id.in_(ids))),
    "complaint": (ScopeKind.reporter, lambda ids: sa.select(Complaint.id, Complaint.municipality_id,
                                                            Complaint.reporter_id).where(Complaint.id.in_(ids))),
}


# entity -> (municipality, scope id) read from the record's own instance, when the flush holds it. Form versions
# have no municipality of their own (it is their template's), so they are always looked up.
_OWN_SCOPE: dict[type, Callable[[Any], tuple[uuid.UUID, uuid.UUID | None]]] = {
    Work: lambda o: (o.municipality_id, o.municipality_id),
    Committee: lambda o: (o.municipality_id, o.id),
    Meeting: lambda o: (o.municipality_id, o.committee_id),
    Visit: lambda o: (o.municipality_id, o.committee_id),
    Complaint: lambda o: (o.municipality_id, o.reporter_id),
}
_RECORDS = {Work, FormVersion, Committee, Meeting, Visit, Complaint}  # the models that are a record themselves


def txid_expression(dialect: str) -> sa.ColumnElement[int]:
    """The writing transaction's id (PostgreSQL), or 0 where writers are serialised (SQLite)."""
    if dialect == "postgresql":
        return sa.text("pg_current_xact_id()::text::bigint")  # type: ignore[return-value]
    return sa.literal(0, sa.BigInteger)


def _touched(session: Session) -> tuple[dict[tuple[str, uuid.UUID], str], dict[tuple[str, uuid.UUID], Any]]:
    """What the flush changed: {(entity, id): "upsert" | "delete"}, and the records' own instances it holds."""
    ops: dict[tuple[str, uuid.UUID], str] = {}
    own: dict[tuple[str, uuid.UUID], Any] = {}

    def note(obj: Any, deleted: bool) -> None:
        spec = TRACKED.get(type(obj))
        if spec is None:
            return
        entity, id_of = spec
        if entity == "attachment":  # a photo arriving or declared changes its record
            key = (obj.record_type, obj.record_id)
            ops.setdefault(key, "upsert")
            return
        entity_id = id_of(obj)
        if entity_id is None:
            return
        key = (entity, entity_id)
        is_record = type(obj) in _RECORDS
        gone = is_record and (deleted or getattr(obj, "deleted_at", None) is not None)
        ops[key] = "delete" if gone or ops.get(key) == "delete" else "upsert"
        if is_record:
            own[key] = obj

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
        if instance is not None and type(instance) in _OWN_SCOPE:
            scopes[key] = _OWN_SCOPE[type(instance)](instance)
        else:  # reached through one of its parts (or a form version): ask the database
            lookup.setdefault(key[0], []).append(key[1])
    connection = session.connection()
    for entity, ids in lookup.items():
        for entity_id, municipality_id, scope_id in connection.execute(_SCOPES[entity][1](ids)):
            scopes[(entity, entity_id)] = (municipality_id, scope_id)
    now = utcnow()
    rows = []
    for (entity, entity_id), op in ops.items():
        municipality_id, scope_id = scopes.get((entity, entity_id), (None, None))
        if scope_id is None:
            continue  # e.g. an anonymous complaint: nobody pulls it
        rows.append({"municipality_id": municipality_id, "scope_kind": _SCOPES[entity][0], "scope_id": scope_id,
                     "entity": entity, "entity_id": entity_id, "op": op, "at": now})
    return rows


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _context: Any) -> None:
    ops, own = _touched(session)
    if not ops:
        return
    rows = _rows(session, ops, own)
    if rows:
        dialect = session.get_bind().dialect.name
        session.connection().execute(sa.insert(Change).values(txid=txid_expression(dialect)), rows)
