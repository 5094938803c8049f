"""Complaint statistics through HTTP: exact figures over a small history replayed at dates counted from today in a
fresh municipality (so the demo data does not count), late answers that include the unanswered past their due
date, medians and 90th percentiles on known sets, business days around weekends and holidays, empty windows,
each figure's definition in both languages, the demo data, a public answer without personal data, and bad
windows."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from shapely import geometry as sg

from server import demo_calendar, fixtures, geo
from server.auth import service as auth
from server.auth.actor import ANONYMOUS
from server.auth.models import Role
from server.complaints import deadlines, intake, service, stats, triage
from server.complaints.models import Category
from server.complaints.schemas import ComplaintCreate, TransitionCreate
from server.municipalities.models import Holiday, Zone
from server.works import service as works
from server.works.models import WorkCreate
from tests.factories import bearer, complaint_body, make_municipality, make_user, staff_actor, today, token_for
from tests.test_app import assert_error_shape

WEST, EAST = (-119.98, 10.05), (-119.92, 10.05)  # inside the zone, outside every zone
REPORTER = {"name": "Eulalia Quiñones Barraza", "email": "eulalia.qb@correo.example", "phone": "618 555 0142"}
DURATION_KEYS = {"n", "still_open", "ended_without", "median_business_days", "p90_business_days", "median_days",
                 "p90_days", "definition"}


def monday_weeks_ago(weeks: int) -> date:
    """The Monday of the week `weeks` weeks before this one: a past day whose weekday is known."""
    return today() - timedelta(days=today().weekday(), weeks=weeks)


def month(day: date) -> str:
    return day.strftime("%Y-%m")


class Place:
    """A fresh municipality with two categories and a comptroller, where complaints are filed and moved on
    chosen days through the services, and the statistics read over HTTP."""

    def __init__(self, client, session, name: str = "Municipio de Estadística") -> None:
        self.municipality = m = make_municipality(session, name=name)
        session.add_all([
            Category(municipality_id=m.id, service_code="bache", name="Bache", name_en="Pothole"),
            Category(municipality_id=m.id, service_code="alumbrado", name="Alumbrado público",
                     name_en="Street lighting"),
        ])
        staff_user = make_user(session, Role.comptroller, code=m.code)
        self.staff = staff_actor(session, staff_user.email)
        self.headers = bearer(token_for(session, staff_user.email))
        self.base = f"/api/v1/municipalities/{m.code}/complaints"
        self.client, self.session = client, session

    def holiday(self, day: date) -> None:
        self.session.add(Holiday(municipality_id=self.municipality.id, day=day, name="Día inhábil de prueba"))
        self.session.flush()

    def body(self, kind: str, category: str, where: tuple[float, float], **fields) -> ComplaintCreate:
        return ComplaintCreate(kind=kind, category=category, description="Descripción de prueba de la queja.",
                               location={"type": "Point", "coordinates": list(where)}, anonymous=True, **fields)

    def file(self, day: date, kind: str = "complaint", category: str = "bache", where=EAST, **fields):
        return intake.file(self.session, actor=ANONYMOUS, municipality=self.municipality, today=day,
                           data=self.body(kind, category, where, **fields))

    def moves(self, complaint_id: uuid.UUID, *steps: tuple[str, date]) -> None:
        for to, day in steps:
            answer = "Respuesta pública de la contraloría." if to in ("resolved", "inadmissible") else None
            triage.transition(self.session, actor=self.staff, municipality=self.municipality,
                              complaint_id=complaint_id, today=day, data=TransitionCreate(
                                  to=to, reason="Revisado", public_answer=answer,
                                  outcome="upheld" if to == "resolved" else None))
        self.session.flush()

    def withdraw(self, filed) -> None:
        withdrawn = self.client.post(self.base + "/withdraw", json={
            "folio": filed.complaint.folio, "code": filed.follow_up_code, "reason": "Ya lo arreglaron"})
        assert withdrawn.status_code == 200, withdrawn.text

    def stats(self, query: str = "", **headers) -> dict:
        response = self.client.get(f"{self.base}/stats{query}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


class History(Place):
    """Eight complaints in a fresh municipality with one zone (the west half), one holiday (the Monday after
    the first complaint, M + 7) and one work. M is a Monday 26 weeks ago. Terms: 15 business days for
    complaints, 10 for information requests.

    | | filed | kind, category, place | moves | due | state now |
    |---|---|---|---|---|---|
    | A | M (Mon) | complaint, bache, zone, work | admitted M+8, resolved M+21 | M+22 | resolved |
    | B | M+2 (Wed) | complaint, bache, zone | admitted M+28, resolved M+42 | M+24 | resolved |
    | C | M+23 (Tue) | information, alumbrado | inadmissible M+24, closed M+25 | M+37 | closed |
    | D | M+31 (Wed) | complaint, alumbrado | none | M+52 | received, overdue |
    | F | M+56 (Mon) | complaint, bache | withdrawn today, over HTTP, never answered | M+77 | withdrawn |
    | G | M+63 (Mon) | complaint, alumbrado | admitted M+64, resolved M+71, closed M+72, reopened today | fresh | reopened |
    | H | yesterday | complaint, bache | withdrawn today, over HTTP, never answered | in 15 b. d. | withdrawn |
    | E | today, over HTTP | suggestion, bache, work, signed in with contact | none | in 30 b. d. | received |
    """

    def __init__(self, client, session) -> None:
        super().__init__(client, session)
        m = self.municipality
        self.m = start = monday_weeks_ago(26)
        session.add(Zone(municipality_id=m.id, code="Z-CENTRO", name="Colonia Centro", kind="colonia",
                         geometry=geo.to_db(sg.MultiPolygon([sg.box(-120.0, 10.0, -119.95, 10.1)]))))
        self.holiday(start + timedelta(days=7))
        self.work = works.create(session, actor=self.staff, municipality=m, data=WorkCreate(
            identifier="OP-2025-001", title="Repavimentación de la calle Hidalgo", status="implementation"))
        session.flush()

        def on(days: int) -> date:
            return start + timedelta(days=days)

        a = self.file(on(0), "complaint", "bache", WEST, work_id=self.work.id).complaint.id
        self.moves(a, ("admitted", on(8)), ("under_investigation", on(8)), ("resolved", on(21)))
        b = self.file(on(2), "complaint", "bache", WEST).complaint.id
        self.moves(b, ("admitted", on(28)), ("under_investigation", on(28)), ("resolved", on(42)))
        c = self.file(on(23), "information_request", "alumbrado").complaint.id
        self.moves(c, ("inadmissible", on(24)), ("closed", on(25)))
        self.file(on(31), "complaint", "alumbrado")
        f = self.file(on(56), "complaint", "bache")
        g = self.file(on(63), "complaint", "alumbrado").complaint.id
        self.moves(g, ("admitted", on(64)), ("under_investigation", on(64)), ("resolved", on(71)),
                   ("closed", on(72)))
        h = self.file(today() - timedelta(days=1), "complaint", "bache")

        self.withdraw(f)
        self.withdraw(h)
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


@pytest.fixture
def history(client, session) -> History:
    return History(client, session)


def _counts(items: list[dict], key: str) -> dict:
    return {item[key]: item["count"] for item in items if item["count"]}


def _without_definition(figure: dict) -> dict:
    return {key: value for key, value in figure.items() if key != "definition"}


def test_exact_figures_over_a_known_history(client, history: History) -> None:
    stats = history.stats()
    m = history.m
    assert stats["total"] == 8 and stats["since"] is None and stats["until"] is None
    assert stats["as_of"] == history.today.isoformat()
    assert len(stats["by_state"]) == 11  # every state, zeros included
    assert _counts(stats["by_state"], "state") == {"received": 2, "resolved": 2, "closed": 1, "withdrawn": 2,
                                                   "reopened": 1}
    assert [(k["kind"], k["label"], k["count"]) for k in stats["by_kind"]] == [
        ("complaint", "Queja", 6), ("report", "Denuncia", 0), ("information_request", "Solicitud de información", 1),
        ("suggestion", "Sugerencia", 1)]
    assert stats["by_category"] == [{"service_code": "bache", "name": "Bache", "count": 5},
                                    {"service_code": "alumbrado", "name": "Alumbrado público", "count": 3}]
    assert stats["by_zone"] == [{"code": None, "name": "Sin zona", "count": 6},
                                {"code": "Z-CENTRO", "name": "Colonia Centro", "count": 2}]
    assert stats["by_work"] == [{"work_id": str(history.work.id), "identifier": "OP-2025-001",
                                 "title": "Repavimentación de la calle Hidalgo", "count": 2}]
    # First answers: A 8 days (5 business: the holiday and a weekend do not count), B 26 (17), C 1 (1), G 1 (1).
    # Still waiting: D, E; ended without one: F and H (withdrawn).
    assert _without_definition(stats["time_to_first_response"]) == {
        "n": 4, "still_open": 2, "ended_without": 2, "median_business_days": 3.0, "p90_business_days": 17,
        "median_days": 4.5, "p90_days": 26}
    # Resolutions that stand: A 21 days (14 business), B 40 (27). G was reopened, so it is being worked on again,
    # like D and E; C (inadmissible), F and H (withdrawn) ended without one.
    assert _without_definition(stats["time_to_resolution"]) == {
        "n": 2, "still_open": 3, "ended_without": 3, "median_business_days": 20.5, "p90_business_days": 27,
        "median_days": 30.5, "p90_days": 40}
    # On time: A, C, G. Late: B answered after its due date; D still unanswered past it; F withdrawn long after
    # it without an answer. Pending: E, within its term. Excluded: H, withdrawn within its term unanswered.
    assert _without_definition(stats["answered_on_time"]) == {
        "n": 6, "on_time": 3, "late": 3, "answered_late": 1, "unanswered_past_due": 2, "pending": 1,
        "excluded": 1, "share": 0.5}
    # Resolved on time: A; late: B (resolved after its due date) and D (still open past it). Pending: G (a fresh
    # term since it was reopened today) and E. Excluded: C, F, H ended without a resolution.
    assert _without_definition(stats["resolved_on_time"]) == {
        "n": 3, "on_time": 1, "late": 2, "resolved_late": 1, "unresolved_past_due": 1, "pending": 2,
        "excluded": 3, "share": 0.3333}
    assert stats["overdue"] == 1  # D; G got a fresh term when reopened today

    filed = {  # complaint: (day filed, resolution stands, answer verdict)
        "A": (m, True, "on_time"), "B": (m + timedelta(days=2), True, "late"),
        "C": (m + timedelta(days=23), False, "on_time"), "D": (m + timedelta(days=31), False, "late"),
        "F": (m + timedelta(days=56), False, "late"), "G": (m + timedelta(days=63), False, "on_time"),
        "H": (today() - timedelta(days=1), False, "excluded"), "E": (history.today, False, "pending")}
    expected: dict[str, Counter] = {}
    for day, resolved, verdict in filed.values():
        counts = expected.setdefault(month(day), Counter())
        counts.update(received=1, resolved=int(resolved), answered_on_time=int(verdict == "on_time"),
                      answer_late=int(verdict == "late"))
    monthly = stats["monthly"]
    months_apart = (history.today.year - m.year) * 12 + history.today.month - m.month
    assert [entry["month"] for entry in monthly] == [
        month(date(m.year + (m.month - 1 + i) // 12, (m.month - 1 + i) % 12 + 1, 1)) for i in range(months_apart + 1)]
    for entry in monthly:  # no gaps: the months without complaints are there with zeros
        counts = expected.get(entry["month"], Counter())
        assert entry == {"month": entry["month"], "received": counts["received"], "resolved": counts["resolved"],
                         "answered_on_time": counts["answered_on_time"], "answer_late": counts["answer_late"]}


def test_a_window_of_receipt_dates(client, history: History) -> None:
    m = history.m
    first_week = history.stats(f"?since={m}&until={m + timedelta(days=6)}")
    assert (first_week["since"], first_week["until"]) == (m.isoformat(), (m + timedelta(days=6)).isoformat())
    assert (first_week["total"], first_week["overdue"]) == (2, 0)
    assert _counts(first_week["by_state"], "state") == {"resolved": 2}
    assert first_week["by_zone"] == [{"code": "Z-CENTRO", "name": "Colonia Centro", "count": 2}]
    assert [w["count"] for w in first_week["by_work"]] == [1]
    assert _without_definition(first_week["time_to_first_response"]) == {
        "n": 2, "still_open": 0, "ended_without": 0, "median_business_days": 11.0, "p90_business_days": 17,
        "median_days": 17.0, "p90_days": 26}
    assert first_week["answered_on_time"]["n"] == 2 and first_week["answered_on_time"]["share"] == 0.5
    assert [entry["month"] for entry in first_week["monthly"]] == sorted({month(m), month(m + timedelta(days=2))})
    # C (inadmissible the next day) and D (never answered, past its due date).
    later = history.stats(f"?since={m + timedelta(days=23)}&until={m + timedelta(days=31)}")
    assert (later["total"], later["overdue"]) == (2, 1)
    assert _without_definition(later["time_to_first_response"]) == {
        "n": 1, "still_open": 1, "ended_without": 0, "median_business_days": 1.0, "p90_business_days": 1,
        "median_days": 1.0, "p90_days": 1}
    assert later["answered_on_time"] | {"definition": ""} == {
        "n": 2, "on_time": 1, "late": 1, "answered_late": 0, "unanswered_past_due": 1, "pending": 0,
        "excluded": 0, "share": 0.5, "definition": ""}
    assert _without_definition(later["time_to_resolution"]) == {
        "n": 0, "still_open": 1, "ended_without": 1, "median_business_days": None, "p90_business_days": None,
        "median_days": None, "p90_days": None}
    assert _without_definition(later["resolved_on_time"]) == {
        "n": 1, "on_time": 0, "late": 1, "resolved_late": 0, "unresolved_past_due": 1, "pending": 0,
        "excluded": 1, "share": 0.0}
    recent = history.stats(f"?since={m + timedelta(days=56)}")
    assert recent["total"] == 4 and recent["monthly"][0]["month"] == month(m + timedelta(days=56))


def test_an_empty_window_has_no_figures_rather_than_zeros(client, history: History) -> None:
    nothing = history.stats(f"?until={history.m - timedelta(days=1)}")
    assert (nothing["total"], nothing["monthly"], nothing["by_zone"], nothing["overdue"]) == (0, [], [], 0)
    assert nothing["by_state"] and all(s["count"] == 0 for s in nothing["by_state"])
    for name in ("time_to_first_response", "time_to_resolution"):
        figure = nothing[name]
        assert figure["n"] == figure["still_open"] == figure["ended_without"] == 0
        assert [figure[k] for k in ("median_business_days", "p90_business_days", "median_days", "p90_days")] \
            == [None] * 4
    for name in ("answered_on_time", "resolved_on_time"):
        assert (nothing[name]["n"], nothing[name]["on_time"], nothing[name]["share"]) == (0, 0, None)
        assert nothing[name]["definition"]
    # Complaints in the window, none decided yet: still no share (not 0, not 1).
    young = history.stats(f"?since={today()}")
    assert young["total"] == 1 and young["answered_on_time"]["pending"] == 1
    assert (young["answered_on_time"]["n"], young["answered_on_time"]["share"]) == (0, None)
    # A municipality that never received a complaint.
    empty = Place(client, history.session, "Municipio sin quejas").stats()
    assert empty["total"] == 0 and empty["answered_on_time"]["share"] is None
    assert empty["time_to_first_response"]["median_business_days"] is None


def test_unanswered_complaints_past_their_due_date_are_late(client, session) -> None:
    """The demo's mistake: only answered complaints were measured, so two answered on time and one never
    answered read as 1.0 kept. The one never answered is late."""
    place = Place(client, session)
    filed_on = monday_weeks_ago(8)
    for _ in range(2):
        place.moves(place.file(filed_on).complaint.id, ("admitted", filed_on + timedelta(days=1)))
    place.file(filed_on)  # due 15 business days later, seven weeks ago: never answered
    stats = place.stats()
    assert stats["overdue"] == 3  # the two answered are still unresolved past their date too
    answered = stats["answered_on_time"]
    assert (answered["n"], answered["on_time"], answered["late"], answered["unanswered_past_due"]) == (3, 2, 1, 1)
    assert answered["share"] == 0.6667 < 1
    assert stats["resolved_on_time"]["unresolved_past_due"] == 3  # nobody resolved any, all past their date
    assert stats["time_to_first_response"]["n"] == 2 and stats["time_to_first_response"]["still_open"] == 1
    # On the last day of its term it is pending; from the first working day after, late.
    fresh = Place(client, session, "Municipio del último día")
    working_day = deadlines.term_day(session, fresh.municipality).working_day  # today, or the next open day
    due = {}
    for back in range(20, 40):
        filed_on = working_day - timedelta(days=back)
        due.setdefault(deadlines.add_business_days(session, fresh.municipality, filed_on, 15), filed_on)
    last_day = fresh.file(due[working_day]).complaint
    assert last_day.due_on == working_day
    assert fresh.stats()["answered_on_time"] | {"definition": ""} == {
        "n": 0, "on_time": 0, "late": 0, "answered_late": 0, "unanswered_past_due": 0, "pending": 1,
        "excluded": 0, "share": None, "definition": ""}
    day_before = max(day for day in due if day < working_day)
    fresh.file(due[day_before])
    assert fresh.stats()["answered_on_time"]["unanswered_past_due"] == 1


def test_median_and_90th_percentile_on_a_known_set(client, session) -> None:
    """Ten complaints filed on a Monday, first answered after 1 to 10 business days; the next Monday is a
    holiday. The 90th percentile is the 9th of the ten (nearest rank), never an interpolation."""
    place = Place(client, session)
    monday = monday_weeks_ago(10)
    place.holiday(monday + timedelta(days=7))
    calendar = []
    for days in range(1, 11):
        answered_on = deadlines.add_business_days(session, place.municipality, monday, days)
        calendar.append((answered_on - monday).days)
        place.moves(place.file(monday).complaint.id, ("admitted", answered_on))
    # Tuesday to Friday; then past the weekend and the holiday (the 5th answer is on Tuesday, 8 days on).
    assert calendar == [1, 2, 3, 4, 8, 9, 10, 11, 14, 15]
    figure = place.stats()["time_to_first_response"]
    assert _without_definition(figure) == {
        "n": 10, "still_open": 0, "ended_without": 0, "median_business_days": 5.5, "p90_business_days": 9,
        "median_days": 8.5, "p90_days": 14}
    # Below ten values the 90th percentile is the largest; with one value it is that value.
    assert (stats.p90([3, 1, 2]), stats.p90([7]), stats.p90([]), stats.median([])) == (3, 7, None, None)
    assert stats.p90(list(range(1, 21))) == 18 and stats.p90(list(range(1, 12))) == 10


def test_weekends_and_holidays_do_not_count_as_business_days(client, session) -> None:
    place = Place(client, session)
    friday = monday_weeks_ago(6) + timedelta(days=4)
    saturday = friday + timedelta(days=1)
    place.holiday(friday + timedelta(days=3))  # the Monday after
    place.moves(place.file(friday).complaint.id, ("admitted", friday + timedelta(days=4)))  # Tuesday
    place.moves(place.file(saturday).complaint.id, ("admitted", saturday + timedelta(days=3)))  # Tuesday
    on_friday = place.stats(f"?since={friday}&until={friday}")["time_to_first_response"]
    assert (on_friday["median_days"], on_friday["median_business_days"]) == (4.0, 1.0)
    on_saturday = place.stats(f"?since={saturday}&until={saturday}")["time_to_first_response"]
    assert (on_saturday["median_days"], on_saturday["median_business_days"]) == (3.0, 1.0)
    # Answered on the day it arrived: 0 days.
    wednesday = friday + timedelta(days=12)
    place.moves(place.file(wednesday).complaint.id, ("admitted", wednesday))
    same_day = place.stats(f"?since={wednesday}&until={wednesday}")["time_to_first_response"]
    assert (same_day["median_days"], same_day["median_business_days"], same_day["p90_business_days"]) == (0.0, 0.0, 0)


def test_each_figure_says_what_it_counts_in_the_callers_language(client, history: History) -> None:
    spanish, english = history.stats(), history.stats(**{"Accept-Language": "en"})
    assert "a más tardar el día en que vencía su plazo" in spanish["answered_on_time"]["definition"]
    assert "seguían sin respuesta al vencer el plazo" in spanish["answered_on_time"]["definition"]
    assert "90 %" in spanish["time_to_first_response"]["definition"]
    assert "siguen en trámite" in spanish["time_to_resolution"]["definition"]
    assert "prórroga" in spanish["resolved_on_time"]["definition"]
    assert "still without an answer when their term ran out count as late" in english["answered_on_time"]["definition"]
    assert "90%" in english["time_to_first_response"]["definition"]
    for name in ("time_to_first_response", "time_to_resolution", "answered_on_time", "resolved_on_time"):
        assert spanish[name]["definition"] != english[name]["definition"]
        assert spanish[name] | {"definition": ""} == english[name] | {"definition": ""}  # same figures


def test_labels_follow_the_language(client, history: History) -> None:
    stats = history.stats(**{"Accept-Language": "en"})
    assert stats["by_zone"][0] == {"code": None, "name": "No zone", "count": 6}
    assert [c["name"] for c in stats["by_category"]] == ["Pothole", "Street lighting"]
    assert {s["state"]: s["label"] for s in stats["by_state"]}["withdrawn"] == "Withdrawn"
    assert stats["by_kind"][2]["label"] == "Information request"


def test_the_figures_are_public_and_carry_no_personal_data(client, history: History) -> None:
    response = client.get(f"{history.base}/stats")  # no credentials
    assert response.status_code == 200
    for secret in (*REPORTER.values(), history.reporter_id):
        assert secret not in response.text
    assert set(response.json()) == {
        "municipality", "since", "until", "as_of", "total", "by_state", "by_kind", "by_category", "by_zone",
        "by_work", "time_to_first_response", "time_to_resolution", "answered_on_time", "resolved_on_time",
        "overdue", "monthly", "open", "definitions"}
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/municipalities/{code}/complaints/stats"]["get"]
    assert "security" not in operation
    assert {p["name"] for p in operation["parameters"]} == {"code", "since", "until"}


def test_a_work_counts_only_the_complaints_whose_work_is_public(client, session) -> None:
    """A denuncia and a confidential complaint show in public only category, zone, state and dates: they count in
    the totals, but a count per work would tell that they concern it."""
    place = Place(client, session)
    work = works.create(session, actor=place.staff, municipality=place.municipality, data=WorkCreate(
        identifier="OP-2026-007", title="Pozo de agua de la colonia Jardines", status="implementation"))
    session.flush()
    filed_on = today() - timedelta(days=3)
    place.file(filed_on, work_id=work.id)
    place.file(filed_on, "report", work_id=work.id)
    place.file(filed_on, work_id=work.id, confidential=True)
    stats = place.stats()
    assert stats["total"] == 3 and _counts(stats["by_kind"], "kind") == {"complaint": 2, "report": 1}
    assert stats["by_work"] == [{"work_id": str(work.id), "identifier": "OP-2026-007",
                                 "title": "Pozo de agua de la colonia Jardines", "count": 1}]


def test_the_demo_data_has_every_state_and_counts_the_overdue_as_late(client, session) -> None:
    stats = client.get("/api/v1/municipalities/10005/complaints/stats").json()
    assert stats["total"] == 16
    assert all(s["count"] >= 1 for s in stats["by_state"]), stats["by_state"]
    for part in ("by_state", "by_kind", "by_category", "by_zone"):
        assert sum(item["count"] for item in stats[part]) == stats["total"], part
    assert sum(m["received"] for m in stats["monthly"]) == stats["total"]
    assert sum(m["resolved"] for m in stats["monthly"]) == stats["time_to_resolution"]["n"] >= 2
    answered, resolved = stats["answered_on_time"], stats["resolved_on_time"]
    for figure in (answered, resolved):
        assert figure["n"] + figure["pending"] + figure["excluded"] == stats["total"]
        assert figure["n"] == figure["on_time"] + figure["late"] and figure["share"] == round(
            figure["on_time"] / figure["n"], 4)
    for figure in (stats["time_to_first_response"], stats["time_to_resolution"]):
        assert figure["n"] + figure["still_open"] + figure["ended_without"] == stats["total"]
    # What the queue shows as overdue is late here: never a perfect record next to overdue complaints.
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    queue = client.get("/api/v1/municipalities/10005/complaints?limit=200", headers=headers).json()["items"]
    overdue_unanswered = [i for i in queue if i["overdue"] and i["state"] == "received"]
    assert stats["overdue"] == sum(1 for i in queue if i["overdue"]) >= 1
    assert resolved["unresolved_past_due"] == stats["overdue"]
    assert answered["unanswered_past_due"] >= len(overdue_unanswered) >= 1
    assert answered["share"] < 1 and resolved["share"] < 1
    assert sum(m["answer_late"] for m in stats["monthly"]) == answered["late"]
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
