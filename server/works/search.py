"""Finding public works: filtered lists with keyset pagination, the map layer, near a point, inside an area."""

from __future__ import annotations

import base64
import json
import math
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
from server.works.models import Work, WorkNear, WorkPage, WorkQuery, WorkSummary, WorkZone, ZoneRef
from server.works.service import fold, summaries, summary_fields, today_in

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
SUMMARY_FIELDS = (
    Work.id, Work.identifier, Work.title, Work.status, Work.type, Work.sector, Work.budget_amount, Work.currency,
    Work.funding_source, Work.contractor, Work.contract_value, Work.current_contract_value, Work.planned_start,
    Work.planned_end, Work.actual_start, Work.physical_official_pct, Work.financial_official_pct,
    Work.physical_observed_pct, Work.physical_observed_source, Work.last_progress_on, Work.updated_at,
    Work.municipality_id,
)
SUMMARY_COLUMNS = load_only(*SUMMARY_FIELDS, raiseload=True)


def near_statement(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float,
                   limit: int) -> sa.Select:
    """The query behind `near` as its first round runs it, with its parameters inlined. Apart so tests and
    bench/works_near.py can check its plan uses the spatial index."""
    parameters = _near_parameters(municipality, lon, lat, radius_m, limit, _first_fetch(lat, radius_m, limit))
    return _near_query(session).params(parameters)


_NEAR_QUERIES: dict[str, sa.Select] = {}


def _near_query(session: Session) -> sa.Select:
    """One statement per dialect, built once (building it costs more than running it), that answers `near`:

    - `nearest`: the `fetch` works nearest the point on the lon/lat plane, among those the spatial index finds in
      a box around it, and only those whose plane distance allows them to be within the radius;
    - `measured`: their geodesic distance in metres, computed once per candidate (materialised);
    - `chosen`: the `limit` nearest within the radius, by metres then id;
    - and, on one row even when nothing is chosen, how many candidates were measured and the plane distance of
      the farthest, which tell `near` whether works left behind might have been nearer. Each chosen work comes
      with its summary columns, once per zone it touches (zone columns null when none)."""
    dialect = session.get_bind().dialect.name
    if dialect in _NEAR_QUERIES:
        return _NEAR_QUERIES[dialect]
    point = geo.wkt_param("point")
    planar = geo.planar_distance(session, Work.geometry, point)
    nearest = (
        sa.select(Work.id, Work.geometry, planar.label("planar"))
        .where(
            Work.municipality_id == sa.bindparam("municipality_id", type_=Work.municipality_id.type),
            Work.deleted_at.is_(None),
            Work.geometry.is_not(None),
            geo.bbox_param_filter(session, Work.geometry, "works", "box"),
            planar <= sa.bindparam("reach", type_=sa.Float),
        )
        .order_by(planar)
        .limit(sa.bindparam("fetch", type_=sa.Integer))
        .cte("nearest")
    )
    distance = geo.distance_m_to(session, nearest.c.geometry, point)
    measured = (
        sa.select(nearest.c.id, nearest.c.planar, distance.label("distance_m")).cte("measured")
        .prefix_with("MATERIALIZED")  # PostgreSQL 12+ and SQLite 3.35+: the distance is computed once per row
    )
    chosen = (
        sa.select(measured.c.id, measured.c.distance_m)
        .where(measured.c.distance_m <= sa.bindparam("radius_m", type_=sa.Float))
        .order_by(measured.c.distance_m, measured.c.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .cte("chosen")
    )
    stats = sa.select(sa.func.count().label("fetched"), sa.func.max(measured.c.planar).label("reach")).cte("stats")
    query = (
        sa.select(stats.c.fetched, stats.c.reach, chosen.c.distance_m, *SUMMARY_FIELDS,
                  Zone.code.label("zone_code"), Zone.name.label("zone_name"))
        .select_from(stats)
        .outerjoin(chosen, sa.true())
        .outerjoin(Work, Work.id == chosen.c.id)
        .outerjoin(WorkZone, WorkZone.work_id == Work.id)
        .outerjoin(Zone, Zone.id == WorkZone.zone_id)
        .order_by(chosen.c.distance_m, chosen.c.id, Zone.code)
    )
    return _NEAR_QUERIES.setdefault(dialect, query)


def _near_parameters(municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
                     fetch: int) -> dict[str, Any]:
    return {
        "municipality_id": municipality.id, "point": geo.point_wkt(lon, lat),
        "box": geo.box_around(lon, lat, radius_m).wkt, "radius_m": float(radius_m), "limit": limit, "fetch": fetch,
        # A work within the radius is at most this far on the plane (see geo.metres_per_degree_at_least).
        "reach": radius_m / geo.metres_per_degree_at_least(lat, radius_m),
    }


def _first_fetch(lat: float, radius_m: float, limit: int) -> int:
    """How many candidates the first round measures: the plane's reach is an ellipse in metres, larger than the
    circle of `radius_m` by `stretch` (their areas' ratio), so about `limit` times it hold the `limit` nearest."""
    floor = geo.metres_per_degree_at_least(lat, radius_m)
    stretch = 110_574 * 111_320 * math.cos(math.radians(min(89.9, abs(lat)))) / floor**2
    return math.ceil(limit * max(1.0, stretch) * 1.1) + 10


def near(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
         language: str) -> list[WorkNear]:
    """Works within `radius_m` metres of a point, nearest first; distance to a line or polygon is to its
    nearest point (geodesic, on the WGS84 ellipsoid).

    The spatial index gives the works nearest on the lon/lat plane first and only those are measured in metres.
    A work at plane distance p lies at least p times `geo.metres_per_degree_at_least` metres away, so once the
    farthest candidate measured is beyond the `limit`-th distance found (or the radius), no work left behind can
    enter the answer; until then, the next round measures four times as many. One query per round, one round
    almost always."""
    fetch = _first_fetch(lat, radius_m, limit)
    floor = geo.metres_per_degree_at_least(lat, radius_m)
    while True:
        rows = session.execute(_near_query(session),
                               _near_parameters(municipality, lon, lat, radius_m, limit, fetch)).all()
        chosen = [row for row in rows if row.id is not None]
        found = len({row.id for row in chosen})
        if rows[0].fetched < fetch:
            break  # every work that may lie within reach was measured
        bar = chosen[-1].distance_m if found == limit else radius_m
        if floor * rows[0].reach > bar:
            break  # the works not measured are all farther than the last one chosen
        fetch *= 4
    works: dict[uuid.UUID, sa.Row] = {}
    zones: dict[uuid.UUID, list[ZoneRef]] = {}
    for row in chosen:  # in order, nearest first; a work's zones are adjacent rows
        works.setdefault(row.id, row)
        zones.setdefault(row.id, [])
        if row.zone_code is not None:
            zones[row.id].append(ZoneRef(code=row.zone_code, name=row.zone_name))
    today = today_in(municipality)
    # The same fields as `service.summaries`, from plain rows (service has no public form of it yet).
    return [WorkNear(**summary_fields(row, zones[work_id], today, language), distance_m=round(float(row.distance_m), 1))
            for work_id, row in works.items()]


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
