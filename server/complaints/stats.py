"""Complaint statistics: how many, of what, where; how long the comptroller's office takes to answer and to resolve;
how often it keeps the legal deadline. Public, because it carries only counts, medians and shares.

Every figure is over the complaints *received* in the window (received_on between `since` and `until`, both
inclusive; soft-deleted complaints never count). Counting is plain SQL grouping (the same on PostgreSQL and
SQLite); durations, deadlines and months need the municipality's time zone and holiday calendar, so they are
computed in Python from one fetch of seven columns per complaint (a municipality receives thousands a year, not
millions). The exact definitions are in docs/complaints.md, section "Statistics", and each figure carries its own
`definition` in the caller's language."""

from __future__ import annotations

import math
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
    AnsweredOnTime,
    CategoryCount,
    ComplaintStats,
    Duration,
    KindCount,
    MonthCount,
    ResolvedOnTime,
    StateCount,
    WorkCount,
    ZoneCount,
)
from server.complaints.workflow import State
from server.errors import Invalid, NotFound
from server.i18n import N_, translate
from server.municipalities.models import Municipality, Zone

# A resolution stands while the complaint is resolved or closed; a reopened complaint is being worked on again
# (it keeps the date of its previous resolution until the next one, so that date alone does not say "resolved").
SETTLED_STATES = frozenset({State.resolved, State.closed})
# The figures whose definition sits in `definitions` (the others carry their own `definition`).
DEFINED = ("total", "open", "overdue", "by_category", "by_zone", "monthly")
LOOKED_UP = (N_("stats_def_total"), N_("stats_def_open"), N_("stats_def_overdue"), N_("stats_def_by_category"),
             N_("stats_def_by_zone"), N_("stats_def_monthly"))


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
    working_day = deadlines.term_day(session, municipality).working_day
    overdue = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
        *window, Complaint.state.in_(running), Complaint.due_on < working_day))
    timings = _timings(session, municipality, window, language)
    return ComplaintStats(
        municipality=municipality.code, since=since, until=until, as_of=today,
        total=sum(states.values()),
        open=sum(states.get(state.value, 0) for state in workflow.OPEN_STATES),
        definitions={figure: translate(f"stats_def_{figure}", language) for figure in DEFINED},
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


def received_count(session: Session, *, municipality: Municipality) -> int:
    """How many complaints the municipality has received (`total` of `statistics` with no window), in one count:
    the front page shows only this figure, and it is read after every filing."""
    return session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
        Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None))) or 0


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

    # Not denuncias nor confidential complaints: the public does not see their work (server.complaints.publication
    # .restricted), and a count per work would tell that one concerns it.
    public_link = [Complaint.work_id.is_not(None), Complaint.kind != Kind.report.value,
                   Complaint.confidential.is_(False)]
    rows = _grouped(session, [*window, *public_link], Complaint.work_id)
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


class _Case(NamedTuple):
    """One complaint's dates in the municipality, as the figures need them."""

    state: State
    received: date
    due: date
    answered: date | None  # first answer
    resolved: date | None  # the resolution that stands (None while reopened, or if there was none)
    ended: date | None  # when it closed, was withdrawn, referred or declared inadmissible


# Verdicts on a deadline: decided (on time, late) or not (pending, excluded).
ON_TIME, LATE_DONE, LATE_NOT_DONE, PENDING, EXCLUDED = "on_time", "late_done", "late_not_done", "pending", "excluded"


def answer_verdict(case: _Case, working_day: date) -> str:
    """Whether the first answer kept the deadline. An unanswered complaint is late once its due date has passed
    (still waiting, or ended later without an answer); before that it is pending. One that ended without an
    answer on or before its due date (withdrawn, merged) is excluded: the office was never late with it."""
    if case.answered is not None:
        return ON_TIME if case.answered <= case.due else LATE_DONE
    if case.state in workflow.OPEN_STATES:
        return LATE_NOT_DONE if case.due < working_day else PENDING
    return LATE_NOT_DONE if case.ended is not None and case.ended > case.due else EXCLUDED


def resolution_verdict(case: _Case, working_day: date) -> str:
    """Whether the resolution kept the deadline. A complaint still being worked on is late once its due date has
    passed, pending before that or while the reporter is asked to clarify (the term does not run). One that ended
    without a resolution (inadmissible, referred, withdrawn, merged) is excluded."""
    if case.resolved is not None:
        return ON_TIME if case.resolved <= case.due else LATE_DONE
    if case.state in workflow.RUNNING_STATES:
        return LATE_NOT_DONE if case.due < working_day else PENDING
    return PENDING if case.state == State.needs_clarification else EXCLUDED


