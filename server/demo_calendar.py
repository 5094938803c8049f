"""The demo data's calendar: its dates follow the day it is loaded, and its holidays follow rules, not years.

The demo files (`server/demo/*.json`) are written as of one day, `written_on` in `server/demo/calendar.json`. When the
demo is first loaded, every date in them is moved by the whole number of weeks that brings `written_on` into the
week that ends on the day of loading: a complaint written as "due next week" is due next week whenever the demo is
loaded, one written as overdue is overdue, one answered on time was answered on time. Whole weeks keep every date
on its weekday, so business-day terms keep their shape. The move is chosen once: a later load (the demo command
runs it at every start) finds the demo's first complaint and keeps the move it was filed with, so loading again
changes nothing.

Holidays (días inhábiles) are rules (a fixed day, the n-th weekday of a month, a day relative to Easter), made
into dates for the years around the day of loading.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

CALENDAR_FILE = "calendar.json"
HOLIDAY_YEARS_BEFORE = 2  # holidays are made for the years from two before the day of loading ...
HOLIDAY_YEARS_AFTER = 3  # ... to three after it (later loads add the years that come into range)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class DemoCalendar:
    """How the demo files' dates map onto the calendar of the day they are loaded."""

    written_on: date
    shift: timedelta
    today: date
    holiday_rules: dict[str, list[dict[str, Any]]]

    def day(self, value: str) -> date:
        """A date written in the files, moved."""
        return date.fromisoformat(value) + self.shift

    def moved(self, document: Any) -> Any:
        """A copy of a JSON document with every ISO date and date-time in it moved (texts are left alone)."""
        if isinstance(document, dict):
            return {key: self.moved(value) for key, value in document.items()}
        if isinstance(document, list):
            return [self.moved(value) for value in document]
        if isinstance(document, str):
            match = _ISO_DATE.match(document)
            if match:
                return self.day(match.group(1)).isoformat() + (match.group(2) or "")
        return document

    def read(self, path: Path) -> Any:
        """A demo JSON file with its dates moved."""
        return self.moved(json.loads(path.read_text("utf-8")))

    def holidays(self, code: str) -> list[tuple[date, str]]:
        """The municipality's holidays, as dates, for the years around the day of loading."""
        years = range(self.today.year - HOLIDAY_YEARS_BEFORE, self.today.year + HOLIDAY_YEARS_AFTER + 1)
        days = [(rule_date(rule, year), rule["name"]) for rule in self.holiday_rules.get(code, []) for year in years]
        return sorted(days)


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


def rule_date(rule: dict[str, Any], year: int) -> date:
    """The day a holiday rule gives in `year`: {"month", "day"}, {"month", "weekday", "nth"} (the n-th such
    weekday of the month, as the Ley Federal del Trabajo moves some holidays to Mondays) or {"easter": offset}."""
    if "easter" in rule:
        return easter(year) + timedelta(days=int(rule["easter"]))
    if "weekday" in rule:
        first = date(year, int(rule["month"]), 1)
        offset = (WEEKDAYS.index(rule["weekday"]) - first.weekday()) % 7
        return first + timedelta(days=offset + 7 * (int(rule["nth"]) - 1))
    return date(year, int(rule["month"]), int(rule["day"]))


def for_loading(session: Session, path: Path) -> DemoCalendar:
    """The calendar for loading the demo under `path` into this database (see the module's docstring)."""
    settings = json.loads((path / CALENDAR_FILE).read_text("utf-8"))
    written_on = date.fromisoformat(settings["written_on"])
    features = json.loads((path / "geo" / "municipalities.geojson").read_text("utf-8"))["features"]
    today = datetime.now(ZoneInfo(features[0]["properties"]["timezone"])).date()
    shift = _recorded_shift(session, path)
    if shift is None:
        shift = timedelta(weeks=(today - written_on).days // 7)
    rules = {code: items for code, items in settings["holidays"].items() if not code.startswith("_")}
    return DemoCalendar(written_on=written_on, shift=shift, today=today, holiday_rules=rules)


# The one column of the complaints table the calendar reads, named here so that this module (which complaints'
# demo data imports) does not import the complaints domain.
_COMPLAINTS = sa.table("complaints", sa.column("id", sa.Uuid()), sa.column("received_on", sa.Date()))


def _recorded_shift(session: Session, path: Path) -> timedelta | None:
    """The move the demo was first loaded with, read from its first complaint; None before the first load."""
    source = path / "complaints.json"
    if not source.exists():
        return None
    for items in json.loads(source.read_text("utf-8"))["complaints"].values():
        for item in items[:1]:
            received = session.scalar(sa.select(_COMPLAINTS.c.received_on)
                                      .where(_COMPLAINTS.c.id == uuid.UUID(item["id"])))
            if received is not None:
                return received - date.fromisoformat(item["filed_on"])
    return None
