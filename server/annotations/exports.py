"""A project's annotations for other tools: a W3C `AnnotationCollection` (JSON-LD, paged with `AnnotationPage`)
and doccano's JSONL for sequence labelling. For the project's team (and admins) only: the annotations of people
still annotating are part of it, as reviewers see them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.annotations import assignments, w3c
from server.annotations.models import Annotation, AnnotationAssignment, AssignmentKind
from server.auth.actor import Actor
from server.errors import NotFound
from server.municipalities.models import Municipality
from server.rulings import service as rulings
from server.rulings.codelists import TextKind

PAGE_SIZE = 100


def _project(session: Session, actor: Actor, municipality: Municipality, project_id: uuid.UUID):
    project = rulings.get_project(session, municipality, project_id)
    rulings.require_team(session, project, actor, *assignments.REVIEWERS)
    return project


def _query(project_id: uuid.UUID, kind: AssignmentKind | None):
    query = (sa.select(Annotation, AnnotationAssignment)
             .join(AnnotationAssignment, AnnotationAssignment.id == Annotation.assignment_id)
             .where(AnnotationAssignment.project_id == project_id, Annotation.deleted_at.is_(None)))
    if kind is not None:
        query = query.where(AnnotationAssignment.kind == kind)
    return query


def collection(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
               base: str, page: int | None, kind: AssignmentKind | None = None) -> dict[str, Any]:
    """The collection (with its first page embedded) or, given `page` (0-based), one AnnotationPage."""
    project = _project(session, actor, municipality, project_id)
    total = session.scalar(sa.select(sa.func.count()).select_from(_query(project.id, kind).subquery()))
    last = max(0, (total - 1) // PAGE_SIZE)
    suffix = f"&kind={kind.value}" if kind is not None else ""
    if page is not None and page > last:
        raise NotFound("export_page_not_found")

    def page_of(number: int, context: bool) -> dict[str, Any]:
        rows = session.execute(_query(project.id, kind).order_by(Annotation.created, Annotation.id)
                               .offset(number * PAGE_SIZE).limit(PAGE_SIZE)).all()
        body: dict[str, Any] = {"id": f"{base}?page={number}{suffix}", "type": "AnnotationPage",
                                "partOf": f"{base}{'?' + suffix[1:] if suffix else ''}",
                                "startIndex": number * PAGE_SIZE,
                                "items": [w3c.to_w3c(annotation, scheme_version_id=assignment.scheme_version_id,
                                                     kind=AssignmentKind(assignment.kind).value, context=False)
                                          for annotation, assignment in rows]}
        if number < last:
            body["next"] = f"{base}?page={number + 1}{suffix}"
        if number > 0:
            body["prev"] = f"{base}?page={number - 1}{suffix}"
        return {"@context": w3c.CONTEXT, **body} if context else body

    if page is not None:
        return page_of(page, True)
    return {"@context": w3c.CONTEXT, "id": f"{base}{'?' + suffix[1:] if suffix else ''}",
            "type": "AnnotationCollection", "label": project.name, "total": total,
            "first": page_of(0, False), "last": f"{base}?page={last}{suffix}"}


def doccano(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
            kind: AssignmentKind | None = None) -> Iterator[str]:
    """One JSON line per assignment: the ruling's latest public text and the assignment's spans on it as doccano's
    `label: [[start, end, label], ...]`, with the document answers and who annotated (by id)."""
    project = _project(session, actor, municipality, project_id)
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.project_id == project.id)
    if kind is not None:
        query = query.where(AnnotationAssignment.kind == kind)
    texts: dict[uuid.UUID, Any] = {}
    lines = []
    for assignment in session.scalars(query.order_by(AnnotationAssignment.ruling_id, AnnotationAssignment.created_at,
                                                     AnnotationAssignment.id)):
        if assignment.ruling_id not in texts:
            texts[assignment.ruling_id] = rulings.latest_text(session, assignment.ruling_id, TextKind.public)
        text = texts[assignment.ruling_id]
        if text is None:
            continue
        spans = [[row.start, row.end, row.label] for row in assignments.annotations_of(session, [assignment.id])
                 if row.text_id == text.id]
        lines.append(json.dumps({
            "id": str(assignment.id), "text": text.text, "label": spans, "ruling_id": str(assignment.ruling_id),
            "text_id": str(text.id), "annotator_id": str(assignment.annotator_id),
            "kind": AssignmentKind(assignment.kind).value, "state": str(getattr(assignment.state, "value",
                                                                                 assignment.state)),
            "answers": assignments.answers_of(session, assignment.id)}, ensure_ascii=False) + "\n")
    return iter(lines)
