"""The works register as a municipal spreadsheet (CSV, in and out) and as GeoJSON (out).

The columns are the ones municipal staff already use, with Spanish headers (English aliases accepted); see
docs/works-import.md. A CSV export imports back unchanged. Each row is imported on its own: a broken row is
rejected with reasons and the good rows still import. A column the file does not have leaves that field of an
existing work as it is; an empty cell in a column it has clears the field.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shapely import wkt as shapely_wkt
from shapely.errors import ShapelyError
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor, authorize
from server.errors import BadRequest, Invalid
from server.i18n import N_, Language
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.works import codelists, service
from server.works.cells import WORDS, code_of, guard, parse_amount, parse_day, parse_degrees, unguard
from server.works.imports import Importer, issue, mention, plain
from server.works.models import ImportReport, Work

# A polygon's WKT can be long; the csv module refuses cells over 128 KiB by default.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


@dataclass(frozen=True)
class Column:
    name: str
    field: str  # the WorkCreate field it fills
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS = (
    Column("numero_obra", "identifier", ("numero_de_obra", "no_de_obra", "no_obra", "num_obra", "identifier"), True),
    Column("nombre", "title", ("nombre_de_la_obra", "nombre_obra", "titulo", "title", "name"), True),
    Column("descripcion", "description", ("description",)),
    Column("proposito", "purpose", ("objetivo", "purpose")),
    Column("estatus", "status", ("estado", "situacion", "status")),
    Column("tipo", "type", ("tipo_de_obra", "type")),
    Column("sector", "sector", ("sectores", "sectors")),
    Column("monto", "budget_amount", ("presupuesto", "monto_autorizado", "importe", "budget", "budget_amount")),
    Column("moneda", "currency", ("currency",)),
    Column("fuente_financiamiento", "funding_source", ("fuente_de_financiamiento", "fuente", "funding_source")),
    Column("programa", "program", ("program",)),
    Column("contratista", "parties", ("empresa", "proveedor", "contractor", "supplier")),
    Column("rfc_contratista", "parties", ("rfc", "ruc_contratista", "ruc", "contractor_tax_id")),
    Column("numero_contrato", "contract_number", ("numero_de_contrato", "no_de_contrato", "no_contrato",
                                                  "contract_number")),
    Column("monto_contrato", "contract_value", ("monto_del_contrato", "importe_contrato", "contract_value")),
    Column("inicio_programado", "planned_start", ("fecha_de_inicio", "fecha_inicio", "planned_start")),
    Column("fin_programado", "planned_end", ("fecha_de_termino", "fecha_termino", "fecha_fin", "planned_end")),
    Column("inicio_real", "actual_start", ("actual_start",)),
    Column("fin_real", "actual_end", ("actual_end",)),
    Column("ubicacion", "location_description", ("direccion", "domicilio", "location", "location_description")),
    Column("wkt", "geometry", ("geometria", "geometry")),
    Column("latitud", "geometry", ("lat", "latitude")),
    Column("longitud", "geometry", ("lon", "lng", "long", "longitude")),
)
HEADER = [column.name for column in COLUMNS]
TEXT = ("numero_obra", "nombre", "descripcion", "proposito", "fuente_financiamiento", "programa", "contratista",
        "rfc_contratista", "numero_contrato", "ubicacion")
COLUMN_OF_NAME = {column.name: column.field for column in COLUMNS}
# The column to name in a reason about a WorkCreate field (geometry depends on the row: wkt or latitud).
COLUMN_OF = {**{c.field: c.name for c in reversed(COLUMNS) if c.field != "geometry"}, "identifier": "numero_obra"}
TAX_ID_SCHEME = {"MX": "MX-RFC", "PE": "PE-RUC"}
PARSED = {"monto": (parse_amount, N_("invalid_amount")), "monto_contrato": (parse_amount, N_("invalid_amount")),
          **{name: (parse_day, N_("invalid_day")) for name in ("inicio_programado", "fin_programado", "inicio_real",
                                                           "fin_real")}}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", service.fold(text.strip())).strip("_")


LOOKUP = {_key(alias): column.name for column in COLUMNS for alias in (column.name, *column.aliases)}


def _suppliers(names: list[str], tax_ids: list[str] | None, stored: list[dict[str, Any]],
               scheme: str) -> list[dict[str, Any]]:
    """Supplier parties for the names (and tax ids, by position); a stored supplier with the same name (and tax
    id, if the file has that column) is kept as it is."""
    parties = []
    for position, name in enumerate(names):
        tax_id = None if tax_ids is None else (tax_ids[position] if position < len(tax_ids) else "")
        for party in stored:
            if party["name"] == name and tax_id in (None, (party.get("identifier") or {}).get("id", "")):
                parties.append(party)
                break
        else:
            identifier = {"scheme": scheme, "id": tax_id} if tax_id else None
            parties.append({"id": None, "name": name, "roles": ["supplier"], "identifier": identifier})
    return parties


def read_row(cell: dict[str, str], *, municipality: Municipality, parties: list[dict[str, Any]],
             language: Language) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """WorkCreate values from a row's cells (only the columns the file has) and why they cannot be read."""
    values: dict[str, Any] = {}
    issues: list[dict[str, Any]] = []

    def fail(column: str, code: str, **params: Any) -> None:
        issues.append(issue(column, code, language, **params))

    for name in ("nombre", "descripcion", "proposito", "fuente_financiamiento", "programa", "numero_contrato",
                 "ubicacion"):
        if name in cell:
            values[COLUMN_OF_NAME[name]] = cell[name] or None
    if "nombre" in cell and not cell["nombre"]:
        fail("nombre", "missing")
    for name, codelist in (("estatus", "projectStatus"), ("tipo", "projectType")):
        if cell.get(name):
            code = code_of(cell[name], codelist)
            if code is None:
                fail(name, "unknown_status" if name == "estatus" else "unknown_type", value=cell[name],
                     codes=", ".join(sorted(codelists.codes(codelist))), words=", ".join(WORDS[codelist]))
            values[COLUMN_OF_NAME[name]] = code
        elif name == "tipo" and name in cell:
            values["type"] = None
    if "sector" in cell:
        values["sector"] = [part.strip() for part in cell["sector"].split(";") if part.strip()]
    if cell.get("moneda"):
        values["currency"] = cell["moneda"].upper()
    for name, (parse, code) in PARSED.items():
        if name in cell:
            try:
                values[COLUMN_OF_NAME[name]] = parse(cell[name]) if cell[name] else None
            except ValueError:
                fail(name, code, value=cell[name])
    if "contratista" in cell or "rfc_contratista" in cell:
        names = [part.strip() for part in cell.get("contratista", "").split(";") if part.strip()]
        tax_ids = [part.strip() for part in cell["rfc_contratista"].split(";")] if "rfc_contratista" in cell else None
        if tax_ids is not None and any(tax_ids) and not names:
            fail("rfc_contratista", "rfc_without_contractor")
        stored_suppliers = [p for p in parties if "supplier" in p.get("roles", [])]
        scheme = TAX_ID_SCHEME.get(municipality.country, f"{municipality.country}-TAX")
        values["parties"] = [p for p in parties if "supplier" not in p.get("roles", [])] + _suppliers(
            names, tax_ids, stored_suppliers, scheme)
    if {"wkt", "latitud", "longitud"} & set(cell):
        values["geometry"] = _geometry(cell, municipality, fail)
    return values, issues


