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


def first_working_day(day: date, holidays: set[date]) -> date:
    """`day` itself when offices open that day, else the next business day: the first day anyone can act."""
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def business_days_left(due_on: date, today: date, holidays: set[date]) -> int:
    """Business days left in a term that ends on `due_on`, counted from the first working day on or after
    `today`: 0 on the last day of the term, negative once it has passed. A term is overdue exactly when this is
    negative, so on a weekend after a Friday deadline it reads -1 (late), never 0 and overdue at once."""
    return business_days_between(first_working_day(today, holidays), due_on, holidays)


def is_overdue(due_on: date, today: date, holidays: set[date]) -> bool:
    """The term ended before the first working day on or after `today` (the same rule as business_days_left)."""
    return due_on < first_working_day(today, holidays)


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
