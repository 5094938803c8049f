"""Public works: register and edit, record progress, find by filters or by place, explain their risks."""

from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids, geo
from server.auth.actor import Actor, authorize
from server.config import get_settings
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality, Zone
from server.works import cards
from server.works.models import (
    ProgressCreate,
    ProgressObservation,
    ProgressSource,
    Work,
    WorkCreate,
    WorkPublic,
    WorkSummary,
    WorkUpdate,
    WorkZone,
)
from server.works.summary import summary_fields, today_in, zones_of  # noqa: F401 (read as service.*)

JSON_FIELDS = ("parties", "contract_modifications", "documents", "completion")


class _Marks(dict):  # type: ignore[type-arg]
    """For str.translate: a combining mark maps to None (dropped), any other character to itself; learnt per code
    point on first sight, so translate runs in C for the characters seen before."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()


def fold(text: str) -> str:
    """Lower case without accents, so 'Pavimentación' is found by 'pavimentacion'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return decomposed if decomposed.isascii() else decomposed.translate(_MARKS)


def oc4ids_id(municipality: Municipality, work: Work) -> str:
    return f"{get_settings().oc4ids_prefix}-{municipality.code}-{work.identifier}"


# ------------------------------------------------------------------------------------------------ reads


def get(session: Session, *, municipality: Municipality, work_id: uuid.UUID) -> Work:
    """The work, if it belongs to this municipality and is not deleted (another municipality's id is a 404)."""
    work = session.get(Work, work_id)
    if work is None or work.municipality_id != municipality.id or work.deleted_at is not None:
        raise NotFound("work_not_found")
    return work


def summaries(session: Session, works: list[Work], *, municipality: Municipality, language: str) -> list[WorkSummary]:
    zones = zones_of(session, [work.id for work in works])
    today = today_in(municipality)
    return [WorkSummary(**summary_fields(work, zones[work.id], today, language)) for work in works]


def public(session: Session, work: Work, *, municipality: Municipality, language: str) -> WorkPublic:
    zones = zones_of(session, [work.id])[work.id]
    return WorkPublic(
        **summary_fields(work, zones, today_in(municipality), language),
        oc4ids_id=oc4ids_id(municipality, work),
        description=work.description,
        purpose=work.purpose,
        program=work.program,
        parties=work.parties,
        contract_number=work.contract_number,
        contract_value=work.contract_value,
        current_contract_value=work.current_contract_value,
        contract_modifications=work.contract_modifications,
        planned_start=work.planned_start,
        planned_end=work.planned_end,
        actual_start=work.actual_start,
        actual_end=work.actual_end,
        documents=work.documents,
        completion=work.completion,
        location_description=work.location_description,
        geometry=geo.to_geojson(work.geometry),
        version=work.version,
        created_at=work.created_at,
    )


# ------------------------------------------------------------------------------------------------ writes


def _current_contract_value(original: Decimal | None, modifications: list[dict[str, Any]]) -> Decimal | None:
    values = [m for m in modifications if m.get("type") == "value" and m.get("new_value") is not None]
    if not values:
        return original
    latest = max(values, key=lambda m: str(m["date"]))
    return Decimal(str(latest["new_value"]))


def _apply(session: Session, municipality: Municipality, work: Work, values: dict[str, Any]) -> bool:
    """Set `values` on `work` and everything derived from them; True if anything changed."""
    changed = False
    geometry_changed = False
    for name, value in values.items():
        if name == "geometry":
            shape = None
            if value is not None:
                shape = geo.parse_geojson(value, field="geometry")
                municipalities.check_geometry(municipality, shape)
            old = geo.from_db(work.geometry)
            if (old is None) != (shape is None) or (shape is not None and not old.equals_exact(shape, 1e-9)):
                work.geometry = geo.to_db(shape) if shape is not None else None
                changed = geometry_changed = True
            continue
        if name in JSON_FIELDS and value is not None:
            value = json.loads(json.dumps(value, default=str))
        if getattr(work, name) != value:
            setattr(work, name, value)
            changed = True
    suppliers = [p["name"] for p in work.parties if "supplier" in p.get("roles", [])]
    work.contractor = "; ".join(suppliers)[:300] or None
    work.current_contract_value = _current_contract_value(work.contract_value, work.contract_modifications)
    work.search_text = fold(" ".join(filter(None, [work.identifier, work.title, work.description,
                                                    work.location_description, work.contractor])))
    if changed and work.planned_start and work.planned_end and work.planned_start > work.planned_end:
        raise Invalid.for_field("planned_end", "validation_error")
    if geometry_changed:
        session.flush()
        assign_zones(session, work)
    return changed


