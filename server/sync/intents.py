"""The named intents a phone may push (docs/sync.md, "Intents"): each one a use case of its domain's service.

An intent validates its payload with its own schema and calls the service that does the same thing online, so
an offline complaint or visit goes through exactly the checks, deadlines and audit entries of an online one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server.annotations.w3c import AnnotationIn
from server.auth.actor import Actor, refuse_anonymous_device, require_user
from server.complaints.schemas import ComplaintCreate, InformationCreate, SupportCreate
from server.complaints.workflow import State
from server.errors import Invalid
from server.i18n import N_
from server.inspections.models import VisitCreate
from server.municipalities.models import Municipality
from server.notebooks.models import SurveyResponseCreate
from server.sync import attachments
from server.sync.attachments import AttachmentIn


@dataclass
class Context:
    actor: Actor
    device_id: uuid.UUID
    municipality: Municipality
    language: str


@dataclass
class Outcome:
    """What an intent did: `applied`, or `noted` (kept as a note because the record had moved on)."""

    record_type: str
    record_id: uuid.UUID
    status: str = "applied"
    data: dict[str, Any] = field(default_factory=dict)
    message_code: str | None = None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SyncComplaintFile(ComplaintCreate):
    id: uuid.UUID = PField(description="the complaint's id, made by the phone")
    attachments: list[AttachmentIn] = PField(default_factory=list, max_length=10)


class SyncComplaintRef(Strict):
    complaint_id: uuid.UUID


class SyncComplaintAttach(SyncComplaintRef):
    attachment: AttachmentIn


class SyncComplaintInformation(SyncComplaintRef):
    text: str = PField(min_length=3, max_length=10_000)
    attachments: list[AttachmentIn] = PField(default_factory=list, max_length=10)


class SyncComplaintEdit(SyncComplaintRef):
    description: str = PField(min_length=10, max_length=10_000)
    base_version: int = PField(ge=1, description="the complaint's version the phone showed when it was edited")


class SyncComplaintWithdraw(SyncComplaintRef):
    reason: str = PField(min_length=3, max_length=4_000)


class SyncVisitSubmit(VisitCreate):
    id: uuid.UUID = PField(description="the visit's id, made by the phone")
    attachments: list[AttachmentIn] = PField(default_factory=list, max_length=30)


def _missing(session: Session, record_type: str, record_id: uuid.UUID) -> list[str]:
    found = attachments.missing(session, record_type=record_type, record_ids=[record_id])[record_id]
    return [str(item) for item in found]


def _declare(session: Session, ctx: Context, record_type: str, record_id: uuid.UUID,
             items: list[AttachmentIn]) -> None:
    attachments.declare(session, actor=ctx.actor, device_id=ctx.device_id, municipality=ctx.municipality,
                        record_type=record_type, record_id=record_id, items=items)


def complaint_file(session: Session, ctx: Context, data: SyncComplaintFile) -> Outcome:
    from server.complaints import filings, intake

    # The filer is this device: its own replays and resends get its code; anyone else's are complaint_id_taken.
    # `data` is a ComplaintCreate already (SyncComplaintFile extends it with the photos declared), validated as one.
    filed = intake.file_record(session, actor=ctx.actor, municipality=ctx.municipality, data=data, source="sync",
                               filer=filings.device_filer(ctx.device_id))
    _declare(session, ctx, "complaint", filed.complaint.id, data.attachments)
    # A complaint filed just now with no photos declared has none missing: no need to ask; filed now in a push's
    # fast path, its photos are declared in the batch's queue, all of them missing (one filed before is asked).
    if filed.created and attachments.queue_active(session):
        missing = attachments.queued_for(session, filed.complaint.id)
    else:
        missing = _missing(session, "complaint", filed.complaint.id) if data.attachments or not filed.created else []
    return Outcome("complaint", filed.complaint.id, data={
        "folio": filed.complaint.folio, "anonymous": data.anonymous, "missing_attachments": missing})


def _own_complaint(session: Session, ctx: Context, complaint_id: uuid.UUID):
    from server.complaints import reporting

    return reporting.reporters_complaint(session, actor=ctx.actor, municipality=ctx.municipality,
                                         complaint_id=complaint_id, folio=None, code=None)


def complaint_attach(session: Session, ctx: Context, data: SyncComplaintAttach) -> Outcome:
    complaint = _own_complaint(session, ctx, data.complaint_id)
    _declare(session, ctx, "complaint", complaint.id, [data.attachment])
    return Outcome("complaint", complaint.id, data={"missing_attachments": _missing(session, "complaint",
                                                                                    complaint.id)})


def complaint_information(session: Session, ctx: Context, data: SyncComplaintInformation) -> Outcome:
    from server.complaints import reporting

    complaint = reporting.add_information(session, actor=ctx.actor, municipality=ctx.municipality,
                                          complaint_id=data.complaint_id,
                                          data=InformationCreate(complaint_id=data.complaint_id, text=data.text))
    _declare(session, ctx, "complaint", complaint.id, data.attachments)
    return Outcome("complaint", complaint.id, data={
        "state": State(complaint.state).value, "missing_attachments": _missing(session, "complaint", complaint.id)})


def complaint_edit(session: Session, ctx: Context, data: SyncComplaintEdit) -> Outcome:
    from server.complaints import reporting

    complaint, applied = reporting.edit_description(session, actor=ctx.actor, municipality=ctx.municipality,
                                                    complaint_id=data.complaint_id, description=data.description,
                                                    base_version=data.base_version)
    if applied:
        return Outcome("complaint", complaint.id, data={"version": complaint.version})
    return Outcome("complaint", complaint.id, status="noted", data={"version": complaint.version},
                   message_code=N_("sync_edit_noted"))


def complaint_support(session: Session, ctx: Context, data: SyncComplaintRef) -> Outcome:
    from server.complaints import duplicates

    complaint = duplicates.support(session, actor=ctx.actor, municipality=ctx.municipality,
                                   complaint_id=data.complaint_id, data=SupportCreate())
    return Outcome("complaint", complaint.id, data={"support_count": complaint.support_count})


def complaint_withdraw(session: Session, ctx: Context, data: SyncComplaintWithdraw) -> Outcome:
    from server.complaints import reporting

    complaint = reporting.withdraw(session, actor=ctx.actor, municipality=ctx.municipality,
                                   complaint_id=data.complaint_id, folio=None, code=None, reason=data.reason)
    return Outcome("complaint", complaint.id, data={"state": "withdrawn"})


def visit_submit(session: Session, ctx: Context, data: SyncVisitSubmit) -> Outcome:
    from server.inspections import visits

    pending = frozenset(item.id for item in data.attachments)
    values = data.model_dump(exclude={"attachments"})
    visit, _created = visits.submit(session, actor=ctx.actor, municipality=ctx.municipality,
                                    data=VisitCreate.model_validate(values), pending_photo_ids=pending)
    _declare(session, ctx, "visit", visit.id, data.attachments)
    return Outcome("visit", visit.id, data={"missing_attachments": _missing(session, "visit", visit.id),
                                            "warnings": [w.model_dump() for w in visits.warnings(
                                                session, visit, language=ctx.language)]})


def survey_respond(session: Session, ctx: Context, data: SurveyResponseCreate) -> Outcome:
    from server.notebooks import surveys

    response, _created = surveys.respond(session, actor=ctx.actor, municipality=ctx.municipality, data=data)
    return Outcome("survey_response", response.id)


class SyncAnnotationSave(AnnotationIn):
    """An annotation made or changed offline (short form, as `POST …/annotation-assignments/{id}/annotations`)."""

    assignment_id: uuid.UUID
    id: uuid.UUID = PField(description="the annotation's id, made by the app: saving it again updates it")
    base_version: int | None = PField(None, ge=1, description="the version the app last saw (to change one)")
    version: None = PField(None, exclude=True, description="use base_version")


class SyncAnnotationDelete(Strict):
    annotation_id: uuid.UUID
    base_version: int | None = PField(None, ge=1)


class SyncAssignmentFinish(Strict):
    assignment_id: uuid.UUID
    base_version: int | None = PField(None, ge=1, description="the assignment's version the app last saw")


class SyncAssignmentAnswers(Strict):
    """Answers to the document-level questions, as `PUT …/annotation-assignments/{id}/answers`: they merge with
    the ones already stored (null clears one)."""

    assignment_id: uuid.UUID
    answers: dict[str, Any] = PField(description="question code → value (null clears it)")
    base_version: int | None = PField(None, ge=1, description="the assignment's version the app last saw; "
                                      "leave it out to merge with whatever is stored")


def annotation_save(session: Session, ctx: Context, data: SyncAnnotationSave) -> Outcome:
    from server.annotations import service as annotations

    values = data.model_dump(exclude={"assignment_id", "base_version", "version"}) | {"version": data.base_version}
    row, created = annotations.save_annotation(session, actor=ctx.actor, municipality=ctx.municipality,
                                               assignment_id=data.assignment_id,
                                               data=AnnotationIn.model_validate(values))
    return Outcome("annotation", row.id, data={"version": row.version, "created": created, "start": row.start,
                                               "end": row.end, "text_id": str(row.text_id)})


def annotation_delete(session: Session, ctx: Context, data: SyncAnnotationDelete) -> Outcome:
    from server.annotations import service as annotations

    row = annotations.delete_annotation(session, actor=ctx.actor, municipality=ctx.municipality,
                                        annotation_id=data.annotation_id, version=data.base_version)
    return Outcome("annotation", row.id, data={"version": row.version, "deleted": True})


def assignment_finish(session: Session, ctx: Context, data: SyncAssignmentFinish) -> Outcome:
    from server.annotations import service as annotations

    row = annotations.finish(session, actor=ctx.actor, municipality=ctx.municipality,
                             assignment_id=data.assignment_id, version=data.base_version)
    return Outcome("annotation_assignment", row.id, data={"state": "done", "version": row.version})


def assignment_answers(session: Session, ctx: Context, data: SyncAssignmentAnswers) -> Outcome:
    from server.annotations import assignments
    from server.annotations import service as annotations

    row = annotations.set_answers(session, actor=ctx.actor, municipality=ctx.municipality,
                                  assignment_id=data.assignment_id, answers=data.answers, version=data.base_version)
    return Outcome("annotation_assignment", row.id, data={"version": row.version,
                                                          "answers": assignments.answers_of(session, row.id)})


@dataclass(frozen=True)
class Intent:
    schema: type[BaseModel]
    apply: Callable[[Session, Context, Any], Outcome]


INTENTS: dict[str, Intent] = {
    "complaint.file": Intent(SyncComplaintFile, complaint_file),
    "complaint.attach_photo": Intent(SyncComplaintAttach, complaint_attach),
    "complaint.add_information": Intent(SyncComplaintInformation, complaint_information),
    "complaint.edit_description": Intent(SyncComplaintEdit, complaint_edit),
    "complaint.support": Intent(SyncComplaintRef, complaint_support),
    "complaint.withdraw": Intent(SyncComplaintWithdraw, complaint_withdraw),
    "visit.submit": Intent(SyncVisitSubmit, visit_submit),
    "survey.respond": Intent(SurveyResponseCreate, survey_respond),
    "annotation.save": Intent(SyncAnnotationSave, annotation_save),
    "annotation.delete": Intent(SyncAnnotationDelete, annotation_delete),
    "assignment.answers": Intent(SyncAssignmentAnswers, assignment_answers),
    "assignment.finish": Intent(SyncAssignmentFinish, assignment_finish),
}


# What an anonymous device may push (server/auth/anonymous.py): anonymous filing and what its filer may add.
ANONYMOUS_DEVICE_INTENTS = frozenset({"complaint.file", "complaint.attach_photo", "complaint.add_information",
                                      "complaint.withdraw"})


def apply(session: Session, ctx: Context, name: str, payload: BaseModel) -> Outcome:
    require_user(ctx.actor)
    if ctx.actor.anonymous_device:
        if name not in ANONYMOUS_DEVICE_INTENTS:
            refuse_anonymous_device(ctx.actor)
        if isinstance(payload, SyncComplaintFile) and not payload.anonymous:
            raise Invalid.for_field("anonymous", "anonymous_required")
    return INTENTS[name].apply(session, ctx, payload)
