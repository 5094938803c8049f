"""Work cards: each work's public summary rendered ahead of time, per language, as the exact JSON the API
answers, so answers that list many works ("works near me") splice stored text instead of shaping every work.

A card is served only while it is still true: rendered for the work as last changed (`work_updated_at`), on the
municipality's current date (the stalled signal counts days) and by the current code (`FORMAT`). Anything else
is rendered on the spot from the work, so a card can be late but never wrong. Cards are rendered in the same
transaction as a change to the work (`render`), for a whole municipality after its zones change (a job) and
each day by `vigia tick` (`refresh`). The table is a cache: emptying it loses nothing.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.municipalities.models import Municipality
from server.works import risks
from server.works.models import Work, WorkCard, WorkSummary
from server.works.summary import summary_fields, today_in, zones_of

LANGUAGES = ("es", "en")
# Bump when the summary's content changes in a way its schema and the risk rules below do not show.
REVISION = 1
# Renderings by other code are never served: the schema, the risk rules and REVISION sign the format.
FORMAT = zlib.crc32(json.dumps(
    [REVISION, WorkSummary.model_json_schema(), risks.MESSAGES, risks.WHO,
     [risks.GAP_POINTS, risks.FINANCIAL_AHEAD_POINTS, risks.STALL_DAYS, risks.COST_GROWTH_PCT,
      risks.COST_GROWTH_HIGH_PCT]],
    sort_keys=True, default=str,
).encode())
BATCH = 500

# What a summary shows (and its risk signals need): list answers skip the geometry and the large JSON columns.
SUMMARY_FIELDS = (
    Work.id, Work.identifier, Work.title, Work.status, Work.type, Work.sector, Work.budget_amount, Work.currency,
    Work.funding_source, Work.contractor, Work.contract_value, Work.current_contract_value, Work.planned_start,
    Work.planned_end, Work.actual_start, Work.physical_official_pct, Work.financial_official_pct,
    Work.physical_observed_pct, Work.physical_observed_source, Work.last_progress_on, Work.updated_at,
    Work.municipality_id,
)


def valid(card: Any, work: Any, *, language: Any, today: Any) -> sa.ColumnElement[bool]:
    """SQL: `card` (the work_cards table or an alias) holds `work`'s current card in `language` for `today`
    (values or bind parameters)."""
    return sa.and_(
        card.work_id == work.id,
        card.language == language,
        card.work_updated_at == work.updated_at,
        card.valid_on == today,
        card.format == FORMAT,
    )


def _render_rows(session: Session, rows: Iterable[Any], *, today: date,
                languages: Iterable[str]) -> dict[tuple[uuid.UUID, str], str]:
    """The cards of works given as rows with SUMMARY_FIELDS (ORM objects or plain rows), by (id, language);
    their zones are read once for every language."""
    rows = list(rows)
    zones = zones_of(session, [row.id for row in rows])
    return {(row.id, language): WorkSummary(**summary_fields(row, zones[row.id], today, language)).model_dump_json()
            for language in languages for row in rows}


_BY_IDS = sa.select(*SUMMARY_FIELDS).where(Work.id.in_(sa.bindparam("ids", expanding=True)))


def render_ids(session: Session, work_ids: list[uuid.UUID], *, today: date, language: str) -> dict[uuid.UUID, str]:
    """The cards of the works with these ids, rendered now (not stored: a read renders what it lacks)."""
    rendered = _render_rows(session, session.execute(_BY_IDS, {"ids": work_ids}), today=today, languages=[language])
    return {work_id: body for (work_id, _), body in rendered.items()}


def render(session: Session, *, municipality: Municipality, works: list[Work]) -> None:
    """Store the cards of `works` as they stand now (call after the change is flushed)."""
    if works:
        _store(session, works, today=_today(municipality))


def refresh(session: Session, *, municipality: Municipality, batch: int = BATCH) -> int:
    """Render every card of the municipality's works that is missing or no longer true; how many works."""
    today = _today(municipality)
    card = sa.orm.aliased(WorkCard)
    stale = sa.or_(*(sa.not_(sa.exists().where(valid(card, Work, language=language, today=today)))
                     for language in LANGUAGES))
    done, after = 0, None
    while True:
        query = sa.select(*SUMMARY_FIELDS).where(Work.municipality_id == municipality.id,
                                                 Work.deleted_at.is_(None), stale)
        if after is not None:
            query = query.where(Work.id > after)  # keyset: each batch goes on where the last one stopped
        rows = session.execute(query.order_by(Work.id).limit(batch)).all()
        if not rows:
            return done
        _store(session, rows, today=today)
        done += len(rows)
        after = rows[-1].id


def forget(session: Session, *, municipality: Municipality) -> None:
    """Drop the municipality's cards (its zones changed: every card may name an old zone), and have them
    rendered again in the background; until then summaries are rendered on the spot."""
    from server import jobs

    works = sa.select(Work.id).where(Work.municipality_id == municipality.id).scalar_subquery()
    session.execute(sa.delete(WorkCard).where(WorkCard.work_id.in_(works)))
    jobs.enqueue(refresh_municipality, municipality.id, session=session)


def refresh_municipality(municipality_id: str) -> int:
    """Job: `refresh` one municipality's cards."""
    from server.db import session_scope

    with session_scope() as session:
        municipality = session.get(Municipality, uuid.UUID(str(municipality_id)))
        if municipality is None:
            return 0
        return refresh(session, municipality=municipality)


def _today(municipality: Municipality) -> date:
    return today_in(municipality)


def _store(session: Session, rows: list[Any], *, today: date) -> None:
    bodies = _render_rows(session, rows, today=today, languages=LANGUAGES)
    values = [{"work_id": row.id, "language": language, "work_updated_at": row.updated_at, "valid_on": today,
               "format": FORMAT, "body": bodies[row.id, language]} for language in LANGUAGES for row in rows]
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(WorkCard)
    excluded = insert.excluded
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[WorkCard.work_id, WorkCard.language],
            set_={"work_updated_at": excluded.work_updated_at, "valid_on": excluded.valid_on,
                  "format": excluded.format, "body": excluded.body},
            # A slower writer never puts back the card of an older state of the work.
            where=WorkCard.work_updated_at <= excluded.work_updated_at,
        ),
        values,
    )

