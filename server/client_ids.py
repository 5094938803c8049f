"""Records created with the client's own id (a phone that works offline makes its UUIDs): sent twice, they are
created once (docs/api.md, "Resends and collisions").

The insert decides, not a prior read (two resends may arrive at once): when the id is already stored, the same
create sent again, with the same fields, in the same place and (where the record keeps its author) by the same
account, is answered as the first time, with the stored record; the same id with anything else is 409
`id_taken`, and nothing about the stored record is revealed. A unique key other than the id (a name, a number)
that decides against the request raises the service's own conflict.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from geoalchemy2.elements import WKBElement, WKTElement
from pydantic import BaseModel
from sqlalchemy.orm import Session

from server import geo
from server.errors import AppError, Conflict

T = TypeVar("T")


def id_taken() -> Conflict:
    return Conflict("id_taken", details=[{"field": "id", "code": "id_taken"}])


def insert(session: Session, record: T, data: BaseModel, *, expected: dict[str, Any] | None = None,
           taken: AppError | None = None, ignore: tuple[str, ...] = ()) -> tuple[T, bool]:
    """Insert `record` (built from `data`) in a savepoint: (record, True). If its id is stored already:
    (stored, False) when it is the same create again, else 409 `id_taken`. `expected`: columns the stored record
    must hold as well (its municipality, its parent, its author). `taken`: the conflict to raise when another
    unique key decided (the generic 409 of server.app when None). `ignore`: fields of `data` the record does not
    keep as sent."""
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except sa.exc.IntegrityError as exc:
        if record in session:
            session.expunge(record)
        stored = session.get(type(record), record.id, populate_existing=True)  # type: ignore[attr-defined]
        if stored is None:
            if taken is None:
                raise
            raise taken from exc
        if not resent(stored, data, expected=expected, ignore=ignore):
            raise id_taken() from exc
        return stored, False
    return record, True


def stored_resend(session: Session, model: type[T], data: BaseModel, *, expected: dict[str, Any] | None = None,
                  ignore: tuple[str, ...] = ()) -> T | None:
    """The record `data.id` names, if it is stored and `data` is the same create again (None if not stored);
    409 `id_taken` if the id is stored with anything else. For services that must know before they do work."""
    record_id = getattr(data, "id", None)
    if record_id is None:
        return None
    stored = session.get(model, record_id)
    if stored is None:
        return None
    if not resent(stored, data, expected=expected, ignore=ignore):
        raise id_taken()
    return stored


def resent(stored: Any, data: BaseModel, *, expected: dict[str, Any] | None = None,
           ignore: tuple[str, ...] = ()) -> bool:
    """Whether `data` is the create that made `stored`: every field sent in `data` that the record keeps under
    the same name holds the same value, and so does every column of `expected`."""
    columns = {column.key for column in sa.inspect(type(stored)).columns}
    for name, value in (expected or {}).items():
        if not same(value, getattr(stored, name)):
            return False
    for name in data.model_fields_set:  # what was left out takes the server's default (a visit's member)
        if name == "id" or name in ignore or name not in columns:
            continue
        if not same(getattr(data, name), getattr(stored, name)):
            return False
    return True


def same(sent: Any, kept: Any) -> bool:
    """The value sent and the value stored are the same, whatever form the database gave back."""
    sent, kept = _plain(sent), _plain(kept)
    if sent is None or kept is None:
        return sent is None and kept is None
    if isinstance(kept, (WKBElement, WKTElement)) or _is_geojson(sent):
        try:
            ours = geo.parse_geojson(sent) if isinstance(sent, dict) else geo.from_db(sent)
            theirs = geo.from_db(kept) if not isinstance(kept, dict) else geo.parse_geojson(kept)
        except Exception:  # not a geometry after all
            return False
        return bool(ours is not None and theirs is not None and ours.equals(theirs))
    if isinstance(sent, bool) or isinstance(kept, bool):
        return sent is kept
    if isinstance(sent, (int, float, Decimal)) and isinstance(kept, (int, float, Decimal)):
        try:
            return Decimal(str(sent)) == Decimal(str(kept))
        except InvalidOperation:
            return False
    if isinstance(sent, datetime) and isinstance(kept, datetime):
        return _utc(sent) == _utc(kept)
    if isinstance(sent, str) and isinstance(kept, str):
        return sent.strip() == kept.strip()
    if isinstance(sent, (list, tuple)) and isinstance(kept, (list, tuple)):
        return len(sent) == len(kept) and all(same(a, b) for a, b in zip(sent, kept, strict=True))
    if isinstance(sent, dict) and isinstance(kept, dict):
        return all(same(value, kept.get(key)) for key, value in sent.items()) and \
            all(key in sent or value in (None, [], {}) for key, value in kept.items())
    if isinstance(sent, uuid.UUID) or isinstance(kept, uuid.UUID):
        return str(sent) == str(kept)
    if sent == kept:
        return True
    return json.dumps(sent, default=str, sort_keys=True) == json.dumps(kept, default=str, sort_keys=True)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=False)
    if isinstance(value, (list, tuple)) and any(isinstance(item, BaseModel) for item in value):
        return [_plain(item) for item in value]
    return value


def _is_geojson(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value and ("coordinates" in value or "geometries" in value)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
