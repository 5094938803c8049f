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
from pydantic import TypeAdapter
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session, load_only

from server import geo
from server.errors import Invalid
from server.municipalities.models import Municipality, Zone
from server.works import cards, risks
from server.works.models import Work, WorkCard, WorkNear, WorkPage, WorkQuery, WorkSummary, WorkZone
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


SUMMARY_COLUMNS = load_only(*cards.SUMMARY_FIELDS, raiseload=True)


# ------------------------------------------------------------------------------------------------ near a point


def near_statement(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float,
                   limit: int, language: str = "es") -> sa.Select:
    """The query of `near`'s first round, with its parameters set. Apart so tests and bench/works_near.py can
    check its plan uses the spatial index."""
    parameters = _near_parameters(municipality, lon, lat, radius_m, language,
                                  _first_fetch(lat, radius_m, limit))
    return _near_query(session).params(parameters)


_NEAR_QUERIES: dict[str, sa.Select] = {}


def _near_query(session: Session) -> sa.Select:
    """One statement per dialect, built once (building it costs more than running it): the `fetch` works
    nearest the point on the lon/lat plane (or, on SpatiaLite, by their boxes in the index: a lower bound of
    it) whose plane distance allows them to be within the radius, nearest first, each with its geometry as WKB,
    that lower bound (`planar`, degrees) and its card when one is current (`cards.valid`)."""
    dialect = session.get_bind().dialect.name
    if dialect in _NEAR_QUERIES:
        return _NEAR_QUERIES[dialect]
    if dialect == "sqlite":
        # The R*Tree itself: the works whose box meets the search box, with the squared plane distance from the
        # point to that box, which no point of the work can be nearer than; ordered and cut to `fetch` before any
        # work is read. A candidate of another municipality (near its border) or deleted comes back as a row with
        # no id: it still counts for the cut-off.
        nearest = sa.text(
            "SELECT works.id AS id, works.updated_at AS updated_at, sqrt(boxes.d2) AS planar,"
            " AsBinary(works.geometry) AS wkb"
            " FROM (SELECT pkid, d2 FROM (SELECT pkid,"
            " (max(xmin - (:lon), (:lon) - xmax, 0) * max(xmin - (:lon), (:lon) - xmax, 0)"
            " + max(ymin - (:lat), (:lat) - ymax, 0) * max(ymin - (:lat), (:lat) - ymax, 0)) AS d2"
            " FROM idx_works_geometry"
            " WHERE xmin <= (:east) AND xmax >= (:west) AND ymin <= (:north) AND ymax >= (:south))"
            " WHERE d2 <= (:reach) * (:reach) ORDER BY d2 LIMIT :fetch) AS boxes"
            " LEFT JOIN works ON works.rowid = boxes.pkid AND works.municipality_id = :municipality_id"
            " AND works.deleted_at IS NULL"
        ).bindparams(
            *(sa.bindparam(name, type_=sa.Float) for name in ("lon", "lat", "west", "south", "east", "north",
                                                               "reach")),
            sa.bindparam("municipality_id", type_=Work.municipality_id.type),
            sa.bindparam("fetch", type_=sa.Integer),
        ).columns(id=sa.String, updated_at=Work.updated_at.type, planar=sa.Float, wkb=sa.LargeBinary)
        nearest = nearest.subquery("nearest")
        key = nearest.c.id  # the id as SQLite stores it (32 hex digits)
    else:
        planar = geo.planar_distance(session, Work.geometry, geo.wkt_param("point"))  # `<->`: nearest first
        nearest = (
            sa.select(Work.id, Work.updated_at, planar.label("planar"),
                      sa.func.ST_AsBinary(Work.geometry, type_=sa.LargeBinary).label("wkb"))
            .where(
                Work.municipality_id == sa.bindparam("municipality_id", type_=Work.municipality_id.type),
                Work.deleted_at.is_(None),
                Work.geometry.is_not(None),
                geo.bbox_param_filter(session, Work.geometry, "works", "box"),
                planar <= sa.bindparam("reach", type_=sa.Float),
            )
            .order_by(planar)
            .limit(sa.bindparam("fetch", type_=sa.Integer))
            .subquery("nearest")
        )
        key = sa.cast(nearest.c.id, sa.Text)
    # Cards only for the candidates kept, after the ordering and the limit. Ids come back as text (`key`, in the
    # order of the UUIDs), not as UUID objects: only works without a current card need one.
    card = sa.orm.aliased(WorkCard)
    query = (
        sa.select(key.label("key"), nearest.c.planar, nearest.c.wkb, card.body.label("card"))
        .outerjoin(card, cards.valid(card, nearest.c, language=sa.bindparam("language", type_=sa.String),
                                     today=sa.bindparam("today", type_=sa.Date)))
        .order_by(nearest.c.planar)
    )
    return _NEAR_QUERIES.setdefault(dialect, query)


