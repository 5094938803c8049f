"""Finding public works: filtered lists with keyset pagination, the map layer, near a point, inside an area."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session, load_only

from server import geo
from server.errors import Invalid
from server.municipalities.models import Municipality, Zone
from server.works import risks
from server.works.models import Work, WorkNear, WorkPage, WorkQuery, WorkSummary, WorkZone
from server.works.service import fold, summaries, today_in

_ORDERS: dict[str, tuple[Any, bool]] = {
    "-updated": (Work.updated_at, True),
    "updated": (Work.updated_at, False),
    "title": (Work.title, False),
    "-title": (Work.title, True),
    "budget": (sa.func.coalesce(Work.budget_amount, -1), False),
    "-budget": (sa.func.coalesce(Work.budget_amount, -1), True),
    "identifier": (Work.identifier, False),
}


def _encode_cursor(order: str, work: Work) -> str:
    value: Any = {
        "-updated": lambda: work.updated_at.isoformat(),
        "updated": lambda: work.updated_at.isoformat(),
        "title": lambda: work.title,
        "-title": lambda: work.title,
        "budget": lambda: str(work.budget_amount if work.budget_amount is not None else -1),
        "-budget": lambda: str(work.budget_amount if work.budget_amount is not None else -1),
        "identifier": lambda: work.identifier,
    }[order]()
    raw = json.dumps([order, value, str(work.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple[Any, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, work_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if kind != order:
            raise ValueError("cursor made for another order")
        if order.endswith("updated"):
            value = datetime.fromisoformat(value)
        elif order.endswith("budget"):
            value = Decimal(value)
        return value, uuid.UUID(work_id)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid.for_field("cursor", "invalid_cursor") from exc


def _filtered(session: Session, municipality: Municipality, query: WorkQuery) -> sa.Select:
    statement = sa.select(Work).where(Work.municipality_id == municipality.id, Work.deleted_at.is_(None))
    if query.status:
        statement = statement.where(Work.status.in_(query.status))
    for sector in query.sector:
        # sector is a small JSON list; matching its serialised form works the same on both databases.
        statement = statement.where(sa.cast(Work.sector, sa.Text).like(f'%"{sector}"%'))
    if query.zone:
        statement = statement.where(
            Work.id.in_(
                sa.select(WorkZone.work_id)
                .join(Zone, Zone.id == WorkZone.zone_id)
                .where(Zone.municipality_id == municipality.id, Zone.code.in_(query.zone))
            )
        )
    if query.funding_source:
        statement = statement.where(sa.func.lower(Work.funding_source) == query.funding_source.lower())
    if query.contractor:
        statement = statement.where(Work.search_text.like(_like(fold(query.contractor)), escape="\\"))
        statement = statement.where(sa.func.lower(Work.contractor).is_not(None))
    if query.q:
        for word in fold(query.q).split():
            statement = statement.where(Work.search_text.like(_like(word), escape="\\"))
    today = today_in(municipality)
    if query.stalled is not None:
        stalled = risks.condition("stalled", today=today)
        statement = statement.where(stalled if query.stalled else sa.not_(stalled))
    for code in query.risk:
        statement = statement.where(risks.condition(code, today=today))
    return statement


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_(session: Session, *, municipality: Municipality, query: WorkQuery, language: str) -> WorkPage:
    """A page of works, keyset-paginated (stable under inserts, fast at any depth)."""
    column, descending = _ORDERS[query.order]
    statement = _filtered(session, municipality, query)
    if query.cursor:
        value, last_id = _decode_cursor(query.cursor, query.order)
        if descending:
            statement = statement.where(sa.or_(column < value, sa.and_(column == value, Work.id < last_id)))
        else:
            statement = statement.where(sa.or_(column > value, sa.and_(column == value, Work.id > last_id)))
    ordering = (column.desc(), Work.id.desc()) if descending else (column.asc(), Work.id.asc())
    works = list(session.scalars(statement.options(SUMMARY_COLUMNS).order_by(*ordering).limit(query.limit + 1)))
    more = len(works) > query.limit
    works = works[: query.limit]
    return WorkPage(
        items=summaries(session, works, municipality=municipality, language=language),
        next_cursor=_encode_cursor(query.order, works[-1]) if more else None,
    )


def all_matching(session: Session, *, municipality: Municipality, query: WorkQuery) -> list[Work]:
    """Every work that matches, in a stable order (for the map layer and exports)."""
    return list(session.scalars(_filtered(session, municipality, query).order_by(Work.identifier, Work.id)))


# What a summary shows (and its risk signals need): list answers skip the geometry and the large JSON columns.
SUMMARY_COLUMNS = load_only(
    Work.id, Work.identifier, Work.title, Work.status, Work.type, Work.sector, Work.budget_amount, Work.currency,
    Work.funding_source, Work.contractor, Work.contract_value, Work.current_contract_value, Work.planned_start,
    Work.planned_end, Work.actual_start, Work.physical_official_pct, Work.financial_official_pct,
    Work.physical_observed_pct, Work.physical_observed_source, Work.last_progress_on, Work.updated_at,
    Work.municipality_id, raiseload=True,
)


def near_statement(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float,
                   limit: int) -> sa.Select:
    """The query behind `near`: (work, distance_m) rows within `radius_m` of the point, nearest first. Apart so
    tests and bench/works_near.py can check its plan uses the spatial index."""
    distance = geo.distance_m(session, Work.geometry, lon, lat).label("distance_m")
    return (
        sa.select(Work, distance)
        .options(SUMMARY_COLUMNS)
        .where(
            Work.municipality_id == municipality.id,
            Work.deleted_at.is_(None),
            Work.geometry.is_not(None),
            geo.bbox_filter(session, Work.geometry, "works", geo.box_around(lon, lat, radius_m)),
            distance <= radius_m,
        )
        .order_by(distance, Work.id)
        .limit(limit)
    )


def near(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
         language: str) -> list[WorkNear]:
    """Works within `radius_m` metres of a point, nearest first; distance to a line or polygon is to its
    nearest point. The spatial index pre-filters by a box around the point on both databases."""
    statement = near_statement(session, municipality=municipality, lon=lon, lat=lat, radius_m=radius_m, limit=limit)
    rows = session.execute(statement).all()
    found = summaries(session, [work for work, _ in rows], municipality=municipality, language=language)
    return [WorkNear(**item.model_dump(), distance_m=round(float(metres), 1)) for item, (_, metres) in
            zip(found, rows, strict=True)]


def within(session: Session, *, municipality: Municipality, area: BaseGeometry, limit: int,
           language: str) -> list[WorkSummary]:
    """Works whose geometry meets a drawn polygon or box (index pre-filter, exact test after)."""
    works = session.scalars(
        sa.select(Work)
        .options(SUMMARY_COLUMNS)
        .where(
            Work.municipality_id == municipality.id,
            Work.deleted_at.is_(None),
            Work.geometry.is_not(None),
            geo.bbox_filter(session, Work.geometry, "works", area.envelope),
            geo.intersects(session, Work.geometry, area),
        )
        .order_by(Work.identifier, Work.id)
        .limit(limit)
    )
    return summaries(session, list(works), municipality=municipality, language=language)