def _timings(session: Session, municipality: Municipality, window: list[Any], language: str) -> dict[str, Any]:
    """Durations, deadlines kept and the monthly series, from each complaint's dates in the municipality."""
    zone = ZoneInfo(municipality.timezone)

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    cases = []
    for state, received, due, first, resolved, outcome, closed in session.execute(
            sa.select(Complaint.state, Complaint.received_on, Complaint.due_on, Complaint.first_response_at,
                      Complaint.resolved_at, Complaint.outcome, Complaint.closed_at).where(*window)):
        state = State(state)
        # A resolution stands while the complaint is resolved or closed with an outcome; reopening clears the
        # outcome (the old date stays until the next resolution), a merge closes without one.
        stands = state in SETTLED_STATES and outcome is not None and resolved is not None
        cases.append(_Case(state, received, due, local(first), local(resolved) if stands else None,
                           local(closed)))
    working_day = deadlines.term_day(session, municipality).working_day
    days = [day for case in cases for day in (case.received, case.answered, case.resolved) if day is not None]
    holidays = deadlines.holidays(session, municipality, min(days), max(days)) if days else set()
    answers = [answer_verdict(case, working_day) for case in cases]
    resolutions = [resolution_verdict(case, working_day) for case in cases]

    months: dict[str, Counter[str]] = {}
    for case, answer in zip(cases, answers, strict=True):
        month = months.setdefault(case.received.strftime("%Y-%m"), Counter())
        month["received"] += 1
        month["resolved"] += int(case.resolved is not None)
        month["answered_on_time"] += int(answer == ON_TIME)
        month["answer_late"] += int(answer in (LATE_DONE, LATE_NOT_DONE))
    monthly = []
    for key in _months(min(months), max(months)) if months else []:
        month = months.get(key, Counter())
        monthly.append(MonthCount(month=key, received=month["received"], resolved=month["resolved"],
                                  answered_on_time=month["answered_on_time"], answer_late=month["answer_late"]))

    def still_open(case: _Case) -> bool:
        return case.state in workflow.OPEN_STATES

    first_answer = _duration([(c.received, c.answered) for c in cases if c.answered is not None],
                             still_open=sum(1 for c in cases if c.answered is None and still_open(c)),
                             ended_without=sum(1 for c in cases if c.answered is None and not still_open(c)),
                             holidays=holidays, definition=translate("stats_time_to_first_response", language))
    resolution = _duration([(c.received, c.resolved) for c in cases if c.resolved is not None],
                           still_open=sum(1 for c in cases if c.resolved is None and still_open(c)),
                           ended_without=sum(1 for c in cases if c.resolved is None and not still_open(c)),
                           holidays=holidays, definition=translate("stats_time_to_resolution", language))
    answered = Counter(answers)
    resolved = Counter(resolutions)
    return {
        "time_to_first_response": first_answer,
        "time_to_resolution": resolution,
        "answered_on_time": AnsweredOnTime(
            **_deadline(answered, translate("stats_answered_on_time", language)),
            answered_late=answered[LATE_DONE], unanswered_past_due=answered[LATE_NOT_DONE]),
        "resolved_on_time": ResolvedOnTime(
            **_deadline(resolved, translate("stats_resolved_on_time", language)),
            resolved_late=resolved[LATE_DONE], unresolved_past_due=resolved[LATE_NOT_DONE]),
        "monthly": monthly,
    }


def median(values: list[int]) -> float | None:
    """The middle value, or the mean of the two middle values; None for no values."""
    return float(pystats.median(values)) if values else None


def p90(values: list[int]) -> int | None:
    """The 90th percentile by nearest rank: the smallest value with at least 90 % of the values at or below it
    (always one of the values; the largest when there are fewer than ten). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _duration(events: list[tuple[date, date]], *, still_open: int, ended_without: int, holidays: set[date],
              definition: str) -> Duration:
    """Days from receipt to each event: calendar days, and business days counted as terms are (the day of
    receipt does not count; the day of the event does)."""
    calendar = [(day - received).days for received, day in events]
    business = [deadlines.business_days_between(received, day, holidays) for received, day in events]
    return Duration(n=len(events), still_open=still_open, ended_without=ended_without,
                    median_business_days=median(business), p90_business_days=p90(business),
                    median_days=median(calendar), p90_days=p90(calendar), definition=definition)


def _deadline(verdicts: Counter[str], definition: str) -> dict[str, Any]:
    on_time, late = verdicts[ON_TIME], verdicts[LATE_DONE] + verdicts[LATE_NOT_DONE]
    decided = on_time + late
    return {"n": decided, "on_time": on_time, "late": late, "pending": verdicts[PENDING],
            "excluded": verdicts[EXCLUDED], "share": round(on_time / decided, 4) if decided else None,
            "definition": definition}


def _months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from `first` to `last`, so a chart shows the empty months too."""
    year, month = int(first[:4]), int(first[5:])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found
