"""Photos after their records: the tus 1.0.0 uploads behind /api/v1/sync/uploads/ (docs/sync.md, section 4).

An upload is a row (its length, the offset reached so far, its metadata, owner, device and expiry) and its bytes
so far, kept by `upload_parts` (rows of the same database): whichever instance gets the next chunk sees both, so
a phone resumes wherever its request lands. The route reads a chunk *before* calling in here, so no transaction
waits on a slow phone; `append` then locks the row, checks the offset, keeps the bytes and moves the offset in
one short transaction (two chunks racing for the same offset take turns: the second is told 409). When the last
byte arrives the parts are read in order, checked against the declared SHA-256 and handed to
`attachments.receive`, in the transaction that marks the upload completed and deletes the parts.

An upload that cannot end well (the whole file has another hash, the bytes are not an acceptable photo) is
deleted, and the error is *returned* rather than raised so the caller's transaction commits the deletion (as
`auth.service.login` does with a wrong password).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.auth import service as auth
from server.auth.actor import Actor
from server.config import get_settings
from server.db import new_id, utcnow
from server.errors import AppError, BadRequest, Conflict, NotFound, TooLarge
from server.sync import attachments
from server.sync.models import Attachment, Upload
from server.sync.upload_parts import get_parts

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "creation-with-upload", "checksum", "expiration", "termination")
CHECKSUMS: dict[str, Callable[..., Any]] = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
CHECKSUM_MISMATCH = 460  # tus's own status: "460 Checksum Mismatch"
_DIGITS = re.compile(r"^[0-9]{1,19}$")


@dataclass(frozen=True)
class UploadState:
    """What a tus client is told about an upload: where it stands and until when it is kept."""

    id: uuid.UUID
    offset: int
    length: int
    expires_at: datetime
    metadata: dict[str, str]


# ------------------------------------------------------------------------------------------------ headers


def parse_length(value: str | None) -> int:
    """Upload-Length: the whole file's size in bytes, at most MAX_PHOTO_BYTES (deferred lengths are not offered)."""
    if value is None or not _DIGITS.match(value.strip()):
        raise BadRequest("upload_length_invalid", details=[{"field": "Upload-Length", "code": "upload_length_invalid"}])
    length = int(value.strip())
    limit = get_settings().max_photo_bytes
    if length > limit:
        raise TooLarge("upload_too_large", length=length, limit=limit)
    return length


