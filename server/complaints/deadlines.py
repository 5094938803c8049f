"""Legal deadlines in business days (días hábiles): weekends and the municipality's holidays do not count.

The whole arithmetic of terms lives here: first over a given set of holidays (`term_end`, `business_days_between`,
`days_left_in_term`, `term_passed`, ...), then for a complaint in its municipality, whose holiday calendar and
configured terms are read from the database (`term_for`, `add_business_days`, `term_day`, `business_days_left`,
`is_overdue`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import lookups
from server.complaints import workflow
from server.complaints.models import Complaint, DeadlineRule, Kind
from server.complaints.workflow import State
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

# Business days to answer, per kind, unless the municipality configures otherwise. A common legal reference:
# 15 for complaints, 10 for information requests, 30 for consultations and suggestions.
DEFAULT_TERMS = {"complaint": 15, "report": 15, "information_request": 10, "suggestion": 30}
REFERRAL_TERM = 5  # business days to refer a complaint to the competent body
CLARIFICATION_MONTHS = 1  # the reporter has one month to clarify, else the complaint is withdrawn


def is_business_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def term_end(start: date, days: int, holidays: set[date]) -> date:
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
    """Business days after `start` up to and including `end` (negative when `end` is earlier): the weekdays
    counted by arithmetic (five a week), less the holidays among them, so its cost does not grow with the span
    (a queue page asks it per row, the statistics per complaint)."""
    if end < start:
        return -business_days_between(end, start, holidays)
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    weekdays = weeks * 5 + sum(1 for step in range(1, rest + 1) if (first + step) % 7 < 5)
    return weekdays - sum(1 for day in holidays if start < day <= end and day.weekday() < 5)


def first_working_day(day: date, holidays: set[date]) -> date:
    """`day` itself when offices open that day, else the next business day: the first day anyone can act."""
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def days_left_in_term(due_on: date, today: date, holidays: set[date]) -> int:
    """Business days left in a term that ends on `due_on`, counted from the first working day on or after
    `today`: 0 on the last day of the term, negative once it has passed. A term is overdue exactly when this is
    negative, so on a weekend after a Friday deadline it reads -1 (late), never 0 and overdue at once."""
    return business_days_between(first_working_day(today, holidays), due_on, holidays)


def term_passed(due_on: date, today: date, holidays: set[date]) -> bool:
    """The term ended before the first working day on or after `today` (the same rule as days_left_in_term)."""
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


# ------------------------------------------------------------------------------------------------ in a municipality


def holidays(session: Session, municipality: Municipality, start: date, end: date) -> set[date]:
    return municipalities.holidays_between(session, municipality_id=municipality.id, start=start, end=end)


def term_for(session: Session, municipality: Municipality, kind: Kind) -> int:
    """Business days to answer `kind` here: the municipality's rule, else the legal default."""
    configured = lookups.remembered(session, ("deadline_rule", municipality.id, Kind(kind).value),
                                    lambda: session.scalar(sa.select(DeadlineRule.business_days).where(
                                        DeadlineRule.municipality_id == municipality.id, DeadlineRule.kind == kind)))
    return configured if configured is not None else DEFAULT_TERMS[Kind(kind).value]


def add_business_days(session: Session, municipality: Municipality, start: date, days: int) -> date:
    """`term_end` with the municipality's holidays."""
    # Holidays of a generous window: a term of 60 business days spans under a year even with many holidays.
    end = date(start.year + 2, 12, 31)
    window = lookups.remembered(session, ("holidays", municipality.id, start, end),
                                lambda: holidays(session, municipality, start, end))
    # In a batch, every filing of the day asks for the same two terms: counted once.
    return lookups.remembered(session, ("term_end", municipality.id, start, days),
                              lambda: term_end(start, days, window))


@dataclass(frozen=True)
class TermDay:
    """Today in the municipality, and the first working day on or after it (today itself on a business day).
    Every "overdue" and "business days left" is measured from `working_day`, so they always agree: a running
    complaint is overdue exactly when its business days left are negative."""

    today: date
    working_day: date


def term_day(session: Session, municipality: Municipality, today: date | None = None) -> TermDay:
    """The municipality's TermDay (kept in the session for the rest of its transaction)."""
    today = today or municipalities.today_in(municipality)
    key = ("term_day", municipality.id, today)
    if key not in session.info:
        # No run of closed days outlasts a month (Holy Week plus a weekend is the longest).
        closed = holidays(session, municipality, today, today + timedelta(days=31))
        session.info[key] = TermDay(today, first_working_day(today, closed))
    return session.info[key]


def business_days_left(session: Session, municipality: Municipality, complaint: Complaint,
                       day: TermDay | None = None) -> int | None:
    """Business days left to answer: 0 on the last day of the term, negative once it has passed; None while the
    term does not run (paused for a clarification, or answered)."""
    if State(complaint.state) not in workflow.RUNNING_STATES:
        return None
    day = day or term_day(session, municipality)
    low, high = sorted((day.working_day, complaint.due_on))
    return business_days_between(day.working_day, complaint.due_on, _holidays_around(session, municipality, day,
                                                                                      low, high))


def _holidays_around(session: Session, municipality: Municipality, day: TermDay, low: date, high: date) -> set[date]:
    """The holidays from `low` to `high`: those of two years either side of the working day are read once per
    transaction (a page of the queue asks for fifty complaints' terms), any other span from the database."""
    start, end = day.working_day - timedelta(days=730), day.working_day + timedelta(days=730)
    if not (start <= low and high <= end):
        return holidays(session, municipality, low, high)
    key = ("holidays_around", municipality.id, day.working_day)
    if key not in session.info:
        session.info[key] = holidays(session, municipality, start, end)
    return {holiday for holiday in session.info[key] if low <= holiday <= high}


def is_overdue(complaint: Complaint, day: TermDay) -> bool:
    """A complaint still waiting for an answer whose term ended before the working day (see TermDay)."""
    return State(complaint.state) in workflow.RUNNING_STATES and complaint.due_on < day.working_day
