"""Municipalities, their holiday calendars and zones: lookups, edits and the spatial checks other domains use."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import shapely
import sqlalchemy as sa
from shapely import geometry as sg
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep
from sqlalchemy.orm import Session, defer, object_session

from server import geo, lookups
from server.auth.actor import Actor, authorize
from server.errors import AppError, Conflict, Invalid, NotFound
from server.municipalities.models import (
    Holiday,
    HolidayCreate,
    Municipality,
    MunicipalityPublic,
    MunicipalitySummary,
    MunicipalityUpdate,
    Zone,
    ZoneCollection,
    ZoneFeature,
    ZoneImportReport,
    ZoneImportRow,
)


def get_by_code(session: Session, code: str) -> Municipality:
    municipality = session.scalar(sa.select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFound("municipality_not_found", code=code)
    return municipality


def get_by_id(session: Session, municipality_id: object) -> Municipality:
    municipality = session.get(Municipality, municipality_id)
    if municipality is None:
        raise NotFound("municipality_not_found")
    return municipality


def list_(session: Session) -> list[MunicipalitySummary]:
    rows = session.scalars(sa.select(Municipality).order_by(Municipality.code))
    return [MunicipalitySummary.model_validate(row) for row in rows]


def public(municipality: Municipality) -> MunicipalityPublic:
    boundary = geo.from_db(municipality.boundary)
    return MunicipalityPublic(
        code=municipality.code,
        name=municipality.name,
        state=municipality.state,
        country=municipality.country,
        timezone=municipality.timezone,
        boundary=geo.to_geojson(boundary),
        bbox=[round(value, 6) for value in boundary.bounds],
    )


def update(session: Session, *, actor: Actor, code: str, data: MunicipalityUpdate) -> Municipality:
    municipality = get_by_code(session, code)
    authorize(actor, "municipality.manage", municipality.id)
    for name, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(municipality, name, value)
    session.flush()
    return municipality


# ------------------------------------------------------------------------------------------------ holidays


def list_holidays(session: Session, *, code: str, year: int | None = None) -> list[Holiday]:
    municipality = get_by_code(session, code)
    query = sa.select(Holiday).where(Holiday.municipality_id == municipality.id).order_by(Holiday.day)
    if year is not None:
        query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.scalars(query))


def add_holiday(session: Session, *, actor: Actor, code: str, data: HolidayCreate) -> Holiday:
    municipality = get_by_code(session, code)
    authorize(actor, "municipality.manage", municipality.id)
    holiday = Holiday(municipality_id=municipality.id, day=data.day, name=data.name)
    try:
        with session.begin_nested():
            session.add(holiday)
    except sa.exc.IntegrityError as exc:
        raise Conflict("holiday_exists", date=data.day.isoformat()) from exc
    return holiday


def remove_holiday(session: Session, *, actor: Actor, code: str, day: date) -> None:
    municipality = get_by_code(session, code)
    authorize(actor, "municipality.manage", municipality.id)
    deleted = session.execute(
        sa.delete(Holiday).where(Holiday.municipality_id == municipality.id, Holiday.day == day)
    ).rowcount
    if not deleted:
        raise NotFound("holiday_not_found", date=day.isoformat())


def today_in(municipality: Municipality) -> date:
    """The date in the municipality's own time zone: every "today" in Vigía is this one."""
    return datetime.now(ZoneInfo(municipality.timezone)).date()


def holidays_between(session: Session, *, municipality_id: object, start: date, end: date) -> set[date]:
    rows = session.scalars(
        sa.select(Holiday.day).where(Holiday.municipality_id == municipality_id, Holiday.day >= start, Holiday.day <= end)
    )
    return set(rows)


# ------------------------------------------------------------------------------------------------ zones


def zones_geojson(session: Session, *, code: str) -> ZoneCollection:
    municipality = get_by_code(session, code)
    zones = session.scalars(
        sa.select(Zone)
        .where(Zone.municipality_id == municipality.id, Zone.deleted_at.is_(None))
        .order_by(Zone.code)
    )
    return ZoneCollection(
        features=[
            ZoneFeature(
                id=zone.code,
                geometry=geo.to_geojson(zone.geometry),
                properties={"code": zone.code, "name": zone.name, "kind": zone.kind},
            )
            for zone in zones
        ]
    )


ZonesChanged = Callable[..., None]  # hook(session, *, municipality, zones): what follows from changed zones
# Domains that keep something derived from zones (works: their links to zones and their cards) register here when
# Vigía starts (server/assembly.py): they depend on zones, not the other way round.
_zones_changed: list[ZonesChanged] = []


