"""A visit far from its work is accepted with a warning in words (online and through a sync push); a complaint made
from a finding says where it comes from in words, and keeps the link to the visit as data."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.committees.models import Committee
from server.complaints.models import Complaint
from server.inspections import visits
from tests.factories import CENTRO, bearer, make_work, municipality
from tests.inspections.conftest import make_committee
from tests.sync.helpers import mutation, sign_in

VISITS = "/api/v1/municipalities/10005/visits"


def away(east_m: float, north_m: float = 0.0, origin: tuple[float, float] = CENTRO) -> list[float]:
    """A position that many metres east and north of `origin` (good to well under 1 % at these distances)."""
    lon, lat = origin
    return [lon + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 110_574]


def submit(client, setup, coordinates, language="es", **fields):
    body = setup.visit(location={"type": "Point", "coordinates": coordinates}, **fields)
    response = client.post(VISITS, json=body, headers={**bearer(setup.member_token), "Accept-Language": language})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_visit_far_from_its_work_is_accepted_with_a_warning_in_words(client, setup) -> None:
    visit = submit(client, setup, away(1_200))
    [warning] = visit["warnings"]
    assert warning["code"] == "visit_far_from_work"
    assert "1.2 km" in warning["message"] and "«Pavimentación de la calle Negrete»" in warning["message"]
    assert "500 m" in warning["message"] and "Se guardó" in warning["message"]
    read = client.get(f"{VISITS}/{visit['id']}", headers={**bearer(setup.member_token), "Accept-Language": "en"})
    assert read.json()["warnings"][0]["message"].startswith("The visit was recorded 1.2 km from the work")
    listed = client.get(f"{VISITS}?committee_id={setup.committee_id}", headers=bearer(setup.member_token)).json()
    assert next(v for v in listed if v["id"] == visit["id"])["warnings"] == [warning]


def test_a_visit_near_its_work_or_without_a_point_has_no_warning(client, setup) -> None:
    assert submit(client, setup, away(300, 300))["warnings"] == []  # about 420 m
    body = setup.visit(location=None)
    assert client.post(VISITS, json=body, headers=bearer(setup.member_token)).json()["warnings"] == []


def test_the_gps_accuracy_given_counts_in_the_visits_favour(client, setup) -> None:
    assert submit(client, setup, away(650), accuracy_m=200)["warnings"] == []
    assert submit(client, setup, away(650), accuracy_m=5)["warnings"][0]["code"] == "visit_far_from_work"


def test_the_distance_is_to_the_works_line_or_polygon_not_its_centre(client, session, setup) -> None:
    # An L-shaped street 3 km long: a visit at its far corner is on the street and 1.5 km from its centre.
    street = make_work(session, identifier=f"L-{uuid.uuid4().hex[:6]}", title="Calle en escuadra", geometry={
        "type": "LineString", "coordinates": [list(CENTRO), away(1_500), away(1_500, 1_500)]})
    park = make_work(session, identifier=f"P-{uuid.uuid4().hex[:6]}", title="Parque grande", geometry={
        "type": "Polygon", "coordinates": [[list(CENTRO), away(2_000), away(2_000, 2_000), away(0, 2_000),
                                            list(CENTRO)]]})
    committee = make_committee(session, f"Comité {uuid.uuid4().hex[:6]}", [street.id, park.id])
    from server.auth.models import User
    from tests.inspections.conftest import add_member

    add_member(session, committee, session.get(User, setup.member_user_id))
    on_street = submit(client, setup, away(1_520), committee_id=str(committee.id), work_id=str(street.id))
    assert on_street["warnings"] == []
    inside_park = submit(client, setup, away(1_900, 1_900), committee_id=str(committee.id), work_id=str(park.id))
    assert inside_park["warnings"] == []
    beyond_street = submit(client, setup, away(1_500, 2_400), committee_id=str(committee.id), work_id=str(street.id))
    assert "900 m" in beyond_street["warnings"][0]["message"]


def test_a_visit_pushed_from_a_phone_carries_the_warning_in_its_result(client, session, setup) -> None:
    from server.auth.models import User

    phone = sign_in(client, session.get(User, setup.member_user_id).email, "una-clave-segura")
    far = setup.visit(location={"type": "Point", "coordinates": away(0, 2_000)})
    near = setup.visit()
    sent = [mutation("visit.submit", far), mutation("visit.submit", near)]
    response = client.post("/api/v1/sync/push", json={"mutations": sent}, headers=phone.headers)
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert results[0]["data"]["warnings"][0]["code"] == "visit_far_from_work"
    assert "2.0 km" in results[0]["data"]["warnings"][0]["message"]
    assert results[1]["data"]["warnings"] == []


def test_a_complaint_from_a_finding_says_what_was_found_in_words(client, session, setup) -> None:
    visit = submit(client, setup, list(CENTRO))
    finding = visit["findings"][0]["id"]
    filed = client.post(f"{VISITS}/{visit['id']}/findings/{finding}/complaint", json={"category": "obra-calidad"},
                        headers=bearer(setup.member_token)).json()
    complaint = session.get(Complaint, uuid.UUID(filed["complaint_id"]))
    committee = session.get(Committee, setup.committee_id).name
    stored = visits.local_day(municipality(session), datetime.fromisoformat(visit["visited_at"]))
    expected = (f"La zanja no tiene señalamientos para peatones.\n\nHallazgo de la visita del comité «{committee}» a la "
                f"obra «Pavimentación de la calle Negrete» del {visits.spanish_date(stored)}. Gravedad: alta.")
    assert complaint.description == expected
    assert visit["id"] not in complaint.description and "high" not in complaint.description
    month = visits.MONTHS[stored.month - 1]
    assert f"{stored.day} de {month} de {stored.year}" in complaint.description
    link = session.scalar(sa.select(AuditEntry).where(AuditEntry.entity_id == complaint.id,
                                                      AuditEntry.action == "filed_from_finding"))
    assert link.data["visit_id"] == visit["id"] and link.data["finding_id"] == finding
    assert link.data["severity"] == "high"


def test_spanish_dates_are_written_in_words() -> None:
    assert visits.spanish_date(date(2026, 12, 3)) == "3 de diciembre de 2026"
    assert visits.spanish_date(date(2027, 1, 31)) == "31 de enero de 2027"
