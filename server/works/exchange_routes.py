"""/api/v1/municipalities/{code}/works/import and /export.*: the register in and out of Vigía.

Import takes an OC4IDS project package (application/json) or a municipal spreadsheet (text/csv). Exports are
public, take the same filters as the list, and are ordered by work number so two exports diff cleanly.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from server.api import Call, endpoint
from server.db import session_scope
from server.municipalities import service as municipalities
from server.works import oc4ids, search, tabular
from server.works.models import ImportReport, WorkQuery

TAG = "works"
BASE = "/municipalities/{code}/works"


def _download(content: str, media_type: str, filename: str) -> Response:
    return Response(content.encode("utf-8"), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@endpoint("POST", BASE + "/import", summary="Import works from an OC4IDS package (JSON) or a spreadsheet (CSV)",
          tag=TAG, raw_body=("application/json", "text/csv"), response=ImportReport, auth=True,
          errors=(403, 404, 422))
def import_works(call: Call) -> ImportReport:
    """Each project or row creates or updates the work with its number. The answer reports every row: created,
    updated, unchanged or rejected with the reasons; rejected rows change nothing and the others are imported.
    Importing the same file again changes nothing. The columns are described in docs/works-import.md."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        arguments = {"actor": call.actor, "municipality": municipality, "data": call.body.data,
                     "language": call.language}
        if call.body.content_type == "text/csv":
            return tabular.import_csv(session, **arguments)
        return oc4ids.import_json(session, **arguments)


@endpoint("GET", BASE + "/export.json", summary="Works as an OC4IDS 0.9 project package", tag=TAG, query=WorkQuery,
          response=dict[str, Any], errors=(404,))
def export_oc4ids(call: Call) -> Response:
    """Same filters as the list (`limit`, `cursor` and `order` do not apply: every matching work, by number)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        works = search.all_matching(session, municipality=municipality, query=call.query)
        package = oc4ids.export_package(session, municipality=municipality, works=works, uri=str(call.request.url))
    return _download(oc4ids.dumps(package), "application/json", f"obras-{municipality.code}.json")


@endpoint("GET", BASE + "/export.geojson", summary="Works as a GeoJSON FeatureCollection (download)", tag=TAG,
          query=WorkQuery, response=dict[str, Any], errors=(404,), media_type="application/geo+json")
def export_geojson(call: Call) -> Response:
    """Every matching work, by number, with its main fields as properties (geometry null where it has none)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        works = search.all_matching(session, municipality=municipality, query=call.query)
        collection = tabular.export_geojson(session, municipality=municipality, works=works, language=call.language)
    text = json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
    return _download(text, "application/geo+json", f"obras-{municipality.code}.geojson")


@endpoint("GET", BASE + "/export.csv", summary="Works as a spreadsheet (CSV, the columns the import takes)", tag=TAG,
          query=WorkQuery, errors=(404,), media_type="text/csv")
def export_csv(call: Call) -> Response:
    """UTF-8 with a BOM (Excel reads the accents right), comma-separated, geometry as WKT; it imports back
    unchanged."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        works = search.all_matching(session, municipality=municipality, query=call.query)
        text = tabular.export_csv(works)
    return _download(text, "text/csv; charset=utf-8", f"obras-{municipality.code}.csv")


routes = [import_works, export_oc4ids, export_geojson, export_csv]
