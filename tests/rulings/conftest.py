"""Shared set-up for the rulings tests: a court, a judge, an audit project whose team is the demo reviewer
(coordinator, as its creator) and the demo student auditor, all made through the API as their users would."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.factories import DEMO, bearer, token_for

MUNI = f"/api/v1/municipalities/{DEMO}"
OTHER_MUNI = "/api/v1/municipalities/10007"
REVIEWER = "revision@vigia.example"
AUDITOR = "auditor@vigia.example"
ADMIN = "admin@vigia.example"
OTHER_ADMIN = "admin.gomez@vigia.example"
JUDGE_NAME = "Segundo Ticona Torres"
CASE = "00123-2025-0-1001-JR-CI-01"

# A short ruling with personal data of every kind the detector looks for in a Peruvian ruling, the judge's
# name (public) and the ruling's own case number (not a finding).
TEXT = (
    "EXPEDIENTE N° 00123-2025-0-1001-JR-CI-01\r\n"
    "SENTENCIA\r\n\r\n"
    "VISTOS: la demanda interpuesta por la señora María Quispe Huamán, identificada con DNI N° 45678912, con\r\n"
    "domicilio en Jr. Huallaga 1940, Urb. Los Jardines, distrito de Independencia, Lima, teléfono 987 654 321 y\r\n"
    "correo mquispe@example.org, contra Constructora Río Tunal S.A.C., R.U.C. 20156570053.  \r\n\r\n\r\n\r\n"
    "CONSIDERANDO: que el proceso conexo 00962-2019-0-1801-JM-FC-01 no acredita lo alegado; conforme al\r\n"
    "artículo 139 de la Constitución y la Ley N° 27444, la motivación es una garantía.\r\n"
    "FALLO: declarar FUNDADA la demanda. Juez: Segundo Ticona Torres.\r\n"
)


@dataclass
class World:
    client: object
    reviewer: dict
    auditor: dict
    admin: dict
    other_admin: dict
    court_id: str
    other_court_id: str
    judge_id: str
    project_id: str
    ids: dict = field(default_factory=dict)

    def ruling_body(self, **changes) -> dict:
        body = {"court_id": self.court_id, "case_number": CASE, "kind": "sentencia", "matter": "civil",
                "outcome": "upheld", "filed_on": "2025-01-10", "heard_on": "2025-03-02", "ruled_on": "2025-04-15",
                "parties": [{"role": "demandante", "kind": "person"}, {"role": "demandado", "kind": "organisation"}],
                "judges": [{"judge_id": self.judge_id, "role": "ponente"}], "text": TEXT}
        body.update(changes)
        return body

    def import_ruling(self, **changes) -> dict:
        response = self.client.post(f"{MUNI}/audit-projects/{self.project_id}/rulings",
                                    json=self.ruling_body(**changes), headers=self.reviewer)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def world(client, session) -> World:
    reviewer = bearer(token_for(session, REVIEWER))
    auditor = bearer(token_for(session, AUDITOR))
    admin = bearer(token_for(session, ADMIN))
    other_admin = bearer(token_for(session, OTHER_ADMIN))
    court = client.post(f"{MUNI}/courts", headers=reviewer, json={
        "name": "Juzgado de Prueba Primero Civil", "jurisdiction": "Corte Superior de Prueba",
        "level": "first_instance", "speciality": "civil", "district": "Distrito Judicial de Prueba"})
    assert court.status_code == 201, court.text
    other = client.post(f"{MUNI}/courts", headers=admin, json={
        "name": "Sala de Prueba Civil", "level": "appeals", "speciality": "civil"})
    judge = client.post(f"{MUNI}/judges", headers=reviewer, json={"full_name": JUDGE_NAME, "title": "Juez Titular"})
    assert judge.status_code == 201, judge.text
    project = client.post(f"{MUNI}/audit-projects", headers=reviewer, json={
        "name": "Auditoría de prueba de sentencias, 2025", "period_starts_on": "2025-01-01",
        "period_ends_on": "2025-12-31"})
    assert project.status_code == 201, project.text
    assert project.json()["my_role"] == "coordinator"
    project_id = project.json()["id"]
    user_id = next(u["id"] for u in client.get(f"{MUNI}/users", headers=admin).json() if u["email"] == AUDITOR)
    added = client.put(f"{MUNI}/audit-projects/{project_id}/team/{user_id}", headers=reviewer,
                       json={"role": "auditor"})
    assert added.status_code == 200, added.text
    return World(client=client, reviewer=reviewer, auditor=auditor, admin=admin, other_admin=other_admin,
                 court_id=court.json()["id"], other_court_id=other.json()["id"], judge_id=judge.json()["id"],
                 project_id=project_id, ids={"auditor_user": user_id})
