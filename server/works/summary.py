"""A work's summary as lists show it (the same fields in a live answer and in a stored card, cards.py): its
zones, its progress, its risk signals as of today in its municipality."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.municipalities import service as municipalities
from server.municipalities.models import Municipality, Zone
from server.works import risks
from server.works.models import Work, WorkZone, ZoneRef


def today_in(municipality: Municipality) -> date:
    return municipalities.today_in(municipality)


_ZONES_OF = (  # built once: building it costs more than running it
    sa.select(WorkZone.work_id, Zone.code, Zone.name)
    .join(Zone, Zone.id == WorkZone.zone_id)
    .where(WorkZone.work_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(Zone.code)
)


def zones_of(session: Session, work_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ZoneRef]]:
    found: dict[uuid.UUID, list[ZoneRef]] = defaultdict(list)
    if not work_ids:
        return found
    rows = session.execute(_ZONES_OF, {"ids": work_ids})
    for work_id, code, name in rows:
        found[work_id].append(ZoneRef(code=code, name=name))
    return found


def summary_fields(work: Work, zones: list[ZoneRef], today: date, language: str) -> dict[str, Any]:
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


