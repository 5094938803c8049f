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


def _own_scope(entity: str, obj: Any) -> tuple[uuid.UUID, uuid.UUID | None] | None:
    """(municipality, scope id) from the record's own instance (needed when the flush deleted its row)."""
    if entity == "work":
        return obj.municipality_id, obj.municipality_id
    if entity == "committee":
        return obj.municipality_id, obj.id
    if entity in ("meeting", "visit"):
        return obj.municipality_id, obj.committee_id
    if entity == "complaint":
        return obj.municipality_id, obj.reporter_id
    return None


def txid_expression(dialect: str) -> sa.ColumnElement[int]:
    """The writing transaction's id (PostgreSQL), or 0 where writers are serialised (SQLite)."""
    if dialect == "postgresql":
        return sa.text("pg_current_xact_id()::text::bigint")  # type: ignore[return-value]
    return sa.literal(0, sa.BigInteger)


def _touched(session: Session) -> tuple[dict[tuple[str, uuid.UUID], str], dict[tuple[str, uuid.UUID], Any]]:
    ops: dict[tuple[str, uuid.UUID], str] = {}
    own: dict[tuple[str, uuid.UUID], Any] = {}
    attachments: list[Attachment] = []

    def note(obj: Any, deleted: bool) -> None:
        spec = TRACKED.get(type(obj))
        if spec is None:
            return
        entity, id_of = spec
        if entity == "attachment":
            attachments.append(obj)
            return
        entity_id = id_of(obj)
        if entity_id is None:
            return
        key = (entity, entity_id)
        is_own = (entity, type(obj)) in _OWN
        gone = is_own and (deleted or getattr(obj, "deleted_at", None) is not None)
        ops[key] = "delete" if gone else ("delete" if ops.get(key) == "delete" else "upsert")
        if is_own:
            own[key] = obj

    for obj in session.new:
        note(obj, False)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            note(obj, False)
    for obj in session.deleted:
        note(obj, True)
    for attachment in attachments:
        if attachment.record_type in ("complaint", "visit"):
            ops.setdefault((attachment.record_type, attachment.record_id), "upsert")
    return ops, own


_OWN = {("work", Work), ("form_version", FormVersion), ("committee", Committee), ("meeting", Meeting),
        ("visit", Visit), ("complaint", Complaint)}


def _rows(session: Session, ops: dict[tuple[str, uuid.UUID], str], own: dict[tuple[str, uuid.UUID], Any]
          ) -> list[dict[str, Any]]:
    by_entity: dict[str, list[uuid.UUID]] = {}
    for entity, entity_id in ops:
        by_entity.setdefault(entity, []).append(entity_id)
    connection = session.connection()
    now = utcnow()
    rows = []
    for entity, ids in by_entity.items():
        kind, select = _SCOPES[entity]
        found = {row[0]: (row[1], row[2]) for row in connection.execute(select(ids))}
        for entity_id in ids:
            scope = found.get(entity_id)
            if scope is None and (entity, entity_id) in own:
                scope = _own_scope(entity, own[(entity, entity_id)])
            if scope is None or scope[1] is None:
                continue  # e.g. an anonymous complaint: nobody pulls it
            rows.append({"municipality_id": scope[0], "scope_kind": kind, "scope_id": scope[1], "entity": entity,
                         "entity_id": entity_id, "op": ops[(entity, entity_id)], "at": now})
    return rows


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, _context: Any) -> None:
    if session.info.get("sync_capture_off"):
        return
    ops, own = _touched(session)
    if not ops:
        return
    rows = _rows(session, ops, own)
    if rows:
        dialect = session.get_bind().dialect.name
        session.connection().execute(sa.insert(Change).values(txid=txid_expression(dialect)), rows)
