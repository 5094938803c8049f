"""Complaint statistics: exact figures over a small history replayed with known dates in a fresh municipality (so
the demo data does not count), the demo data's states, a public answer without personal data, and bad windows."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from shapely import geometry as sg

from server import demo_calendar, fixtures, geo
from server.auth import service as auth
from server.auth.actor import ANONYMOUS
from server.auth.models import Role
from server.complaints import intake, service, triage
from server.complaints.models import Category, ComplaintCreate, TransitionCreate
from server.municipalities.models import Holiday, Zone
from server.works import service as works
from server.works.models import WorkCreate
from tests.factories import bearer, complaint_body, make_municipality, make_user, staff_actor, token_for
from tests.test_app import assert_error_shape

WEST, EAST = (-119.98, 10.05), (-119.92, 10.05)  # inside the zone, outside every zone
REPORTER = {"name": "Eulalia Quiñones Barraza", "email": "eulalia.qb@correo.example", "phone": "618 555 0142"}


class History:
    """Seven complaints in a fresh municipality with one zone (the west half), one holiday (Monday 17 March
    2025), one work and two categories. Terms: 15 business days for complaints, 10 for information requests.

    | | filed | kind, category, place | moves | state now |
    |---|---|---|---|---|
    | A | Mon 2025-03-10 | complaint, bache, zone, work | admitted 03-18, resolved 03-31 | resolved (due 04-01) |
    | B | Wed 2025-03-12 | complaint, bache, zone | admitted 04-07, resolved 04-21 | resolved (due 04-03) |
    | C | Wed 2025-04-02 | information, alumbrado | inadmissible 04-03, closed 04-04 | closed (due 04-16) |
    | D | Thu 2025-04-10 | complaint, alumbrado | none | received (due 05-01: overdue) |
    | F | Mon 2025-05-05 | complaint, bache | withdrawn over HTTP | withdrawn |
    | G | Mon 2025-05-12 | complaint, alumbrado | admitted 05-13, resolved 05-20, closed 05-21, reopened today | reopened |
    | E | today, over HTTP | suggestion, bache, work, signed in with contact | none | received |
    """

    def __init__(self, client, session) -> None:
        self.municipality = m = make_municipality(session, name="Municipio de Estadística")
        session.add_all([
            Category(municipality_id=m.id, service_code="bache", name="Bache", name_en="Pothole"),
            Category(municipality_id=m.id, service_code="alumbrado", name="Alumbrado público",
                     name_en="Street lighting"),
            Zone(municipality_id=m.id, code="Z-CENTRO", name="Colonia Centro", kind="colonia",
                 geometry=geo.to_db(sg.MultiPolygon([sg.box(-120.0, 10.0, -119.95, 10.1)]))),
            Holiday(municipality_id=m.id, day=date(2025, 3, 17), name="Natalicio de Benito Juárez"),
        ])
        staff_user = make_user(session, Role.comptroller, code=m.code)
        self.staff = staff_actor(session, staff_user.email)
        self.headers = bearer(token_for(session, staff_user.email))
        self.work = works.create(session, actor=self.staff, municipality=m, data=WorkCreate(
            identifier="OP-2025-001", title="Repavimentación de la calle Hidalgo", status="implementation"))
        session.flush()
        self.base = f"/api/v1/municipalities/{m.code}/complaints"
        self.session = session

        a = self.file(date(2025, 3, 10), "complaint", "bache", WEST, work_id=self.work.id)
        self.moves(a, ("admitted", "2025-03-18"), ("under_investigation", "2025-03-18"), ("resolved", "2025-03-31"))
        b = self.file(date(2025, 3, 12), "complaint", "bache", WEST)
        self.moves(b, ("admitted", "2025-04-07"), ("under_investigation", "2025-04-07"), ("resolved", "2025-04-21"))
        c = self.file(date(2025, 4, 2), "information_request", "alumbrado", EAST)
        self.moves(c, ("inadmissible", "2025-04-03"), ("closed", "2025-04-04"))
        self.file(date(2025, 4, 10), "complaint", "alumbrado", EAST)
        f = intake.file(session, actor=ANONYMOUS, municipality=m, today=date(2025, 5, 5), data=self.body(
            "complaint", "bache", EAST))
        g = self.file(date(2025, 5, 12), "complaint", "alumbrado", EAST)
        self.moves(g, ("admitted", "2025-05-13"), ("under_investigation", "2025-05-13"), ("resolved", "2025-05-20"),
                   ("closed", "2025-05-21"))
        session.flush()

        withdrawn = client.post(self.base + "/withdraw", json={
            "folio": f.complaint.folio, "code": f.follow_up_code, "reason": "Ya lo arreglaron"})
        assert withdrawn.status_code == 200, withdrawn.text
        reopened = client.post(f"{self.base}/{g}/transitions", headers=self.headers,
                               json={"to": "reopened", "reason": "Volvió a fallar"})
        assert reopened.status_code == 200, reopened.text
        reporter = auth.create_user(session, email=REPORTER["email"], full_name=REPORTER["name"],
                                    password="clave-larga-1", grants=[(m.id, Role.volunteer)])
        session.flush()
        self.reporter_id = str(reporter.id)
        e = client.post(self.base, headers=bearer(token_for(session, REPORTER["email"])), json=complaint_body(
            kind="suggestion", category="bache", location={"type": "Point", "coordinates": list(EAST)},
            work_id=str(self.work.id), contact=REPORTER))
        assert e.status_code == 201, e.text
        self.today = service.today_in(m)

    def body(self, kind: str, category: str, where: tuple[float, float], **fields) -> ComplaintCreate:
        return ComplaintCreate(kind=kind, category=category, description="Descripción de prueba de la queja.",
                               location={"type": "Point", "coordinates": list(where)}, anonymous=True, **fields)

    def file(self, day: date, kind: str, category: str, where: tuple[float, float], **fields) -> uuid.UUID:
        filed = intake.file(self.session, actor=ANONYMOUS, municipality=self.municipality, today=day,
                            data=self.body(kind, category, where, **fields))
        return filed.complaint.id

    def moves(self, complaint_id: uuid.UUID, *steps: tuple[str, str]) -> None:
        for to, day in steps:
            answer = "Respuesta pública de la contraloría." if to in ("resolved", "inadmissible") else None
            triage.transition(self.session, actor=self.staff, municipality=self.municipality,
                              complaint_id=complaint_id, today=date.fromisoformat(day), data=TransitionCreate(
                                  to=to, reason="Revisado", public_answer=answer,
                                  outcome="upheld" if to == "resolved" else None))

    def stats(self, client, query: str = "", **headers):
        return client.get(f"{self.base}/stats{query}", headers=headers)


@pytest.fixture
def history(client, session) -> History:
    return History(client, session)


def _counts(items: list[dict], key: str) -> dict:
    return {item[key]: item["count"] for item in items if item["count"]}


def test_exact_figures_over_a_known_history(client, history: History) -> None:
    response = history.stats(client)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["total"] == 7 and stats["since"] is None and stats["until"] is None
    assert stats["as_of"] == history.today.isoformat()
    assert len(stats["by_state"]) == 11  # every state, zeros included
    assert _counts(stats["by_state"], "state") == {"received": 2, "resolved": 2, "closed": 1, "withdrawn": 1,
                                                   "reopened": 1}
    assert [(k["kind"], k["label"], k["count"]) for k in stats["by_kind"]] == [
        ("complaint", "Queja", 5), ("report", "Denuncia", 0), ("information_request", "Solicitud de información", 1),
        ("suggestion", "Sugerencia", 1)]
    assert stats["by_category"] == [{"service_code": "bache", "name": "Bache", "count": 4},
                                    {"service_code": "alumbrado", "name": "Alumbrado público", "count": 3}]
    assert stats["by_zone"] == [{"code": None, "name": "Sin zona", "count": 5},
                                {"code": "Z-CENTRO", "name": "Colonia Centro", "count": 2}]
    assert stats["by_work"] == [{"work_id": str(history.work.id), "identifier": "OP-2025-001",
                                 "title": "Repavimentación de la calle Hidalgo", "count": 2}]
    # First responses: A 8 days (5 business: the holiday does not count), B 26 (17), C 1 (1), G 1 (1).
    assert stats["time_to_first_response"] == {"count": 4, "median_days": 4.5, "median_business_days": 3.0}
    # Resolutions that stand: A 21 days (14 business), B 40 (27); G was reopened, so it does not count.
    assert stats["time_to_resolution"] == {"count": 2, "median_days": 30.5, "median_business_days": 20.5}
    assert stats["answered_on_time"] == {"count": 4, "on_time": 3, "share": 0.75}  # B answered after 04-03
    assert stats["resolved_on_time"] == {"count": 2, "on_time": 1, "share": 0.5}
    assert stats["overdue"] == 1  # D; G got a fresh term when reopened today
    monthly = stats["monthly"]
    assert monthly[:3] == [
        {"month": "2025-03", "received": 2, "resolved": 2, "answered_on_time": 1},
        {"month": "2025-04", "received": 2, "resolved": 0, "answered_on_time": 1},
        {"month": "2025-05", "received": 2, "resolved": 0, "answered_on_time": 1},
    ]
    assert monthly[-1] == {"month": history.today.strftime("%Y-%m"), "received": 1, "resolved": 0,
                           "answered_on_time": 0}
    months_apart = (history.today.year - 2025) * 12 + history.today.month - 3
    assert len(monthly) == months_apart + 1  # no gaps
    between = monthly[3:-1]  # the months between May 2025 and this one: nothing received
    assert len(between) == months_apart - 3 and all(m["received"] == 0 for m in between)


def test_a_window_of_receipt_dates(client, history: History) -> None:
    march = history.stats(client, "?since=2025-03-01&until=2025-03-31").json()
    assert (march["since"], march["until"], march["total"], march["overdue"]) == ("2025-03-01", "2025-03-31", 2, 0)
    assert _counts(march["by_state"], "state") == {"resolved": 2}
    assert march["by_zone"] == [{"code": "Z-CENTRO", "name": "Colonia Centro", "count": 2}]
    assert [w["count"] for w in march["by_work"]] == [1]
    assert march["time_to_first_response"] == {"count": 2, "median_days": 17.0, "median_business_days": 11.0}
    assert march["answered_on_time"] == {"count": 2, "on_time": 1, "share": 0.5}
    assert [m["month"] for m in march["monthly"]] == ["2025-03"]
    april = history.stats(client, "?since=2025-04-01&until=2025-04-30").json()
    assert (april["total"], april["overdue"]) == (2, 1)
    assert april["time_to_first_response"] == {"count": 1, "median_days": 1.0, "median_business_days": 1.0}
    assert april["time_to_resolution"] == {"count": 0, "median_days": None, "median_business_days": None}
    assert april["resolved_on_time"] == {"count": 0, "on_time": 0, "share": None}
    since_may = history.stats(client, "?since=2025-05-01").json()
    assert since_may["total"] == 3 and since_may["monthly"][0]["month"] == "2025-05"
    nothing = history.stats(client, "?until=2024-12-31").json()
    assert (nothing["total"], nothing["monthly"], nothing["by_zone"]) == (0, [], [])
    assert nothing["by_state"] and all(s["count"] == 0 for s in nothing["by_state"])


def test_labels_follow_the_language(client, history: History) -> None:
    stats = history.stats(client, **{"Accept-Language": "en"}).json()
    assert stats["by_zone"][0] == {"code": None, "name": "No zone", "count": 5}
    assert [c["name"] for c in stats["by_category"]] == ["Pothole", "Street lighting"]
    assert {s["state"]: s["label"] for s in stats["by_state"]}["withdrawn"] == "Withdrawn"
    assert stats["by_kind"][2]["label"] == "Information request"


def test_the_figures_are_public_and_carry_no_personal_data(client, history: History) -> None:
    response = history.stats(client)  # no credentials
    assert response.status_code == 200
    for secret in (*REPORTER.values(), history.reporter_id):
        assert secret not in response.text
    assert set(response.json()) == {
        "municipality", "since", "until", "as_of", "total", "by_state", "by_kind", "by_category", "by_zone",
        "by_work", "time_to_first_response", "time_to_resolution", "answered_on_time", "resolved_on_time",
        "overdue", "monthly"}
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/municipalities/{code}/complaints/stats"]["get"]
    assert "security" not in operation
    assert {p["name"] for p in operation["parameters"]} == {"code", "since", "until"}


def test_the_demo_data_has_every_state(client, session) -> None:
    stats = client.get("/api/v1/municipalities/10005/complaints/stats").json()
    assert stats["total"] == 16
    assert all(s["count"] >= 1 for s in stats["by_state"]), stats["by_state"]
    for part in ("by_state", "by_kind", "by_category", "by_zone"):
        assert sum(item["count"] for item in stats[part]) == stats["total"], part
    assert sum(m["received"] for m in stats["monthly"]) == stats["total"]
    assert sum(m["resolved"] for m in stats["monthly"]) == stats["time_to_resolution"]["count"] >= 2
    assert stats["overdue"] >= 1 and stats["answered_on_time"]["count"] >= 10
    first_filed = min(item["filed_on"] for items in json.loads(
        (fixtures.DEFAULT_PATH / "complaints.json").read_text("utf-8"))["complaints"].values() for item in items)
    moved = demo_calendar.for_loading(session, fixtures.DEFAULT_PATH).day(first_filed)  # as the demo was loaded
    assert stats["monthly"][0]["month"] == moved.strftime("%Y-%m")


def test_bad_windows_are_422_naming_the_field(client, session) -> None:
    url = "/api/v1/municipalities/10005/complaints/stats"
    for query, field in (("since=2025-02-30", "since"), ("since=1700000000", "since"), ("until=ayer", "until"),
                         ("until=2025-3-1", "until"), ("desde=2025-01-01", "desde")):
        error = assert_error_shape(client.get(f"{url}?{query}"), 422, "validation_error")
        assert [d["field"] for d in error["details"]] == [field], query
    error = assert_error_shape(client.get(f"{url}?since=2025-05-01&until=2025-04-30"), 422, "until_before_since")
    assert error["details"][0]["field"] == "until"
    assert error["message"] == "La fecha final (2025-04-30) es anterior a la inicial (2025-05-01)."
    english = client.get(f"{url}?until=ayer", headers={"Accept-Language": "en"})
    assert "YYYY-MM-DD" in english.json()["error"]["details"][0]["message"]
    assert client.get(f"{url}?since=2025-04-30&until=2025-04-30").status_code == 200  # one day is a window
    assert_error_shape(client.get("/api/v1/municipalities/99999/complaints/stats"), 404, "municipality_not_found")
