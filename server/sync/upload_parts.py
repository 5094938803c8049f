"""Where the bytes of a tus upload in progress are kept until its last byte arrives: somewhere every instance sees.

`server.sync.uploads` speaks to the `Parts` interface only. Its one implementation, `DatabaseParts`, keeps them
as rows of `sync_upload_parts` (at most PART_BYTES each) in the transaction that moves the upload's offset, on
PostgreSQL and on SQLite alike: the offset and the bytes commit or roll back together, and a chunk's bytes are
deleted with their upload (docs/sync.md, section 4, says why rows rather than PostgreSQL large objects:
bench/uploads.py measured both).

An object store's multipart upload would be a second implementation (docs/sync.md, "The bytes of an upload in
progress"): `write` an UploadPart, `held` the parts listed, `read` the parts in order, `discard` an
AbortMultipartUpload; its expiry would also abort the multipart uploads the store holds for no upload.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.sync.models import UploadPart

PART_BYTES = 1 << 20  # a row holds at most 1 MiB: a whole photo sent in one request is still read in pieces


class Parts(Protocol):
    """The bytes of uploads in progress. Every method runs in the caller's transaction (`session`)."""

    def held(self, session: Session, upload_id: uuid.UUID) -> int:
        """How many bytes from the first one are held (where the last part ends)."""

    def write(self, session: Session, upload_id: uuid.UUID, offset: int, data: bytes) -> None:
        """Keep `data` from `offset` on; the caller holds the upload's row lock and has checked the offset.
        Raises sqlalchemy's IntegrityError if bytes already start there (a racing chunk got there first)."""

    def read(self, session: Session, upload_id: uuid.UUID) -> Iterator[bytes]:
        """The bytes held, in order, a part at a time."""

    def discard(self, session: Session, upload_id: uuid.UUID) -> None:
        """Drop every byte held for the upload."""


class DatabaseParts:
    """Rows of `sync_upload_parts`, in the same database (and transaction) as the upload's offset."""

    def held(self, session: Session, upload_id: uuid.UUID) -> int:
        last = session.execute(
            sa.select(UploadPart.offset, UploadPart.size).where(UploadPart.upload_id == upload_id)
            .order_by(UploadPart.offset.desc()).limit(1)
        ).first()
        return 0 if last is None else last.offset + last.size

    def write(self, session: Session, upload_id: uuid.UUID, offset: int, data: bytes) -> None:
        pieces = [data] if len(data) <= PART_BYTES else [data[start:start + PART_BYTES]
                                                         for start in range(0, len(data), PART_BYTES)]
        start = offset
        for piece in pieces:
            if piece:
                session.execute(sa.insert(UploadPart).values(upload_id=upload_id, offset=start, size=len(piece),
                                                             data=piece))
            start += len(piece)

    def read(self, session: Session, upload_id: uuid.UUID) -> Iterator[bytes]:
        # One row at a time (a server-side cursor on PostgreSQL): the parts are never all in memory at once here.
        result = session.execute(
            sa.select(UploadPart.data).where(UploadPart.upload_id == upload_id).order_by(UploadPart.offset)
            .execution_options(yield_per=1)
        )
        try:
            for (data,) in result:
                yield data
        finally:
            result.close()

    def discard(self, session: Session, upload_id: uuid.UUID) -> None:
        session.execute(sa.delete(UploadPart).where(UploadPart.upload_id == upload_id))


def get_parts() -> Parts:
    """The store of bytes in progress (the database; the place to choose an object store's multipart uploads)."""
    return DatabaseParts()
