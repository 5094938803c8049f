"""Annotating rulings: an annotator's annotations on the latest public text, their document answers, finishing and
reopening an assignment, and re-anchoring on a new public version. The assignments themselves (and the look-ups)
are in assignments.py; who sees what is in reading.py; the gold the notebooks read is in gold.py (and re-exported
here: `service.gold_for_rulings`).

Rules (docs/annotations.md): only a published ruling is assigned, to members of its project's team, by a reviewer
or coordinator (or an admin). A person annotates only their own assignment (403), not after finishing it (409),
with a label of the assignment's scheme version (422), on a span inside the text whose quote matches (422), and
never overlapping one of their own spans with the same label (422). Each annotator sees only their own annotations
on a ruling until every annotator assignment of that ruling and scheme version is done; reviewers, coordinators
and admins see all.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from server.annotations import schemes
from server.annotations.anchoring import CONTEXT, ORPHANED, Reanchorer, context, locate
from server.annotations.assignments import REVIEWERS, annotations_of, answers_of, get_assignment, public_text
from server.annotations.definition import check_answers, check_attributes, label_names, missing_required, words
from server.annotations.gold import GoldSpan, GoldView, gold_for_rulings
from server.annotations.models import (
    AnchorState,
    Annotation,
    AnnotationAssignment,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
)
from server.annotations.w3c import AnnotationIn
from server.audit import service as audit
from server.auth.actor import Actor, require_user
from server.db import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities.models import Municipality
from server.rulings import service as rulings
from server.rulings.models import AuditProject, Ruling, RulingText


class AnswersUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = PField(description="question code → value (null clears it)")
    version: int = PField(ge=1, description="the assignment's version the client last saw")


class FinishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = PField(None, ge=1, description="the assignment's version the client last saw")


# ------------------------------------------------------------------------------------------------ guards


def _project(session: Session, assignment: AnnotationAssignment) -> AuditProject:
    return session.get(AuditProject, assignment.project_id)


def _own(actor: Actor, assignment: AnnotationAssignment) -> None:
    require_user(actor)
    if assignment.annotator_id != actor.user_id:
        raise Forbidden("assignment_not_yours")


def _open(assignment: AnnotationAssignment) -> None:
    if assignment.state == AssignmentState.done:
        raise Conflict("assignment_done")


def _touch(assignment: AnnotationAssignment) -> None:
    if assignment.state == AssignmentState.assigned:
        assignment.state = AssignmentState.in_progress


# ------------------------------------------------------------------------------------------------ annotations


def _same(row: Annotation, data: AnnotationIn, start: int, end: int) -> bool:
    return (row.start, row.end, row.label, row.attributes or {}, row.comment) == (
        start, end, data.label, data.attributes, data.comment)


def _place(text: str, data: AnnotationIn) -> tuple[int, int]:
    """Where the span is: its position, or the place its quote (and context) finds. 422 in words otherwise."""
    start, end = data.start, data.end
    if start is None:
        places = locate(text, data.exact or "", data.prefix or "", data.suffix or "")
        if not places:
            raise Invalid.for_field("exact", "annotation_quote_not_found")
        if len(places) > 1:
            raise Invalid.for_field("exact", "annotation_quote_ambiguous", count=len(places))
        start = places[0]
        end = start + len(data.exact or "")
    if end is None:
        if data.exact is None:
            raise Invalid.for_field("end", "annotation_end_missing")
        end = start + len(data.exact)
    if 0 <= start and end <= len(text) and start >= end:
        raise Invalid.for_field("end", "annotation_span_reversed", start=start, end=end)
    if not 0 <= start < end <= len(text):
        raise Invalid.for_field("end" if end > len(text) else "start", "annotation_span_outside", start=start,
                                end=end, length=len(text))
    if data.exact is not None and text[start:end] != data.exact:
        raise Invalid.for_field("exact", "annotation_quote_mismatch", found=_short(text[start:end]))
    return start, end


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def save_annotation(session: Session, *, actor: Actor, municipality: Municipality, assignment_id: uuid.UUID,
                    data: AnnotationIn) -> tuple[Annotation, bool]:
    """Create an annotation (or update it: the same id with the version last seen). Sending the same id and
    content again changes nothing and answers the stored one (`created` False)."""
    assignment = get_assignment(session, municipality=municipality, assignment_id=assignment_id, lock=True)
    _own(actor, assignment)
    existing = session.get(Annotation, data.id) if data.id is not None else None
    if existing is not None and existing.assignment_id != assignment.id:
        raise Conflict("annotation_id_taken")
    ruling = session.get(Ruling, assignment.ruling_id)
    text = public_text(session, ruling)
    start, end = _place(text.text, data)
    if existing is not None:
        if existing.deleted_at is not None:
            raise Conflict("annotation_deleted")
        if data.version is None and existing.text_id == text.id and _same(existing, data, start, end):
            return existing, False  # a replay
        if data.version != existing.version:
            raise Conflict("annotation_version_stale", current=existing.version)
    _open(assignment)
    definition = schemes.definition_of(session, assignment.scheme_version_id)
    label = next((item for item in definition.labels if item.code == data.label), None)
    if label is None:
        raise Invalid.for_field("label", "annotation_label_unknown", label=data.label,
                                labels=label_names(definition))
    problems = check_attributes(label, data.attributes)
    if problems:
        raise Invalid("annotation_attributes_invalid", details=problems)
    overlapping = session.scalar(sa.select(Annotation).where(
        Annotation.assignment_id == assignment.id, Annotation.deleted_at.is_(None), Annotation.label == data.label,
        Annotation.text_id == text.id, Annotation.start < end, Annotation.end > start,
        Annotation.id != (existing.id if existing is not None else uuid.UUID(int=0))).limit(1))
    if overlapping is not None:
        raise Invalid.for_field("start", "annotation_overlaps", label=words(label.name),
                                other=_short(overlapping.exact))
    prefix, suffix = context(text.text, start, end)
    now = utcnow()
    values = {"text_id": text.id, "start": start, "end": end, "exact": text.text[start:end], "prefix": prefix,
              "suffix": suffix, "label": data.label, "attributes": data.attributes, "comment": data.comment,
              "anchor_state": AnchorState.anchored, "modified": now}
    if existing is not None:
        for key, value in values.items():
            setattr(existing, key, value)
        existing.version += 1
        row, created = existing, False
    else:
        row = Annotation(id=data.id or uuid.uuid4(), assignment_id=assignment.id, ruling_id=ruling.id,
                         creator_id=actor.user_id, created=now, **values)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except sa.exc.IntegrityError as exc:  # the same id sent twice at once
            raise Conflict("annotation_id_taken") from exc
        created = True
    _touch(assignment)
    session.flush()
    return row, created


def get_annotation(session: Session, *, municipality: Municipality, annotation_id: uuid.UUID) -> Annotation:
    row = session.get(Annotation, annotation_id)
    assignment = session.get(AnnotationAssignment, row.assignment_id) if row is not None else None
    if assignment is None or assignment.municipality_id != municipality.id:
        raise NotFound("annotation_not_found")
    return row


def delete_annotation(session: Session, *, actor: Actor, municipality: Municipality, annotation_id: uuid.UUID,
                      version: int | None) -> Annotation:
    """Delete one of my annotations (a tombstone); deleting it again changes nothing."""
    row = get_annotation(session, municipality=municipality, annotation_id=annotation_id)
    assignment = get_assignment(session, municipality=municipality, assignment_id=row.assignment_id, lock=True)
    _own(actor, assignment)
    if row.deleted_at is not None:
        return row
    _open(assignment)
    if version is not None and version != row.version:
        raise Conflict("annotation_version_stale", current=row.version)
    row.deleted_at = row.modified = utcnow()
    row.version += 1
    session.flush()
    return row


# ------------------------------------------------------------------------------------------------ answers, finish


def set_answers(session: Session, *, actor: Actor, municipality: Municipality, assignment_id: uuid.UUID,
                answers: dict[str, Any], version: int | None) -> AnnotationAssignment:
    """Answer (or clear, with null) document-level questions of my assignment; the others keep their answers.
    With `version` (the assignment's version last seen; the API always sends it, the sync intent may not) a
    stale one answers 409 with the current version."""
    assignment = get_assignment(session, municipality=municipality, assignment_id=assignment_id, lock=True)
    _own(actor, assignment)
    _open(assignment)
    if version is not None and version != assignment.version:
        raise Conflict("assignment_version_stale", current=assignment.version)
    definition = schemes.definition_of(session, assignment.scheme_version_id)
    problems = check_answers(definition, answers)
    if problems:
        raise Invalid("answers_invalid", details=problems)
    write_answers(session, assignment, answers)
    assignment.version += 1
    _touch(assignment)
    session.flush()
    return assignment


def write_answers(session: Session, assignment: AnnotationAssignment, answers: dict[str, Any]) -> None:
    rows = {row.question: row for row in session.scalars(
        sa.select(DocumentAnswer).where(DocumentAnswer.assignment_id == assignment.id))}
    for question, value in answers.items():
        row = rows.get(question)
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            session.add(DocumentAnswer(assignment_id=assignment.id, question=question, value=value))
        elif row.value != value:
            row.value, row.modified, row.version = value, utcnow(), row.version + 1
    session.flush()


def finish(session: Session, *, actor: Actor, municipality: Municipality, assignment_id: uuid.UUID,
           version: int | None = None) -> AnnotationAssignment:
    """Mark my assignment done: every required question answered (422 naming them), no orphaned annotation left
    to place (409). Finishing a finished assignment again changes nothing."""
    assignment = get_assignment(session, municipality=municipality, assignment_id=assignment_id, lock=True)
    _own(actor, assignment)
    if assignment.state == AssignmentState.done:
        return assignment
    if version is not None and version != assignment.version:
        raise Conflict("assignment_version_stale", current=assignment.version)
    definition = schemes.definition_of(session, assignment.scheme_version_id)
    missing = missing_required(definition, answers_of(session, assignment.id))
    if missing:
        raise Invalid("answers_required_missing", details=missing)
    if any(row.anchor_state == AnchorState.orphaned for row in annotations_of(session, [assignment.id])):
        raise Conflict("annotations_orphaned")
    assignment.state, assignment.finished_at = AssignmentState.done, utcnow()
    assignment.version += 1
    _touch_peers(session, assignment)
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="annotation_assignment", entity_id=assignment.id,
                 action="finished", **audit.who(actor),
                 data={"ruling": str(assignment.ruling_id), "kind": AssignmentKind(assignment.kind).value,
                       "annotations": len(annotations_of(session, [assignment.id]))})
    return assignment


def _touch_peers(session: Session, assignment: AnnotationAssignment) -> None:
    """The other annotators' assignments of the ruling and scheme version are served again to their phones (their
    `peers_done` may have changed), their own columns unchanged."""
    if assignment.kind != AssignmentKind.annotator:
        return
    for peer in session.scalars(sa.select(AnnotationAssignment).where(
            AnnotationAssignment.ruling_id == assignment.ruling_id,
            AnnotationAssignment.scheme_version_id == assignment.scheme_version_id,
            AnnotationAssignment.kind == AssignmentKind.annotator, AnnotationAssignment.id != assignment.id)):
        flag_modified(peer, "state")


def reopen(session: Session, *, actor: Actor, municipality: Municipality, assignment_id: uuid.UUID,
           version: int | None = None) -> AnnotationAssignment:
    """A reviewer or coordinator (or an admin) gives a finished assignment back to its annotator (to place
    annotations a new public text orphaned, or to finish what was finished too soon). A gold already finished on
    the ruling is not touched: adjudicate again if needed. Audit-logged; reopening an open one changes nothing."""
    assignment = get_assignment(session, municipality=municipality, assignment_id=assignment_id, lock=True)
    rulings.require_team(session, _project(session, assignment), actor, *REVIEWERS)
    if assignment.state != AssignmentState.done:
        return assignment
    if version is not None and version != assignment.version:
        raise Conflict("assignment_version_stale", current=assignment.version)
    assignment.state, assignment.finished_at = AssignmentState.in_progress, None
    assignment.version += 1
    _touch_peers(session, assignment)
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="annotation_assignment", entity_id=assignment.id,
                 action="reopened", **audit.who(actor), data={"ruling": str(assignment.ruling_id)})
    return assignment


# ------------------------------------------------------------------------------------------------ re-anchoring


def reanchor_on_public_version(session: Session, ruling: Ruling, previous: RulingText | None,
                               new: RulingText) -> None:
    """rulings' on_public_version hook: every live annotation on the previous public text is re-anchored on the
    new one (anchored / moved), or flagged orphaned and left on its old text (never silently moved)."""
    if previous is None:
        return
    # Every assignment of the ruling is served again to its annotator's phone with the new text, annotations or not
    # (its own columns do not change: the change log sees the record touched).
    for assignment in session.scalars(sa.select(AnnotationAssignment)
                                      .where(AnnotationAssignment.ruling_id == ruling.id)):
        flag_modified(assignment, "state")
    rows = list(session.scalars(sa.select(Annotation).where(Annotation.ruling_id == ruling.id,
                                                            Annotation.text_id == previous.id,
                                                            Annotation.deleted_at.is_(None))))
    if not rows:
        return
    tool = Reanchorer(previous.text, new.text)
    now = utcnow()
    for row in rows:
        anchor = tool.anchor(start=row.start, end=row.end, exact=row.exact, prefix=row.prefix, suffix=row.suffix)
        if anchor.state == ORPHANED:
            row.anchor_state = AnchorState.orphaned
        else:
            row.text_id, row.start, row.end = new.id, anchor.start, anchor.end
            row.exact, row.prefix, row.suffix = anchor.exact, anchor.prefix[-CONTEXT:], anchor.suffix[:CONTEXT]
            row.anchor_state = AnchorState(anchor.state)
        row.modified = now
        row.version += 1
    session.flush()


scheme_labels = schemes.scheme_labels
__all__ = ["GoldSpan", "GoldView", "gold_for_rulings", "scheme_labels"]  # what notebooks read here