def _geometry(cell: dict[str, str], municipality: Municipality, fail: Any) -> dict[str, Any] | None:
    point = None
    lat_text, lon_text = cell.get("latitud", ""), cell.get("longitud", "")
    if lat_text or lon_text:
        if not (lat_text and lon_text):
            fail("latitud" if not lat_text else "longitud", "incomplete_point")
            return None
        try:
            lat, lon = parse_degrees(lat_text), parse_degrees(lon_text)
        except ValueError:
            fail("latitud", "invalid_coordinate", value=f"{lat_text}, {lon_text}")
            return None
        if not -90 <= lat <= 90 and -90 <= lon <= 90 and -180 <= lat <= 180:
            try:  # out of range as given, but inside the municipality the other way round
                municipalities.check_point(municipality, lon=lat, lat=lon)
                fail("latitud", "latlon_swapped", municipality=municipality.name)
                return None
            except Invalid:
                pass
        point = {"type": "Point", "coordinates": [lon, lat]}
    if not cell.get("wkt"):
        return point
    try:
        shape = shapely_wkt.loads(cell["wkt"])
    except (ShapelyError, ValueError, TypeError):
        fail("wkt", "invalid_wkt", value=cell["wkt"][:60])
        return None
    geometry = plain(geo.to_geojson(shape))
    if point is not None and geometry != point:
        fail("wkt", "geometry_conflict")
    return geometry


