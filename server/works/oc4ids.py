"""The works register as an OC4IDS 0.9 project package, and back.

Export maps every field of a work onto the schema's own fields (nothing the schema does not define, so a
validator reports no additional fields), in a stable order, so two exports of the same data are identical and
exports diff cleanly. Import reads each project into a WorkCreate and creates or updates the work with that
number; a bad project is rejected with its reasons and the good ones still import.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor, authorize
from server.config import get_settings
from server.errors import BadRequest, Invalid
from server.i18n import Language, json_problem
from server.municipalities.models import Municipality
from server.works import service
from server.works.imports import Importer, issue, plain
from server.works.models import ImportReport, ProgressObservation, ProgressSource, Work
from server.works.oc4ids_read import field_adjuster, identifier_of, read_project

VERSION = "0.9"
LANGUAGE = "es"
# UN/CEFACT Recommendation 20 code for "percent".
PERCENT = {"name": "porcentaje", "scheme": "UNCEFACT", "id": "P1"}
METRICS = (("physicalProgress", "Avance físico", "physical_pct"),
           ("financialProgress", "Avance financiero", "financial_pct"))


# ------------------------------------------------------------------------------------------------ export


def authority_id(municipality: Municipality) -> str:
    """The party id of the municipality, the public authority of every work it registers."""
    return f"municipio-{municipality.code}"


def identifier_scheme(municipality: Municipality) -> str:
    return f"{municipality.country}-{municipality.code}-numero-obra"


def _instant(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(day: date | str | None, zone: ZoneInfo) -> str | None:
    """A date as the date-time OC4IDS wants: local midnight in the municipality."""
    if day is None:
        return None
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime.combine(day, time(0), tzinfo=zone).isoformat()


def _number(amount: Decimal | str | float) -> int | float:
    value = Decimal(str(amount))
    return int(value) if value == value.to_integral_value() else float(value)


def _value(amount: Decimal | str | float | None, currency: str) -> dict[str, Any] | None:
    return None if amount is None else {"amount": _number(amount), "currency": currency}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Without empty values: the schema wants at least one item in arrays and one property in objects."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _unique(wanted: list[str]) -> list[str]:
    """The ids as given, with a suffix where one repeats (ids must be unique within an array)."""
    taken: set[str] = set()
    result = []
    for candidate in wanted:
        chosen, counter = candidate, 2
        while chosen in taken:
            chosen, counter = f"{candidate}-{counter}", counter + 1
        taken.add(chosen)
        result.append(chosen)
    return result


def _parties(municipality: Municipality, work: Work) -> list[dict[str, Any]]:
    authority = {"id": authority_id(municipality), "name": municipality.name, "roles": ["publicAuthority"]}
    wanted = [authority["id"]]
    for number, party in enumerate(work.parties, start=1):
        ident = party.get("identifier") or {}
        wanted.append(party.get("id") or (f"{ident['scheme']}-{ident['id']}" if ident else f"party-{number}"))
    ids = _unique(wanted)
    parties = [authority]
    for party_id, party in zip(ids[1:], work.parties, strict=True):
        ident = party.get("identifier")
        parties.append(_compact({"id": party_id, "name": party["name"], "roles": list(party["roles"]),
                                 "identifier": {"scheme": ident["scheme"], "id": ident["id"]} if ident else None}))
    return parties


def _modifications(work: Work, zone: ZoneInfo) -> list[dict[str, Any]]:
    mods = work.contract_modifications
    old_values: dict[int, Decimal | None] = {}
    current = work.contract_value
    for index in sorted(range(len(mods)), key=lambda i: (str(mods[i]["date"]), i)):
        if mods[index]["type"] == "value" and mods[index].get("new_value") is not None:
            old_values[index] = current
            current = Decimal(str(mods[index]["new_value"]))
    ids = _unique([m.get("id") or f"mod-{n}" for n, m in enumerate(mods, start=1)])
    return [
        _compact({
            "id": mod_id,
            "date": _day(mod["date"], zone),
            "description": mod["description"],
            "type": mod["type"],
            "oldContractValue": _value(old_values.get(index), work.currency),
            "newContractValue": _value(mod.get("new_value"), work.currency),
            "newContractPeriod": _compact({"endDate": _day(mod.get("new_end_date"), zone)}),
        })
        for index, (mod_id, mod) in enumerate(zip(ids, mods, strict=True))
    ]


def _metrics(latest: dict[str, ProgressObservation], zone: ZoneInfo) -> list[dict[str, Any]]:
    metrics = []
    for metric_id, title, attribute in METRICS:
        row = latest.get(attribute)
        if row is not None:
            day = _day(row.observed_on, zone)
            metrics.append({
                "id": metric_id,
                "title": title,
                "description": "Último avance reportado por el municipio",
                "observations": [{"id": row.observed_on.isoformat(), "period": {"startDate": day, "endDate": day},
                                  "measure": getattr(row, attribute), "unit": dict(PERCENT)}],
            })
    return metrics


def project(municipality: Municipality, work: Work,
            latest: dict[str, ProgressObservation] | None = None) -> dict[str, Any]:
    """One work as an OC4IDS project (`latest`: the latest official observation per progress field)."""
    zone = ZoneInfo(municipality.timezone)
    parties = _parties(municipality, work)
    suppliers = [{"id": p["id"], "name": p["name"]} for p in parties if "supplier" in p["roles"]]
    contract = _compact({
        "externalReference": work.contract_number,
        "contractValue": _value(work.contract_value, work.currency),
        "suppliers": suppliers,
        "modifications": _modifications(work, zone),
    })
    location = _compact({
        "id": "1",
        "description": work.location_description,
        "geometry": plain(geo.to_geojson(work.geometry)) if work.geometry is not None else None,
    })
    completion = work.completion or {}
    documents = work.documents
    document_ids = _unique([d.get("id") or f"doc-{n}" for n, d in enumerate(documents, start=1)])
    return _compact({
        "id": service.oc4ids_id(municipality, work),
        "updated": _instant(work.updated_at),
        "language": LANGUAGE,
        "identifiers": [{"id": work.identifier, "scheme": identifier_scheme(municipality)}],
        "publicAuthority": {"id": parties[0]["id"], "name": parties[0]["name"]},
        "title": work.title,
        "description": work.description,
        "budget": _compact({
            "description": work.program,
            "amount": _value(work.budget_amount, work.currency),
            "finance": [{"id": "1", "source": work.funding_source}] if work.funding_source else None,
        }),
        "period": _compact({"startDate": _day(work.planned_start, zone), "endDate": _day(work.planned_end, zone)}),
        "locations": [location] if len(location) > 1 else None,
        "status": work.status,
        "type": work.type,
        "sector": list(work.sector),
        "purpose": work.purpose,
        "parties": parties,
        "implementationPeriod": _compact({"startDate": _day(work.actual_start, zone),
                                          "endDate": _day(work.actual_end, zone)}),
        "metrics": _metrics(latest or {}, zone),
        "completion": _compact({
            "endDate": _day(completion.get("end_date"), zone),
            "finalValue": _value(completion.get("final_value"), work.currency),
            "finalScope": completion.get("final_scope"),
            "finalScopeDetails": completion.get("final_scope_details"),
        }),
        "documents": [
            _compact({"id": doc_id, "documentType": doc["documentType"], "title": doc["title"], "url": doc.get("url"),
                      "datePublished": _day(doc.get("datePublished"), zone)})
            for doc_id, doc in zip(document_ids, documents, strict=True)
        ],
        "contractingProcesses": [{"id": "1", "summary": contract}] if contract else None,
    })


def _latest_official(session: Session, municipality: Municipality) -> dict[Any, dict[str, ProgressObservation]]:
    """Per work, the latest official observation of physical and of financial progress."""
    rows = session.scalars(
        sa.select(ProgressObservation)
        .where(ProgressObservation.municipality_id == municipality.id,
               ProgressObservation.source == ProgressSource.official)
        .order_by(ProgressObservation.observed_on, ProgressObservation.created_at, ProgressObservation.id)
    )
    latest: dict[Any, dict[str, ProgressObservation]] = {}
    for row in rows:
        for _, _, attribute in METRICS:
            if getattr(row, attribute) is not None:
                latest.setdefault(row.work_id, {})[attribute] = row
    return latest


def export_package(session: Session, *, municipality: Municipality, works: list[Work],
                   uri: str | None = None) -> dict[str, Any]:
    """An OC4IDS 0.9 project package of `works`, ordered by number. `publishedDate` is the last change to
    them (so the same data gives the same package); `uri` should be the address the package was served at."""
    settings = get_settings()
    works = sorted(works, key=lambda work: (work.identifier, str(work.id)))
    latest = _latest_official(session, municipality)
    published = max((work.updated_at for work in works), default=municipality.updated_at)
    package = {
        "version": VERSION,
        "uri": uri or f"urn:{settings.oc4ids_prefix}:{municipality.code}",
        "publishedDate": _instant(published),
        "publisher": {"name": municipality.name},
        "license": settings.oc4ids_license,
        "publicationPolicy": settings.oc4ids_publication_policy,
        "projects": [project(municipality, work, latest.get(work.id)) for work in works],
    }
    return {key: value for key, value in package.items() if value is not None}


def dumps(package: dict[str, Any]) -> str:
    """Deterministic JSON text (indented, so exports diff line by line)."""
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------------------------ import


def import_package(session: Session, *, actor: Actor, municipality: Municipality, package: Any,
                   language: Language = "es") -> ImportReport:
    """Create or update one work per project (matched by number); rejected projects leave nothing behind."""
    authorize(actor, "works.manage", municipality.id)
    projects = package.get("projects") if isinstance(package, dict) else None
    if not isinstance(projects, list):
        raise Invalid.for_field("projects", "not_oc4ids_package")
    prefix = get_settings().oc4ids_prefix
    importer = Importer(session, actor=actor, municipality=municipality, language=language)
    for row, data in enumerate(projects, start=1):
        if not isinstance(data, dict):
            importer.reject(row, None, [issue(None, "expected_object", language)])
            continue
        values, positions, issues = read_project(data, municipality=municipality, language=language)

        def read(existing: Work | None, values=values, issues=issues) -> tuple[dict, dict, list]:
            if existing is None:
                return values, {}, issues
            exported = json.loads(dumps(project(municipality, existing)))
            baseline, _, _ = read_project(exported, municipality=municipality, language=language)
            return values, baseline, issues

        importer.run(row, identifier_of(data, prefix), read, keep_missing=False, adjust=field_adjuster(positions))
    return importer.report


def import_json(session: Session, *, actor: Actor, municipality: Municipality, data: bytes,
                language: Language = "es") -> ImportReport:
    """Import an uploaded package: UTF-8 JSON (400 if it is not), an OC4IDS package (422 if it is not)."""
    authorize(actor, "works.manage", municipality.id)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
    try:
        package = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
    return import_package(session, actor=actor, municipality=municipality, package=package, language=language)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
