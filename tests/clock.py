"""The test run at a chosen date: `VIGIA_TEST_TODAY=2027-02-29 pytest -m calendar` moves this process's clock
to 11:00 of that day in the demo municipality's time zone before anything else runs (the demo data is then
loaded as of that day), and lets it tick from there. The test command runs the tests marked `calendar` at a
weekday, a Saturday, a Sunday, a holiday, 31 December, 29 February and a year from now (docs/testing.md).
Without the variable the tests run at the machine's date, whatever it is."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

DEMO_TIME_ZONE = ZoneInfo("America/Monterrey")
_travel: time_machine.travel | None = None


def chosen_day() -> date | None:
    value = os.environ.get("VIGIA_TEST_TODAY", "").strip()
    return date.fromisoformat(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    global _travel
    day = chosen_day()
    if day is not None:
        _travel = time_machine.travel(datetime.combine(day, time(11, 0), DEMO_TIME_ZONE), tick=True)
        _travel.start()


# Where the date shows: deadlines, business days, overdue agreements, accreditations that expire, stalled works,
# work cards valid for a day, the demo data moved to the week of loading, Open311's date windows, what a phone
# pulls. The test command runs these again at each chosen date (tests elsewhere may carry the mark themselves).
CALENDAR_PATHS = ("tests/complaints/", "tests/committees/", "tests/observatories/", "tests/inspections/",
                  "tests/open311/", "tests/municipalities/", "tests/works/test_service.py", "tests/works/test_cards.py",
                  "tests/works/test_fixtures.py", "tests/sync/test_push.py", "tests/sync/test_pull.py",
                  "tests/test_demo_calendar.py")
# Tests that start other processes (`vigia serve`, a worker, the CLI) cannot follow a moved clock.
SEPARATE_PROCESSES = ("tests/open311/test_http_client.py",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if path.startswith(CALENDAR_PATHS) and not path.startswith(SEPARATE_PROCESSES):
            item.add_marker(pytest.mark.calendar)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config: pytest.Config) -> str:
    today = datetime.now(DEMO_TIME_ZONE).date()
    return f"today in the demo municipality: {today.isoformat()} ({today.strftime('%A')})" + (
        " (VIGIA_TEST_TODAY)" if chosen_day() else "")
