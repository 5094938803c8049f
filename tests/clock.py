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


def pytest_unconfigure(config: pytest.Config) -> None:
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config: pytest.Config) -> str:
    today = datetime.now(DEMO_TIME_ZONE).date()
    return f"today in the demo municipality: {today.isoformat()} ({today.strftime('%A')})" + (
        " (VIGIA_TEST_TODAY)" if chosen_day() else "")
