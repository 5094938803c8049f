"""Spreadsheets: a municipal CSV imports row by row (broken rows are rejected with the row number and the reason,
good rows import), re-imports change nothing, Excel's Latin-1 and semicolons work, and the CSV and GeoJSON
exports are what a person downloads and can import back."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import geo
from server.errors import BadRequest, Invalid
from server.works import search, tabular
from server.works.models import Work, WorkQuery
from tests.factories import bearer, municipality, token_for
from tests.test_app import assert_error_shape
from tests.works.samples import rich_works, staff

IMPORT = "/api/v1/municipalities/10005/works/import"
EXPORT = "/api/v1/municipalities/10005/works/export"

MIXED = """\
numero_obra,nombre,estatus,monto,inicio_programado,fin_programado,contratista,rfc_contratista,wkt,latitud,longitud,observaciones
T-01,Pavimentación de la calle Negrete,en proceso,"$1,234,567.89",01/03/2026,2026-09-30,Constructora del Guadiana,CGU0101011A1,,24.0277,-104.6657,buena
T-02,Banquetas de la calle Pino,Terminada,850000,,,,,"LINESTRING (-104.67 24.025, -104.66 24.026)",,,
T-03,Parque de la colonia Guadiana,planeación,,,,,,"POLYGON ((-104.669 24.029, -104.667 24.029, -104.667 24.031, -104.669 24.029))",,,
T-04,Obra con monto roto,en proceso,12abc,,,,,,,,
T-05,Obra con fecha rota,en proceso,,31/02/2026,,,,,,,
,,,,,,,,,,,
T-06,Obra con estatus raro,pausada,,,,,,,,,
T-07,Obra con WKT roto,,,,,,,"LINESTRING (-104.67 24.025",,,
T-08,Obra en la Ciudad de México,,,,,,,,19.4326,-99.1332,
T-09,Obra con coordenadas al revés,,,,,,,,-104.6657,24.0277,
,Obra sin número,,,,,,,,,,
T-10,,en proceso,,,,,,,,,
T-01,Obra repetida,,,,,,,,,,
T-11,Obra con fechas al revés,,,2026-09-30,2026-03-01,,,,,,
T-12,Obra con medio punto,,,,,,,,24.0277,,
T-13,Obra con RFC sin contratista,,,,,,CGU0101011A1,,,,
"""


def _import(session, text: str | bytes, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return tabular.import_csv(session, actor=staff(session), municipality=municipality(session), data=data, **kwargs)


def _work(session, number: str) -> Work:
    demo = municipality(session)
    return session.scalar(sa.select(Work).where(Work.municipality_id == demo.id, Work.identifier == number))


def test_broken_rows_are_reported_with_their_row_number_and_the_good_rows_import(session) -> None:
    report = _import(session, MIXED)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 12)
    assert report.ignored_columns == ["observaciones"]
    reasons = {row.row: [(e.field, e.code) for e in row.errors] for row in report.rows if row.result == "rejected"}
    assert reasons == {
        5: [("monto", "invalid_amount")],
        6: [("inicio_programado", "invalid_day")],
        8: [("estatus", "unknown_status")],
        9: [("wkt", "invalid_wkt")],
        10: [("latitud", "point_outside_municipality")],
        11: [("latitud", "latlon_swapped")],
        12: [("numero_obra", "missing")],
        13: [("nombre", "missing")],
        14: [("numero_obra", "duplicate_identifier")],
        15: [(None, "value_error")],
        16: [("longitud", "incomplete_point")],
        17: [("rfc_contratista", "rfc_without_contractor")],
    }
    messages = {row.row: row.errors[0].message for row in report.rows if row.errors}
    assert messages[5] == "Monto no válido: 12abc (use p. ej. 1234567.89, 1,234,567.89 o $1,234,567.89)."
    assert messages[6] == "Fecha no válida: 31/02/2026 (use AAAA-MM-DD o DD/MM/AAAA)."
    assert messages[8].startswith("Estatus desconocido: pausada.")
    assert messages[10] == "El punto está fuera del municipio de Durango."
    assert "intercambiadas" in messages[11]
    assert messages[14] == "La obra T-01 ya aparece en la fila 2; cada número de obra va una sola vez."
    assert messages[15] == "La fecha de inicio programada es posterior a la de término programada."

    first = _work(session, "T-01")
    assert (first.status, first.budget_amount, first.planned_start, first.planned_end) == (
        "implementation", Decimal("1234567.89"), date(2026, 3, 1), date(2026, 9, 30))
    assert first.contractor == "Constructora del Guadiana"
    assert first.parties[0]["identifier"] == {"scheme": "MX-RFC", "id": "CGU0101011A1"}
    assert geo.to_geojson(first.geometry) == {"type": "Point", "coordinates": (-104.6657, 24.0277)}
    assert _work(session, "T-02").status == "completion"
    assert geo.from_db(_work(session, "T-02").geometry).geom_type == "LineString"
    for rejected in ("T-04", "T-05", "T-06", "T-07", "T-08", "T-09", "T-10", "T-11", "T-12", "T-13"):
        assert _work(session, rejected) is None  # a rejected row leaves nothing behind


def test_the_example_in_the_documentation_imports(session) -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "works-import.md").read_text("utf-8")
    example = re.search(r"```csv\n(.*?)```", guide, re.S).group(1)
    report = _import(session, example)
    assert [(row.identifier, row.result) for row in report.rows] == [("OP-2026-101", "created"),
                                                                    ("OP-2026-102", "created")]
    paved = _work(session, "OP-2026-101")
    assert (paved.contract_value, paved.planned_start, paved.type) == (Decimal("1180000"), date(2026, 3, 2),
                                                                       "construction")
    assert geo.from_db(_work(session, "OP-2026-102").geometry).geom_type == "Point"


def test_reimporting_the_same_file_changes_nothing(session) -> None:
    first = _import(session, MIXED)
    version = _work(session, "T-01").version
    again = _import(session, MIXED)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert [row.result for row in again.rows] == [row.result.replace("created", "unchanged") for row in first.rows]
    assert _work(session, "T-01").version == version


def test_latin1_with_semicolons_as_excel_saves_it(session) -> None:
    text = ("Número de obra;Nombre de la obra;Estatus;Monto;Latitud;Longitud;Fecha de inicio;Tipo\r\n"
            "L-01;Ampliación de la red de agua en Analco;En ejecución;1234567,89;24,0150;-104,6500;15/03/2026;"
            "ampliación\r\n")
    report = _import(session, text.encode("latin-1"))
    assert report.created == 1, report
    work = _work(session, "L-01")
    assert work.title == "Ampliación de la red de agua en Analco"
    assert (work.status, work.type, work.budget_amount) == ("implementation", "expansion", Decimal("1234567.89"))
    assert work.planned_start == date(2026, 3, 15)
    assert geo.to_geojson(work.geometry)["coordinates"] == (-104.65, 24.015)


def test_csv_export_imports_back_unchanged(session) -> None:
    rich_works(session, staff(session))
    demo = municipality(session)
    works = search.all_matching(session, municipality=demo, query=WorkQuery())
    text = tabular.export_csv(works)
    assert text.startswith("\ufeffnumero_obra,nombre,descripcion,")
    versions = dict(session.execute(sa.select(Work.identifier, Work.version)).all())
    report = _import(session, text.encode("utf-8"))
    assert report.unchanged == len(works) and report.rejected == report.updated == 0
    assert dict(session.execute(sa.select(Work.identifier, Work.version)).all()) == versions
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["numero_obra"] for row in rows] == sorted(row["numero_obra"] for row in rows)
    full = next(row for row in rows if row["numero_obra"] == "EXP-01")
    assert full["monto"] == "4250000.50" and full["estatus"] == "implementation"
    assert full["contratista"] == "Constructora del Guadiana, S.A. de C.V."
    assert full["rfc_contratista"] == "CGU0101011A1"
    assert full["wkt"].startswith("POLYGON ((-104.669 24.029")
    point = next(row for row in rows if row["numero_obra"] == "EXP-02")
    assert (point["latitud"], point["longitud"]) == ("24.0277", "-104.6657")


def test_a_file_without_some_columns_leaves_those_fields_alone(session) -> None:
    rich_works(session, staff(session))
    before = _work(session, "EXP-01")
    documents, parties, geometry = list(before.documents), list(before.parties), geo.to_geojson(before.geometry)
    report = _import(session, "numero_obra,nombre,estatus\nEXP-01,Rehabilitación del mercado Gómez Palacio,concluida\n")
    assert report.rows[0].result == "updated"
    work = _work(session, "EXP-01")
    assert work.status == "completion" and work.version == 2
    assert (work.documents, work.parties, geo.to_geojson(work.geometry)) == (documents, parties, geometry)


def test_cells_that_look_like_formulas_are_exported_harmlessly(session) -> None:
    _import(session, 'numero_obra,nombre\nF-1,"=HYPERLINK(""http://malo.example"",""clic"")"\n')
    text = tabular.export_csv([_work(session, "F-1")])
    assert "'=HYPERLINK" in text
    assert _import(session, text.encode("utf-8")).unchanged == 1
    assert _work(session, "F-1").title.startswith("=HYPERLINK")


@pytest.mark.parametrize("content,code", [
    (b"nombre,estatus\nObra,en proceso\n", "missing_columns"),
    (b"numero_obra,nombre,latitud\nA-1,Obra,24.02\n", "missing_columns"),
    ("Número de obra,numero_obra,nombre\n".encode(), "duplicate_column"),
])
def test_a_file_without_the_required_columns_is_refused(session, content: bytes, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        _import(session, content)
    assert refused.value.code == code


def test_a_workbook_is_not_a_csv(session) -> None:
    with pytest.raises(BadRequest) as refused:
        _import(session, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
    assert "CSV UTF-8" in refused.value.message("es")


def test_an_unquoted_comma_is_caught(session) -> None:
    report = _import(session, "numero_obra,nombre,monto\nC-1,Obra,1,234.50\n")
    assert report.rows[0].errors[0].code == "too_many_cells"
    assert report.rows[0].row == 2


# ------------------------------------------------------------------------------------------------ HTTP


def test_csv_import_and_exports_over_http(client, session) -> None:
    rich_works(session, staff(session))
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    response = client.post(IMPORT, content=MIXED.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["rejected"]) == (3, 12)
    assert body["rows"][0] == {"row": 2, "identifier": "T-01", "result": "created", "errors": []}

    exported = client.get(EXPORT + ".csv")  # public
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"] == 'attachment; filename="obras-10005.csv"'
    again = client.post(IMPORT, content=exported.content, headers={**headers, "Content-Type": "text/csv"}).json()
    assert again["unchanged"] == len(again["rows"]) and again["rejected"] == 0

    filtered = client.get(EXPORT + ".csv?status=completion&q=T-02")
    assert [row["numero_obra"] for row in csv.DictReader(io.StringIO(filtered.text.lstrip("\ufeff")))] == ["T-02"]

    geojson = client.get(EXPORT + ".geojson?q=EXP-0")
    assert geojson.status_code == 200
    assert geojson.headers["content-type"] == "application/geo+json"
    collection = geojson.json()
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["properties"]["identifier"] for f in features] == [f"EXP-0{n}" for n in range(1, 8)]
    full = features[0]
    assert full["geometry"]["type"] == "Polygon"
    assert full["properties"]["contractor"] == "Constructora del Guadiana, S.A. de C.V."
    assert full["properties"]["budget_amount"] == 4250000.5
    assert full["properties"]["current_contract_value"] == 4210000
    assert full["properties"]["zones"] == ["10005-Z01"]
    assert full["properties"]["physical_official_pct"] == 35
    assert features[-1]["geometry"] is None  # EXP-07 has no place yet


def test_http_csv_errors_have_the_one_shape(client, session) -> None:
    headers = bearer(token_for(session, "contraloria@vigia.example"))
    plain = client.post(IMPORT, content=b"numero_obra,nombre\n", headers={**headers, "Content-Type": "text/plain"})
    assert_error_shape(plain, 415, "unsupported_media_type_of")
    missing = client.post(IMPORT, content=b"nombre\nObra\n", headers={**headers, "Content-Type": "text/csv"})
    error = assert_error_shape(missing, 422, "missing_columns")
    assert error["details"] == [{"field": "numero_obra", "code": "missing_column",
                                 "message": "Falta la columna numero_obra."}]
    binary = client.post(IMPORT, content=b"PK\x03\x04\x00\x00", headers={**headers, "Content-Type": "text/csv"})
    assert_error_shape(binary, 400, "not_a_csv")
    empty = client.post(IMPORT, content=b"", headers={**headers, "Content-Type": "text/csv"})
    assert_error_shape(empty, 400, "empty_body")
    english = client.post(IMPORT, content=b"numero_obra,nombre,monto\nX-1,Obra,mucho\n",
                          headers={**headers, "Content-Type": "text/csv", "Accept-Language": "en"})
    assert english.json()["rows"][0]["errors"][0]["message"].startswith("Invalid amount: mucho")