# ------------------------------------------------------------------------------------------------ import


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252/Latin-1 (Excel on Windows)."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
            if "\x00" in text:  # a NUL character, which PostgreSQL cannot store
                raise BadRequest("not_a_csv")
            return text
    except UnicodeDecodeError as exc:
        raise BadRequest("not_a_csv") from exc
    if b"\x00" in data:
        raise BadRequest("not_a_csv")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff(text: str) -> str:
    """The delimiter: whichever of , ; or tab the header line has most of."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=header.count)


def read_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column name -> position, and the headers Vigía does not know; 422 if a required column is missing."""
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored = []
    for position, text in enumerate(cells):
        name = LOOKUP.get(_key(text))
        if name is None:
            if text.strip():
                ignored.append(text.strip())
        elif name in positions:
            raise Invalid("duplicate_column", details=[{"field": name, "code": "duplicate_column", "params": {
                "first": headers[name], "second": text.strip(), "column": name}}], first=headers[name],
                second=text.strip(), column=name)
        else:
            positions[name], headers[name] = position, text.strip()
    missing = [c.name for c in COLUMNS if c.required and c.name not in positions]
    if ("latitud" in positions) != ("longitud" in positions):
        missing.append("longitud" if "latitud" in positions else "latitud")
    if missing:
        raise Invalid("missing_columns", columns=", ".join(missing), details=[
            {"field": name, "code": "missing_column", "params": {"column": name}} for name in missing])
    return positions, ignored


def _cells(row: list[str], positions: dict[str, int]) -> dict[str, str]:
    cells = {name: row[i].strip() if i < len(row) else "" for name, i in positions.items()}
    return {name: unguard(text) if name in TEXT else text for name, text in cells.items()}


def _adjust(from_point: bool, municipality: Municipality, language: Language):
    """Name the column a reason is about (a swapped point gets the message about columns, not about order)."""

    def adjust(detail: dict[str, Any]) -> dict[str, Any]:
        if not detail.get("field"):
            return mention(detail, COLUMN_OF)
        head = detail["field"].split(".")[0]
        if head == "geometry":
            if from_point and detail["code"] in ("coordinates_swapped", N_("coordinates_look_swapped")):
                return issue("latitud", "latlon_swapped", language, municipality=municipality.name)
            return {**detail, "field": "latitud" if from_point else "wkt"}
        return {**detail, "field": COLUMN_OF.get(head, detail.get("field"))}

    return adjust


def import_csv(session: Session, *, actor: Actor, municipality: Municipality, data: bytes,
               language: Language = "es") -> ImportReport:
    """Create or update one work per row (matched by numero_obra); rejected rows leave nothing behind."""
    authorize(actor, "works.manage", municipality.id)
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff(text))
    try:
        header = next(reader, None)
        if header is None:
            raise BadRequest("empty_body")
        positions, ignored = read_header(header)
        importer = Importer(session, actor=actor, municipality=municipality, language=language)
        importer.report.ignored_columns = ignored
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if any(cell.strip() for cell in row[len(header):]):
                importer.reject(number, None, [issue(None, "too_many_cells", language, count=len(row),
                                                     expected=len(header))])
                continue
            cells = _cells(row, positions)

            def read(existing: Work | None, cells: dict[str, str] = cells) -> tuple[dict, dict, list]:
                parties = existing.parties if existing is not None else []
                values, issues = read_row(cells, municipality=municipality, parties=parties, language=language)
                if existing is None:
                    return values, {}, issues
                exported = _cells(list(export_row(existing).values()), {name: i for i, name in enumerate(HEADER)})
                baseline, _ = read_row(exported, municipality=municipality, parties=parties, language=language)
                return values, baseline, issues

            from_point = bool(cells.get("latitud") or cells.get("longitud")) and not cells.get("wkt")
            importer.run(number, cells["numero_obra"] or None, read, keep_missing=True,
                         adjust=_adjust(from_point, municipality, language))
    except csv.Error as exc:
        raise BadRequest("not_a_csv") from exc
    return importer.report