def _values(data: WorkCreate | WorkUpdate, *, only_set: bool) -> dict[str, Any]:
    dumped = data.model_dump(mode="json", exclude_unset=only_set, exclude={"id", "version"})
    for money in ("budget_amount", "contract_value"):
        if dumped.get(money) is not None:
            dumped[money] = Decimal(str(dumped[money]))
    for day in ("planned_start", "planned_end", "actual_start", "actual_end"):
        if dumped.get(day) is not None:
            dumped[day] = date.fromisoformat(dumped[day])
    return dumped


def create(session: Session, *, actor: Actor, municipality: Municipality, data: WorkCreate) -> Work:
    authorize(actor, "works.manage", municipality.id)
    work = Work(id=data.id or new_id(), municipality_id=municipality.id, identifier=data.identifier,
                title=data.title, status=data.status)
    values = _values(data, only_set=False)
    values.pop("identifier")
    work, created = client_ids.insert(session, work, data, expected={"municipality_id": municipality.id},
                                      taken=Conflict("work_identifier_taken", identifier=data.identifier))
    if not created:  # the same create sent again (an offline resend)
        return work
    _apply(session, municipality, work, values)
    session.flush()
    _render_card(session, municipality, work)
    return work


def update(session: Session, *, actor: Actor, municipality: Municipality, work_id: uuid.UUID,
           data: WorkUpdate, language: str = "es") -> Work:
    authorize(actor, "works.manage", municipality.id)
    work = get(session, municipality=municipality, work_id=work_id)
    if data.version != work.version:
        current = public(session, work, municipality=municipality, language=language).model_dump(mode="json")
        raise Conflict("stale_version", current=work.version, sent=data.version, extra={"current": current})
    if _apply(session, municipality, work, _values(data, only_set=True)):
        work.version += 1
        work.updated_at = utcnow()
        session.flush()
        _render_card(session, municipality, work)
    return work


def _render_card(session: Session, municipality: Municipality, work: Work) -> None:
    """The work's public summary as it stands now, for answers that list many works (see cards.py)."""
    cards.render(session, municipality=municipality, works=[work])


def import_one(session: Session, *, actor: Actor, municipality: Municipality, data: WorkCreate) -> str:
    """Create or update by the work's number; 'created', 'updated' or 'unchanged' (re-imports change nothing)."""
    authorize(actor, "works.manage", municipality.id)
    existing = session.scalar(
        sa.select(Work).where(Work.municipality_id == municipality.id, Work.identifier == data.identifier)
    )
    if existing is None:
        create(session, actor=actor, municipality=municipality, data=data)
        return "created"
    revived = existing.deleted_at is not None
    existing.deleted_at = None
    if _apply(session, municipality, existing, _values(data, only_set=False)) or revived:
        existing.version += 1
        existing.updated_at = utcnow()
        session.flush()
        _render_card(session, municipality, existing)
        return "updated"
    return "unchanged"


def assign_zones(session: Session, work: Work) -> None:
    """Link the work to every zone of its municipality that its geometry touches."""
    session.execute(sa.delete(WorkZone).where(WorkZone.work_id == work.id))
    shape = geo.from_db(work.geometry)
    if shape is None:
        return
    zone_ids = session.scalars(
        sa.select(Zone.id).where(
            Zone.municipality_id == work.municipality_id,
            Zone.deleted_at.is_(None),
            geo.bbox_filter(session, Zone.geometry, "zones", shape.envelope),
            geo.intersects(session, Zone.geometry, shape),
        )
    ).all()
    session.add_all(WorkZone(work_id=work.id, zone_id=zone_id) for zone_id in zone_ids)


