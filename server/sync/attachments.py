"""Photos that travel after their records: declared with the record (id and SHA-256), uploaded later.

A record lists its missing photos until their bytes arrive (through the tus uploads in `server.sync.uploads`).
Bytes the municipality already holds (the same SHA-256) are not asked for again: the photo joins the record at
once, so content is stored once per hash.
"""

from __future__ import annotations

import collections
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server import db
from server.auth.actor import Actor
from server.db import utcnow
from server.errors import Conflict, Invalid
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.sync.models import Attachment

RECORD_TYPES = ("complaint", "visit")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AttachmentIn(BaseModel):
    """A photo the phone took for this record: its id (a UUID the phone made) and the SHA-256 of its bytes; if
    the phone downscaled the photo before sending it, the SHA-256 of the camera's original as evidence."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    sha256: str = PField(min_length=64, max_length=64,
                         description="of the bytes that will be uploaded: hex, lower case")
    original_sha256: str | None = PField(None, min_length=64, max_length=64, description=(
        "of the camera's original before the phone downscaled it (kept as evidence, shown to staff): hex"))

    @field_validator("sha256", "original_sha256", mode="before")
    @classmethod
    def _hex(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            if not _HEX64.match(value):
                raise ValueError("debe ser un SHA-256 en hexadecimal (64 caracteres 0-9, a-f)")
        return value


def declare(session: Session, *, actor: Actor, device_id: uuid.UUID | None, municipality: Municipality,
            record_type: str, record_id: uuid.UUID, items: list[AttachmentIn]) -> None:
    """Expect these photos for the record. Declaring the same attachment again changes nothing; an id already
    declared for something else is a 409. Photos the municipality already holds join the record now."""
    from server.media import service as media

    if queue_active(session):  # a push's fast path: every id is new, no hash is held (`may_queue`)
        session.info[_QUEUE].rows.extend(_row(actor, device_id, municipality, record_type, record_id, item)
                                          for item in items)
        return
    for index, item in enumerate(items):
        existing = session.get(Attachment, item.id)
        if existing is not None:
            if (existing.record_type, existing.record_id, existing.sha256) != (record_type, record_id, item.sha256):
                raise Conflict("attachment_id_taken", details=[{"field": f"attachments.{index}.id",
                                                                "code": "attachment_id_taken"}])
            continue
        attachment = Attachment(id=item.id, municipality_id=municipality.id, record_type=record_type,
                                record_id=record_id, sha256=item.sha256, original_sha256=item.original_sha256,
                                user_id=actor.user_id, device_id=device_id)
        session.add(attachment)
        session.flush()
        photo = media.by_hash(session, municipality=municipality, sha256=item.sha256)
        if photo is not None:
            _join(session, municipality, attachment, photo.id)


def missing(session: Session, *, record_type: str, record_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """For each record, the declared photos whose bytes have not arrived yet (in declaration order)."""
    result: dict[uuid.UUID, list[uuid.UUID]] = {record_id: [] for record_id in record_ids}
    if not record_ids:
        return result
    rows = session.execute(
        sa.select(Attachment.record_id, Attachment.id)
        .where(Attachment.record_type == record_type, Attachment.record_id.in_(record_ids),
               Attachment.received_at.is_(None))
        .order_by(Attachment.declared_at, Attachment.id)
    )
    for record_id, attachment_id in rows:
        result[record_id].append(attachment_id)
    return result


def parse_record(value: str | None) -> tuple[str, uuid.UUID]:
    """`complaint:<uuid>` or `visit:<uuid>` (from an upload's metadata)."""
    kind, _, raw = (value or "").partition(":")
    try:
        record_id = uuid.UUID(raw)
    except ValueError:
        record_id = None
    if kind not in RECORD_TYPES or record_id is None:
        raise Invalid.for_field("Upload-Metadata.record", "upload_record_invalid")
    return kind, record_id


def for_upload(session: Session, *, actor: Actor, record: str | None, attachment_id: str | None,
               sha256: str | None) -> Attachment:
    """The attachment an upload is for: declared by this person, for that record, with that hash (409
    attachment_not_declared otherwise: the record travels first)."""
    record_type, record_id = parse_record(record)
    try:
        key = uuid.UUID(attachment_id or "")
    except ValueError:
        raise Invalid.for_field("Upload-Metadata.attachment", "upload_attachment_invalid") from None
    digest = (sha256 or "").strip().lower()
    if not _HEX64.match(digest):
        raise Invalid.for_field("Upload-Metadata.sha256", "upload_sha256_invalid")
    attachment = session.get(Attachment, key)
    if attachment is None or attachment.user_id != actor.user_id or attachment.record_type != record_type \
            or attachment.record_id != record_id or attachment.sha256 != digest:
        raise Conflict("attachment_not_declared")
    return attachment


def receive(session: Session, *, actor: Actor, attachment: Attachment, data: bytes) -> uuid.UUID:
    """The bytes have arrived and match the declared hash: store the photo (once per hash; the same checks as
    any upload) and join it to its record. Returns the photo's id."""
    from server.media import service as media

    municipality = municipalities.get_by_id(session, attachment.municipality_id)
    stored = media.store(session, actor=actor, municipality=municipality, data=data, photo_id=attachment.id)
    _join(session, municipality, attachment, stored.photo.id)
    return stored.photo.id


def _join(session: Session, municipality: Municipality, attachment: Attachment, photo_id: uuid.UUID) -> None:
    if attachment.record_type == "complaint":
        from server.complaints import intake

        intake.attach_uploaded_photo(session, municipality=municipality, complaint_id=attachment.record_id,
                                     photo_id=photo_id)
    else:
        from server.inspections import visits

        visits.attach_uploaded_photo(session, municipality=municipality, visit_id=attachment.record_id,
                                     photo_id=photo_id)
    attachment.photo_id = photo_id
    attachment.received_at = utcnow()
    if attachment.original_sha256:
        from server.media import service as media

        media.note_original(session, photo_id=photo_id, original_sha256=attachment.original_sha256)
    session.flush()


# ------------------------------------------------------------------------------------------------ a push's photos
#
# A push's filings are written together (server/sync/push.py, "the fast path"); so are the photos they declare,
# when nothing about them needs a look at what is stored: an id not declared before and seen once in the batch,
# bytes no municipality holds yet (those would join the record at once). Which ids and hashes are stored is
# asked once for the whole batch (`declared_at_end`); a declaration that needs more goes the one-by-one way.


_QUEUE = "sync_attachment_queue"


@dataclass
class _Queue:
    unsure: set[uuid.UUID]  # ids declared before, repeated in the batch, or whose bytes are held
    active: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)


