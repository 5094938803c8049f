"""Reading an OC4IDS project into WorkCreate values, with the reasons it cannot be read.

Tolerant of what other publishers send (a missing object, several locations of one kind, a `rationale` instead of
a `description`), strict where Vigía would lose data (several contracts, locations of different kinds).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from server.i18n import Language
from server.municipalities.models import Municipality
from server.works.imports import issue, mention, parse_instant

# Where each WorkCreate field comes from in a project, to name the field in a rejected project's reasons.
PATHS = {
    "identifier": "identifiers.0.id", "budget_amount": "budget.amount.amount", "currency": "budget.amount.currency",
    "funding_source": "budget.finance.0.source", "program": "budget.description",
    "contract_number": "contractingProcesses.0.summary.externalReference",
    "contract_value": "contractingProcesses.0.summary.contractValue.amount",
    "contract_modifications": "contractingProcesses.0.summary.modifications",
    "planned_start": "period.startDate", "planned_end": "period.endDate",
    "actual_start": "implementationPeriod.startDate", "actual_end": "implementationPeriod.endDate",
    "location_description": "locations.0.description", "geometry": "locations.0.geometry",
}
INNER = {"end_date": "endDate", "final_value": "finalValue.amount", "final_scope": "finalScope",
         "final_scope_details": "finalScopeDetails", "new_value": "newContractValue.amount",
         "new_end_date": "newContractPeriod.endDate"}
CENTS = Decimal("0.01")
MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}


class _Reader:
    """Reads one project, collecting the reasons it cannot be read instead of stopping at the first."""

    def __init__(self, language: Language, zone: str) -> None:
        self.language = language
        self.zone = zone
        self.issues: list[dict[str, Any]] = []

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if data is None or isinstance(data, dict):
            return data or {}
        self.issues.append(issue(path, "expected_object", self.language))
        return {}

    def items(self, data: Any, path: str) -> list[Any]:
        if data is None or isinstance(data, list):
            return data or []
        self.issues.append(issue(path, "expected_list", self.language))
        return []

    def day(self, data: Any, path: str) -> date | None:
        if data is None:
            return None
        try:
            return parse_instant(data, self.zone)
        except (ValueError, TypeError):
            self.issues.append(issue(path, "invalid_instant", self.language, value=str(data)[:40]))
            return None

    def amount(self, data: Any, path: str) -> Any:
        """A Value's amount; a number with cents at most becomes a Decimal with two places, as stored."""
        found = self.obj(data, path).get("amount")
        if isinstance(found, (int, float)) and not isinstance(found, bool) and math.isfinite(found):
            exact = Decimal(str(found))
            return exact.quantize(CENTS) if exact == exact.quantize(CENTS) else exact
        return found

    @staticmethod
    def pick(data: dict[str, Any], **names: str) -> dict[str, Any]:
        """{our name: data[their name]} for the names present."""
        return {ours: data[theirs] for ours, theirs in names.items() if theirs in data}


def identifier_of(data: dict[str, Any], prefix: str) -> str | None:
    identifiers = data.get("identifiers")
    if isinstance(identifiers, list) and identifiers and isinstance(identifiers[0], dict):
        found = identifiers[0].get("id")
        if isinstance(found, (str, int)) and not isinstance(found, bool) and str(found).strip():
            return str(found).strip()
    project_id = data.get("id")
    if not isinstance(project_id, str) or not project_id.strip():
        return None
    match = re.fullmatch(rf"{re.escape(prefix)}-[^-]+-(.+)", project_id.strip())
    return match.group(1) if match else project_id.strip()


def _geometry(reader: _Reader, geometries: list[Any]) -> dict[str, Any] | None:
    """One geometry from the locations' (several of the same kind become a Multi geometry)."""
    if len(geometries) <= 1:
        return geometries[0] if geometries else None
    kinds = {MULTI.get(g.get("type"), g.get("type")) if isinstance(g, dict) else None for g in geometries}
    if len(kinds) != 1 or None in kinds or next(iter(kinds)) not in MULTI.values():
        types = ", ".join(sorted(str(g.get("type")) if isinstance(g, dict) else "?" for g in geometries))
        reader.issues.append(issue("locations", "mixed_locations", reader.language, types=types))
        return None
    members: list[Any] = []
    for g in geometries:
        if g["type"].startswith("Multi"):
            members.extend(g.get("coordinates") or [])
        else:
            members.append(g.get("coordinates"))
    return {"type": next(iter(kinds)), "coordinates": members}


