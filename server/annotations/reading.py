"""Reading annotations: an assignment as its annotator works on it, and who sees which annotations of a ruling
(blind until every annotator finished)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.annotations import w3c
from server.annotations.assignments import AssignmentPublic, annotations_of, answers_of, get_assignment, is_reviewer
from server.annotations.definition import parse
from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    AssignmentKind,
    AssignmentState,
)
from server.auth.actor import Actor, require_user
from server.errors import Forbidden
from server.i18n import DEFAULT_LANGUAGE, translate
from server.municipalities.models import Municipality
from server.rulings import service as rulings
from server.rulings.codelists import TextKind
from server.rulings.models import AuditProject, Court, Judge, Ruling, RulingJudge, RulingText


def _readable(session: Session, actor: Actor, assignment: AnnotationAssignment) -> AuditProject:
    require_user(actor)
    project = session.get(AuditProject, assignment.project_id)
    if assignment.annotator_id == actor.user_id or is_reviewer(session, project, actor):
        return project
    rulings.require_team(session, project, actor)
    if assignment.kind == AssignmentKind.gold and assignment.state == AssignmentState.done:
        return project  # the finished gold is the team's
    raise Forbidden("assignment_not_yours")


def assignment_view(session: Session, *, actor: Actor, municipality: Municipality, assignment_id: uuid.UUID,
                    language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """An assignment as its annotator works on it, everything the field app needs offline: the project, the scheme
    version (its definition: labels with names, definitions, examples, colours and attributes; the questions),
    the ruling (court, judges, matter, the days from filing to ruling for the time-to-ruling question), its public
    text, their annotations (W3C; each with `vigia.anchorState`; an orphaned one stays on its old text, named in
    `vigia.previousText`) and answers."""
    assignment = get_assignment(session, municipality=municipality, assignment_id=assignment_id)
    project = _readable(session, actor, assignment)
    ruling = session.get(Ruling, assignment.ruling_id)
    text = rulings.latest_text(session, ruling.id, TextKind.public)
    days = (ruling.ruled_on - ruling.filed_on).days if ruling.filed_on and ruling.ruled_on else None
    court = session.get(Court, ruling.court_id)
    judges = session.execute(sa.select(Judge.id, Judge.full_name, Judge.title, RulingJudge.role)
                             .join(RulingJudge, RulingJudge.judge_id == Judge.id)
                             .where(RulingJudge.ruling_id == ruling.id).order_by(Judge.full_name)).all()
    matter = str(getattr(ruling.matter, "value", ruling.matter))
    kind = str(getattr(ruling.kind, "value", ruling.kind))
    annotations = annotations_of(session, [assignment.id])
    return {
        "assignment": AssignmentPublic.of(assignment).model_dump(mode="json"),
        "municipality_code": municipality.code,
        "project": {"id": str(project.id), "name": project.name},
        "scheme": _scheme(session, assignment.scheme_version_id),
        "ruling": {"id": str(ruling.id), "case_number": ruling.case_number, "kind": kind,
                   "kind_name": translate(f"ruling_kind_{kind}", language), "matter": matter,
                   "matter_name": translate(f"matter_{matter}", language), "filed_on": _day(ruling.filed_on),
                   "ruled_on": _day(ruling.ruled_on), "days_to_ruling": days,
                   "court": {"id": str(court.id), "name": court.name} if court is not None else None,
                   "judges": [{"id": str(row.id), "full_name": row.full_name, "title": row.title, "role": row.role}
                              for row in judges]},
        "text": None if text is None else {"id": str(text.id), "number": text.number, "sha256": text.sha256,
                                           "text": text.text},
        "annotations": _annotations(session, assignment, annotations, text),
        "answers": answers_of(session, assignment.id),
        "peers_done": _peers_done(session, assignment),
    }


def _peers_done(session: Session, assignment: AnnotationAssignment) -> bool:
    """Whether every annotator assignment of the ruling with this scheme version is done: from then on the
    annotators see each other's annotations (`GET …/rulings/{id}/annotations`, online)."""
    states = session.scalars(sa.select(AnnotationAssignment.state).where(
        AnnotationAssignment.ruling_id == assignment.ruling_id,
        AnnotationAssignment.scheme_version_id == assignment.scheme_version_id,
        AnnotationAssignment.kind == AssignmentKind.annotator)).all()
    return bool(states) and all(state == AssignmentState.done for state in states)


def _scheme(session: Session, version_id: uuid.UUID) -> dict[str, Any]:
    version = session.get(AnnotationSchemeVersion, version_id)
    scheme = session.get(AnnotationScheme, version.scheme_id)
    return {"id": str(scheme.id), "slug": scheme.slug, "name": scheme.name, "version_id": str(version.id),
            "number": version.number, "definition": parse(version.definition).model_dump(mode="json")}


def _annotations(session: Session, assignment: AnnotationAssignment, rows: list[Annotation],
                 current: RulingText | None) -> list[dict[str, Any]]:
    items = []
    kind = AssignmentKind(assignment.kind).value
    for row in rows:
        item = w3c.to_w3c(row, scheme_version_id=assignment.scheme_version_id, kind=kind, context=False)
        if current is None or row.text_id != current.id:  # orphaned: still on the text it was made on
            old = session.get(RulingText, row.text_id)
            item["vigia"]["previousText"] = {"id": str(row.text_id),
                                             "number": old.number if old is not None else None}
        items.append(item)
    return items


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def visible_annotations(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
                        scheme_version_id: uuid.UUID | None = None
                        ) -> list[tuple[Annotation, AnnotationAssignment]]:
    """The annotations of a ruling the caller may see (team only): reviewers, coordinators and admins all of them;
    an annotator their own, and the others' once every annotator assignment of that scheme version is done (blind
    until both finish), and the gold once it is finished."""
    ruling = rulings.get_ruling(session, municipality, ruling_id)
    project = session.get(AuditProject, ruling.project_id)
    rulings.require_team(session, project, actor)
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.ruling_id == ruling.id)
    if scheme_version_id is not None:
        query = query.where(AnnotationAssignment.scheme_version_id == scheme_version_id)
    assignments = list(session.scalars(query.order_by(AnnotationAssignment.created_at, AnnotationAssignment.id)))
    if not is_reviewer(session, project, actor):
        assignments = [row for row in assignments if _sees(actor, row, assignments)]
    by_id = {row.id: row for row in assignments}
    return [(annotation, by_id[annotation.assignment_id]) for annotation in annotations_of(session, list(by_id))]


def _sees(actor: Actor, row: AnnotationAssignment, every: list[AnnotationAssignment]) -> bool:
    if row.annotator_id == actor.user_id:
        return True
    if row.kind == AssignmentKind.gold:
        return row.state == AssignmentState.done
    peers = [other for other in every if other.kind == AssignmentKind.annotator
             and other.scheme_version_id == row.scheme_version_id]
    return all(other.state == AssignmentState.done for other in peers)
