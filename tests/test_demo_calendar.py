"""The demo's calendar: dates that follow the day of loading, holidays from rules, and a demo that shows the same
story (a complaint due next week, one overdue, one answered on time) whatever the day it is loaded."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server import demo_calendar, fixtures
from server.demo_calendar import DemoCalendar, easter, rule_date
from tests.factories import bearer, token_for

MONTERREY = ZoneInfo("America/Monterrey")


@pytest.mark.parametrize(("year", "sunday"), [
    (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
    (2028, date(2028, 4, 16)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22)),
])
def test_easter_is_the_churchs(year: int, sunday: date) -> None:
    assert easter(year) == sunday and sunday.weekday() == 6


def test_holiday_rules_give_the_days_the_law_gives() -> None:
    # Ley Federal del Trabajo, art. 74: the first Monday of February, the third Monday of March and of November.
    assert rule_date({"month": 2, "weekday": "monday", "nth": 1}, 2027) == date(2027, 2, 1)
    assert rule_date({"month": 3, "weekday": "monday", "nth": 3}, 2027) == date(2027, 3, 15)
    assert rule_date({"month": 11, "weekday": "monday", "nth": 3}, 2026) == date(2026, 11, 16)
    assert rule_date({"month": 3, "weekday": "monday", "nth": 3}, 2026) == date(2026, 3, 16)
    assert rule_date({"easter": -3}, 2026) == date(2026, 4, 2)  # Holy Thursday
    assert rule_date({"month": 9, "day": 16}, 2031) == date(2031, 9, 16)


def test_dates_move_by_whole_weeks_and_texts_stay() -> None:
    calendar = DemoCalendar(written_on=date(2026, 11, 20), shift=timedelta(weeks=3), today=date(2026, 12, 14),
                            holiday_rules={})
    document = {"filed_on": "2026-11-13", "at": "2026-11-13T10:30:00-06:00", "list": ["2025-02-28"],
                "text": "Desde el 2026-11-13 no hay avance", "year": 2026, "code": "CS-2026-11"}
    moved = calendar.moved(document)
    assert moved == {"filed_on": "2026-12-04", "at": "2026-12-04T10:30:00-06:00", "list": ["2025-03-21"],
                     "text": "Desde el 2026-11-13 no hay avance", "year": 2026, "code": "CS-2026-11"}
    assert date.fromisoformat(moved["filed_on"]).weekday() == date(2026, 11, 13).weekday()


def test_the_demo_is_loaded_in_the_week_that_ends_today(session) -> None:
    calendar = demo_calendar.for_loading(session, fixtures.DEFAULT_PATH)
    today = datetime.now(MONTERREY).date()
    moved_anchor = calendar.written_on + calendar.shift
    assert calendar.shift.days % 7 == 0
    assert moved_anchor <= today < moved_anchor + timedelta(days=7)
    assert calendar.today == today
    days = dict(calendar.holidays("10005"))
    for year in range(today.year - 2, today.year + 4):
        assert days[date(year, 9, 16)] == "Día de la Independencia"
        assert days[easter(year) - timedelta(days=2)] == "Viernes Santo"


@pytest.mark.calendar
def test_the_demo_tells_the_same_story_on_any_day(client, session) -> None:
    """What the comptroller sees on opening the demo: something due soon, something overdue, something answered
    on time, something waiting for the reporter, whatever day the demo was loaded."""
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    items = client.get("/api/v1/municipalities/10005/complaints?limit=200&include_closed=true", headers=headers).json()["items"]
    assert len(items) >= 12
    due_soon = [i for i in items if i["business_days_left"] is not None and 0 <= i["business_days_left"] <= 10]
    overdue = [i for i in items if i["overdue"]]
    answered = [i for i in items if i["state"] in ("resolved", "closed")]
    waiting = [i for i in items if i["state"] == "needs_clarification"]
    assert due_soon, "a complaint due within the next two weeks"
    assert overdue and all(i["business_days_left"] < 0 for i in overdue)
    assert answered and any(date.fromisoformat(i["updated_at"][:10]) <= date.fromisoformat(i["due_on"])
                            for i in answered), "a complaint answered within its term"
    today = datetime.now(MONTERREY).date()
    assert waiting and all(date.fromisoformat(i["clarification_due_on"]) >= today for i in waiting), \
        "the reporter still has time to clarify"
    assert all(date.fromisoformat(i["received_on"]) <= today for i in items), "nothing received in the future"
    stats = client.get("/api/v1/municipalities/10005/complaints/stats").json()
    assert stats["overdue"] == sum(1 for i in items if i["overdue"])


@pytest.mark.calendar
def test_loading_again_a_week_later_changes_nothing(session, time_machine) -> None:
    time_machine.move_to(datetime.now(MONTERREY) + timedelta(days=7), tick=False)
    report = fixtures.load(session)
    changed = {kind: counts for kind, counts in report.items()
               if kind != "holidays" and set(counts) - {"unchanged", "skipped"}}
    assert report and not changed, changed
    assert "updated" not in report["holidays"]


def test_the_calendar_file_is_written_as_of_a_friday_before_every_past_event() -> None:
    settings = json.loads((fixtures.DEFAULT_PATH / "calendar.json").read_text("utf-8"))
    written_on = date.fromisoformat(settings["written_on"])
    complaints = json.loads((fixtures.DEFAULT_PATH / "complaints.json").read_text("utf-8"))["complaints"]
    filed = [date.fromisoformat(item["filed_on"]) for items in complaints.values() for item in items]
    assert filed and max(filed) <= written_on
    assert Counter(rule["name"] for rule in settings["holidays"]["10005"])["Navidad"] == 1