def read_project(data: dict[str, Any], *, municipality: Municipality, language: Language
                 ) -> tuple[dict[str, Any], list[int], list[dict[str, Any]]]:
    """WorkCreate values from a project, where each kept party came from, and why it cannot be read."""
    r = _Reader(language, municipality.timezone)
    values = r.pick(data, title="title", description="description", purpose="purpose", status="status",
                    type="type", sector="sector")
    budget = r.obj(data.get("budget"), "budget")
    values["budget_amount"] = r.amount(budget.get("amount"), "budget.amount")
    values["program"] = budget.get("description")
    finance = [f for f in r.items(budget.get("finance"), "budget.finance") if isinstance(f, dict) and f.get("source")]
    values["funding_source"] = finance[0]["source"] if finance else None
    currencies = [r.obj(budget.get("amount"), "budget.amount").get("currency")]

    authority = r.obj(data.get("publicAuthority"), "publicAuthority").get("id")
    parties, positions = [], []
    for position, party in enumerate(r.items(data.get("parties"), "parties")):
        if not isinstance(party, dict):
            r.issues.append(issue(f"parties.{position}", "expected_object", language))
            continue
        party_id = party.get("id")
        if party_id is not None and party_id == authority and str(party_id).startswith("municipio-"):
            continue  # the municipality itself: the importing municipality is the public authority
        kept = r.pick(party, id="id", name="name", roles="roles")
        ident = r.obj(party.get("identifier"), f"parties.{position}.identifier")
        if ident:
            kept["identifier"] = r.pick(ident, scheme="scheme", id="id")
        parties.append(kept)
        positions.append(position)
    values["parties"] = parties

    processes = r.items(data.get("contractingProcesses"), "contractingProcesses")
    if len(processes) > 1:
        r.issues.append(issue("contractingProcesses", "multiple_contracts", language, count=len(processes)))
    path = "contractingProcesses.0.summary"
    summary = r.obj(r.obj(processes[0], "contractingProcesses.0").get("summary"), path) if processes else {}
    values["contract_number"] = summary.get("externalReference")
    values["contract_value"] = r.amount(summary.get("contractValue"), path + ".contractValue")
    currencies.append(r.obj(summary.get("contractValue"), path + ".contractValue").get("currency"))
    modifications = []
    for n, mod in enumerate(r.items(summary.get("modifications"), path + ".modifications")):
        where = f"{path}.modifications.{n}"
        mod = r.obj(mod, where)
        item = r.pick(mod, id="id", type="type", description="description")
        if "description" not in item and "rationale" in mod:
            item["description"] = mod["rationale"]
        if "date" in mod:
            item["date"] = r.day(mod["date"], where + ".date")
        item["new_value"] = r.amount(mod.get("newContractValue"), where + ".newContractValue")
        period = r.obj(mod.get("newContractPeriod"), where + ".newContractPeriod")
        item["new_end_date"] = r.day(period.get("endDate"), where + ".newContractPeriod.endDate")
        modifications.append(item)
    values["contract_modifications"] = modifications
    if any(isinstance(c, str) for c in currencies):
        values["currency"] = next(c for c in currencies if isinstance(c, str))

    for field, name in (("planned", "period"), ("actual", "implementationPeriod")):
        period = r.obj(data.get(name), name)
        values[f"{field}_start"] = r.day(period.get("startDate"), f"{name}.startDate")
        values[f"{field}_end"] = r.day(period.get("endDate"), f"{name}.endDate")

    documents = []
    for n, doc in enumerate(r.items(data.get("documents"), "documents")):
        doc = r.obj(doc, f"documents.{n}")
        item = r.pick(doc, id="id", documentType="documentType", title="title", url="url")
        item["datePublished"] = r.day(doc.get("datePublished"), f"documents.{n}.datePublished")
        documents.append(item)
    values["documents"] = documents

    completion = r.obj(data.get("completion"), "completion")
    done = r.pick(completion, final_scope="finalScope", final_scope_details="finalScopeDetails")
    done["end_date"] = r.day(completion.get("endDate"), "completion.endDate")
    done["final_value"] = r.amount(completion.get("finalValue"), "completion.finalValue")
    values["completion"] = done if any(v is not None for v in done.values()) else None

    locations = [r.obj(loc, f"locations.{n}") for n, loc in enumerate(r.items(data.get("locations"), "locations"))]
    described = [loc["description"] for loc in locations if isinstance(loc.get("description"), str)]
    values["location_description"] = "; ".join(described) or None
    values["geometry"] = _geometry(r, [loc["geometry"] for loc in locations if loc.get("geometry") is not None])
    return values, positions, r.issues


def field_adjuster(positions: list[int]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Name a reason's field by its place in the project (`positions`: where each kept party came from)."""

    def adjust(detail: dict[str, Any]) -> dict[str, Any]:
        if not detail.get("field"):
            return mention(detail, PATHS)
        head, *rest = detail["field"].split(".")
        if head == "parties" and rest and rest[0].isdigit() and int(rest[0]) < len(positions):
            rest[0] = str(positions[int(rest[0])])
        rest = [INNER.get(part, part) for part in rest]
        return {**detail, "field": ".".join([PATHS.get(head, head), *rest])}

    return adjust