def parse_offset(value: str | None) -> int:
    if value is None or not _DIGITS.match(value.strip()):
        raise BadRequest("upload_offset_invalid", details=[{"field": "Upload-Offset", "code": "upload_offset_invalid"}])
    return int(value.strip())


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs; a key alone has an empty value."""
    result: dict[str, str] = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        key, _, encoded = pair.strip().partition(" ")
        encoded = encoded.strip()
        try:
            if not key or key in result or " " in encoded:
                raise ValueError(key)
            result[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
            raise BadRequest("upload_metadata_invalid",
                             details=[{"field": "Upload-Metadata", "code": "upload_metadata_invalid"}]) from None
    return result


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode('ascii')}" if value else key
                    for key, value in metadata.items())


def parse_checksum(value: str | None) -> tuple[str, bytes] | None:
    """Upload-Checksum: `<algorithm> <base64 digest>` (sha1 or sha256), or None when the client sent none."""
    if value is None:
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    algorithm = algorithm.lower()
    if algorithm not in CHECKSUMS:
        raise BadRequest("upload_checksum_unsupported", algorithm=algorithm[:20], accepted=", ".join(CHECKSUMS))
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (ValueError, binascii.Error):
        digest = b""
    if len(digest) != CHECKSUMS[algorithm]().digest_size:
        raise BadRequest("upload_checksum_invalid")
    return algorithm, digest


def check_checksum(checksum: tuple[str, bytes] | None, data: bytes) -> None:
    """A chunk that does not match its Upload-Checksum is refused whole (460); nothing is written."""
    if checksum is not None and CHECKSUMS[checksum[0]](data).digest() != checksum[1]:
        raise AppError("upload_checksum_mismatch", status=CHECKSUM_MISMATCH, algorithm=checksum[0])


# ------------------------------------------------------------------------------------------------ use cases


def create(session: Session, *, actor: Actor, device_id: uuid.UUID, length: int, metadata: dict[str, str],
           data: bytes = b"", checksum: tuple[str, bytes] | None = None) -> UploadState | AppError:
    """Start an upload for a declared attachment (tus creation), with its first bytes if the client sent
    them (creation-with-upload). An attachment whose bytes already arrived needs none: the upload is born
    complete (its offset is its length)."""
    check_checksum(checksum, data)
    if len(data) > length:
        raise TooLarge("upload_exceeds_length", length=length)
    attachment = attachments.for_upload(session, actor=actor, record=metadata.get("record"),
                                        attachment_id=metadata.get("attachment"), sha256=metadata.get("sha256"))
    now = utcnow()
    upload = Upload(id=new_id(), attachment_id=attachment.id, user_id=actor.user_id, device_id=device_id,
                    length=length, upload_metadata=metadata, created_at=now, expires_at=_expiry(now))
    if attachment.received_at is not None:
        upload.offset = length
        upload.completed_at = now
    session.add(upload)
    session.flush()
    auth.mark_synced(session, device_id=device_id)
    if upload.completed_at is None and (data or length == 0):
        return _append(session, actor=actor, upload=upload, data=data)
    return _state(upload)


def status(session: Session, *, actor: Actor, device_id: uuid.UUID, upload_id: uuid.UUID) -> UploadState:
    """Where an upload stands (tus HEAD): an interrupted client resumes from this offset."""
    upload = _get(session, actor=actor, upload_id=upload_id)
    auth.mark_synced(session, device_id=device_id)
    return _state(upload)


def append(session: Session, *, actor: Actor, device_id: uuid.UUID, upload_id: uuid.UUID, offset: int,
           data: bytes, checksum: tuple[str, bytes] | None = None) -> UploadState | AppError:
    """Add a chunk at `offset` (tus PATCH), already read from the request. The row is locked while the chunk
    is written, so two requests for the same upload take turns and the second sees the first's offset."""
    check_checksum(checksum, data)
    upload = _get(session, actor=actor, upload_id=upload_id, lock=True)
    if offset != upload.offset:
        raise Conflict("upload_offset_mismatch", offset=offset, expected=upload.offset,
                       headers={"Upload-Offset": str(upload.offset)})
    if offset + len(data) > upload.length:
        raise TooLarge("upload_exceeds_length", length=upload.length)
    auth.mark_synced(session, device_id=device_id)
    if upload.completed_at is not None:  # nothing left to send (the data is empty, per the checks above)
        return _state(upload)
    return _append(session, actor=actor, upload=upload, data=data)


def terminate(session: Session, *, actor: Actor, device_id: uuid.UUID, upload_id: uuid.UUID) -> None:
    """End an upload and drop its bytes (tus termination); an expired one may be ended too."""
    upload = _get(session, actor=actor, upload_id=upload_id, expired_ok=True)
    _discard(session, upload)
    auth.mark_synced(session, device_id=device_id)


def expire(session: Session, *, now: datetime | None = None) -> int:
    """Delete the uploads kept past their expiry and their bytes (`vigia tick`); also the partial files that
    versions before migration 0023 kept in MEDIA_DIR/uploads, once as old as an expiry. Returns how many uploads
    were deleted."""
    now = now or utcnow()
    expired = list(session.scalars(sa.select(Upload).where(Upload.expires_at <= now)))
    for upload in expired:
        _discard(session, upload)
    folder = Path(get_settings().media_dir) / "uploads"
    if folder.is_dir():
        cutoff = (now - timedelta(hours=get_settings().sync_upload_expiry_hours)).timestamp()
        for path in folder.glob("*.part"):
            try:
                uuid.UUID(path.stem)
            except ValueError:
                continue
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
    return len(expired)


