"""Photos whose publication another domain decides: a complaint's photo is published or kept private with its
complaint (docs/privacy.md), so the photo moderation endpoint refuses it. The complaints domain lends its check
here when Vigía starts (server/assembly.py); media imports no complaint."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sized

from sqlalchemy.orm import Session

RecordsOf = Callable[..., Sized]  # (session, *, photo_id) -> the records that decide for the photo
_DECIDERS: list[RecordsOf] = []


def on_decided_elsewhere(records_of: RecordsOf) -> None:
    """`records_of(session, photo_id=...)` lists the records (if any) that decide the photo's publication."""
    if records_of not in _DECIDERS:
        _DECIDERS.append(records_of)


def decided_elsewhere(session: Session, photo_id: uuid.UUID) -> bool:
    return any(len(records_of(session, photo_id=photo_id)) for records_of in _DECIDERS)
