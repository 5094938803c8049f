"""What the OC4IDS and spreadsheet imports share: one row at a time, each in its own savepoint, with reasons.

A row that cannot be imported is rejected with the reasons a person can act on, and leaves nothing behind; the
good rows still import. Re-importing what an export wrote changes nothing: where a field reads back the same as
the export of the stored work would, the stored value is kept as it is (generated ids, `1500000` against
`1500000.00`, and so on).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor
from server.errors import AppError, ErrorDetail, validation_details
from server.i18n import Language, translate
from server.municipalities.models import Municipality
from server.works import service
from server.works.models import ImportReport, ImportRow, Work, WorkCreate, WorkFields

FIELDS = tuple(WorkFields.model_fields)


def issue(field: str | None, code: str, language: Language, **params: Any) -> dict[str, Any]:
    """One reason a row was rejected, in the caller's language."""
    return {"field": field, "code": code, "message": translate(code, language, **params)}


def plain(data: Any) -> Any:
    """Only JSON types: tuples (Shapely's coordinates) become lists, as a client would send them."""
    return json.loads(json.dumps(data, default=str))


def existing_work(session: Session, municipality: Municipality, identifier: str) -> Work | None:
    """The work with that number, deleted or not (an import brings a deleted work back)."""
    return session.scalar(
        sa.select(Work).where(Work.municipality_id == municipality.id, Work.identifier == identifier)
    )


def stored_values(work: Work) -> dict[str, Any]:
    """The work's fields as WorkCreate takes them."""
    values = {name: getattr(work, name) for name in FIELDS if name != "geometry"}
    values["geometry"] = plain(geo.to_geojson(work.geometry)) if work.geometry is not None else None
    return values


def merge(values: dict[str, Any], baseline: dict[str, Any], stored: dict[str, Any], *,
          keep_missing: bool) -> dict[str, Any]:
    """The values to import into an existing work.

    `values` is what the row says, `baseline` what the export of the stored work reads back as. A field that
    reads the same as the baseline keeps its stored value. A field the row does not mention keeps its stored
    value if `keep_missing` (a spreadsheet without that column) or if the export does not mention it either;
    otherwise it takes WorkCreate's default (an OC4IDS project describes the whole work)."""
    merged: dict[str, Any] = {}
    for name in FIELDS:
        if name in values:
            same = name in baseline and values[name] == baseline[name]
            merged[name] = stored[name] if same else values[name]
        elif keep_missing or name not in baseline:
            merged[name] = stored[name]
    return merged


PERIOD_FIELDS = ("planned_start", "planned_end", "actual_start", "actual_end")


def mention(detail: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A reason about the whole row (WorkCreate's check that a period starts before it ends) in the row's own
    words: `planned_start es posterior a planned_end` becomes `inicio_programado es posterior a fin_programado`."""
    message = detail["message"]
    for field in PERIOD_FIELDS:
        message = re.sub(rf"\b{field}\b", names[field], message)
    return {**detail, "message": message}


def parse_instant(text: Any, timezone: str) -> date:
    """The local date of an ISO 8601 date or date-time (a time zone converts it to the municipality's)."""
    if not isinstance(text, str):
        raise ValueError(text)
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(timezone))
    return moment.date()


class Importer:
    """Imports rows one by one into a municipality and keeps the report."""

    def __init__(self, session: Session, *, actor: Actor, municipality: Municipality, language: Language) -> None:
        self.session = session
        self.actor = actor
        self.municipality = municipality
        self.language = language
        self.report = ImportReport()
        self._seen: dict[str, int] = {}

    def reject(self, row: int, identifier: str | None, errors: list[dict[str, Any]]) -> None:
        self._add(ImportRow(row=row, identifier=identifier, result="rejected",
                            errors=[ErrorDetail(**error) for error in errors]))

    def run(self, row: int, identifier: str | None, read: Callable[[Work | None], tuple[dict, dict, list]], *,
            keep_missing: bool, adjust: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Import one row. `read(existing)` gives (values, baseline, issues): the row's values, the stored work's
        export read the same way (empty for a new work) and any reasons found while reading. `adjust` turns a
        reason about a WorkCreate field into one about the row's own field or column."""
        if not identifier:
            self.reject(row, None, [adjust(issue("identifier", "missing", self.language))])
            return
        if identifier in self._seen:
            self.reject(row, identifier, [adjust(issue("identifier", "duplicate_identifier", self.language,
                                                       identifier=identifier, row=self._seen[identifier]))])
            return
        self._seen[identifier] = row
        existing = existing_work(self.session, self.municipality, identifier)
        values, baseline, issues = read(existing)
        if issues:
            self.reject(row, identifier, issues)
            return
        if existing is not None:
            values = merge(values, baseline, stored_values(existing), keep_missing=keep_missing)
        try:
            data = WorkCreate.model_validate({**values, "identifier": identifier})
        except ValidationError as exc:
            self.reject(row, identifier, [adjust(d) for d in validation_details(exc, self.language)])
            return
        try:
            with self.session.begin_nested():
                result = service.import_one(self.session, actor=self.actor, municipality=self.municipality,
                                            data=data)
                self.session.flush()
        except AppError as exc:
            details = exc.rendered_details(self.language) or [
                {"field": None, "code": exc.code, "message": exc.message(self.language)}
            ]
            self.reject(row, identifier, [adjust(d) for d in details])
            return
        self._add(ImportRow(row=row, identifier=identifier, result=result))

    def _add(self, item: ImportRow) -> None:
        self.report.rows.append(item)
        setattr(self.report, item.result, getattr(self.report, item.result) + 1)
