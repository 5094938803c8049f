"""Geometry at the edge (GeoJSON in and out, validated) and the few things that differ between PostGIS and
SpatiaLite. Every spatial query elsewhere goes through the helpers here, so both databases give the same answers.

Longitude first, always, as GeoJSON and WKT write it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
import sqlalchemy as sa
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement, WKTElement
from geoalchemy2.shape import from_shape, to_shape
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from shapely import geometry as sg
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy.orm import Session

from server.errors import Invalid
from server.i18n import N_, Words, term

SRID = 4326
POLYGONAL = ("Polygon", "MultiPolygon")
ALL_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


def geometry_column(kind: str, *, nullable: bool = False) -> sa.Column:
    """A WGS84 geometry column with a spatial index (GiST on PostGIS, an R*Tree on SpatiaLite)."""
    return sa.Column(Geometry(kind, srid=SRID, spatial_index=True), nullable=nullable)


# Why a GeoJSON geometry cannot be read, in words: catalogue entries geometry_<reason>.
REASONS = {"position": N_("geometry_position"), "numbers": N_("geometry_numbers"), "object": N_("geometry_object"),
           "no_coordinates": N_("geometry_no_coordinates"), "empty": N_("geometry_empty"),
           "structure": N_("geometry_structure")}


def _error(code: str, field: str, **params: Any) -> Invalid:
    return Invalid.for_field(field, code, **params)


def _invalid(field: str, reason: str | None = None, detail: str | None = None) -> Invalid:
    """invalid_geometry with its reason in both languages (GEOS explains validity in English only)."""
    words = term(REASONS[reason]) if reason else Words(es=detail or "", en=detail or "")
    return _error("invalid_geometry", field, reason=words)


def _check_positions(coordinates: Any, field: str) -> None:
    """Every position is [lon, lat] with finite numbers in range."""
    if isinstance(coordinates, (list, tuple)) and coordinates and all(
        isinstance(value, (int, float)) and not isinstance(value, bool) for value in coordinates
    ):
        if len(coordinates) < 2 or len(coordinates) > 3:
            raise _invalid(field, "position")
        lon, lat = coordinates[0], coordinates[1]
        problem = position_problem(lon, lat)
        if problem is not None:
            raise _error(problem, field, value=f"{lon}, {lat}")
        return
    if not isinstance(coordinates, (list, tuple)):
        raise _invalid(field, "numbers")
    for item in coordinates:
        _check_positions(item, field)


def position_problem(lon: float, lat: float) -> str | None:
    """Why (lon, lat) is not a position: "coordinates_look_swapped" when it would be one with latitude first (as
    maps and phones show it: 24.03, -104.67), "coordinate_out_of_range" otherwise; None when it is one."""
    if math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90:
        return None
    if math.isfinite(lon) and math.isfinite(lat) and -90 <= lon <= 90 and -180 <= lat <= 180:
        return N_("coordinates_look_swapped")
    return N_("coordinate_out_of_range")


class LonLat(BaseModel):
    """A point given as two numbers (a query's `?lon=&lat=`): out of range, it gets the same help as a GeoJSON
    point, naming latitude-first when that is what it looks like. Query models that take a point inherit it."""

    lon: float = Field(description="longitude, WGS84 degrees (-180 to 180)",
                       json_schema_extra={"minimum": -180, "maximum": 180})
    lat: float = Field(description="latitude, WGS84 degrees (-90 to 90)",
                       json_schema_extra={"minimum": -90, "maximum": 90})

    @field_validator("lat")
    @classmethod
    def _a_position(cls, lat: float, info: ValidationInfo) -> float:
        lon = info.data.get("lon")
        problem = position_problem(lon, lat) if isinstance(lon, float) else None
        if problem is not None:
            raise PydanticCustomError(problem, "{value}", {"value": f"{lon}, {lat}"})
        return lat


def parse_geojson(data: Any, *, allowed: Iterable[str] = ALL_TYPES, field: str = "geometry") -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object, or Invalid naming the field and the problem."""
    allowed = tuple(allowed)
    if not isinstance(data, dict) or "type" not in data:
        raise _invalid(field, "object")
    kind = data.get("type")
    if kind not in allowed:
        raise _error("geometry_type_not_allowed", field, allowed=", ".join(allowed), got=str(kind))
    coordinates = data.get("coordinates")
    if coordinates is None:
        raise _invalid(field, "no_coordinates")
    _check_positions(coordinates, field)
    try:
        geom = sg.shape(data)
    except (ValueError, TypeError, IndexError, GEOSException, AttributeError) as exc:
        raise _invalid(field, "structure") from exc
    if geom.is_empty:
        raise _invalid(field, "empty")
    if not geom.is_valid:
        raise _invalid(field, detail=explain_validity(geom))
    return geom


def point_position(data: Any, *, field: str = "geometry") -> tuple[float, float]:
    """(lon, lat) of a GeoJSON Point, or Invalid as `parse_geojson(data, allowed=("Point",))` gives it. A point of
    two or three finite numbers in range is always a valid geometry, so it is read without building one (a
    filing's commonest check); anything else goes through `parse_geojson` and its errors."""
    if isinstance(data, dict) and data.get("type") == "Point":
        coordinates = data.get("coordinates")
        if isinstance(coordinates, (list, tuple)) and 2 <= len(coordinates) <= 3 and all(
                isinstance(value, (int, float)) and not isinstance(value, bool) for value in coordinates):
            _check_positions(coordinates, field)
            return float(coordinates[0]), float(coordinates[1])
    geom = parse_geojson(data, allowed=("Point",), field=field)
    return geom.x, geom.y


def to_geojson(geom: BaseGeometry | WKBElement | None) -> dict[str, Any] | None:
    if geom is None:
        return None
    if not isinstance(geom, BaseGeometry):
        geom = from_db(geom)
    return sg.mapping(geom)  # type: ignore[return-value]


def as_multipolygon(geom: BaseGeometry) -> sg.MultiPolygon:
    if isinstance(geom, sg.Polygon):
        return sg.MultiPolygon([geom])
    if isinstance(geom, sg.MultiPolygon):
        return geom
    raise _error("geometry_type_not_allowed", "geometry", allowed="Polygon, MultiPolygon", got=geom.geom_type)


def to_db(geom: BaseGeometry) -> WKBElement:
    return from_shape(geom, srid=SRID)


def from_db(value: WKBElement | None) -> BaseGeometry | None:
    return None if value is None else to_shape(value)


def point_sql(lon: float, lat: float) -> sa.ColumnElement[Any]:
    """A WGS84 point as a SQL expression that both PostGIS and SpatiaLite understand."""
    return sa.func.ST_GeomFromText(point_wkt(lon, lat), SRID)


def index_filter(session: Session, table: str, column: str, frame: BaseGeometry) -> sa.ColumnElement[bool]:
    """A condition that makes the database use the spatial index of `table.column` to pre-filter rows whose
    bounding box meets `frame`. PostGIS's planner does this by itself for ST_Intersects/ST_Contains; SpatiaLite
    only through its SpatialIndex virtual table."""
    if session.get_bind().dialect.name != "sqlite":
        return sa.true()
    subquery = sa.text(
        "SELECT rowid FROM SpatialIndex WHERE f_table_name = :sp_table AND f_geometry_column = :sp_column "
        "AND search_frame = ST_GeomFromText(:sp_frame, 4326)"
    ).bindparams(sp_table=table, sp_column=column, sp_frame=frame.wkt)
    return sa.literal_column(f"{table}.rowid").in_(subquery)


# ------------------------------------------------------------------------------------------------ metres

# Metres per degree of latitude is at least this anywhere on the WGS84 ellipsoid (110,574 m at the equator);
# using a smaller number only makes the search box larger, never too small.
_METRES_PER_DEGREE = 110_000.0


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def box_around(lon: float, lat: float, radius_m: float) -> sg.Polygon:
    """A lon/lat box that surely contains every point within `radius_m` of (lon, lat)."""
    dlat = radius_m / _METRES_PER_DEGREE
    widest = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, radius_m / (_METRES_PER_DEGREE * math.cos(math.radians(widest))))
    return sg.box(max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))


