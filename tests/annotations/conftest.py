"""An audit project in 10005 with a published ruling, a team (two auditors, a reviewer who coordinates), an
auditor outside the team, and the seed scheme published."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from server.annotations import schemes
from server.auth import service as auth
from server.auth.models import Role
from server.rulings import courts, projects, publishing, records
from server.rulings import service as rulings
from server.rulings.codelists import TextKind, TextSource
from server.rulings.schemas import CourtCreate, ProjectCreate, RulingCreate, TeamMemberSet
from tests.factories import OTHER, bearer, make_user, municipality, token_for

TEXT = (
    "VISTOS: el recurso de apelación interpuesto por la parte demandante contra la resolución número cinco.\n\n"
    "CONSIDERANDO:\n\nPrimero.- Que el juzgado no expresó las razones de su decisión, limitándose a citar la norma "
    "sin explicar por qué se aplica al caso.\n\nSegundo.- Que la demandante acreditó el vínculo laboral con las "
    "boletas de pago y el contrato de trabajo.\n\nTercero.- Que el juzgado no expresó las razones de su decisión "
    "respecto de la indemnización por despido arbitrario.\n\nFALLO: declarar fundada en parte la demanda.")


@dataclass
class Team:
    project_id: uuid.UUID
    ruling_id: uuid.UUID
    text_id: uuid.UUID
    version_id: uuid.UUID
    auditor_ids: list[uuid.UUID]
    reviewer_id: uuid.UUID
    auditor_tokens: list[str]
    reviewer_token: str
    outsider_token: str
    outsider_id: uuid.UUID
    text: str
    auditor_emails: list[str]
    code: str = "10005"
    other_code: str = OTHER

    def url(self, path: str) -> str:
        return f"/api/v1/municipalities/{self.code}{path}"

    def as_(self, index: int | str) -> dict[str, str]:
        if index == "reviewer":
            return bearer(self.reviewer_token)
        if index == "outsider":
            return bearer(self.outsider_token)
        return bearer(self.auditor_tokens[index])


def actor(session, email):
    return auth.authenticate(session, token=token_for(session, email, "servicio"))


def make_ruling(session, reviewer, project, court, case: str, text: str = TEXT):
    place = municipality(session)
    data = RulingCreate(court_id=court.id, case_number=case, kind="sentencia", matter="labour",
                        outcome="partially_upheld", filed_on=date(2024, 3, 1), ruled_on=date(2025, 2, 14),
                        parties=[{"role": "demandante"}, {"role": "demandado", "kind": "organisation"}])
    ruling, _ = records.create_ruling(session, actor=reviewer, municipality=place, project=project, data=data,
                                      text=text, source=TextSource.text, detect=False)
    publishing.publish(session, actor=reviewer, municipality=place, ruling_id=ruling.id)
    session.flush()
    return ruling


@pytest.fixture
def team(session) -> Team:
    return make_team(session)


@pytest.fixture
def committed_team(backend, tmp_path):
    """A team made in a committed copy of the demo database, and a client on it: on PostgreSQL a pull serves only
    changes of finished transactions, which a test's rolled-back transaction never is."""
    from starlette.testclient import TestClient

    from server import db
    from server.app import create_app
    from server.config import configure_settings
    from tests.conftest import committed_demo_database

    with committed_demo_database(backend.name, tmp_path, backend.settings) as (settings, database):
        configure_settings(settings)
        db.configure(database)
        with database.session_scope() as session:
            made = make_team(session)
        try:
            with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
                yield made, client
        finally:
            configure_settings(backend.settings)


def make_team(session) -> Team:
    place = municipality(session)
    reviewer_user = make_user(session, Role.audit_reviewer)
    reviewer = actor(session, reviewer_user.email)
    auditors = [make_user(session, Role.student_auditor) for _ in range(2)]
    outsider = make_user(session, Role.student_auditor)
    court = courts.create_court(session, actor=reviewer, municipality=place, data=CourtCreate(
        name=f"Juzgado Laboral {uuid.uuid4().hex[:6]}", level="first_instance", speciality="labour"))
    project = projects.create_project(session, actor=reviewer, municipality=place, data=ProjectCreate(
        name=f"Auditoría {uuid.uuid4().hex[:6]}", period_starts_on=date(2025, 1, 1), period_ends_on=date(2025, 12, 31)))
    for user in auditors:
        projects.set_team_member(session, actor=reviewer, municipality=place, project_id=project.id, user_id=user.id,
                                 data=TeamMemberSet(role="auditor"))
    ruling = make_ruling(session, reviewer, project, court, f"00{uuid.uuid4().int % 1000:03d}-2024-0-1001-JR-LA-01")
    text = rulings.latest_text(session, ruling.id, TextKind.public)
    scheme, _ = schemes.create_from_seed(session, actor=reviewer, municipality=place)
    version = schemes.public(session, scheme, drafts=True).versions[0]
    session.flush()
    return Team(project_id=project.id, ruling_id=ruling.id, text_id=text.id, version_id=version.id,
                auditor_ids=[user.id for user in auditors], reviewer_id=reviewer_user.id,
                auditor_tokens=[token_for(session, user.email) for user in auditors],
                reviewer_token=token_for(session, reviewer_user.email),
                outsider_token=token_for(session, outsider.email),
                outsider_id=outsider.id, text=text.text, auditor_emails=[user.email for user in auditors])


def span(team: Team, quote: str, label: str, occurrence: int = 0, **extra) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = team.text.index(quote, start + 1)
    return {"start": start, "end": start + len(quote), "exact": quote, "label": label, **extra}
