"""Builders for the notebook and survey tests: a court, a judge, an audit project with its team, rulings the
judge signed, and the reviewer's finished adjudication (gold) of each, written as rows (the adjudication flow
itself is tested in tests/annotations and end to end in tests/rulings/test_flow.py)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.annotations.models import (
    Annotation,
    AnnotationAssignment,
    AnnotationScheme,
    AnnotationSchemeVersion,
    AssignmentKind,
    AssignmentState,
    DocumentAnswer,
)
from server.annotations import seed
from server.auth.models import User
from server.rulings.codelists import TeamRole
from server.rulings.models import AuditProject, AuditTeamMember, Court, Judge, Ruling, RulingJudge, RulingText
from tests.factories import municipality

BASE = "/api/v1/municipalities/10005"
AUDITOR = "auditor@vigia.example"
REVIEWER = "revision@vigia.example"
TEXT = "VISTOS los autos. CONSIDERANDO que la demanda carece de prueba suficiente. SE RESUELVE declarar infundada."
LABELS = ["apparent_reasoning", "internal_reasoning", "external_justification", "insufficient_reasoning",
          "incongruent_reasoning"]


def _user(session, email: str) -> uuid.UUID:
    return session.scalar(sa.select(User.id).where(User.email == email))


@dataclass
class Audit:
    """What a test works with: ids as strings, ready for URLs and JSON."""

    municipality_id: uuid.UUID
    project: str
    judge: str
    court: str
    other_court: str
    rulings: list[str] = field(default_factory=list)
    scheme_version: uuid.UUID | None = None
    session: object = None

    def add_ruling(self, *, ruled_on: date, filed_on: date | None, matter: str = "civil",
                   outcome: str | None = "upheld", labels: tuple[str, ...] = (), departs: str | None = None,
                   adjudicated: bool = True, judge: str | None = None, court: str | None = None) -> str:
        session = self.session
        number = len(self.rulings) + 1
        ruling = Ruling(municipality_id=self.municipality_id, project_id=uuid.UUID(self.project),
                        court_id=uuid.UUID(court or self.court), case_number=f"{number:05d}-2025-0-1001-JR-CI-01",
                        kind="sentencia", matter=matter, outcome=outcome, filed_on=filed_on, ruled_on=ruled_on,
                        parties=[{"role": "demandante", "kind": "person"}], state="published")
        session.add(ruling)
        session.flush()
        session.add(RulingJudge(ruling_id=ruling.id, judge_id=uuid.UUID(judge or self.judge), role="ponente"))
        text = RulingText(ruling_id=ruling.id, kind="public", number=1, text=TEXT,
                          sha256=hashlib.sha256(TEXT.encode()).hexdigest(), source="text")
        session.add(text)
        session.flush()
        if adjudicated:
            gold = AnnotationAssignment(municipality_id=self.municipality_id, project_id=ruling.project_id,
                                        ruling_id=ruling.id, annotator_id=_user(session, REVIEWER),
                                        scheme_version_id=self.scheme_version, kind=AssignmentKind.gold,
                                        state=AssignmentState.done, finished_at=ruling.created_at)
            session.add(gold)
            session.flush()
            for label in labels:
                session.add(Annotation(assignment_id=gold.id, ruling_id=ruling.id, text_id=text.id, start=18,
                                       end=74, exact=TEXT[18:74], label=label))
            if departs is not None:
                session.add(DocumentAnswer(assignment_id=gold.id, question="departs_from_own_precedent",
                                           value=departs))
            session.flush()
        self.rulings.append(str(ruling.id))
        return str(ruling.id)


@pytest.fixture
def audit(session) -> Audit:
    """A project of the demo municipality (10005) with auditor@ as auditor and revision@ as reviewer, one judge
    in a civil court, and no rulings yet."""
    demo = municipality(session)
    court = Court(municipality_id=demo.id, name="Juzgado Primero Civil de Prueba", level="first_instance",
                  speciality="civil", district="Distrito Judicial de Prueba")
    other = Court(municipality_id=demo.id, name="Juzgado Segundo Familiar de Prueba", level="first_instance",
                  speciality="family", district="Distrito Judicial de Prueba")
    judge = Judge(municipality_id=demo.id, full_name="Mtra. Elena Prueba Sánchez", title="Jueza titular")
    project = AuditProject(municipality_id=demo.id, name="Auditoría de prueba 2025", period_starts_on=date(2025, 1, 1),
                           period_ends_on=date(2025, 12, 31))
    scheme = AnnotationScheme(municipality_id=demo.id, slug=f"prueba-{uuid.uuid4().hex[:8]}", name="Esquema")
    session.add_all([court, other, judge, project, scheme])
    session.flush()
    version = AnnotationSchemeVersion(scheme_id=scheme.id, number=1, state="published",
                                      definition=seed.definition())
    session.add(version)
    session.add_all([AuditTeamMember(project_id=project.id, user_id=_user(session, AUDITOR), role=TeamRole.auditor),
                     AuditTeamMember(project_id=project.id, user_id=_user(session, REVIEWER),
                                     role=TeamRole.reviewer)])
    session.flush()
    return Audit(municipality_id=demo.id, project=str(project.id), judge=str(judge.id), court=str(court.id),
                 other_court=str(other.id), scheme_version=version.id, session=session)


def twelve_rulings(audit: Audit) -> None:
    """Twelve adjudicated civil rulings of 2025 (one a month) and one not adjudicated: 4 with insufficient
    reasoning, 1 of them also apparent; filed 30·k days before each ruling; outcomes upheld but for March,
    July and November (not upheld); the auditors said it departs from precedent in 2 of 10 answered."""
    for month in range(1, 13):
        ruled = date(2025, month, 15)
        labels = ("insufficient_reasoning",) if month in (2, 5, 8, 11) else ()
        if month == 5:
            labels += ("apparent_reasoning",)
        audit.add_ruling(ruled_on=ruled, filed_on=ruled - timedelta(days=30 * month),
                         outcome="not_upheld" if month in (3, 7, 11) else "upheld", labels=labels,
                         departs=("yes" if month in (3, 7) else "not_applicable" if month in (1, 2) else "no"))
    audit.add_ruling(ruled_on=date(2025, 6, 1), filed_on=date(2025, 1, 1), adjudicated=False)
