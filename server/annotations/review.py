"""What reviewers do with finished annotations: agreement figures for a project and scheme version, and the
adjudication of each ruling into its gold annotation (docs/annotations.md, "Agreement" and "Adjudication").

Items: the annotators' spans of one label are grouped where they overlap (transitively); an item is agreed when
every annotator marked it with exactly one span and all those spans are the same (same start and end). Agreed items
can be accepted in bulk; every other item is decided: take A's spans, take B's, both (one span from the first start
to the last end), neither, or own (the reviewer's span). Document answers likewise (A, B or own value).
"""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server.annotations import schemes, service, w3c
from server.annotations.agreement import Document, Span, _hashable, document_agreement, span_agreement
from server.annotations.anchoring import context
from server.annotations.assignments import (
    REVIEWERS,
    AssignmentPublic,
    annotations_of,
    answers_of,
    get_assignment,
    public_text,
)
from server.annotations.definition import check_answers, check_attributes
from server.annotations.models import (
    AnchorState,
    Annotation,
    AnnotationAssignment,
    AssignmentKind,
    AssignmentState,
)
from server.audit import service as audit
from server.auth.actor import Actor
from server.db import utcnow
from server.errors import Conflict, Invalid
from server.municipalities.models import Municipality
from server.rulings import service as rulings
from server.rulings.codelists import TextKind
from server.rulings.models import AuditProject, Ruling

LETTERS = string.ascii_lowercase


# ------------------------------------------------------------------------------------------------ agreement


def done_annotators(session: Session, ruling_ids: list[uuid.UUID] | None, scheme_version_id: uuid.UUID,
                    project_id: uuid.UUID | None = None) -> dict[uuid.UUID, list[AnnotationAssignment]]:
    """Per ruling, its finished annotator assignments of that scheme version (rulings with at least two)."""
    query = sa.select(AnnotationAssignment).where(AnnotationAssignment.scheme_version_id == scheme_version_id,
                                                  AnnotationAssignment.kind == AssignmentKind.annotator,
                                                  AnnotationAssignment.state == AssignmentState.done)
    if project_id is not None:
        query = query.where(AnnotationAssignment.project_id == project_id)
    if ruling_ids is not None:
        query = query.where(AnnotationAssignment.ruling_id.in_(ruling_ids))
    grouped: dict[uuid.UUID, list[AnnotationAssignment]] = {}
    for row in session.scalars(query.order_by(AnnotationAssignment.created_at, AnnotationAssignment.id)):
        grouped.setdefault(row.ruling_id, []).append(row)
    return {ruling_id: rows for ruling_id, rows in grouped.items() if len(rows) >= 2}


def agreement_report(session: Session, *, actor: Actor, municipality: Municipality, project_id: uuid.UUID,
                     scheme_version_id: uuid.UUID) -> dict[str, Any]:
    """κ and α per label and for the scheme, at span level (word tokens) and document level (questions, label
    present), with span matching F1, over the project's rulings that at least two annotators finished. Only
    annotations on the ruling's latest public text count (an orphan awaits its author)."""
    project = rulings.get_project(session, municipality, project_id)
    schemes.get_version(session, municipality=municipality, version_id=scheme_version_id, field="scheme_version_id")
    rulings.require_team(session, project, actor)
    definition = schemes.definition_of(session, scheme_version_id)
    labels = [label.code for label in definition.labels]
    questions = [question.code for question in definition.questions]
    documents = []
    for ruling_id, assignments in done_annotators(session, None, scheme_version_id, project.id).items():
        text = rulings.latest_text(session, ruling_id, TextKind.public)
        if text is None:
            continue
        spans = []
        for assignment in assignments:
            rows = annotations_of(session, [assignment.id])
            spans.append([Span(row.start, row.end, row.label) for row in rows if row.text_id == text.id])
        documents.append(Document(text=text.text, spans=spans,
                                  answers=[answers_of(session, row.id) for row in assignments]))
    return {"project_id": str(project.id), "scheme_version_id": str(scheme_version_id), "rulings": len(documents),
            "span": span_agreement(documents, labels), "document": document_agreement(documents, labels, questions)}


# ------------------------------------------------------------------------------------------------ items