def _row(actor: Actor, device_id: uuid.UUID | None, municipality: Municipality, record_type: str,
         record_id: uuid.UUID, item: AttachmentIn) -> dict[str, Any]:
    return {"id": item.id, "municipality_id": municipality.id, "record_type": record_type, "record_id": record_id,
            "sha256": item.sha256, "original_sha256": item.original_sha256, "user_id": actor.user_id,
            "device_id": device_id, "photo_id": None, "declared_at": utcnow(), "received_at": None}


def _announced(raw: Any) -> list[tuple[uuid.UUID, str]] | None:
    """(id, sha256) of each photo a payload's `attachments` announce; None if any is not well formed (then
    the one-by-one way refuses it with the usual error)."""
    if not isinstance(raw, list):
        return None
    found = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("sha256"), str):
            return None
        try:
            found.append((uuid.UUID(str(item.get("id"))), item["sha256"].strip().lower()))
        except ValueError:
            return None
    return found


@contextmanager
def declared_at_end(session: Session, filings: list[tuple[uuid.UUID, Any]]) -> Iterator[None]:
    """Let a push queue the photos its filings declare (`queueing`); `filings`: each filing's municipality id
    and its `attachments` as sent. Which ids are declared already and which bytes are held is asked once here."""
    from server.media import service as media

    announced = [(town, key, digest) for town, raw in filings for key, digest in (_announced(raw) or [])]
    counts = collections.Counter(key for _town, key, _digest in announced)
    unsure = {key for key, seen in counts.items() if seen > 1}
    ids = list(counts)
    for start in range(0, len(ids), 500):
        unsure.update(session.scalars(sa.select(Attachment.id).where(db.among(session, Attachment.id,
                                                                               ids[start:start + 500]))))
    if announced:
        held = media.held_hashes(session, [(town, digest) for town, _key, digest in announced])
        unsure.update(key for town, key, digest in announced if (town, digest) in held)
    session.info[_QUEUE] = _Queue(unsure)
    try:
        yield
    finally:
        session.info.pop(_QUEUE, None)


def may_queue(session: Session, raw: Any) -> bool:
    """Whether the photos a filing announces (its `attachments` as sent) can be declared in the batch's queue."""
    queue: _Queue | None = session.info.get(_QUEUE)
    announced = _announced(raw)
    return queue is not None and announced is not None and not any(key in queue.unsure for key, _ in announced)


@contextmanager
def queueing(session: Session) -> Iterator[None]:
    """Inside `declared_at_end`: photos declared in this block are queued, not written."""
    queue: _Queue = session.info[_QUEUE]
    queue.active = True
    try:
        yield
    finally:
        queue.active = False


def queue_active(session: Session) -> bool:
    queue: _Queue | None = session.info.get(_QUEUE)
    return queue is not None and queue.active


def queued_count(session: Session) -> int:
    return len(session.info[_QUEUE].rows)


def queued_for(session: Session, record_id: uuid.UUID) -> list[str]:
    """The photos queued for a record, in the order declared: all missing (its bytes cannot have arrived)."""
    return [str(row["id"]) for row in session.info[_QUEUE].rows if row["record_id"] == record_id]


def drop_queued(session: Session, keep: int = 0) -> None:
    """Forget the queued declarations after the first `keep` (a refused or failed mutation's, or a group's)."""
    del session.info[_QUEUE].rows[keep:]


def write_queued(session: Session) -> None:
    """Write the queued declarations in one statement (their records' changes are logged by the filings)."""
    queue: _Queue = session.info[_QUEUE]
    rows, queue.rows = queue.rows, []
    if rows:
        db.insert_rows(session, Attachment.__table__, rows)
