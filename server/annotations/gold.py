"""The gold: each ruling's finished adjudication, as the notebooks read it (`gold_for_rulings`, also exposed as
`annotations.service.gold_for_rulings`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
)


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str
    exact: str
    text_id: uuid.UUID


@dataclass
class GoldView:
    """A ruling's adjudicated annotation: the labels found in it, its spans and the document answers."""

    ruling_id: uuid.UUID
    scheme_version_id: uuid.UUID
    labels: set[str] = field(default_factory=set)
    spans: list[GoldSpan] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    finished_at: datetime | None = None


def gold_for_rulings(session: Session, ruling_ids: list[uuid.UUID] | set[uuid.UUID]) -> dict[uuid.UUID, GoldView]:
    """The finished gold of each ruling that has one (the latest finished if there are several scheme versions):
    what notebooks are computed from. Rulings without a finished adjudication are absent."""
    ids = list(ruling_ids)
    if not ids:
        return {}
    golds = session.scalars(sa.select(AnnotationAssignment).where(
        AnnotationAssignment.ruling_id.in_(ids), AnnotationAssignment.kind == AssignmentKind.gold,
        AnnotationAssignment.state == AssignmentState.done).order_by(AnnotationAssignment.finished_at,
                                                                     AnnotationAssignment.id))
    chosen: dict[uuid.UUID, AnnotationAssignment] = {}
    for gold in golds:
        chosen[gold.ruling_id] = gold  # later finished wins
    views: dict[uuid.UUID, GoldView] = {}
    by_assignment = {gold.id: gold.ruling_id for gold in chosen.values()}
    for ruling_id, gold in chosen.items():
        views[ruling_id] = GoldView(ruling_id=ruling_id, scheme_version_id=gold.scheme_version_id,
                                    finished_at=gold.finished_at)
    rows = session.scalars(sa.select(Annotation).where(Annotation.assignment_id.in_(list(by_assignment)),
                                                      Annotation.deleted_at.is_(None))
                           .order_by(Annotation.start, Annotation.end, Annotation.id)) if by_assignment else []
    for row in rows:
        view = views[by_assignment[row.assignment_id]]
        view.labels.add(row.label)
        view.spans.append(GoldSpan(start=row.start, end=row.end, label=row.label, exact=row.exact,
                                   text_id=row.text_id))
    if by_assignment:
        for answer in session.scalars(sa.select(DocumentAnswer).where(
                DocumentAnswer.assignment_id.in_(list(by_assignment)))):
            if answer.value is not None:
                views[by_assignment[answer.assignment_id]].answers[answer.question] = answer.value
    return views