# ------------------------------------------------------------------------------------------------ export


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:f}"


def export_row(work: Work) -> dict[str, str]:
    """A work as spreadsheet cells, in HEADER order."""
    suppliers = [p for p in work.parties if "supplier" in p.get("roles", [])]
    tax_ids = [(p.get("identifier") or {}).get("id") or "" for p in suppliers]
    shape = geo.from_db(work.geometry)
    point = shape if shape is not None and shape.geom_type == "Point" else None
    row = {
        "numero_obra": work.identifier, "nombre": work.title, "descripcion": work.description,
        "proposito": work.purpose, "estatus": work.status, "tipo": work.type, "sector": ";".join(work.sector),
        "monto": _money(work.budget_amount), "moneda": work.currency, "fuente_financiamiento": work.funding_source,
        "programa": work.program, "contratista": "; ".join(p["name"] for p in suppliers),
        "rfc_contratista": "; ".join(tax_ids) if any(tax_ids) else "", "numero_contrato": work.contract_number,
        "monto_contrato": _money(work.contract_value),
        "inicio_programado": work.planned_start, "fin_programado": work.planned_end,
        "inicio_real": work.actual_start, "fin_real": work.actual_end, "ubicacion": work.location_description,
        "wkt": shape.wkt if shape is not None else "",
        "latitud": repr(point.y) if point is not None else "", "longitud": repr(point.x) if point is not None else "",
    }
    cells = {name: "" if row[name] is None else str(row[name]) for name in HEADER}
    return {name: guard(text) if name in TEXT else text for name, text in cells.items()}


def export_csv(works: list[Work]) -> str:
    """The works as CSV text, by number, with a BOM so that Excel reads the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for work in sorted(works, key=lambda w: (w.identifier, str(w.id))):
        writer.writerow(export_row(work).values())
    return "\ufeff" + out.getvalue()


def export_geojson(session: Session, *, municipality: Municipality, works: list[Work],
                   language: Language = "es") -> dict[str, Any]:
    """A FeatureCollection with one feature per work (geometry null where it has none), by number."""
    works = sorted(works, key=lambda w: (w.identifier, str(w.id)))
    summaries = service.summaries(session, works, municipality=municipality, language=language)
    features = []
    for work, summary in zip(works, summaries, strict=True):
        properties = {
            "identifier": work.identifier, "oc4ids_id": service.oc4ids_id(municipality, work), "title": work.title,
            "status": work.status, "type": work.type, "sector": list(work.sector),
            "budget_amount": float(work.budget_amount) if work.budget_amount is not None else None,
            "currency": work.currency, "funding_source": work.funding_source, "program": work.program,
            "contractor": work.contractor, "contract_number": work.contract_number,
            "contract_value": float(work.contract_value) if work.contract_value is not None else None,
            "current_contract_value": (float(work.current_contract_value)
                                       if work.current_contract_value is not None else None),
            "planned_start": work.planned_start, "planned_end": work.planned_end,
            "actual_start": work.actual_start, "actual_end": work.actual_end,
            "location_description": work.location_description,
            "zones": [zone.code for zone in summary.zones],
            "physical_official_pct": work.physical_official_pct,
            "financial_official_pct": work.financial_official_pct,
            "physical_observed_pct": work.physical_observed_pct,
            "risks": [risk.code for risk in summary.risks],
        }
        features.append({"type": "Feature", "id": str(work.id), "geometry": plain(geo.to_geojson(work.geometry)),
                         "properties": plain(properties)})
    return {"type": "FeatureCollection", "features": features}