@dataclass
class Item:
    key: str
    label: str
    start: int
    end: int
    sides: dict[str, list[Annotation]] = field(default_factory=dict)

    @property
    def agreed(self) -> bool:
        spans = [rows for rows in self.sides.values()]
        if len(spans) < 2 or any(len(rows) != 1 for rows in spans):
            return False
        return len({(rows[0].start, rows[0].end) for rows in spans}) == 1


def items_of(sides: dict[str, list[Annotation]]) -> list[Item]:
    """The annotators' spans grouped by label where they overlap (transitively), in text order."""
    every = sorted(((row.label, row.start, row.end, letter, row) for letter, rows in sides.items() for row in rows),
                   key=lambda item: (item[0], item[1], item[2], item[3]))
    found: list[Item] = []
    current: Item | None = None
    for label, start, end, letter, row in every:
        if current is None or current.label != label or start >= current.end:
            current = Item(key="", label=label, start=start, end=end, sides={key: [] for key in sides})
            found.append(current)
        current.end = max(current.end, end)
        current.sides[letter].append(row)
    for item in found:
        item.key = f"{item.label}:{item.start}-{item.end}"
    return sorted(found, key=lambda item: (item.start, item.end, item.label))


# ------------------------------------------------------------------------------------------------ adjudication


class ItemDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = PField(min_length=3, max_length=100, description="the item's key in the adjudication view")
    take: Literal["a", "b", "c", "d", "e", "both", "neither", "own"]
    start: w3c.Integer | None = PField(None, ge=0, description="own: the reviewer's span")
    end: w3c.Integer | None = PField(None, ge=1)
    label: str | None = PField(None, max_length=64)
    attributes: dict[str, Any] = PField(default_factory=dict)
    comment: str | None = PField(None, max_length=w3c.COMMENT_MAX)

    _comment = field_validator("comment", mode="before")(w3c.no_blank_comment)


class AnswerDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = PField(min_length=1, max_length=64)
    take: Literal["a", "b", "c", "d", "e", "own"]
    value: Any = None


class Decisions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_version_id: uuid.UUID
    version: w3c.Integer = PField(ge=1, description="the gold assignment's version the reviewer last saw")
    accept_agreed: bool = PField(False, description="copy every agreed item and agreed answer into the gold")
    items: list[ItemDecision] = PField(default_factory=list, max_length=1_000)
    answers: list[AnswerDecision] = PField(default_factory=list, max_length=100)


class AdjudicationStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheme_version_id: uuid.UUID


def _context(session: Session, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
             scheme_version_id: uuid.UUID) -> tuple[Ruling, AuditProject, list[AnnotationAssignment]]:
    ruling = rulings.get_ruling(session, municipality, ruling_id)
    project = session.get(AuditProject, ruling.project_id)
    schemes.get_version(session, municipality=municipality, version_id=scheme_version_id, field="scheme_version_id")
    rulings.require_team(session, project, actor, *REVIEWERS)
    annotators = done_annotators(session, [ruling.id], scheme_version_id).get(ruling.id)
    if not annotators:
        raise Conflict("adjudication_not_ready")
    return ruling, project, annotators


def _gold(session: Session, ruling_id: uuid.UUID, scheme_version_id: uuid.UUID) -> AnnotationAssignment | None:
    return session.scalar(sa.select(AnnotationAssignment).where(
        AnnotationAssignment.ruling_id == ruling_id, AnnotationAssignment.scheme_version_id == scheme_version_id,
        AnnotationAssignment.kind == AssignmentKind.gold))