def metres_per_degree_at_least(lat: float, radius_m: float) -> float:
    """Metres that every degree of lon/lat plane distance is worth, at least, around latitude `lat`: a work within
    `radius_m` (geodesic) of a point at `lat` lies at least this many metres per degree of `planar_distance` away.
    Any path shorter than `radius_m` stays within the latitudes `box_around` covers, where a degree of latitude is
    more than 110,000 m and a degree of longitude more than 110,000 m times the cosine of the widest latitude."""
    widest = min(89.9, abs(lat) + radius_m / _METRES_PER_DEGREE)
    return _METRES_PER_DEGREE * math.cos(math.radians(widest))


# The WGS84 ellipsoid: semi-major axis and first eccentricity squared.
_WGS84_A = 6_378_137.0
_WGS84_E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563)
_ORIGIN = sg.Point(0.0, 0.0)


def metres_from(lon: float, lat: float, shapes: Sequence[BaseGeometry | bytes]) -> np.ndarray:
    """Metres on the WGS84 ellipsoid from (lon, lat) to the nearest point of each shape (shapely or WKB),
    computed here rather than in the database, so PostGIS and SpatiaLite give the very same numbers.

    Each vertex is laid on a plane around the point by the ellipsoid's radii of curvature at the mean of its
    latitude and the point's (the flat-earth method of the FCC's 47 CFR 73.208, with exact radii); the distance
    is then planar. Within 50 km it agrees with PostGIS's geodesic distance to about one part in 10,000 and
    stays above `metres_per_degree_at_least` times the lon/lat plane distance
    (tests/works/test_distance.py); it is not meant for distances of hundreds of kilometres."""
    if len(shapes) == 0:
        return np.empty(0)
    lon0, lat0 = math.radians(lon), math.radians(lat)

    def on_plane(coordinates: np.ndarray) -> np.ndarray:
        lam, phi = np.radians(coordinates[:, 0]), np.radians(coordinates[:, 1])
        mean = (phi + lat0) / 2
        sine = np.sin(mean)
        w = np.sqrt(1 - _WGS84_E2 * sine * sine)
        east = _WGS84_A / w * np.cos(mean) * (lam - lon0)  # prime vertical radius times cos φ
        north = _WGS84_A * (1 - _WGS84_E2) / w**3 * (phi - lat0)  # meridian radius
        return np.column_stack((east, north))

    geometries = shapely.from_wkb(shapes) if isinstance(shapes[0], (bytes, memoryview)) else np.asarray(shapes)
    return shapely.distance(shapely.transform(geometries, on_plane), _ORIGIN)