def on_zones_changed(hook: ZonesChanged) -> None:
    """Call `hook(session, municipality=..., zones=[...])` in the transaction of every zone import that created
    zones or changed one's shape, name or kind (idempotent)."""
    if hook not in _zones_changed:
        _zones_changed.append(hook)


def import_zones(session: Session, *, actor: Actor, code: str, collection: Any,
                 language: str = "es") -> ZoneImportReport:
    """Create or update zones from a GeoJSON FeatureCollection, matched by `properties.code`. Each feature
    gets a result; a bad one is rejected with its reasons (in `language`) and the others still import. What
    depends on zones (works' links to them, through `on_zones_changed`) follows in the same transaction."""
    municipality = get_by_code(session, code)
    authorize(actor, "municipality.manage", municipality.id)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" or not isinstance(
        collection.get("features"), list
    ):
        raise Invalid.for_field("features", "not_a_feature_collection")
    rows: list[ZoneImportRow] = []
    changed: list[Zone] = []
    for number, feature in enumerate(collection["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        zone_code = str(props.get("code", "")).strip() if isinstance(props, dict) else ""
        try:
            name = str(props.get("name", "")).strip() if isinstance(props, dict) else ""
            if not zone_code or not name:
                raise Invalid.for_field(f"features.{number - 1}.properties", "zone_needs_code_and_name")
            shape = geo.as_multipolygon(
                geo.parse_geojson(feature.get("geometry"), allowed=geo.POLYGONAL, field=f"features.{number - 1}")
            )
            check_geometry(municipality, shape, field=f"features.{number - 1}.geometry")
            with session.begin_nested():
                result, zone = _upsert_zone(session, municipality, zone_code, name,
                                            str(props.get("kind") or "colonia")[:40], shape)
            if result != "unchanged":
                changed.append(zone)
            rows.append(ZoneImportRow(row=number, code=zone_code, result=result))
        except AppError as error:
            rows.append(ZoneImportRow(row=number, code=zone_code or None, result="rejected",
                                      errors=error.rendered_details(language) or [
                                          {"code": error.code, "message": error.message(language)}]))
    if changed:
        for hook in _zones_changed:
            hook(session, municipality=municipality, zones=changed)
    counts = {key: sum(1 for row in rows if row.result == key) for key in ("created", "updated", "unchanged",
                                                                          "rejected")}
    return ZoneImportReport(**counts, rows=rows)


def _upsert_zone(session: Session, municipality: Municipality, code: str, name: str, kind: str,
                 shape: BaseGeometry) -> tuple[str, Zone]:
    zone = session.scalar(sa.select(Zone).where(Zone.municipality_id == municipality.id, Zone.code == code))
    if zone is None:
        zone = Zone(municipality_id=municipality.id, code=code, name=name, kind=kind, geometry=geo.to_db(shape))
        session.add(zone)
        session.flush()
        return "created", zone
    same_shape = geo.from_db(zone.geometry).equals_exact(shape, 1e-9)
    if same_shape and (zone.name, zone.kind, zone.deleted_at) == (name, kind, None):
        return "unchanged", zone
    zone.name, zone.kind, zone.deleted_at = name, kind, None
    if not same_shape:
        zone.geometry = geo.to_db(shape)
    session.flush()
    return "updated", zone


# A batch (server.lookups) that asks for the zone of more points than this in one municipality reads the
# municipality's zones once and tests the points here (GEOS, the same test as ST_Contains) instead of one query each.
ZONES_READ_ONCE_AFTER = 8


def expect_zone_questions(session: Session, *, municipality: Municipality, count: int) -> None:
    """A batch (inside server.lookups.kept) about to ask for the zones of `count` points of the municipality:
    when that is more than ZONES_READ_ONCE_AFTER, its first question already reads the zones once (instead of
    asking the database point by point until the threshold)."""
    if count > ZONES_READ_ONCE_AFTER:
        asked = lookups.remembered(session, ("zone_questions", municipality.id), lambda: [0])
        asked[0] = max(asked[0], ZONES_READ_ONCE_AFTER)


def zone_at(session: Session, *, municipality: Municipality, lon: float, lat: float) -> Zone | None:
    """The zone that contains the point, if any (spatial index on both databases; in a large batch, the
    municipality's zones read once)."""
    asked = lookups.remembered(session, ("zone_questions", municipality.id), lambda: [0])
    asked[0] += 1
    if asked[0] > ZONES_READ_ONCE_AFTER:
        zones = lookups.remembered(session, ("zones", municipality.id), lambda: _prepared_zones(session, municipality))
        return next((zone for zone, shape in zones if shapely.contains_xy(shape.context, lon, lat)), None)
    point = geo.point_sql(lon, lat)
    return session.scalar(
        sa.select(Zone)
        .where(
            Zone.municipality_id == municipality.id,
            Zone.deleted_at.is_(None),
            geo.index_filter(session, "zones", "geometry", sg.Point(lon, lat)),
            sa.func.ST_Contains(Zone.geometry, point),
        )
        .order_by(Zone.code)
        .limit(1)
    )


# ------------------------------------------------------------------------------------------------ points

_prepared: dict[tuple[object, object], PreparedGeometry] = {}


def _boundary(municipality: Municipality) -> PreparedGeometry:
    key = (municipality.id, municipality.updated_at)
    found = _prepared.get(key)
    if found is None:
        shape: BaseGeometry = geo.from_db(municipality.boundary)
        found = prep(shape)
        if len(_prepared) > 256:
            _prepared.clear()
        _prepared[key] = found
    return found


def municipality_at(session: Session, lon: float, lat: float) -> Municipality | None:
    """The municipality Vigía serves whose boundary covers the point (lon, lat), or None; the first by code if
    boundaries overlap. The spatial index pre-filters by box on both databases; the exact test is made here, so
    PostGIS and SpatiaLite agree on points that lie on a boundary."""
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    point = sg.Point(lon, lat)
    candidates = session.scalars(
        sa.select(Municipality)
        .where(geo.bbox_filter(session, Municipality.boundary, "municipalities", point.buffer(1e-9).envelope))
        .order_by(Municipality.code)
    )
    for municipality in candidates:
        if _boundary(municipality).covers(point):
            return municipality
    return None


def check_geometry(municipality: Municipality, geom: BaseGeometry, *, field: str = "geometry") -> None:
    """Invalid unless the whole geometry lies inside the municipality (points get the swapped-axes hint)."""
    if isinstance(geom, sg.Point):
        check_point(municipality, lon=geom.x, lat=geom.y, field=field)
        return
    boundary = _boundary(municipality)
    if not boundary.covers(geom):
        flipped = shapely.transform(geom, lambda coordinates: coordinates[:, ::-1])
        if all(-180 <= value <= 180 for value in flipped.bounds[::2]) and boundary.covers(flipped):
            raise Invalid.for_field(field, "coordinates_swapped", municipality=municipality.name)
        raise Invalid.for_field(field, "geometry_outside_municipality", municipality=municipality.name)


# Prepared zone shapes by (zone id, updated_at): a batch reads its municipality's zones without their geometries
# and decodes only those it has not seen in this version (every edit of a zone moves its updated_at).
_zone_shapes: dict[tuple[object, object], PreparedGeometry] = {}


def _prepared_zones(session: Session, municipality: Municipality) -> list[tuple[Zone, PreparedGeometry]]:
    zones = session.scalars(sa.select(Zone).options(defer(Zone.geometry))
                            .where(Zone.municipality_id == municipality.id, Zone.deleted_at.is_(None))
                            .order_by(Zone.code)).all()
    unseen = [zone.id for zone in zones if (zone.id, zone.updated_at) not in _zone_shapes]
    if unseen:
        if len(_zone_shapes) + len(unseen) > 4096:
            _zone_shapes.clear()
        for zone_id, updated_at, geometry in session.execute(
                sa.select(Zone.id, Zone.updated_at, Zone.geometry).where(Zone.id.in_(unseen))):
            _zone_shapes[(zone_id, updated_at)] = prep(geo.from_db(geometry))
    # A zone edited between the two reads: its shape as this transaction reads it now, not kept.
    return [(zone, _zone_shapes.get((zone.id, zone.updated_at)) or prep(geo.from_db(zone.geometry)))
            for zone in zones]


def check_point(municipality: Municipality, *, lon: float, lat: float, field: str = "location",
                outside_ok: bool = False) -> None:
    """Invalid unless the point lies inside the municipality. Every endpoint that takes a point gives the same
    help: latitude and longitude that look swapped (the point would fall inside with them the other way round),
    and a point that lies in another municipality Vigía serves ("está en Gómez Palacio (10007)"). A search
    around a point (`outside_ok`) accepts a point outside the municipality otherwise: it may be near the edge."""
    boundary = _boundary(municipality).context  # prepared: a point is covered exactly when it intersects
    if shapely.intersects_xy(boundary, lon, lat):
        return
    if -90 <= lon <= 90 and shapely.intersects_xy(boundary, lat, lon):
        raise Invalid.for_field(field, "coordinates_swapped", municipality=municipality.name)
    session = object_session(municipality)
    other = municipality_at(session, lon, lat) if session is not None else None
    if other is not None and other.id != municipality.id:
        raise Invalid.for_field(field, "point_in_other_municipality", municipality=municipality.name,
                                other=other.name, other_code=other.code)
    if not outside_ok:
        raise Invalid.for_field(field, "point_outside_municipality", municipality=municipality.name)
