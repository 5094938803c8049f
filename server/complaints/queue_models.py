"""The desk's queue (docs/complaints.md, "The queue"): its filters and orders (`QueueQuery`), a row
(`QueueItem`) and a page with its counts per state (`QueuePage`). Built by queue.py."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic import Field as PField

from server.complaints.models import Kind
from server.complaints.schemas import ComplaintStaff, Strict, UpdatePublic
from server.complaints.workflow import State
from server.errors import value_error

QUEUE_ORDERS = ("due", "-received", "received", "priority")


class QueueQuery(Strict):
    """The desk's queue (docs/complaints.md, "The queue"). Lists repeat the parameter (?state=a&state=b)."""

    state: list[State] = PField(default_factory=list, description=(
        "only these states; any state given shows closed ones too"))
    include_closed: bool = PField(False, description=(
        "false (the default): without `state`, complaints whose Open311 status is closed (inadmissible, referred, "
        "resolved, closed, withdrawn) are left out"))
    kind: list[Kind] = PField(default_factory=list)
    category: list[str] = PField(default_factory=list, description="categories' service_code")
    work_id: uuid.UUID | None = None
    zone: list[str] = PField(default_factory=list, description="zones' code")
    assignee: str | None = PField(None, max_length=36, description=(
        "`me` (the caller), `unassigned` (nobody), or a staff member's id"))
    assignee_id: uuid.UUID | None = PField(None, description="the same as assignee=<id>")
    unassigned: bool | None = None
    anonymous: bool | None = PField(None, description="true: only anonymous complaints; false: only signed ones")
    overdue: bool | None = None
    due_within_days: int | None = PField(None, ge=0, le=365, description="business days")
    q: str | None = PField(None, min_length=1, max_length=200, description=(
        "a folio, whole or its beginning (10005-2026-0000), or its number alone (17); or words of the "
        "description, in any case and with or without accents (every word must appear)"))
    publication: Literal["pending"] | None = PField(None, description=(
        "pending: complaints with text or photos a moderator has not reviewed yet"))
    order: str = PField("due", description=(
        "due (the default: overdue first, then due soonest, then those whose term does not run), -received, "
        "received, priority"))
    limit: int = PField(50, ge=1, le=200)
    cursor: str | None = PField(None, max_length=400, description=(
        "the `next_cursor` of the page before: the next page (keyset: stable while complaints come and go)"))
    offset: int = PField(0, ge=0, le=100_000, description="older clients; prefer `cursor`")
    counts: bool = PField(True, description=(
        "true (the default): the answer carries `counts`, complaints per state with the same filters except "
        "state and include_closed; false: `counts` is null and the count is not made (paging on)"))

    @field_validator("order")
    @classmethod
    def _order(cls, value: str) -> str:
        if value not in QUEUE_ORDERS:
            raise value_error("order_unknown", value=value, codes=", ".join(QUEUE_ORDERS))
        return value

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None or value in ("me", "unassigned"):
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise value_error("queue_assignee_unknown", value=value) from None

    @field_validator("offset")
    @classmethod
    def _not_both(cls, value: int, info: ValidationInfo) -> int:
        if value and info.data.get("cursor"):
            raise value_error("queue_cursor_or_offset")
        return value


class QueueItem(ComplaintStaff):
    """A row of the queue: the staff view plus the words and names the desk shows."""

    updates: list[UpdatePublic] | None = PField(None, description=(
        "null in the queue's rows: the timeline is in the complaint's own view (`GET …/complaints/{id}`)"))
    kind_label: str
    priority_label: str
    zone_code: str | None
    assignee_name: str | None = PField(description="the assigned staff member's name")
    assigned_to_me: bool


class QueuePage(BaseModel):
    items: list[QueueItem]
    total: int = PField(description="complaints matching every filter")
    counts: dict[str, int] | None = PField(description=(
        "complaints per state with the same filters except state and include_closed, every state listed in "
        "workflow order (zeros too), so every tab can be chosen; null when asked with counts=false"))
    next_cursor: str | None = PField(None, description="send it as `cursor` for the next page; null: no more")
