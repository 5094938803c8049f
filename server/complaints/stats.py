"""Complaint statistics: how many, of what, where; how long the comptroller's office takes to answer and to resolve;
how often it keeps the legal deadline. Public, because it carries only counts, medians and shares.

Every figure is over the complaints *received* in the window (received_on between `since` and `until`, both
inclusive; soft-deleted complaints never count). Counting is plain SQL grouping (the same on PostgreSQL and
SQLite); durations, deadlines and months need the municipality's time zone and holiday calendar, so they are
computed in Python from one fetch of five columns per complaint (a municipality receives thousands a year, not
millions). The exact definitions are in docs/complaints.md, section "Statistics"."""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.complaints import deadlines, service, workflow
from server.complaints.models import Category, Complaint, Kind
from server.complaints.stats_models import (
    CategoryCount,
    ComplaintStats,
    Duration,
    KindCount,
    MonthCount,
    OnTime,
    StateCount,
    WorkCount,
    ZoneCount,
)
from server.complaints.workflow import State
from server.errors import Invalid, NotFound
from server.i18n import translate
from server.municipalities.models import Municipality, Zone

# A resolution stands while the complaint is resolved or closed; a reopened complaint is being worked on again
# (it keeps the date of its previous resolution until the next one, so that date alone does not say "resolved").
SETTLED_STATES = frozenset({State.resolved, State.closed})


def statistics(session: Session, *, municipality: Municipality, since: date | None, until: date | None,
               language: str) -> ComplaintStats:
    """The municipality's complaint statistics over the complaints received from `since` to `until`."""
    if since is not None and until is not None and until < since:
        raise Invalid.for_field("until", "until_before_since", since=since.isoformat(), until=until.isoformat())
    window = [Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None)]
    if since is not None:
        window.append(Complaint.received_on >= since)
    if until is not None:
        window.append(Complaint.received_on <= until)
    today = service.today_in(municipality)

    states = dict(_grouped(session, window, Complaint.state))
    kinds = dict(_grouped(session, window, Complaint.kind))
    running = [state.value for state in workflow.RUNNING_STATES]
    overdue = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
        *window, Complaint.state.in_(running), Complaint.due_on < service.term_day(session, municipality).working_day))
    timings = _timings(session, municipality, window)
    return ComplaintStats(
        municipality=municipality.code, since=since, until=until, as_of=today,
        total=sum(states.values()),
        by_state=[StateCount(state=state, label=workflow.label(state, language), count=states.get(state.value, 0))
                  for state in State],
        by_kind=[KindCount(kind=kind, label=translate(f"kind_{kind.value}", language),
                           count=kinds.get(kind.value, 0)) for kind in Kind],
        by_category=_by_category(session, window, language),
        by_zone=_by_zone(session, window, language),
        by_work=_by_work(session, municipality, window),
        overdue=overdue or 0,
        **timings,
    )


# ------------------------------------------------------------------------------------------------ counts


def _grouped(session: Session, window: list[Any], *columns: Any, join: tuple[Any, Any] | None = None,
             outer: bool = False) -> list[tuple[Any, ...]]:
    """(columns..., count) per group of the window's complaints."""
    query = sa.select(*columns, sa.func.count(Complaint.id)).select_from(Complaint)
    if join is not None:
        query = query.join(*join, isouter=outer)
    return [tuple(row) for row in session.execute(query.where(*window).group_by(*columns))]


