"""Schemas of the complaint statistics: the query (a window of receipt dates) and the figures it answers with.

Every figure is a count, a median or a share: nothing identifies a reporter. Definitions: docs/complaints.md,
section "Statistics"."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator
from pydantic import Field as PField
from pydantic_core import PydanticCustomError

from server.complaints.models import Kind
from server.complaints.schemas import Strict
from server.complaints.workflow import State

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic also reads "1700000000" as a Unix time; a statistics window is given as calendar days only.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "Input should be a valid date in the format YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class StatsQuery(Strict):
    since: IsoDate | None = PField(None, description="first day of receipt counted (YYYY-MM-DD), inclusive")
    until: IsoDate | None = PField(None, description="last day of receipt counted (YYYY-MM-DD), inclusive")


class StatsCsvQuery(StatsQuery):
    lang: Literal["es", "en"] | None = PField(None, description=(
        "language of the headers and labels; without it, Accept-Language (Spanish by default)"))


class StateCount(BaseModel):
    state: State
    label: str
    count: int


class KindCount(BaseModel):
    kind: Kind
    label: str
    count: int


class CategoryCount(BaseModel):
    service_code: str
    name: str
    count: int


class ZoneCount(BaseModel):
    code: str | None = PField(description="null for complaints outside every zone")
    name: str
    count: int


class WorkCount(BaseModel):
    work_id: uuid.UUID
    identifier: str | None = PField(description="null if the work was removed from the register")
    title: str | None = PField(description="null if the work was removed from the register")
    count: int


class Duration(BaseModel):
    """How long something took, over the complaints it has happened to; the others are counted apart, so a
    reader sees how much of the window the figure covers (n + still_open + ended_without = total)."""

    n: int = PField(description="complaints measured: those it happened to")
    still_open: int = PField(description="left out: still open without it, so their time is not known yet")
    ended_without: int = PField(description="left out: ended without it, so they never will have it")
    median_business_days: float | None = PField(
        description="business days from receipt (weekends and the municipality's holidays do not count); "
                    "null when n is 0")
    p90_business_days: int | None = PField(
        description="90th percentile (nearest rank): 9 in 10 took this many business days or fewer; null when n "
                    "is 0")
    median_days: float | None = PField(description="calendar days from receipt; null when n is 0")
    p90_days: int | None = PField(description="90th percentile of calendar days (nearest rank); null when n is 0")
    definition: str = PField(description="what the figure counts, in the caller's language")


class _Deadline(BaseModel):
    n: int = PField(description="complaints whose deadline is decided: on_time + late")
    on_time: int = PField(description="done on or before their due date")
    late: int = PField(description="done after their due date, or not done when it passed")
    pending: int = PField(description="not counted yet: not done and their due date has not passed")
    excluded: int = PField(description="not counted: ended without it, and without being late (see each figure)")
    share: float | None = PField(description="on_time / n, to 4 decimals; null when n is 0")
    definition: str = PField(description="what the figure counts, in the caller's language")


class AnsweredOnTime(_Deadline):
    """First answers against the deadline (n + pending + excluded = total). Excluded: ended without an answer
    (withdrawn, merged) on or before their due date."""

    answered_late: int = PField(description="of the late ones, first answered after their due date")
    unanswered_past_due: int = PField(
        description="of the late ones, without any answer when their due date passed (still waiting, or ended "
                    "later without one)")


class ResolvedOnTime(_Deadline):
    """Resolutions against the deadline (n + pending + excluded = total). Pending: still being worked on within
    their term, or waiting for the reporter's clarification. Excluded: ended without a resolution (inadmissible,
    referred, withdrawn, merged)."""

    resolved_late: int = PField(description="of the late ones, resolved after their due date")
    unresolved_past_due: int = PField(description="of the late ones, still being worked on past their due date")


class MonthCount(BaseModel):
    month: str = PField(description="YYYY-MM of receipt")
    received: int
    resolved: int = PField(description="of those received that month, with a resolution that stands")
    answered_on_time: int = PField(description="of those received that month, first answered by their due date")
    answer_late: int = PField(description="of those received that month, answered after their due date or "
                                          "without an answer when it passed (as answered_on_time.late)")


class ComplaintStats(BaseModel):
    """Complaint statistics of one municipality over the complaints received in a window (public: counts only)."""

    municipality: str
    since: date | None
    until: date | None
    as_of: date = PField(description="today in the municipality: what `overdue`, `late` and `pending` are "
                                     "measured against")
    total: int
    open: int = PField(description="of those, still open now (Open311 `open`: received, waiting for "
                                   "clarification, admitted, under investigation, extended, reopened)")
    definitions: dict[str, str] = PField(default_factory=dict, description=(
        "what `total`, `open`, `overdue`, `by_category`, `by_zone` and `monthly` count, in the caller's language "
        "(the other figures carry their own `definition`)"))
    by_state: list[StateCount] = PField(description="every state, zeros included")
    by_kind: list[KindCount] = PField(description="every kind, zeros included")
    by_category: list[CategoryCount] = PField(description="categories with complaints, most first")
    by_zone: list[ZoneCount] = PField(description="zones with complaints, most first")
    by_work: list[WorkCount] = PField(description="works with complaints, most first")
    time_to_first_response: Duration = PField(description="from receipt to the first answer")
    time_to_resolution: Duration = PField(description="from receipt to the resolution that stands")
    answered_on_time: AnsweredOnTime = PField(description="first answers on or before the due date, with the "
                                                          "unanswered past it counted as late")
    resolved_on_time: ResolvedOnTime = PField(description="resolutions on or before the due date, with those "
                                                          "still being worked on past it counted as late")
    overdue: int = PField(description="still running against their deadline, and past it")
    monthly: list[MonthCount] = PField(description="by month of receipt, without gaps")
