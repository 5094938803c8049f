"""The same client id sent twice, and names that collide, through HTTP on both databases (server/client_ids.py,
server.app's integrity_error).

An offline phone that did not hear the answer sends its create again with the same id: the second answer is the
first one (same status, same body) and nothing is stored twice. The same id with other data, or from another
municipality, is 409 `id_taken` and reveals nothing. A create or rename onto another record's unique name or
number is 409 in the one error shape. These were 500s (or a misleading `..._name_taken` for a resend)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from tests.factories import DEMO, OTHER, OTHER_ADMIN, today
from tests.sync.helpers import sign_in
from tests.test_app import assert_error_shape

BASE = f"/api/v1/municipalities/{DEMO}"
DEMO_COMMITTEE = "0192f100-0001-7000-8000-000000000001"  # active (server/demo/committees.json)
DEMO_AGREEMENT = "0192f100-0004-7000-8000-000000000001"


def _hex() -> str:
    return uuid.uuid4().hex[:8]


def _day(days: int) -> str:
    return (today() - timedelta(days=days)).isoformat()


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return sign_in(client, "admin@vigia.example").headers


def _observatory(client: TestClient, admin: dict[str, str]) -> str:
    response = client.post(f"{BASE}/observatories", headers=admin,
                           json={"name": f"Observatorio {_hex()}", "theme": "public_security"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _observatory_member(client: TestClient, admin: dict[str, str], observatory: str) -> str:
    response = client.post(f"{BASE}/observatories/{observatory}/members", headers=admin,
                           json={"full_name": f"Integrante {_hex()}"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


# Each create that takes the client's id: (path, body, the field to change for "other data").
CREATES: dict[str, Callable[[TestClient, dict[str, str]], tuple[str, dict, str]]] = {
    "work": lambda c, h: ("/works", {"identifier": f"OP-R-{_hex()}", "title": "Bacheo de la calle Negrete"},
                          "title"),
    "committee": lambda c, h: ("/committees", {"name": f"Comité de reenvío {_hex()}", "kind": "works"}, "name"),
    "committee_member": lambda c, h: (
        f"/committees/{DEMO_COMMITTEE}/members",
        {"full_name": f"Persona {_hex()} Sintética", "sex": "F", "role": "member_at_large", "start_on": _day(5)},
        "full_name"),
    "training": lambda c, h: ("/committees/trainings", {"topic": "Contraloría social básica", "held_on": _day(3),
                                                        "trainer": "Instructora de la contraloría"}, "topic"),
    "meeting": lambda c, h: (f"/committees/{DEMO_COMMITTEE}/meetings",
                             {"held_on": _day(2), "minutes": "Se revisó el avance de la obra."}, "minutes"),
    "observatory": lambda c, h: ("/observatories", {"name": f"Observatorio {_hex()}", "theme": "public_security"},
                                 "name"),
    "observatory_member": lambda c, h: (f"/observatories/{_observatory(c, h)}/members",
                                        {"full_name": f"Integrante {_hex()}"}, "full_name"),
    "indicator": lambda c, h: (f"/observatories/{_observatory(c, h)}/indicators",
                               {"key": f"k_{_hex()}", "name": "Robos a casa habitación", "unit": "denuncias"},
                               "name"),
    "accreditation": lambda c, h: (
        (lambda o: f"/observatories/{o}/members/{_observatory_member(c, h, o)}/accreditations")(_observatory(c, h)),
        {"number": f"OC-{_hex()}", "issuer": "Contraloría Municipal", "valid_from": _day(30),
         "valid_to": (today() + timedelta(days=300)).isoformat()}, "issuer"),
}


@pytest.mark.parametrize("kind", sorted(CREATES))
def test_the_same_create_sent_twice_is_answered_as_the_first_time(client: TestClient, admin, kind) -> None:
    path, body, field = CREATES[kind](client, admin)
    body = {"id": str(uuid.uuid4()), **body}
    first = client.post(BASE + path, json=body, headers=admin)
    assert first.status_code == 201, first.text
    assert body["id"] in first.text  # (an accreditation is answered with its member)
    again = client.post(BASE + path, json=body, headers=admin)
    assert again.status_code == first.status_code, again.text
    assert again.json() == first.json()
    other = {**body, field: body[field] + " (otro)"}
    error = assert_error_shape(client.post(BASE + path, json=other, headers=admin), 409, "id_taken")
    assert [d["field"] for d in error["details"]] == ["id"]


@pytest.mark.parametrize("kind", ["work", "committee", "observatory", "training"])
def test_an_id_of_another_municipality_is_taken_and_nothing_is_revealed(client: TestClient, admin, kind) -> None:
    path, body, _ = CREATES[kind](client, admin)
    body = {"id": str(uuid.uuid4()), **body}
    assert client.post(BASE + path, json=body, headers=admin).status_code == 201
    other_admin = sign_in(client, OTHER_ADMIN).headers
    response = client.post(f"/api/v1/municipalities/{OTHER}{path}", json=body, headers=other_admin)
    error = assert_error_shape(response, 409, "id_taken")
    assert body["id"] not in response.text.replace(error["request_id"], "")


def test_names_and_numbers_that_collide_are_409_not_500(client: TestClient, admin) -> None:
    # committees: a rename onto another committee's name
    first = client.post(f"{BASE}/committees", json={"name": f"Comité A {_hex()}", "kind": "works"}, headers=admin)
    second = client.post(f"{BASE}/committees", json={"name": f"Comité B {_hex()}", "kind": "works"}, headers=admin)
    renamed = client.patch(f"{BASE}/committees/{second.json()['id']}", headers=admin,
                           json={"version": second.json()["version"], "name": first.json()["name"]})
    assert_error_shape(renamed, 409, "committee_name_taken")
    # observatories: a rename, and a create with a taken name and a new id
    one, two = _observatory(client, admin), _observatory(client, admin)
    name = client.get(f"{BASE}/observatories/{one}").json()["name"]
    version = client.get(f"{BASE}/observatories/{two}").json()["version"]
    assert_error_shape(client.patch(f"{BASE}/observatories/{two}", json={"version": version, "name": name},
                                    headers=admin), 409, "observatory_name_taken")
    assert_error_shape(client.post(f"{BASE}/observatories", json={"name": name, "theme": "public_security"},
                                   headers=admin), 409, "observatory_name_taken")
    # works: an identifier already used
    work = client.get(f"{BASE}/works", params={"limit": 1}).json()["items"][0]
    assert_error_shape(client.post(f"{BASE}/works", json={"identifier": work["identifier"], "title": "Otra obra"},
                                   headers=admin), 409, "work_identifier_taken")
    # indicators, accreditations, holidays, categories, forms, accounts: their unique keys
    indicator = {"key": f"k_{_hex()}", "name": "Indicador", "unit": "casos"}
    assert client.post(f"{BASE}/observatories/{one}/indicators", json=indicator, headers=admin).status_code == 201
    assert_error_shape(client.post(f"{BASE}/observatories/{one}/indicators", json=indicator, headers=admin), 409,
                       "indicator_key_taken")
    accreditation = {"number": f"OC-{_hex()}", "issuer": "Contraloría", "valid_from": _day(3), "valid_to": _day(-300)}
    for status in (201, 409):
        member = _observatory_member(client, admin, two)
        answer = client.post(f"{BASE}/observatories/{two}/members/{member}/accreditations", json=accreditation,
                             headers=admin)
        assert answer.status_code == status, answer.text
    assert_error_shape(answer, 409, "accreditation_number_taken")
    holiday = {"day": _day(-40), "name": "Día de prueba"}
    assert client.post(f"{BASE}/holidays", json=holiday, headers=admin).status_code == 201
    assert_error_shape(client.post(f"{BASE}/holidays", json=holiday, headers=admin), 409, "holiday_exists")
    category = {"service_code": f"c-{_hex()}", "name": "Categoría de prueba"}
    assert client.post(f"{BASE}/complaints/categories", json=category, headers=admin).status_code == 201
    assert_error_shape(client.post(f"{BASE}/complaints/categories", json=category, headers=admin), 409,
                       "category_exists")
    form = {"key": f"f-{_hex()}", "title": "Lista de prueba", "questions": [
        {"id": "q1", "kind": "yes_no", "text": "¿Hay señalamientos?"}]}
    created = client.post(f"{BASE}/forms", json=form, headers=admin)
    assert created.status_code == 201, created.text
    assert_error_shape(client.post(f"{BASE}/forms", json=form, headers=admin), 409, "form_key_taken")
    user = {"email": f"persona.{_hex()}@correo.example", "full_name": "Persona de Prueba", "roles": ["volunteer"]}
    made = client.post(f"{BASE}/users", json=user, headers=admin)
    assert made.status_code == 201, made.text
    again = client.post(f"{BASE}/users", json=user, headers=admin)  # an existing account gets roles here: no copy
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]


def test_any_other_unique_key_is_a_409_naming_the_field(client: TestClient, admin) -> None:
    """Without a service's own code, the database's unique violation becomes 409 (server.app, integrity_error):
    here an agreement recorded with a meeting under the id of an agreement that exists."""
    meeting = {"held_on": _day(1), "minutes": "Acuerdos de la reunión.",
               "agreements": [{"id": DEMO_AGREEMENT, "text": "Pedir la bitácora de obra."}]}
    response = client.post(f"{BASE}/committees/{DEMO_COMMITTEE}/meetings", json=meeting, headers=admin)
    error = assert_error_shape(response, 409, "id_taken")
    assert [d["field"] for d in error["details"]] == ["id"]
    assert client.get(f"{BASE}/committees/{DEMO_COMMITTEE}/meetings", headers=admin).status_code == 200
