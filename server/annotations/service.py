"""Annotating rulings: assignments (double, blind annotation), annotations on the latest public text, document
answers, finishing and reopening, and re-anchoring on a new public version. Who sees what is in reading.py; the
gold the notebooks read is in gold.py (and re-exported here: `service.gold_for_rulings`).

Rules (docs/annotations.md): only a published ruling is assigned, to members of its project's team, by a reviewer
or coordinator (or an admin). A person annotates only their own assignment (403), not after finishing it (409),
with a label of the assignment's scheme version (422), on a span inside the text whose quote matches (422), and
never overlapping one of their own spans with the same label (422). Each annotator sees only their own annotations
on a ruling until every annotator assignment of that ruling and scheme version is done; reviewers, coordinators
and admins see all.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from server.annotations import schemes
from server.annotations.anchoring import CONTEXT, ORPHANED, Reanchorer, context, locate
from server.annotations.definition import check_answers, check_attributes, label_names, missing_required, words
from server.annotations.gold import GoldSpan, GoldView, gold_for_rulings
from server.annotations.models import (
    AnchorState,
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
    SchemeState,
)
from server.annotations.w3c import AnnotationIn
from server.audit import service as audit
from server.auth.actor import Actor, require_user
from server.auth.models import User
from server.db import utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities.models import Municipality
from server.rulings import service as rulings
from server.rulings.codelists import TeamRole, TextKind
from server.rulings.models import AuditProject, AuditTeamMember, Ruling, RulingText

REVIEWERS = (TeamRole.reviewer, TeamRole.coordinator)
MAX_ANNOTATORS = 5


class AssignmentsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ruling_id: uuid.UUID
    scheme_version_id: uuid.UUID
    annotator_ids: list[uuid.UUID] = PField(min_length=1, max_length=MAX_ANNOTATORS,
                                            description="two for double annotation (blind to each other)")


class AssignmentPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    ruling_id: uuid.UUID
    annotator_id: uuid.UUID
    scheme_version_id: uuid.UUID
    kind: AssignmentKind
    state: AssignmentState
    finished_at: datetime | None
    created_at: datetime
    version: int

    @classmethod
    def of(cls, row: AnnotationAssignment) -> AssignmentPublic:
        return cls(id=row.id, project_id=row.project_id, ruling_id=row.ruling_id, annotator_id=row.annotator_id,
                   scheme_version_id=row.scheme_version_id, kind=row.kind, state=row.state,
                   finished_at=row.finished_at, created_at=row.created_at, version=row.version)


class AssignmentListed(AssignmentPublic):
    """An assignment in a project's list, with what a reviewer's screen shows beside it."""

    annotator_name: str | None
    annotator_email: str | None
    case_number: str
    scheme_name: str
    scheme_version_number: int
    annotation_count: int = PField(description="live annotations (not deleted)")


def listed(session: Session, rows: list[AnnotationAssignment]) -> list[AssignmentListed]:
    """The rows with their annotator's name and e-mail, the ruling's case number, the scheme's name and version
    number, and how many live annotations each has (four queries whatever the number of rows)."""
    if not rows:
        return []
    people = {row.id: (row.full_name, row.email) for row in session.execute(
        sa.select(User.id, User.full_name, User.email).where(User.id.in_({r.annotator_id for r in rows})))}
    cases = dict(session.execute(sa.select(Ruling.id, Ruling.case_number)
                                 .where(Ruling.id.in_({r.ruling_id for r in rows}))).all())
    versions = {row.id: (row.name, row.number) for row in session.execute(
        sa.select(AnnotationSchemeVersion.id, AnnotationScheme.name, AnnotationSchemeVersion.number)
        .join(AnnotationScheme, AnnotationScheme.id == AnnotationSchemeVersion.scheme_id)
        .where(AnnotationSchemeVersion.id.in_({r.scheme_version_id for r in rows})))}
    counts = dict(session.execute(sa.select(Annotation.assignment_id, sa.func.count())
                                  .where(Annotation.assignment_id.in_([r.id for r in rows]),
                                         Annotation.deleted_at.is_(None))
                                  .group_by(Annotation.assignment_id)).all())
    out = []
    for row in rows:
        name, email = people.get(row.annotator_id, (None, None))
        scheme_name, number = versions[row.scheme_version_id]
        out.append(AssignmentListed(**AssignmentPublic.of(row).model_dump(), annotator_name=name,
                                    annotator_email=email, case_number=cases[row.ruling_id],
                                    scheme_name=scheme_name, scheme_version_number=number,
                                    annotation_count=counts.get(row.id, 0)))
    return out


class AnswersUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = PField(description="question code → value (null clears it)")
    version: int = PField(ge=1, description="the assignment's version the client last saw")


class FinishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = PField(None, ge=1, description="the assignment's version the client last saw")


# ------------------------------------------------------------------------------------------------ look-ups


def get_assignment(session: Session, *, municipality: Municipality, assignment_id: uuid.UUID,
                   lock: bool = False) -> AnnotationAssignment:
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.id == assignment_id)
    assignment = session.scalar(query.with_for_update() if lock else query)
    if assignment is None or assignment.municipality_id != municipality.id:
        raise NotFound("assignment_not_found")
    return assignment


def _project(session: Session, assignment: AnnotationAssignment) -> AuditProject:
    return session.get(AuditProject, assignment.project_id)


def member_role(session: Session, project_id: uuid.UUID, user_id: uuid.UUID) -> TeamRole | None:
    """The team role a person holds in the project (not whether they still hold the municipal role)."""
    role = session.scalar(sa.select(AuditTeamMember.role).where(AuditTeamMember.project_id == project_id,
                                                                AuditTeamMember.user_id == user_id))
    return TeamRole(role) if role is not None else None


def is_reviewer(session: Session, project: AuditProject, actor: Actor) -> bool:
    """Reviewers and coordinators of the project, and admins: they see every annotation and adjudicate."""
    if rulings.is_admin(actor, project.municipality_id):
        return True
    return rulings.team_role(session, project.id, actor) in REVIEWERS


def public_text(session: Session, ruling: Ruling) -> RulingText:
    """The text annotations are made on: the ruling's latest public version (409 while there is none)."""
    text = rulings.latest_text(session, ruling.id, TextKind.public)
    if text is None:  # a ruling with a public version stays annotatable while a newer original is redacted
        raise Conflict("assignment_ruling_not_published")
    return text


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


