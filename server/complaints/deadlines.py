"""Legal deadlines in business days (días hábiles): weekends and the municipality's holidays do not count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

# Business days to answer, per kind, unless the municipality configures otherwise. A common legal reference:
# 15 for complaints, 10 for information requests, 30 for consultations and suggestions.
DEFAULT_TERMS = {"complaint": 15, "report": 15, "information_request": 10, "suggestion": 30}
REFERRAL_TERM = 5  # business days to refer a complaint to the competent body
CLARIFICATION_MONTHS = 1  # the reporter has one month to clarify, else the complaint is withdrawn


def is_business_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: set[date]) -> date:
    """The date on which a term of `days` business days that starts on `start` ends: the term counts from the
    next business day, as administrative law counts it (the day of receipt does not count)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            remaining -= 1
    return current


def business_days_between(start: date, end: date, holidays: set[date]) -> int:
    """Business days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -business_days_between(end, start, holidays)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


HolidayLookup = Callable[[date, date], set[date]]
