"""Schemas of the complaint statistics: the query (a window of receipt dates) and the figures it answers with.

Every figure is a count, a median or a share: nothing identifies a reporter. Definitions: docs/complaints.md,
section "Statistics"."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator
from pydantic import Field as PField
from pydantic_core import PydanticCustomError

from server.complaints.models import Kind, Strict
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
    """How long something took, over the complaints it happened to."""

    count: int = PField(description="complaints measured")
    median_days: float | None = PField(description="calendar days from receipt; null when none was measured")
    median_business_days: float | None = PField(
        description="business days from receipt (weekends and the municipality's holidays do not count)")


class OnTime(BaseModel):
    count: int = PField(description="complaints measured")
    on_time: int = PField(description="of those, on or before their due date")
    share: float | None = PField(description="on_time / count, to 4 decimals; null when count is 0")


class MonthCount(BaseModel):
    month: str = PField(description="YYYY-MM of receipt")
    received: int
    resolved: int = PField(description="of those received that month, resolved so far")
    answered_on_time: int = PField(description="of those received that month, first answered by their due date")


class ComplaintStats(BaseModel):
    """Complaint statistics of one municipality over the complaints received in a window (public: counts only)."""

    municipality: str
    since: date | None
    until: date | None
    as_of: date = PField(description="today in the municipality: what `overdue` is measured against")
    total: int
    by_state: list[StateCount] = PField(description="every state, zeros included")
    by_kind: list[KindCount] = PField(description="every kind, zeros included")
    by_category: list[CategoryCount] = PField(description="categories with complaints, most first")
    by_zone: list[ZoneCount] = PField(description="zones with complaints, most first")
    by_work: list[WorkCount] = PField(description="works with complaints, most first")
    time_to_first_response: Duration
    time_to_resolution: Duration
    answered_on_time: OnTime = PField(description="first response on or before the due date")
    resolved_on_time: OnTime = PField(description="resolution on or before the due date")
    overdue: int = PField(description="still running against their deadline, and past it")
    monthly: list[MonthCount] = PField(description="by month of receipt, without gaps")
