"""The comptroller's desk (its queue: server/complaints/queue.py): assignment and priority, transitions with reasons and public answers,
private notes, merging duplicates, response templates and categories."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import i18n
from server.auth.actor import Actor, authorize
from server.complaints import deadlines, service, workflow
from server.complaints.configuration_models import TemplateCreate
from server.complaints.models import Category, Complaint, ComplaintNote, ComplaintUpdate, ResponseTemplate
from server.complaints.schemas import (
    BulkResult,
    BulkTransition,
    ComplaintEdit,
    MergeCreate,
    NoteCreate,
    TransitionCreate,
)
from server.complaints.workflow import State
from server.db import utcnow
from server.errors import AppError, Conflict, Invalid, NotFound
from server.municipalities.models import Municipality


def _check_version(session: Session, complaint: Complaint, version: int | None, municipality: Municipality,
                   language: str) -> None:
    service.check_version(session, complaint, version, municipality=municipality, language=language)


# ------------------------------------------------------------------------------------------------ reads
# (the queue itself: server/complaints/queue.py)


def get_for_staff(session: Session, *, actor: Actor, municipality: Municipality,
                  complaint_id: uuid.UUID) -> Complaint:
    authorize(actor, "complaints.triage", municipality.id)
    return service.get(session, municipality=municipality, complaint_id=complaint_id)


# ------------------------------------------------------------------------------------------------ edits


def edit(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
         data: ComplaintEdit, language: str) -> Complaint:
    """Priority, assignment, category and linked work; each change goes into the audit log."""
    complaint = get_for_staff(session, actor=actor, municipality=municipality, complaint_id=complaint_id)
    _check_version(session, complaint, data.version, municipality, language)
    changes: dict[str, Any] = {}
    if data.priority is not None and data.priority != complaint.priority:
        changes["priority"] = data.priority.value
        complaint.priority = data.priority
    if data.unassign or data.assignee_id is not None:
        assignee = None if data.unassign else _staff_member(session, municipality, data.assignee_id)
        if assignee != complaint.assignee_id:
            changes["assignee_id"] = str(assignee) if assignee else None
            complaint.assignee_id = assignee
    if data.category is not None:
        category = service.category_by_code(session, municipality, data.category)
        if category.id != complaint.category_id:
            changes["category"] = category.service_code
            complaint.category_id = category.id
    if data.unlink_work and data.work_id is None and complaint.work_id is not None:
        complaint.work_id = None
        changes["work_id"] = None
    if data.work_id is not None and data.work_id != complaint.work_id:
        from server.works import service as works

        complaint.work_id = works.get(session, municipality=municipality, work_id=data.work_id).id
        changes["work_id"] = str(complaint.work_id)
    if changes:
        complaint.version += 1
        complaint.updated_at = utcnow()
        action = "assigned" if set(changes) == {"assignee_id"} else "edited"
        service.record(session, complaint, action, actor, changes)
    return complaint


def _staff_member(session: Session, municipality: Municipality, user_id: uuid.UUID | None) -> uuid.UUID:
    from server.auth import service as auth
    from server.auth.models import Role

    if user_id is None or not auth.holds_role(session, user_id=user_id, municipality_id=municipality.id,
                                              roles=(Role.comptroller, Role.admin)):
        raise Invalid.for_field("assignee_id", "assignee_not_staff")
    return user_id


# ------------------------------------------------------------------------------------------------ transitions


def _answer(session: Session, municipality: Municipality, data: TransitionCreate) -> str | None:
    if data.public_answer and data.public_answer.strip():  # an answer of only spaces is no answer
        return data.public_answer
    if data.template_id is not None:
        template = session.get(ResponseTemplate, data.template_id)
        if template is None or template.municipality_id != municipality.id:
            raise Invalid.for_field("template_id", "template_not_found")
        return template.body
    return None


def transition(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
               data: TransitionCreate, language: str = "es", today: date | None = None) -> Complaint:
    """Move a complaint along the workflow: only the moves the workflow allows staff, with a reason always and a
    public answer where the reporter is owed one; deadlines follow the move."""
    complaint = get_for_staff(session, actor=actor, municipality=municipality, complaint_id=complaint_id)
    _check_version(session, complaint, data.version, municipality, language)
    current, target = State(complaint.state), data.to
    if not workflow.allowed(current, target, workflow.STAFF):
        options = [state.value for state, who in workflow.TRANSITIONS[current].items() if workflow.STAFF in who]
        raise AppError("transition_to_same_state" if target == current else "transition_not_allowed", status=409,
                       current=i18n.term(f"complaint_is_{current.value}"),
                       target=i18n.term(f"complaint_to_{target.value}"), extra={"allowed": options})
    answer = _answer(session, municipality, data)
    now = service.moment(municipality, today)
    today = today or service.today_in(municipality)
    term = deadlines.term_for(session, municipality, complaint.kind)
    if target in (State.resolved, State.inadmissible, State.needs_clarification, State.referred) and not answer:
        raise Invalid.for_field("public_answer", "public_answer_required",
                                state=i18n.term(workflow.LABELS[target]))
    if target == State.resolved:
        if data.outcome is None:
            raise Invalid.for_field("outcome", "outcome_required")
        complaint.outcome = data.outcome
        complaint.resolved_at = now
    if target == State.referred and not (data.referred_to or "").strip():
        raise Invalid.for_field("referred_to", "referred_to_required")
    if target == State.extended:
        if complaint.extended:
            raise Conflict("already_extended")
        days = data.extension_days or term
        if days > term:
            raise Invalid.for_field("extension_days", "extension_too_long", term=term)
        complaint.extended = True
        complaint.due_on = deadlines.add_business_days(session, municipality, complaint.due_on, days)
    if target == State.needs_clarification:
        complaint.clarification_due_on = deadlines.add_months(today, deadlines.CLARIFICATION_MONTHS)
    if current == State.needs_clarification and target == State.received:
        complaint.clarification_due_on = None
        complaint.due_on = deadlines.add_business_days(session, municipality, today, term)
    if target == State.reopened:
        complaint.closed_at = None
        complaint.outcome = None
        complaint.due_on = deadlines.add_business_days(session, municipality, today, term)
    if target in (State.closed, State.inadmissible, State.referred):
        complaint.closed_at = complaint.closed_at or now
    if answer:
        complaint.public_answer = answer
    if complaint.first_response_at is None:
        complaint.first_response_at = now
    complaint.state = target
    complaint.version += 1
    complaint.updated_at = now
    text = answer if answer else None
    if target == State.referred:
        text = f"{answer}\n\n→ {data.referred_to}"
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition", from_state=current.value,
                                to_state=target.value, text=text, actor_id=actor.user_id, at=now))
    service.record(session, complaint, "transitioned", actor, {
        "from": current.value, "to": target.value, "outcome": data.outcome.value if data.outcome else None,
        "due_on": complaint.due_on.isoformat(), "reason_hmac": service.commit_text(data.reason),
        "public_answer_hmac": service.commit_text(answer), "referred_to": data.referred_to})
    session.flush()
    return complaint


def bulk_transition(session: Session, *, actor: Actor, municipality: Municipality, data: BulkTransition,
                    language: str) -> list[BulkResult]:
    """The same move for many complaints; each one succeeds or fails on its own (no all-or-nothing)."""
    authorize(actor, "complaints.triage", municipality.id)
    results = []
    for complaint_id in dict.fromkeys(data.ids):
        try:
            with session.begin_nested():
                moved = transition(session, actor=actor, municipality=municipality, complaint_id=complaint_id,
                                   data=data.transition.model_copy(update={"version": None}), language=language)
            results.append(BulkResult(id=complaint_id, ok=True, state=State(moved.state)))
        except AppError as error:
            results.append(BulkResult(id=complaint_id, ok=False, error={
                "code": error.code, "message": error.message(language)}))
    return results


# ------------------------------------------------------------------------------------------------ notes, merges


def add_note(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
             data: NoteCreate) -> ComplaintNote:
    complaint = get_for_staff(session, actor=actor, municipality=municipality, complaint_id=complaint_id)
    note = ComplaintNote(complaint_id=complaint.id, author_id=actor.user_id, text=data.text)
    session.add(note)
    session.flush()
    # The log proves a note existed, when and by whom, without revealing it.
    service.record(session, complaint, "note_added", actor, {"note_id": str(note.id),
                                                              "text_hmac": service.commit_text(data.text)})
    return note


def notes(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID) -> list:
    complaint = get_for_staff(session, actor=actor, municipality=municipality, complaint_id=complaint_id)
    return list(session.scalars(
        sa.select(ComplaintNote).where(ComplaintNote.complaint_id == complaint.id).order_by(ComplaintNote.at)
    ))


def merge(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
          data: MergeCreate, language: str) -> Complaint:
    """Close a complaint as a duplicate of another; its reporter counts as a supporter of the one that stays."""
    authorize(actor, "complaints.triage", municipality.id)
    # Locked before its support count is read: a support of it arriving now is either counted or refused.
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id, lock=True)
    _check_version(session, complaint, data.version, municipality, language)
    target = service.get(session, municipality=municipality, complaint_id=data.duplicate_of)
    if target.id == complaint.id or target.duplicate_of_id is not None:
        raise Invalid.for_field("duplicate_of", "cannot_merge_into")
    if State(complaint.state) in workflow.CLOSED_STATES:
        raise Conflict("complaint_not_open")
    previous = State(complaint.state)
    complaint.duplicate_of_id = target.id
    complaint.state = State.closed
    complaint.closed_at = utcnow()
    complaint.public_answer = f"Se acumuló al expediente {target.folio}."
    complaint.version += 1
    # The target's own supporters may be adding to its count at this very moment: the database adds.
    from server.complaints import duplicates

    duplicates.add_supports(session, target, 1 + complaint.support_count)
    target.version += 1
    session.add(ComplaintUpdate(complaint_id=complaint.id, kind="merge", from_state=previous.value,
                                to_state=State.closed.value, text=complaint.public_answer, actor_id=actor.user_id))
    service.record(session, complaint, "merged", actor, {"into": target.folio,
                                                         "reason_hmac": service.commit_text(data.reason)})
    service.record(session, target, "merged_in", actor, {"from": complaint.folio,
                                                         "support_count": target.support_count})
    return complaint


def redact_photo(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
                 photo_id: uuid.UUID, data: Any) -> Any:
    """Black out faces or plates on one of the complaint's photos; the complaint's log records it."""
    from server.complaints.models import ComplaintPhoto
    from server.media import service as media

    complaint = get_for_staff(session, actor=actor, municipality=municipality, complaint_id=complaint_id)
    if session.get(ComplaintPhoto, (complaint.id, photo_id)) is None:
        raise NotFound("photo_not_in_complaint")
    before = media.get(session, municipality=municipality, photo_id=photo_id).public_version
    photo = media.redact(session, actor=actor, municipality=municipality, photo_id=photo_id,
                         rectangles=data.rectangles, public_version=data.public_version)
    if photo.public_version != before:
        service.record(session, complaint, "photo_redacted", actor, {
            "photo_id": str(photo.id), "boxes": len(photo.redactions), "public_version": photo.public_version})
    return photo


# ------------------------------------------------------------------------------------------------ configuration


def add_template(session: Session, *, actor: Actor, municipality: Municipality,
                 data: TemplateCreate) -> ResponseTemplate:
    authorize(actor, "complaints.triage", municipality.id)
    template = ResponseTemplate(municipality_id=municipality.id, state=data.state, title=data.title, body=data.body)
    session.add(template)
    session.flush()
    return template


def templates(session: Session, *, actor: Actor, municipality: Municipality, state: State | None) -> list:
    authorize(actor, "complaints.triage", municipality.id)
    query = sa.select(ResponseTemplate).where(ResponseTemplate.municipality_id == municipality.id)
    if state is not None:
        query = query.where(ResponseTemplate.state == state.value)
    return list(session.scalars(query.order_by(ResponseTemplate.state, ResponseTemplate.title)))


def categories(session: Session, *, municipality: Municipality) -> list[Category]:
    return list(session.scalars(
        sa.select(Category).where(Category.municipality_id == municipality.id, Category.active.is_(True))
        .order_by(Category.group, Category.service_code)
    ))


def expire_clarifications(session: Session, *, municipality: Municipality) -> int:
    """Withdraw the complaints whose reporter did not clarify within the month (run daily by `vigia tick`)."""
    today = service.today_in(municipality)
    expired = session.scalars(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id,
                                   Complaint.state == State.needs_clarification.value,
                                   Complaint.clarification_due_on < today)
    ).all()
    for complaint in expired:
        complaint.state = State.withdrawn
        complaint.closed_at = utcnow()
        complaint.version += 1
        session.add(ComplaintUpdate(complaint_id=complaint.id, kind="transition",
                                    from_state=State.needs_clarification.value, to_state=State.withdrawn.value,
                                    text="Se tuvo por no presentada: no llegó la aclaración en el plazo de un mes."))
        service.record(session, complaint, "transitioned", None, {
            "from": State.needs_clarification.value, "to": State.withdrawn.value, "by": "system",
            "reason": "clarification_expired"}, by="system")
    return len(expired)

