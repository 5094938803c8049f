"""Keeping the change log small (`vigia tick`): each record keeps its latest change; deletions go after
SYNC_RETENTION_DAYS, and the horizon remembers how far, so that an older cursor is told to start over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from server.config import get_settings
from server.db import utcnow
from server.sync.models import Change, Horizon
from server.sync.pull import watermark


@dataclass
class Pruned:
    superseded: int
    deletions: int


def prune(session: Session, *, retention_days: int | None = None) -> Pruned:
    """Remove change rows no cursor needs: a row with a later row for the same record (any cursor before it
    will be served the later one), and deletions older than the retention (moving the horizon past them)."""
    days = retention_days if retention_days is not None else get_settings().sync_retention_days
    below = watermark(session)
    later = aliased(Change)
    newer = sa.exists().where(later.entity == Change.entity, later.entity_id == Change.entity_id,
                              sa.tuple_(later.txid, later.seq) > sa.tuple_(Change.txid, Change.seq),
                              later.txid < below)
    superseded = session.execute(sa.delete(Change).where(newer).execution_options(synchronize_session=False))
    cutoff = utcnow() - timedelta(days=days)
    old = sa.and_(Change.op == "delete", Change.at < cutoff, Change.txid < below)
    last = session.execute(sa.select(Change.txid, Change.seq).where(old)
                           .order_by(Change.txid.desc(), Change.seq.desc()).limit(1)).first()
    deletions = 0
    if last is not None:
        deletions = session.execute(sa.delete(Change).where(old)
                                    .execution_options(synchronize_session=False)).rowcount
        horizon = session.get(Horizon, 1, with_for_update=True) or Horizon(id=1)
        if (last.txid, last.seq) > (horizon.txid, horizon.seq):
            horizon.txid, horizon.seq = last.txid, last.seq
        session.add(horizon)
    return Pruned(superseded=superseded.rowcount, deletions=deletions)