def held(session: Session, upload_id: uuid.UUID) -> bytes:
    """The bytes an upload holds so far (for tests and the curious: an upload is at most MAX_PHOTO_BYTES)."""
    return b"".join(get_parts().read(session, upload_id))


# ------------------------------------------------------------------------------------------------ internals


def _expiry(now: datetime) -> datetime:
    return now + timedelta(hours=get_settings().sync_upload_expiry_hours)


def _state(upload: Upload) -> UploadState:
    return UploadState(id=upload.id, offset=upload.offset, length=upload.length, expires_at=upload.expires_at,
                       metadata=dict(upload.upload_metadata or {}))


def _get(session: Session, *, actor: Actor, upload_id: uuid.UUID, lock: bool = False,
         expired_ok: bool = False) -> Upload:
    upload = session.get(Upload, upload_id, with_for_update=True if lock else None)
    if upload is None or upload.user_id != actor.user_id:  # another person's upload is not theirs to know of
        raise NotFound("upload_not_found")
    if not expired_ok and upload.expires_at <= utcnow():
        raise AppError("upload_expired", status=410)
    return upload


def _append(session: Session, *, actor: Actor, upload: Upload, data: bytes) -> UploadState | AppError:
    parts = get_parts()
    if parts.held(session, upload.id) != upload.offset:
        # The bytes so far are not all there (an upload begun before migration 0023 kept them on a disk; an
        # object store that aborted its parts): start again from the first byte.
        given, upload.offset = upload.offset, 0
        upload.expires_at = _expiry(utcnow())
        parts.discard(session, upload.id)
        return Conflict("upload_offset_mismatch", offset=given, expected=0, headers={"Upload-Offset": "0"})
    try:
        with session.begin_nested():
            parts.write(session, upload.id, upload.offset, data)
    except IntegrityError:  # the row lock makes chunks take turns; the primary key is the last line
        session.refresh(upload)
        raise Conflict("upload_offset_mismatch", offset=upload.offset, expected=upload.offset,
                       headers={"Upload-Offset": str(upload.offset)}) from None
    upload.offset += len(data)
    upload.expires_at = _expiry(utcnow())
    session.flush()
    if upload.offset < upload.length:
        return _state(upload)
    return _finish(session, actor=actor, upload=upload)


def _finish(session: Session, *, actor: Actor, upload: Upload) -> UploadState | AppError:
    attachment = session.get(Attachment, upload.attachment_id, with_for_update=True)
    assert attachment is not None  # the foreign key deletes the upload with its attachment
    parts = get_parts()
    # Read once, a part at a time, hashing as it goes; the media service is handed the one whole copy it needs.
    digest = hashlib.sha256()
    pieces = []
    for piece in parts.read(session, upload.id):
        digest.update(piece)
        pieces.append(piece)
    if digest.hexdigest() != attachment.sha256:
        del pieces
        _discard(session, upload)
        return AppError("upload_hash_mismatch", status=CHECKSUM_MISMATCH)
    if attachment.received_at is None:  # another upload of the same attachment may have finished first
        data = b"".join(pieces)
        del pieces
        try:
            with session.begin_nested():
                attachments.receive(session, actor=actor, attachment=attachment, data=data)
        except AppError as error:  # not an image, too many pixels, a bomb...: these bytes will never do
            _discard(session, upload)
            return error
    upload.completed_at = utcnow()
    parts.discard(session, upload.id)  # the bytes are the photo's now
    session.flush()
    return _state(upload)


def _discard(session: Session, upload: Upload) -> None:
    get_parts().discard(session, upload.id)
    session.delete(upload)
    session.flush()
