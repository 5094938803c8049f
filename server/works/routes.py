"""/api/v1/municipalities/{code}/works: the public works register."""

from __future__ import annotations

from typing import Any

from shapely import geometry as sg
from starlette.responses import Response

from server import geo
from server.api import Call, endpoint
from server.db import read_scope, session_scope
from server.errors import Invalid
from server.municipalities import service as municipalities
from server.works import search, service
from server.works.models import (
    AreaBody,
    AreaQuery,
    NearQuery,
    ProgressCreate,
    ProgressPublic,
    WorkCreate,
    WorkNear,
    WorkPage,
    WorkPublic,
    WorkQuery,
    WorkSummary,
    WorkUpdate,
)

TAG = "works"
BASE = "/municipalities/{code}/works"


@endpoint("GET", BASE, summary="List works with filters, ordering and keyset pagination", tag=TAG, query=WorkQuery,
          response=WorkPage, errors=(404,))
def list_works(call: Call) -> WorkPage:
    """Filters combine (AND); repeat a parameter for several values (`?status=implementation&status=completion`)."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return search.list_(session, municipality=municipality, query=call.query, language=call.language)


@endpoint("GET", BASE + "/map", summary="Works as a GeoJSON FeatureCollection (map layer)", tag=TAG,
          query=WorkQuery, response=dict[str, Any], errors=(404,))
def map_layer(call: Call) -> dict[str, Any]:
    """Same filters as the list; every matching work that has a geometry, ordered by number."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        works = [w for w in search.all_matching(session, municipality=municipality, query=call.query)
                 if w.geometry is not None]
        items = service.summaries(session, works, municipality=municipality, language=call.language)
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": str(work.id),
                    "geometry": geo.to_geojson(work.geometry),
                    "properties": {
                        "identifier": item.identifier,
                        "title": item.title,
                        "status": item.status,
                        "sector": item.sector,
                        "physical_official_pct": item.progress.physical_official_pct,
                        "risks": [risk.code for risk in item.risks],
                    },
                }
                for work, item in zip(works, items, strict=True)
            ],
        }


@endpoint("GET", BASE + "/near", summary="Works near a point, nearest first, with the distance in metres", tag=TAG,
          query=NearQuery, response=list[WorkNear], errors=(404,))
def near(call: Call) -> Response:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        q = call.query
        municipalities.check_point(municipality, lon=q.lon, lat=q.lat, field="lon", outside_ok=True)
        body = search.near_json(session, municipality=municipality, lon=q.lon, lat=q.lat, radius_m=q.radius_m,
                                limit=q.limit, language=call.language)
    return Response(body, media_type="application/json")


def _bbox(text: str | None) -> sg.Polygon:
    try:
        west, south, east, north = (float(part) for part in (text or "").split(","))
    except ValueError as exc:
        raise Invalid.for_field("bbox", "invalid_bbox") from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise Invalid.for_field("bbox", "invalid_bbox")
    return sg.box(west, south, east, north)


@endpoint("GET", BASE + "/within", summary="Works inside a bounding box", tag=TAG, query=AreaQuery,
          response=list[WorkSummary], errors=(404,))
def within_box(call: Call) -> list[WorkSummary]:
    area = _bbox(call.query.bbox)
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return search.within(session, municipality=municipality, area=area, limit=call.query.limit,
                              language=call.language)


@endpoint("POST", BASE + "/within", summary="Works inside a polygon drawn on the map", tag=TAG, body=AreaBody,
          response=list[WorkSummary], status=200, errors=(404,))
def within_polygon(call: Call) -> list[WorkSummary]:
    area = geo.parse_geojson(call.body.geometry, allowed=geo.POLYGONAL, field="geometry")
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return search.within(session, municipality=municipality, area=area, limit=call.body.limit,
                              language=call.language)


@endpoint("GET", BASE + "/{work_id:uuid}", summary="One work with its full record and risk signals", tag=TAG,
          response=WorkPublic, errors=(404,))
def get_work(call: Call) -> WorkPublic:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        work = service.get(session, municipality=municipality, work_id=call.path["work_id"])
        return service.public(session, work, municipality=municipality, language=call.language)


@endpoint("POST", BASE, summary="Register a work", tag=TAG, body=WorkCreate, response=WorkPublic, status=201,
          auth=True, errors=(403, 404, 409))
def create_work(call: Call) -> WorkPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        work = service.create(session, actor=call.actor, municipality=municipality, data=call.body)
        return service.public(session, work, municipality=municipality, language=call.language)


@endpoint("PATCH", BASE + "/{work_id:uuid}", summary="Edit a work (send the version you read)", tag=TAG,
          body=WorkUpdate, response=WorkPublic, auth=True, errors=(403, 404, 409))
def update_work(call: Call) -> WorkPublic:
    """A stale `version` gets 409 with the current record in `error.current`."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        work = service.update(session, actor=call.actor, municipality=municipality, work_id=call.path["work_id"],
                              data=call.body, language=call.language)
        return service.public(session, work, municipality=municipality, language=call.language)


@endpoint("GET", BASE + "/{work_id:uuid}/progress", summary="The work's progress history", tag=TAG,
          response=list[ProgressPublic], errors=(404,))
def list_progress(call: Call) -> list[ProgressPublic]:
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = service.list_progress(session, municipality=municipality, work_id=call.path["work_id"])
        return [ProgressPublic.model_validate(row) for row in rows]


@endpoint("POST", BASE + "/{work_id:uuid}/progress", summary="Record a progress observation", tag=TAG,
          body=ProgressCreate, response=ProgressPublic, status=201, auth=True, errors=(403, 404))
def add_progress(call: Call) -> ProgressPublic:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        row = service.add_progress(session, actor=call.actor, municipality=municipality,
                                   work_id=call.path["work_id"], data=call.body)
        return ProgressPublic.model_validate(row)


routes = [list_works, map_layer, near, within_box, within_polygon, get_work, create_work, update_work, list_progress,
          add_progress]
