"""Photos that travel after their records: declared with the record (id and SHA-256), uploaded later.

A record lists its missing photos until their bytes arrive (through the tus uploads in `server.sync.uploads`).
Bytes the municipality already holds (the same SHA-256) are not asked for again: the photo joins the record at
once, so content is stored once per hash.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlalchemy.orm import Session

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
