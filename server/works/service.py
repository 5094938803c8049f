"""Public works: register and edit, record progress, find by filters or by place, explain their risks."""

from __future__ import annotations

import base64
import json
import unicodedata
import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor, authorize
from server.config import get_settings
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality, Zone
from server.works import risks
from server.works.models import (
    ProgressCreate,
    ProgressObservation,
    ProgressSource,
    Work,
    WorkCreate,
    WorkNear,
    WorkPage,
    WorkPublic,
    WorkQuery,
    WorkSummary,
    WorkUpdate,
    WorkZone,
    ZoneRef,
)

JSON_FIELDS = ("parties", "contract_modifications", "documents", "completion")


def fold(text: str) -> str:
    """Lower case without accents, so 'Pavimentación' is found by 'pavimentacion'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def today_in(municipality: Municipality) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(municipality.timezone)).date()


def oc4ids_id(municipality: Municipality, work: Work) -> str:
    return f"{get_settings().oc4ids_prefix}-{municipality.code}-{work.identifier}"


# ------------------------------------------------------------------------------------------------ reads


def get(session: Session, *, municipality: Municipality, work_id: uuid.UUID) -> Work:
    """The work, if it belongs to this municipality and is not deleted (another municipality's id is a 404)."""
    work = session.get(Work, work_id)
    if work is None or work.municipality_id != municipality.id or work.deleted_at is not None:
        raise NotFound("work_not_found")
    return work


def _zones_of(session: Session, work_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ZoneRef]]:
    found: dict[uuid.UUID, list[ZoneRef]] = defaultdict(list)
    if not work_ids:
        return found
    rows = session.execute(
        sa.select(WorkZone.work_id, Zone.code, Zone.name)
        .join(Zone, Zone.id == WorkZone.zone_id)
        .where(WorkZone.work_id.in_(work_ids))
        .order_by(Zone.code)
    )
    for work_id, code, name in rows:
        found[work_id].append(ZoneRef(code=code, name=name))
    return found


def _summary_fields(work: Work, zones: list[ZoneRef], today: date, language: str) -> dict[str, Any]:
    return {
        "id": work.id,
        "identifier": work.identifier,
        "title": work.title,
        "status": work.status,
        "type": work.type,
        "sector": work.sector,
        "budget_amount": work.budget_amount,
        "currency": work.currency,
        "funding_source": work.funding_source,
        "contractor": work.contractor,
        "zones": zones,
        "progress": {
            "physical_official_pct": work.physical_official_pct,
            "financial_official_pct": work.financial_official_pct,
            "physical_observed_pct": work.physical_observed_pct,
            "physical_observed_source": work.physical_observed_source,
            "last_progress_on": work.last_progress_on,
        },
        "risks": risks.evaluate(work, today=today, language=language),
        "updated_at": work.updated_at,
    }


def summaries(session: Session, works: list[Work], *, municipality: Municipality, language: str) -> list[WorkSummary]:
    zones = _zones_of(session, [work.id for work in works])
    today = today_in(municipality)
    return [WorkSummary(**_summary_fields(work, zones[work.id], today, language)) for work in works]


