"""The comptroller's queue (la bandeja de quejas): filters, search, counts per state and keyset pages.

The default order puts what runs against a deadline first, overdue at the top (their due date has passed, so
they sort before the rest), then what falls due soonest, then the complaints whose term does not run (waiting
for the reporter's clarification; the closed ones, when shown). Pages are keyset pages: the cursor holds the
sort key of the last row shown, so the next page starts right after it whatever was filed or moved meanwhile,
and reading page 200 costs what page 1 costs. docs/complaints.md, "The queue"."""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import i18n
from server.auth.actor import Actor, authorize
from server.complaints import deadlines, publication, service, workflow
from server.complaints.models import PRIORITY_RANK, Complaint, Kind, Priority
from server.complaints.queue_models import QueueItem, QueuePage, QueueQuery
from server.complaints.workflow import State
from server.errors import Invalid
from server.municipalities.models import Municipality, Zone
from server.works.service import fold

# Sorted, and written into the SQL as literals (`_in`): the open complaints' index (ix_complaints_open_due) holds
# only rows with `state IN (OPEN)`, and a database uses it only when it can see the query asks for those rows alone
# (SQLite: the same IN list, term for term; PostgreSQL: constants, also in a prepared statement's generic plan).
RUNNING = sorted(state.value for state in workflow.RUNNING_STATES)
OPEN = sorted(state.value for state in workflow.OPEN_STATES)


def _in(states: list[str]) -> Any:
    """`state IN (...)` with the states written into the SQL (they are the code's, never the caller's)."""
    return Complaint.state.in_(sa.bindparam(None, states, expanding=True, literal_execute=True))


@dataclass(frozen=True)
class Key:
    """One part of an order's sort key: its expression, how its value travels in a cursor, and its direction."""

    expression: Any
    kind: str  # int, date, datetime, uuid
    descending: bool = False


def _keys(order: str) -> list[Key]:
    running = sa.case((_in(RUNNING), 0), else_=1)
    rank = sa.case({p.value: r for p, r in PRIORITY_RANK.items()}, value=Complaint.priority, else_=9)
    id_ = Key(Complaint.id, "uuid")
    return {
        # overdue first (the earliest due dates), then due soon, then the rest; ties: priority, oldest, id
        "due": [Key(running, "int"), Key(Complaint.due_on, "date"), Key(rank, "int"),
                Key(Complaint.received_on, "date"), id_],
        "-received": [Key(Complaint.received_on, "date", True), Key(Complaint.created_at, "datetime", True),
                      Key(Complaint.id, "uuid", True)],
        "received": [Key(Complaint.received_on, "date"), Key(Complaint.created_at, "datetime"), id_],
        "priority": [Key(rank, "int"), Key(Complaint.due_on, "date"), id_],
    }[order]


# ------------------------------------------------------------------------------------------------ cursors