def start(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
          scheme_version_id: uuid.UUID) -> tuple[AnnotationAssignment, bool]:
    """The reviewer's gold assignment for the ruling (created once at least two annotators have finished). Another
    reviewer's gold for the same ruling and version answers 409."""
    ruling, project, _annotators = _context(session, actor, municipality, ruling_id, scheme_version_id)
    gold = _gold(session, ruling.id, scheme_version_id)
    if gold is not None:
        if gold.annotator_id != actor.user_id:
            raise Conflict("adjudication_by_other")
        return gold, False
    gold = AnnotationAssignment(municipality_id=municipality.id, project_id=project.id, ruling_id=ruling.id,
                                annotator_id=actor.user_id, scheme_version_id=scheme_version_id,
                                kind=AssignmentKind.gold, state=AssignmentState.in_progress, created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(gold)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("adjudication_by_other") from exc
    audit.append(session, municipality_id=municipality.id, entity="annotation_assignment", entity_id=gold.id,
                 action="adjudication_started", **audit.who(actor), data={"ruling": str(ruling.id)})
    return gold, True


def _sides(session: Session, annotators: list[AnnotationAssignment], text_id: uuid.UUID) -> dict[str, list[Annotation]]:
    return {LETTERS[index]: [row for row in annotations_of(session, [assignment.id]) if row.text_id == text_id]
            for index, assignment in enumerate(annotators[:len(LETTERS)])}


def view(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
         scheme_version_id: uuid.UUID) -> dict[str, Any]:
    """The adjudication of a ruling: each item with every annotator's spans, agreed or not, and whether the gold
    covers it; each question with every annotator's answer and the gold's."""
    ruling, _project, annotators = _context(session, actor, municipality, ruling_id, scheme_version_id)
    text = public_text(session, ruling)
    gold = _gold(session, ruling.id, scheme_version_id)
    gold_rows = annotations_of(session, [gold.id]) if gold is not None else []
    definition = schemes.definition_of(session, scheme_version_id)
    answers = [answers_of(session, row.id) for row in annotators]
    gold_answers = answers_of(session, gold.id) if gold is not None else {}
    return {
        "ruling_id": str(ruling.id), "scheme_version_id": str(scheme_version_id),
        "gold": None if gold is None else AssignmentPublic.of(gold).model_dump(mode="json"),
        "annotators": [{"side": LETTERS[index], "assignment_id": str(row.id), "annotator_id": str(row.annotator_id)}
                       for index, row in enumerate(annotators)],
        "items": [{"key": item.key, "label": item.label, "start": item.start, "end": item.end,
                   "exact": text.text[item.start:item.end], "agreed": item.agreed,
                   "sides": {letter: [{"id": str(row.id), "start": row.start, "end": row.end,
                                       "attributes": row.attributes, "comment": row.comment} for row in rows]
                             for letter, rows in item.sides.items()},
                   "in_gold": any(row.label == item.label and row.start < item.end and row.end > item.start
                                  for row in gold_rows)}
                  for item in items_of(_sides(session, annotators, text.id))],
        "answers": [{"question": question.code, "values": {LETTERS[i]: values.get(question.code)
                                                            for i, values in enumerate(answers)},
                     "agreed": _agreed([values.get(question.code) for values in answers]),
                     "gold": gold_answers.get(question.code)} for question in definition.questions],
        "gold_annotations": [w3c.to_w3c(row, scheme_version_id=scheme_version_id, kind="gold", context=False)
                             for row in gold_rows],
    }


def _agreed(values: list[Any]) -> bool:
    normal = [_hashable(value) for value in values]
    return normal[0] is not None and len(set(normal)) == 1


def decide(session: Session, *, actor: Actor, municipality: Municipality, ruling_id: uuid.UUID,
           data: Decisions) -> AnnotationAssignment:
    """Apply the reviewer's decisions to the gold: agreed items and answers in bulk (accept_agreed), and each
    decision on an item (replacing what the gold had there) or a question. Audit-logged."""
    ruling, _project, annotators = _context(session, actor, municipality, ruling_id, data.scheme_version_id)
    gold = _gold(session, ruling.id, data.scheme_version_id)
    if gold is None:
        raise Conflict("adjudication_not_started")
    if gold.annotator_id != actor.user_id:  # started, by another reviewer: "start it first" would mislead
        raise Conflict("adjudication_by_other")
    gold = get_assignment(session, municipality=municipality, assignment_id=gold.id, lock=True)
    if gold.state == AssignmentState.done:
        raise Conflict("assignment_done")
    if data.version != gold.version:
        raise Conflict("assignment_version_stale", current=gold.version)
    text = public_text(session, ruling)
    definition = schemes.definition_of(session, data.scheme_version_id)
    labels = {label.code: label for label in definition.labels}
    sides = _sides(session, annotators, text.id)
    items = {item.key: item for item in items_of(sides)}
    chosen: list[tuple[Item, ItemDecision | None]] = []
    decided = {decision.key for decision in data.items}
    if data.accept_agreed:
        chosen += [(item, None) for item in items.values() if item.agreed and item.key not in decided]
    for index, decision in enumerate(data.items):
        item = items.get(decision.key)
        if item is None:
            raise Invalid.for_field(f"items[{index}].key", "adjudication_item_unknown", key=decision.key)
        if decision.take not in ("both", "neither", "own") and decision.take not in item.sides:
            raise Invalid.for_field(f"items[{index}].take", "adjudication_side_unknown", side=decision.take)
        chosen.append((item, decision))
    gold_rows = annotations_of(session, [gold.id])
    now = utcnow()
    for index, (item, decision) in enumerate(chosen):
        for row in gold_rows:  # what the gold had for this item goes
            if row.deleted_at is None and row.label == item.label and row.start < item.end and row.end > item.start:
                row.deleted_at, row.modified, row.version = now, now, row.version + 1
        take = "a" if decision is None else decision.take
        spans: list[tuple[int, int, str, dict, str | None, uuid.UUID | None]] = []
        if take in item.sides:
            spans = [(row.start, row.end, row.label, row.attributes or {}, row.comment, row.id)
                     for row in item.sides[take]]
        elif take == "both":
            first = next(row for rows in item.sides.values() for row in rows)
            spans = [(item.start, item.end, item.label, first.attributes or {}, None, None)]
        elif take == "own" and decision.start is not None:
            label = decision.label or item.label
            if label not in labels:
                raise Invalid.for_field(f"items[{index}].label", "annotation_label_unknown", label=label,
                                        labels=label)
            if decision.end is not None and 0 <= decision.start and decision.end <= len(text.text) \
                    and decision.start >= decision.end:
                raise Invalid.for_field(f"items[{index}].end", "annotation_span_reversed", start=decision.start,
                                        end=decision.end)
            if decision.end is None or not decision.start < decision.end <= len(text.text):
                raise Invalid.for_field(f"items[{index}].end", "annotation_span_outside", start=decision.start,
                                        end=decision.end or 0, length=len(text.text))
            problems = check_attributes(labels[label], decision.attributes, f"items[{index}].attributes")
            if problems:
                raise Invalid("annotation_attributes_invalid", details=problems)
            spans = [(decision.start, decision.end, label, decision.attributes, decision.comment, None)]
        for span_start, span_end, label, attributes, comment, source in spans:
            prefix, suffix = context(text.text, span_start, span_end)
            session.add(Annotation(assignment_id=gold.id, ruling_id=ruling.id, text_id=text.id, start=span_start,
                                   end=span_end, exact=text.text[span_start:span_end], prefix=prefix, suffix=suffix,
                                   label=label, attributes=attributes, comment=comment,
                                   anchor_state=AnchorState.anchored, derived_from=source, creator_id=actor.user_id,
                                   created=now, modified=now))
    answers = [answers_of(session, row.id) for row in annotators]
    values: dict[str, Any] = {}
    if data.accept_agreed:
        for question in definition.questions:
            found = [each.get(question.code) for each in answers]
            if _agreed(found):
                values[question.code] = found[0]
    for index, decision in enumerate(data.answers):
        if decision.take == "own":
            values[decision.question] = decision.value
        else:
            side = LETTERS.index(decision.take)
            if side >= len(answers):
                raise Invalid.for_field(f"answers[{index}].take", "adjudication_side_unknown", side=decision.take)
            values[decision.question] = answers[side].get(decision.question)
    problems = check_answers(definition, values)
    if problems:
        raise Invalid("answers_invalid", details=problems)
    service.write_answers(session, gold, values)
    gold.version += 1
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="annotation_assignment", entity_id=gold.id,
                 action="adjudicated", **audit.who(actor), data={
                     "ruling": str(ruling.id), "accept_agreed": data.accept_agreed,
                     "items": [{"key": item.key, "take": "agreed" if decision is None else decision.take}
                               for item, decision in chosen],
                     "answers": [{"question": decision.question, "take": decision.take} for decision in data.answers]})
    return gold