def public(session: Session, work: Work, *, municipality: Municipality, language: str) -> WorkPublic:
    zones = _zones_of(session, [work.id])[work.id]
    return WorkPublic(
        **_summary_fields(work, zones, today_in(municipality), language),
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


# ------------------------------------------------------------------------------------------------ lists

_ORDERS: dict[str, tuple[Any, bool]] = {
    "-updated": (Work.updated_at, True),
    "updated": (Work.updated_at, False),
    "title": (Work.title, False),
    "-title": (Work.title, True),
    "budget": (sa.func.coalesce(Work.budget_amount, -1), False),
    "-budget": (sa.func.coalesce(Work.budget_amount, -1), True),
    "identifier": (Work.identifier, False),
}


def _encode_cursor(order: str, work: Work) -> str:
    value: Any = {
        "-updated": lambda: work.updated_at.isoformat(),
        "updated": lambda: work.updated_at.isoformat(),
        "title": lambda: work.title,
        "-title": lambda: work.title,
        "budget": lambda: str(work.budget_amount if work.budget_amount is not None else -1),
        "-budget": lambda: str(work.budget_amount if work.budget_amount is not None else -1),
        "identifier": lambda: work.identifier,
    }[order]()
    raw = json.dumps([order, value, str(work.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, order: str) -> tuple[Any, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, work_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if kind != order:
            raise ValueError("cursor made for another order")
        if order.endswith("updated"):
            value = datetime.fromisoformat(value)
        elif order.endswith("budget"):
            value = Decimal(value)
        return value, uuid.UUID(work_id)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Invalid.for_field("cursor", "invalid_cursor") from exc


def _filtered(session: Session, municipality: Municipality, query: WorkQuery) -> sa.Select:
    statement = sa.select(Work).where(Work.municipality_id == municipality.id, Work.deleted_at.is_(None))
    if query.status:
        statement = statement.where(Work.status.in_(query.status))
    for sector in query.sector:
        # sector is a small JSON list; matching its serialised form works the same on both databases.
        statement = statement.where(sa.cast(Work.sector, sa.Text).like(f'%"{sector}"%'))
    if query.zone:
        statement = statement.where(
            Work.id.in_(
                sa.select(WorkZone.work_id)
                .join(Zone, Zone.id == WorkZone.zone_id)
                .where(Zone.municipality_id == municipality.id, Zone.code.in_(query.zone))
            )
        )
    if query.funding_source:
        statement = statement.where(sa.func.lower(Work.funding_source) == query.funding_source.lower())
    if query.contractor:
        statement = statement.where(Work.search_text.like(_like(fold(query.contractor)), escape="\\"))
        statement = statement.where(sa.func.lower(Work.contractor).is_not(None))
    if query.q:
        for word in fold(query.q).split():
            statement = statement.where(Work.search_text.like(_like(word), escape="\\"))
    today = today_in(municipality)
    if query.stalled is not None:
        stalled = risks.condition("stalled", today=today)
        statement = statement.where(stalled if query.stalled else sa.not_(stalled))
    for code in query.risk:
        statement = statement.where(risks.condition(code, today=today))
    return statement


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_(session: Session, *, municipality: Municipality, query: WorkQuery, language: str) -> WorkPage:
    """A page of works, keyset-paginated (stable under inserts, fast at any depth)."""
    column, descending = _ORDERS[query.order]
    statement = _filtered(session, municipality, query)
    if query.cursor:
        value, last_id = _decode_cursor(query.cursor, query.order)
        if descending:
            statement = statement.where(sa.or_(column < value, sa.and_(column == value, Work.id < last_id)))
        else:
            statement = statement.where(sa.or_(column > value, sa.and_(column == value, Work.id > last_id)))
    ordering = (column.desc(), Work.id.desc()) if descending else (column.asc(), Work.id.asc())
    works = list(session.scalars(statement.order_by(*ordering).limit(query.limit + 1)))
    more = len(works) > query.limit
    works = works[: query.limit]
    return WorkPage(
        items=summaries(session, works, municipality=municipality, language=language),
        next_cursor=_encode_cursor(query.order, works[-1]) if more else None,
    )


def all_matching(session: Session, *, municipality: Municipality, query: WorkQuery) -> list[Work]:
    """Every work that matches, in a stable order (for the map layer and exports)."""
    return list(session.scalars(_filtered(session, municipality, query).order_by(Work.identifier, Work.id)))


def near(session: Session, *, municipality: Municipality, lon: float, lat: float, radius_m: float, limit: int,
         language: str) -> list[WorkNear]:
    """Works within `radius_m` metres of a point, nearest first; distance to a line or polygon is to its
    nearest point. The spatial index pre-filters by a box around the point on both databases."""
    distance = geo.distance_m(session, Work.geometry, lon, lat).label("distance_m")
    rows = session.execute(
        sa.select(Work, distance)
        .where(
            Work.municipality_id == municipality.id,
            Work.deleted_at.is_(None),
            Work.geometry.is_not(None),
            geo.bbox_filter(session, Work.geometry, "works", geo.box_around(lon, lat, radius_m)),
            distance <= radius_m,
        )
        .order_by(distance, Work.id)
        .limit(limit)
    ).all()
    found = summaries(session, [work for work, _ in rows], municipality=municipality, language=language)
    return [WorkNear(**item.model_dump(), distance_m=round(float(metres), 1)) for item, (_, metres) in
            zip(found, rows, strict=True)]


def within(session: Session, *, municipality: Municipality, area: BaseGeometry, limit: int,
           language: str) -> list[WorkSummary]:
    """Works whose geometry meets a drawn polygon or box (index pre-filter, exact test after)."""
    works = session.scalars(
        sa.select(Work)
        .where(
            Work.municipality_id == municipality.id,
            Work.deleted_at.is_(None),
            Work.geometry.is_not(None),
            geo.bbox_filter(session, Work.geometry, "works", area.envelope),
            geo.intersects(session, Work.geometry, area),
        )
        .order_by(Work.identifier, Work.id)
        .limit(limit)
    )
    return summaries(session, list(works), municipality=municipality, language=language)


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
    try:
        with session.begin_nested():
            session.add(work)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("work_identifier_taken", identifier=data.identifier) from exc
    _apply(session, municipality, work, values)
    session.flush()
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
    return work


def import_one(session: Session, *, actor: Actor, municipality: Municipality, data: WorkCreate) -> str:
    """Create or update by the work's number; 'created', 'updated' or 'unchanged' (re-imports change nothing)."""
    authorize(actor, "works.manage", municipality.id)
    existing = session.scalar(
        sa.select(Work).where(Work.municipality_id == municipality.id, Work.identifier == data.identifier)
    )
    if existing is None:
        create(session, actor=actor, municipality=municipality, data=data)
        return "created"
    if existing.deleted_at is not None:
        existing.deleted_at = None
    if _apply(session, municipality, existing, _values(data, only_set=False)):
        existing.version += 1
        existing.updated_at = utcnow()
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