def wkt_param(name: str) -> sa.ColumnElement[Any]:
    """A WGS84 geometry given as WKT when the statement runs, under parameter `name`: for statements built once and
    reused (building a large SQLAlchemy statement can cost more than running it); the value is `point_wkt(...)` or
    a shape's `.wkt`."""
    return sa.func.ST_GeomFromText(sa.bindparam(name, type_=sa.String), SRID)


def point_wkt(lon: float, lat: float) -> str:
    return f"POINT({float(lon)!r} {float(lat)!r})"


def point_element(lon: float, lat: float) -> WKTElement:
    """A WGS84 point to store in a geometry column: the same value as `to_db(Point(lon, lat))` (repr keeps every
    bit of each coordinate), but bound as text at once, where a WKB element is decoded again by GeoAlchemy2 to
    become EWKT (a tenth of a batched filing's CPU on PostgreSQL)."""
    return WKTElement(point_wkt(lon, lat), srid=SRID)


def bbox_param_filter(session: Session, column: Any, table: str, name: str) -> sa.ColumnElement[bool]:
    """`bbox_filter` for a statement built once: the box comes as WKT under parameter `name` when it runs."""
    if _is_sqlite(session):
        subquery = sa.text(
            "SELECT rowid FROM SpatialIndex WHERE f_table_name = :sp_table AND f_geometry_column = :sp_column "
            f"AND search_frame = ST_GeomFromText(:{name}, 4326)"
        ).bindparams(sa.bindparam(name, type_=sa.String), sp_table=table, sp_column=column.key)
        return sa.literal_column(f"{table}.rowid").in_(subquery)
    return column.op("&&")(wkt_param(name))


def bbox_filter(session: Session, column: Any, table: str, box: BaseGeometry) -> sa.ColumnElement[bool]:
    """Rows whose bounding box meets `box`, answered from the spatial index on both databases."""
    if _is_sqlite(session):
        return index_filter(session, table, column.key, box)
    west, south, east, north = box.bounds
    return column.op("&&")(sa.func.ST_MakeEnvelope(west, south, east, north, SRID))


def distance_m(session: Session, column: Any, lon: float, lat: float) -> sa.ColumnElement[float]:
    """Geodesic distance in metres on the WGS84 ellipsoid from (lon, lat) to the nearest point of `column`
    (PostGIS geography; SpatiaLite's ellipsoidal ST_Distance): the two agree within a few millimetres."""
    return distance_m_to(session, column, point_sql(lon, lat))


def distance_m_to(session: Session, column: Any, point: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
    """`distance_m` to a point given as SQL (`wkt_param` for a statement built once)."""
    if _is_sqlite(session):
        return sa.func.ST_Distance(column, point, 1)
    from geoalchemy2 import Geography

    return sa.func.ST_Distance(sa.cast(column, Geography), sa.cast(point, Geography))


def planar_distance(session: Session, column: Any, point: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
    """Distance in degrees on the lon/lat plane from `point` (SQL) to the nearest point of `column`: no ellipsoid,
    so cheap, and with `metres_per_degree_at_least` a lower bound of the metres. On PostGIS it is the `<->`
    operator, so `ORDER BY` it walks the GiST index nearest first (the same number as planar ST_Distance)."""
    if _is_sqlite(session):
        return sa.func.ST_Distance(column, point)
    return column.op("<->", return_type=sa.Float)(point)


def intersects(session: Session, column: Any, shape: BaseGeometry) -> sa.ColumnElement[bool]:
    expression = sa.func.ST_Intersects(column, sa.func.ST_GeomFromText(shape.wkt, SRID))
    # SpatiaLite answers 1, 0 or -1 (error); only 1 means yes.
    return expression == 1 if _is_sqlite(session) else expression