def relink_zones(session: Session, *, zones: list[Zone]) -> None:
    """After zones changed shape: link each to exactly the works its new shape touches."""
    for zone in zones:
        session.execute(sa.delete(WorkZone).where(WorkZone.zone_id == zone.id))
        shape = geo.from_db(zone.geometry)
        work_ids = session.scalars(
            sa.select(Work.id).where(
                Work.municipality_id == zone.municipality_id,
                Work.deleted_at.is_(None),
                Work.geometry.is_not(None),
                geo.bbox_filter(session, Work.geometry, "works", shape.envelope),
                geo.intersects(session, Work.geometry, shape),
            )
        ).all()
        session.add_all(WorkZone(work_id=work_id, zone_id=zone.id) for work_id in work_ids)
    session.flush()


def zones_changed(session: Session, *, municipality: Municipality, zones: list[Zone]) -> None:
    """A zone import created or changed `zones` (registered with municipalities.on_zones_changed at assembly):
    re-link the works they touch, and forget the municipality's cards, whose summaries name their zones."""
    relink_zones(session, zones=zones)
    cards.forget(session, municipality=municipality)


# ------------------------------------------------------------------------------------------------ progress


def add_progress(session: Session, *, actor: Actor | None, municipality: Municipality, work_id: uuid.UUID,
                 data: ProgressCreate) -> ProgressObservation:
    """Record an observation (a history: nothing is overwritten) and refresh the work's latest progress.
    `actor=None` is for other domains' services that already checked their own permissions (a committee
    visit records committee-sourced progress)."""
    if actor is not None:
        authorize(actor, "works.manage", municipality.id)
    work = get(session, municipality=municipality, work_id=work_id)
    if data.observed_on > today_in(municipality):
        raise Invalid.for_field("observed_on", "future_observation")
    observation = ProgressObservation(
        work_id=work.id,
        municipality_id=municipality.id,
        observed_on=data.observed_on,
        physical_pct=data.physical_pct,
        financial_pct=data.financial_pct,
        source=data.source,
        reference=data.reference,
        note=data.note,
        recorded_by=actor.user_id if actor is not None else None,
    )
    session.add(observation)
    session.flush()
    refresh_progress(session, work)
    work.updated_at = utcnow()
    session.flush()
    _render_card(session, municipality, work)
    return observation


def refresh_progress(session: Session, work: Work) -> None:
    """Recompute the latest official and observed progress and the date progress last moved."""
    rows = session.scalars(
        sa.select(ProgressObservation)
        .where(ProgressObservation.work_id == work.id)
        .order_by(ProgressObservation.observed_on, ProgressObservation.created_at, ProgressObservation.id)
    ).all()
    work.physical_official_pct = work.financial_official_pct = work.physical_observed_pct = None
    work.physical_observed_source = None
    work.last_progress_on = None
    highest = None
    for row in rows:
        if row.source == ProgressSource.official:
            if row.physical_pct is not None:
                work.physical_official_pct = row.physical_pct
            if row.financial_pct is not None:
                work.financial_official_pct = row.financial_pct
        elif row.physical_pct is not None:
            work.physical_observed_pct = row.physical_pct
            work.physical_observed_source = ProgressSource(row.source).value
        if row.physical_pct is not None and (highest is None or row.physical_pct > highest):
            if highest is not None or row.physical_pct > 0:
                work.last_progress_on = row.observed_on
            highest = row.physical_pct


def list_progress(session: Session, *, municipality: Municipality, work_id: uuid.UUID) -> list[ProgressObservation]:
    get(session, municipality=municipality, work_id=work_id)
    return list(session.scalars(
        sa.select(ProgressObservation)
        .where(ProgressObservation.work_id == work_id)
        .order_by(ProgressObservation.observed_on, ProgressObservation.created_at)
    ))
