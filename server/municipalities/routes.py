"""/api/v1/municipalities: the tenants, their calendars, zones and staff accounts."""

from __future__ import annotations

import json
from datetime import date

from pydantic import BaseModel
from pydantic import Field as PField

from server import geo
from server.api import Call, endpoint
from server.auth import service as auth
from server.auth.models import RolesUpdate, UserCreate, UserPublic
from server.db import read_scope, session_scope
from server.errors import BadRequest, Invalid, NotFound
from server.i18n import json_problem
from server.municipalities import service
from server.municipalities.models import (
    HolidayCreate,
    HolidayPublic,
    HolidayQuery,
    MunicipalityPublic,
    MunicipalitySummary,
    MunicipalityUpdate,
    ZoneCollection,
    ZoneImportReport,
)

TAG = "municipalities"
BASE = "/municipalities/{code}"


@endpoint("GET", "/municipalities", summary="Municipalities served here", tag=TAG, response=list[MunicipalitySummary])
def list_municipalities(call: Call) -> list[MunicipalitySummary]:
    with read_scope() as session:
        return service.list_(session)


class PointQuery(geo.LonLat):
    """`?lon=&lat=`, with the same help as every other endpoint that takes a point (geo.LonLat)."""

    model_config = {"extra": "forbid"}


class ZoneRef(BaseModel):
    code: str
    name: str
    kind: str = PField(description="colonia, fraccionamiento, barrio...")


class MunicipalityAt(BaseModel):
    """The municipality Vigía serves at a point, and the zone (colonia) the point lies in, if any."""

    code: str
    name: str
    state: str
    country: str
    timezone: str
    zone: ZoneRef | None = PField(description="the colonia or other zone that contains the point; null if none")


# Listed before get_municipality in `routes`: "/municipalities/at" would otherwise be read as the municipality
# with code "at" (tests/municipalities/test_at.py).
@endpoint("GET", "/municipalities/at", summary="Which municipality (and colonia) a point is in", tag=TAG,
          query=PointQuery, response=MunicipalityAt, errors=(404, 422))
def municipality_at_point(call: Call) -> MunicipalityAt:
    """Public. `?lon=-104.6657&lat=24.0277`. A point Vigía does not serve answers 404
    `place_not_served`; latitude sent first gets the same help as every other endpoint that takes a point."""
    lon, lat = call.query.lon, call.query.lat
    with read_scope() as session:
        found = service.municipality_at(session, lon, lat)
        if found is None:
            swapped = service.municipality_at(session, lat, lon) if -90 <= lon <= 90 else None
            if swapped is not None:
                raise Invalid.for_field("lon", "place_looks_swapped", municipality=swapped.name)
            raise NotFound("place_not_served")
        zone = service.zone_at(session, municipality=found, lon=lon, lat=lat)
        return MunicipalityAt(code=found.code, name=found.name, state=found.state, country=found.country,
                              timezone=found.timezone,
                              zone=ZoneRef(code=zone.code, name=zone.name, kind=zone.kind) if zone else None)


@endpoint("GET", BASE, summary="One municipality with its boundary", tag=TAG, response=MunicipalityPublic,
          errors=(404,))
def get_municipality(call: Call) -> MunicipalityPublic:
    with read_scope() as session:
        return service.public(service.get_by_code(session, call.path["code"]))


@endpoint("PATCH", BASE, summary="Edit a municipality's name or time zone", tag=TAG, body=MunicipalityUpdate,
          response=MunicipalityPublic, auth=True, errors=(403, 404))
def update_municipality(call: Call) -> MunicipalityPublic:
    with session_scope() as session:
        return service.public(service.update(session, actor=call.actor, code=call.path["code"], data=call.body))


@endpoint("GET", BASE + "/holidays", summary="Holiday calendar (días inhábiles)", tag=TAG, query=HolidayQuery,
          response=list[HolidayPublic], errors=(404,))
def list_holidays(call: Call) -> list[HolidayPublic]:
    with read_scope() as session:
        rows = service.list_holidays(session, code=call.path["code"], year=call.query.year)
        return [HolidayPublic.model_validate(row) for row in rows]


@endpoint("POST", BASE + "/holidays", summary="Add a holiday", tag=TAG, body=HolidayCreate, response=HolidayPublic,
          status=201, auth=True, errors=(403, 404, 409))
def add_holiday(call: Call) -> HolidayPublic:
    with session_scope() as session:
        holiday = service.add_holiday(session, actor=call.actor, code=call.path["code"], data=call.body)
        return HolidayPublic.model_validate(holiday)


@endpoint("DELETE", BASE + "/holidays/{day}", summary="Remove a holiday", tag=TAG, status=204, auth=True,
          errors=(403, 404, 422))
def remove_holiday(call: Call) -> None:
    try:
        day = date.fromisoformat(call.path["day"])
    except ValueError as exc:
        raise Invalid.for_field("day", "invalid_date", value=call.path["day"]) from exc
    with session_scope() as session:
        service.remove_holiday(session, actor=call.actor, code=call.path["code"], day=day)


@endpoint("GET", BASE + "/zones", summary="Colonias and other zones as GeoJSON", tag=TAG, response=ZoneCollection,
          errors=(404,))
def zones(call: Call) -> ZoneCollection:
    with read_scope() as session:
        return service.zones_geojson(session, code=call.path["code"])


@endpoint("POST", BASE + "/zones/import", summary="Import colonias and other zones from GeoJSON", tag=TAG,
          raw_body=("application/json", "application/geo+json"), response=ZoneImportReport, auth=True,
          errors=(403, 404))
def import_zones(call: Call) -> ZoneImportReport:
    """A FeatureCollection of Polygons/MultiPolygons with `properties.code` and `properties.name` (and
    optionally `kind`). Zones are matched by code: new ones are created, changed ones updated; works are
    re-linked to the zones they touch."""
    try:
        collection = json.loads(call.body.data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # in words, not the parser's English
        raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
    with session_scope() as session:
        return service.import_zones(session, actor=call.actor, code=call.path["code"], collection=collection,
                                    language=call.language)


@endpoint("GET", BASE + "/users", summary="Accounts with roles in this municipality", tag=TAG,
          response=list[UserPublic], auth=True, errors=(403, 404))
def list_users(call: Call) -> list[UserPublic]:
    with read_scope() as session:
        return auth.list_users(session, actor=call.actor, code=call.path["code"])


@endpoint("POST", BASE + "/users", summary="Create an account here, or give an existing one roles here", tag=TAG,
          body=UserCreate, response=UserPublic, status=201, auth=True, errors=(403, 404, 409))
def add_user(call: Call) -> UserPublic:
    with session_scope() as session:
        return auth.add_user(session, actor=call.actor, code=call.path["code"], data=call.body)


@endpoint("PUT", BASE + "/users/{user_id:uuid}/roles", summary="Set an account's roles in this municipality",
          tag=TAG, body=RolesUpdate, response=UserPublic, auth=True, errors=(403, 404, 409))
def set_roles(call: Call) -> UserPublic:
    with session_scope() as session:
        return auth.set_roles(session, actor=call.actor, code=call.path["code"], user_id=call.path["user_id"],
                              data=call.body)


routes = [list_municipalities, municipality_at_point, get_municipality, update_municipality, list_holidays,
          add_holiday, remove_holiday, zones, import_zones, list_users, add_user, set_roles]