def _most_first(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    # Most complaints first; ties by code (null last), so the order never depends on the database.
    return sorted(rows, key=lambda row: (-row[-1], row[0] is None, str(row[0])))


def _by_category(session: Session, window: list[Any], language: str) -> list[CategoryCount]:
    rows = _grouped(session, window, Category.service_code, Category.name, Category.name_en,
                    join=(Category, Category.id == Complaint.category_id))
    return [CategoryCount(service_code=code, name=(name_en or name) if language == "en" else name, count=count)
            for code, name, name_en, count in _most_first(rows)]


def _by_zone(session: Session, window: list[Any], language: str) -> list[ZoneCount]:
    # Zones removed later keep their name here: the complaints were filed in them.
    rows = _grouped(session, window, Zone.code, Zone.name, join=(Zone, Zone.id == Complaint.zone_id), outer=True)
    return [ZoneCount(code=code, name=name if code is not None else translate("no_zone", language),
                      count=count) for code, name, count in _most_first(rows)]


def _by_work(session: Session, municipality: Municipality, window: list[Any]) -> list[WorkCount]:
    from server.works import service as works

    rows = _grouped(session, [*window, Complaint.work_id.is_not(None)], Complaint.work_id)
    counts = []
    for work_id, count in _most_first(rows):
        try:
            work = works.get(session, municipality=municipality, work_id=work_id)
        except NotFound:  # removed from the register: its complaints still count, without its details
            counts.append(WorkCount(work_id=work_id, identifier=None, title=None, count=count))
        else:
            counts.append(WorkCount(work_id=work_id, identifier=work.identifier, title=work.title, count=count))
    return counts


# ------------------------------------------------------------------------------------------------ timings


class _Dates(NamedTuple):
    """One complaint's dates in the municipality: received, due, first answered, resolved (if that stands)."""

    received: date
    due: date
    answered: date | None
    resolved: date | None


def _timings(session: Session, municipality: Municipality, window: list[Any]) -> dict[str, Any]:
    """Medians, deadlines kept and the monthly series, from each complaint's dates in the municipality."""
    zone = ZoneInfo(municipality.timezone)

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    rows = [
        _Dates(received, due, local(first), local(resolved) if State(state) in SETTLED_STATES else None)
        for received, due, state, first, resolved in session.execute(
            sa.select(Complaint.received_on, Complaint.due_on, Complaint.state, Complaint.first_response_at,
                      Complaint.resolved_at).where(*window))
    ]
    days = [day for row in rows for day in (row.received, row.answered, row.resolved) if day is not None]
    holidays = service.holidays(session, municipality, min(days), max(days)) if days else set()
    answered = [(row.received, row.due, row.answered) for row in rows if row.answered is not None]
    resolved = [(row.received, row.due, row.resolved) for row in rows if row.resolved is not None]

    months: dict[str, Counter[str]] = {}
    for row in rows:
        month = months.setdefault(row.received.strftime("%Y-%m"), Counter())
        month["received"] += 1
        month["resolved"] += int(row.resolved is not None)
        month["answered_on_time"] += int(row.answered is not None and row.answered <= row.due)
    monthly = []
    for key in _months(min(months), max(months)) if months else []:
        month = months.get(key, Counter())
        monthly.append(MonthCount(month=key, received=month["received"], resolved=month["resolved"],
                                  answered_on_time=month["answered_on_time"]))
    return {
        "time_to_first_response": _duration(answered, holidays),
        "time_to_resolution": _duration(resolved, holidays),
        "answered_on_time": _on_time(answered),
        "resolved_on_time": _on_time(resolved),
        "monthly": monthly,
    }


def _median(values: list[int]) -> float | None:
    return float(pystats.median(values)) if values else None


def _duration(events: list[tuple[date, date, date]], holidays: set[date]) -> Duration:
    """Days from receipt to each event: calendar days, and business days counted as terms are (the day of
    receipt does not count; the day of the event does)."""
    return Duration(
        count=len(events),
        median_days=_median([(day - received).days for received, _, day in events]),
        median_business_days=_median([deadlines.business_days_between(received, day, holidays)
                                      for received, _, day in events]),
    )


def _on_time(events: list[tuple[date, date, date]]) -> OnTime:
    kept = sum(day <= due for _, due, day in events)
    return OnTime(count=len(events), on_time=kept, share=round(kept / len(events), 4) if events else None)


def _months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`, so a chart shows the empty months too."""
    year, month = int(first[:4]), int(first[5:])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
