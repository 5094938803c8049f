"""Annotation assignments: which team member annotates which published ruling with which scheme version (double,
blind annotation), created and listed by reviewers and coordinators, and the look-ups the rest of the domain uses
(an assignment, a member's team role, whether the caller reviews, the text annotations are made on, an
assignment's live annotations and document answers). docs/annotations.md."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server.annotations import schemes
from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
    SchemeState,
)
from server.audit import service as audit
from server.auth.actor import Actor
from server.auth.models import User
from server.errors import Conflict, Invalid, NotFound
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


# ------------------------------------------------------------------------------------------------ look-ups


def get_assignment(session: Session, *, municipality: Municipality, assignment_id: uuid.UUID,
                   lock: bool = False) -> AnnotationAssignment:
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.id == assignment_id)
    assignment = session.scalar(query.with_for_update() if lock else query)
    if assignment is None or assignment.municipality_id != municipality.id:
        raise NotFound("assignment_not_found")
    return assignment


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