def _near_parameters(municipality: Municipality, lon: float, lat: float, radius_m: float, language: str,
                     fetch: int) -> dict[str, Any]:
    box = geo.box_around(lon, lat, radius_m)
    west, south, east, north = box.bounds
    return {
        "municipality_id": municipality.id, "point": geo.point_wkt(lon, lat), "lon": lon, "lat": lat,
        "box": box.wkt, "west": west, "south": south, "east": east, "north": north,
        # A work within the radius is at most this far on the plane (see geo.metres_per_degree_at_least).
        "reach": radius_m / geo.metres_per_degree_at_least(lat, radius_m),
        "language": language, "today": today_in(municipality), "fetch": fetch,
    }


def _first_fetch(lat: float, radius_m: float, limit: int) -> int:
    """How many candidates the first round measures: the plane's reach is an ellipse in metres, larger than the
    circle of `radius_m` by `stretch` (their areas' ratio), so about `limit` times it hold the `limit` nearest."""
    floor = geo.metres_per_degree_at_least(lat, radius_m)
    stretch = 110_574 * 111_320 * math.cos(math.radians(min(89.9, abs(lat)))) / floor**2
    return math.ceil(limit * max(1.0, stretch) * 1.1) + 10


def near_json(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
              language: str) -> bytes:
    """Works within `radius_m` metres of a point, nearest first, as the API answers them (a JSON array of
    WorkNear); distance to a line or polygon is to its nearest point, on the WGS84 ellipsoid (geo.metres_from).

    The spatial index gives the works nearest on the lon/lat plane first, and only those are measured. A work
    at plane distance p lies at least p times `geo.metres_per_degree_at_least` metres away, so once the farthest
    candidate measured is beyond the `limit`-th distance found (or the radius), no work left behind can enter
    the answer; until then the next round measures four times as many (one round almost always). Each work's
    summary is its stored card when current, else rendered here (cards.py)."""
    parameters = _near_parameters(municipality, lon, lat, radius_m, language, _first_fetch(lat, radius_m, limit))
    floor = geo.metres_per_degree_at_least(lat, radius_m)
    while True:
        rows = session.execute(_near_query(session), parameters).all()
        works = [row for row in rows if row.key is not None]  # SpatiaLite: a candidate not shown has no id
        metres = geo.metres_from(lon, lat, [row.wkb for row in works]).tolist()
        chosen = sorted((m, row.key, row.card) for m, row in zip(metres, works, strict=True) if m <= radius_m)[:limit]
        if len(rows) < parameters["fetch"]:
            break  # every work that may lie within reach was measured
        bar = chosen[-1][0] if len(chosen) == limit else radius_m
        if floor * rows[-1].planar > bar:
            break  # the works not measured are all farther than the last one chosen
        parameters["fetch"] *= 4
    missing = [uuid.UUID(key) for _, key, card in chosen if card is None]
    rendered = cards.render_ids(session, missing, today=parameters["today"], language=language) if missing else {}
    items = [f'{(card or rendered[uuid.UUID(key)])[:-1]},"distance_m":{round(m, 1)!r}}}' for m, key, card in chosen]
    return f"[{','.join(items)}]".encode()


_WORKS_NEAR = TypeAdapter(list[WorkNear])


def near(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
         language: str) -> list[WorkNear]:
    """`near_json` as objects, for other services (a complaint's nearby works) and tests."""
    return _WORKS_NEAR.validate_json(near_json(session, municipality=municipality, lon=lon, lat=lat,
                                               radius_m=radius_m, limit=limit, language=language))


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