# ------------------------------------------------------------------------------------------------ assignments


def create_assignments(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                       data: AssignmentsCreate) -> list[AnnotationAssignment]:
    """Assign a published ruling of the project to team members (two: double annotation). Reviewers, coordinators
    and admins. An annotator already assigned this ruling with this scheme version answers 409."""
    # Every id is looked up first: another municipality's is "not found" whoever asks.
    project = rulings.get_project(session, municipality, project_id)
    try:
        ruling = rulings.get_ruling(session, municipality, data.ruling_id)
    except NotFound as exc:
        raise Invalid.for_field("ruling_id", "ruling_not_found") from exc
    if ruling.project_id != project.id:
        raise Invalid.for_field("ruling_id", "ruling_not_in_project")
    version = schemes.get_version(session, municipality=municipality, version_id=data.scheme_version_id,
                                  field="scheme_version_id")
    if len(set(data.annotator_ids)) != len(data.annotator_ids):
        raise Invalid.for_field("annotator_ids", "annotator_repeated")
    for index, user_id in enumerate(data.annotator_ids):
        if member_role(session, project.id, user_id) is None:
            raise Invalid.for_field(f"annotator_ids[{index}]", "annotator_not_in_team")
    rulings.require_team(session, project, actor, *REVIEWERS)
    public_text(session, ruling)
    if version.state != SchemeState.published:
        raise Conflict("scheme_version_draft")
    rows = []
    for user_id in data.annotator_ids:
        row = AnnotationAssignment(municipality_id=municipality.id, project_id=project.id, ruling_id=ruling.id,
                                   annotator_id=user_id, scheme_version_id=version.id, kind=AssignmentKind.annotator,
                                   created_by=actor.user_id)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except sa.exc.IntegrityError as exc:
            raise Conflict("assignment_exists") from exc
        rows.append(row)
    for row in rows:
        audit.append(session, municipality_id=municipality.id, entity="annotation_assignment", entity_id=row.id,
                     action="assigned", **audit.who(actor),
                     data={"ruling": str(ruling.id), "annotator": str(row.annotator_id), "kind": "annotator",
                           "scheme_version": str(version.id)})
    return rows


def list_assignments(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                     ruling_id: uuid.UUID | None = None, mine: bool = False) -> list[AnnotationAssignment]:
    """The project's assignments: all of them for reviewers, coordinators and admins; an auditor's own otherwise."""
    project = rulings.get_project(session, municipality, project_id)
    rulings.require_team(session, project, actor)
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.project_id == project.id)
    if mine or not is_reviewer(session, project, actor):
        query = query.where(AnnotationAssignment.annotator_id == actor.user_id)
    if ruling_id is not None:
        query = query.where(AnnotationAssignment.ruling_id == ruling_id)
    return list(session.scalars(query.order_by(AnnotationAssignment.created_at, AnnotationAssignment.id)))


def annotations_of(session: Session, assignment_ids: list[uuid.UUID]) -> list[Annotation]:
    if not assignment_ids:
        return []
    return list(session.scalars(sa.select(Annotation).where(Annotation.assignment_id.in_(assignment_ids),
                                                            Annotation.deleted_at.is_(None))
                                .order_by(Annotation.start, Annotation.end, Annotation.id)))


def answers_of(session: Session, assignment_id: uuid.UUID) -> dict[str, Any]:
    rows = session.scalars(sa.select(DocumentAnswer).where(DocumentAnswer.assignment_id == assignment_id)
                           .order_by(DocumentAnswer.question))
    return {row.question: row.value for row in rows if row.value is not None}


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