def _encode(order: str, values: tuple[Any, ...]) -> str:
    plain = [value.isoformat() if isinstance(value, (date, datetime)) else
             str(value) if isinstance(value, uuid.UUID) else value for value in values]
    raw = json.dumps([order, plain], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, order: str, keys: list[Key]) -> list[Any]:
    """The sort key a cursor holds; 422 `invalid_cursor` for anything this server did not make for this order."""
    readers = {"int": int, "date": date.fromisoformat, "datetime": datetime.fromisoformat, "uuid": uuid.UUID}
    try:
        made_for, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if made_for != order or len(values) != len(keys):
            raise ValueError("a cursor of another order")
        decoded = [readers[key.kind](value) for key, value in zip(keys, values, strict=True)]
        if any(isinstance(value, bool) for value in decoded):
            raise ValueError("not a number")
        return decoded
    except (ValueError, TypeError, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid.for_field("cursor", "invalid_cursor") from exc


def _after(keys: list[Key], values: list[Any]) -> Any:
    """Rows after the one whose sort key is `values`, in the order's direction (every key of an order runs the
    same way, so one row-value comparison says it, on PostgreSQL and on SQLite alike)."""
    left = sa.tuple_(*[key.expression for key in keys])
    right = sa.tuple_(*[sa.literal(value, type_=key.expression.type) for key, value in zip(keys, values,
                                                                                          strict=True)])
    return left < right if keys[0].descending else left > right


# ------------------------------------------------------------------------------------------------ filters


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


FOLIO_START = re.compile(r"[0-9][0-9-]*")


def search(text: str) -> Any:
    """A folio, whole or its beginning (`10005-2026-0000`), or its number alone (`17` finds `…-000017`); or
    words of the description, each one somewhere in it, in any case and with or without accents."""
    text = text.strip()
    words = fold(text).split()
    options = [sa.and_(*[Complaint.search_text.like(_like(word), escape="\\") for word in words])] if words else []
    if FOLIO_START.fullmatch(text):
        options.append(Complaint.folio.startswith(text, autoescape=True))
        if text.isdigit() and len(text) <= 6:
            options.append(Complaint.folio.endswith("-" + text.zfill(6), autoescape=True))
    return sa.or_(*options) if options else sa.false()


def _filters(session: Session, actor: Actor, municipality: Municipality, query: QueueQuery) -> list[Any]:
    """Every filter but the states: the counts per state are made with these."""
    day = deadlines.term_day(session, municipality)
    conditions = service.base_filters(municipality, kind=query.kind, category=query.category,
                                      work_id=query.work_id)
    if query.zone:
        conditions.append(Complaint.zone_id.in_(
            sa.select(Zone.id).where(Zone.municipality_id == municipality.id, Zone.code.in_(query.zone))))
    assignee = query.assignee
    if assignee == "me":
        conditions.append(Complaint.assignee_id == actor.user_id)
    elif assignee == "unassigned":
        conditions.append(Complaint.assignee_id.is_(None))
    elif assignee is not None:
        conditions.append(Complaint.assignee_id == uuid.UUID(assignee))
    if query.assignee_id is not None:
        conditions.append(Complaint.assignee_id == query.assignee_id)
    if query.unassigned is not None:
        conditions.append(Complaint.assignee_id.is_(None) if query.unassigned else Complaint.assignee_id.is_not(None))
    if query.anonymous is not None:
        conditions.append(Complaint.anonymous.is_(query.anonymous))
    if query.overdue is not None:
        overdue = sa.and_(_in(RUNNING), Complaint.due_on < day.working_day)
        conditions.append(overdue if query.overdue else sa.not_(overdue))
    if query.due_within_days is not None:
        limit = deadlines.add_business_days(session, municipality, day.working_day, query.due_within_days)
        conditions.append(sa.and_(_in(RUNNING), Complaint.due_on <= limit))
    if query.publication == "pending":
        conditions.append(publication.awaiting_moderation())
    if query.q:
        conditions.append(search(query.q))
    return conditions


def _states(query: QueueQuery) -> Any | None:
    """Chosen states, or, by default, the open ones (closed complaints are out of the default view)."""
    if query.state:
        return Complaint.state.in_([state.value for state in query.state])
    if not query.include_closed:
        return _in(OPEN)
    return None


# ------------------------------------------------------------------------------------------------ the queue


def queue(session: Session, *, actor: Actor, municipality: Municipality, query: QueueQuery,
          language: str) -> QueuePage:
    """A page of the triage queue, with the counts per state of the same filters (the desk's tabs)."""
    authorize(actor, "complaints.triage", municipality.id)
    conditions = _filters(session, actor, municipality, query)
    counts = None
    if query.counts:  # every state, zeros too, whatever states are chosen: each tab can be chosen from here
        found = dict(session.execute(
            sa.select(Complaint.state, sa.func.count()).where(*conditions).group_by(Complaint.state)).all())
        counts = {state.value: found.get(state.value, 0) for state in State}
    states = _states(query)
    if states is not None:
        conditions.append(states)
    if counts is not None and query.state:
        total = sum(counts[state.value] for state in set(query.state))
    elif counts is not None and not query.include_closed:
        total = sum(counts[state] for state in OPEN)
    elif counts is not None:
        total = sum(counts.values())
    else:
        total = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(*conditions)) or 0
    keys = _keys(query.order)
    values = _decode(query.cursor, query.order, keys) if query.cursor else None
    if query.order == "due" and not query.offset:
        rows = _due_page(session, conditions, keys, values, query.limit)
    else:
        statement = sa.select(Complaint, *[key.expression for key in keys]).where(*conditions)
        if values:
            statement = statement.where(_after(keys, values))
        ordering = [key.expression.desc() if key.descending else key.expression for key in keys]
        rows = session.execute(statement.order_by(*ordering).offset(query.offset).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    complaints = [row[0] for row in rows]
    return QueuePage(
        items=items(session, complaints, actor=actor, municipality=municipality, language=language),
        total=total,
        counts=counts,
        next_cursor=_encode(query.order, tuple(rows[-1][1:])) if more and rows else None,
    )


def _due_page(session: Session, conditions: list[Any], keys: list[Key], values: list[Any] | None,
              limit: int) -> list[Any]:
    """The default order's page, read in two parts: the complaints whose term runs, by due date, then the rest.
    Each part is in the order of the index on (municipality, due date, id), so a page reads about its own rows
    (plus the complaints that share the last due date) however deep it is, instead of sorting the whole queue."""
    rest = keys[1:]
    rows: list[Any] = []
    first = values[0] if values else 0
    for bucket in (0, 1):
        if bucket < first:
            continue
        running = _in(RUNNING)
        where = [*conditions, running if bucket == 0 else sa.not_(running)]
        if values and bucket == first:  # the due date bound lets both databases start the index scan there
            where += [Complaint.due_on >= values[1], _after(rest, values[1:])]
        statement = sa.select(Complaint, sa.literal(bucket, sa.Integer), *[key.expression for key in rest])
        rows += session.execute(statement.where(*where).order_by(*[key.expression for key in rest])
                                .limit(limit + 1 - len(rows))).all()
        if len(rows) > limit:
            break
    return rows


def items(session: Session, complaints: list[Complaint], *, actor: Actor, municipality: Municipality,
          language: str) -> list[QueueItem]:
    """Queue rows: the staff view with the words the desk shows (kind, priority) and the assignee's name; without
    the timeline (the complaint's own page has it: a page of 50 is a quarter lighter and reads no updates)."""
    from server.auth.models import User

    assignees = {c.assignee_id for c in complaints if c.assignee_id}
    names = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(assignees))).all()) \
        if assignees else {}
    zone_ids = {c.zone_id for c in complaints if c.zone_id}
    zones = dict(session.execute(sa.select(Zone.id, Zone.code).where(Zone.id.in_(zone_ids))).all()) \
        if zone_ids else {}

    def extra(complaint: Complaint) -> dict[str, Any]:
        return {"kind_label": i18n.translate(f"kind_{Kind(complaint.kind).value}", language),
                "priority_label": i18n.translate(f"priority_{Priority(complaint.priority).value}", language),
                "zone_code": zones.get(complaint.zone_id), "assignee_name": names.get(complaint.assignee_id),
                "assigned_to_me": bool(actor.user_id and complaint.assignee_id == actor.user_id)}

    return service.staff_views(session, complaints, municipality=municipality, language=language, timeline=False,
                               row=QueueItem, extra=extra)  # type: ignore[return-value]
