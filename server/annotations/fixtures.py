"""Demo data of the judicial-ruling audit, part 2 of 3 (server/demo/rulings.json; part 1 is
server/rulings/fixtures.py): the seed annotation scheme, and for each demo ruling the two student auditors'
finished assignments (their annotations, placed by quote on the ruling's public text, and their document answers)
and the reviewer's finished adjudication (gold), which is what the notebooks read. One ruling (stage "annotating")
shows work in progress: its second auditor has not finished, so it has no gold yet. Rulings at stage "to_read" are
assigned to both auditors, not opened yet; the one at stage "published" is not assigned (the reviewer assigns it).

The scheme comes through the schemes service. The assignments, annotations and answers are written as rows (the
same rows the service writes, checked against the scheme version's labels and questions), because taking 34
rulings through the annotation and adjudication services one request at a time would take several seconds and the
demo must load in under two; their dates are fixed (a few weeks after each ruling), never the day of loading.
A gold span takes the auditor's annotation it copies as `derived_from`, as an adjudication does.

Idempotent: a ruling that already has assignments is left as it is.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.annotations import schemes
from server.annotations.anchoring import context
from server.annotations.definition import check_answers
from server.annotations.models import (
    AnchorState,
    Annotation,
    AnnotationAssignment,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
    SchemeState,
)
from server.municipalities import service as municipalities
from server.rulings import fixtures as ruling_fixtures
from server.rulings import service as rulings
from server.rulings.codelists import TextKind


def load(session: Session, path: Path, report: dict[str, Counter[str]], calendar: Any = None) -> None:
    document = ruling_fixtures.read(path)
    if document is None:
        return
    code = document["municipality"]
    municipality = municipalities.get_by_code(session, code)
    reviewer_email = next(m["email"] for m in document["project"]["team"] if m["role"] == "reviewer")
    reviewer = ruling_fixtures.actor(session, reviewer_email)
    scheme, _ = schemes.create_from_seed(session, actor=reviewer, municipality=municipality)
    version = max((v for v in schemes.public(session, scheme, drafts=False).versions
                   if v.state == SchemeState.published), key=lambda v: v.number)
    definition = schemes.definition_of(session, version.id)
    labels = {label.code for label in definition.labels}
    project_id = ruling_fixtures.project_id(code, document)
    auditors = [m["email"] for m in document["project"]["team"] if m["role"] == "auditor"]
    emails = {reviewer_email, *auditors,
              *(email for item in document["rulings"] for email in item.get("annotations", {}))}
    users = {email: ruling_fixtures.actor(session, email).user_id for email in emails}

    counts: Counter[str] = Counter()
    for item in document["rulings"]:
        if item.get("stage") in ("in_redaction", "published"):
            continue  # not published yet, or published and not assigned: nothing to annotate
        ruling_id = ruling_fixtures.ruling_id(code, item)
        if session.scalar(sa.select(AnnotationAssignment.id).where(AnnotationAssignment.ruling_id == ruling_id)
                          .limit(1)) is not None:
            counts["unchanged"] += 1
            continue
        text = rulings.latest_text(session, ruling_id, TextKind.public)
        assert text is not None, f"demo ruling {item['case_number']} has no public text"
        ruled = datetime.combine(datetime.fromisoformat(item["ruled_on"]).date(), time(17, 0), timezone.utc)

        def assignment(user: uuid.UUID, kind: AssignmentKind, days: int, done: bool = True,
                       opened: bool = True) -> AnnotationAssignment:
            state = (AssignmentState.done if done else
                     AssignmentState.in_progress if opened else AssignmentState.assigned)
            row = AnnotationAssignment(
                id=ruling_fixtures.demo_id(code, "annotation-assignment", str(ruling_id), str(user), kind.value),
                municipality_id=municipality.id, project_id=project_id, ruling_id=ruling_id, annotator_id=user,
                scheme_version_id=version.id, kind=kind, state=state,
                finished_at=ruled + timedelta(days=days) if done else None, created_by=users[reviewer_email],
                created_at=ruled + timedelta(days=7), version=3 if done else 2 if opened else 1)
            session.add(row)
            session.flush()  # before its annotations and answers (no ORM relationship orders them)
            return row

        def annotate(row: AnnotationAssignment, note: dict[str, Any], derived_from: uuid.UUID | None = None
                     ) -> Annotation:
            assert note["label"] in labels, f"demo label {note['label']} is not in the seed scheme"
            start = text.text.index(note["exact"])
            end = start + len(note["exact"])
            prefix, suffix = context(text.text, start, end)
            made = (row.finished_at or row.created_at + timedelta(days=12)) - timedelta(days=1)
            annotation = Annotation(
                id=ruling_fixtures.demo_id(code, "annotation", str(row.id), str(start), note["label"]),
                assignment_id=row.id, ruling_id=ruling_id, text_id=text.id, start=start, end=end,
                exact=note["exact"], prefix=prefix, suffix=suffix, label=note["label"], attributes={},
                comment=note.get("comment"), anchor_state=AnchorState.anchored, derived_from=derived_from,
                creator_id=row.annotator_id, created=made, modified=made)
            session.add(annotation)
            return annotation

        def answer(row: AnnotationAssignment, answers: dict[str, Any]) -> None:
            given = {question: value for question, value in answers.items() if value not in (None, [])}
            problems = check_answers(definition, given)
            assert not problems, f"demo answers of {item['case_number']}: {problems}"
            session.add_all(DocumentAnswer(assignment_id=row.id, question=question, value=value,
                                           modified=row.finished_at) for question, value in given.items())

        if item.get("stage") == "to_read":  # assigned to both auditors, who have not opened it yet
            for email in auditors:
                assignment(users[email], AssignmentKind.annotator, 0, done=False, opened=False)
            counts["to read"] += 1
            continue
        # "annotating": the second auditor has annotated part of the ruling and not finished; no gold yet
        halfway = item.get("stage") == "annotating"
        made: list[Annotation] = []
        for days_in, email in enumerate(item["annotations"], start=18):
            done = not (halfway and email == list(item["annotations"])[-1])
            row = assignment(users[email], AssignmentKind.annotator, days_in, done=done)
            made += [annotate(row, note) for note in item["annotations"][email]]
            answer(row, item["answers"][email])
        session.flush()  # the gold's spans point at the auditors' annotations they copy
        if halfway:
            counts["annotating"] += 1
            continue
        adjudication = item["adjudication"]
        gold = assignment(users[adjudication["by"]], AssignmentKind.gold, 30)
        for span in adjudication["spans"]:
            start = text.text.index(span["exact"])
            source = next((a.id for a in made if (a.start, a.end, a.label) ==
                           (start, start + len(span["exact"]), span["label"])), None)
            annotate(gold, span, derived_from=source)
        answer(gold, adjudication["answers"])
        session.flush()
        counts["created"] += 1
    report["annotated rulings"] = counts
