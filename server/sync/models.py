"""Offline sync: the change log pulls read, the mutations pushes applied once, and the photos still to upload.

See docs/sync.md for the protocol these tables serve.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server.db import UTCDateTime, utcnow
from server.tracking import ScopeKind  # noqa: F401  (who may read a change-log row)

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
# SQLite: an INTEGER PRIMARY KEY with AUTOINCREMENT never reuses a number, even after pruning the newest row.
Sequence = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Change(SQLModel, table=True):
    """One change to a record a device may pull, written in the same transaction as the change itself.

    `txid` is the writing transaction's id: PostgreSQL's own, or on SQLite the number `Clock` gave it (0 for rows
    written before the clock existed). A pull serves only rows of transactions that have finished, in (txid, seq)
    order, so a transaction committing late is never skipped (docs/sync.md)."""

    __tablename__ = "sync_changes"
    __table_args__ = (
        sa.Index("ix_sync_changes_position", "txid", "seq"),
        sa.Index("ix_sync_changes_scope", "scope_kind", "scope_id", "txid", "seq"),
        sa.Index("ix_sync_changes_municipality", "scope_kind", "municipality_id", "txid", "seq"),
        sa.Index("ix_sync_changes_entity", "entity", "entity_id", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: int | None = Field(default=None, sa_column=sa.Column(Sequence, primary_key=True, autoincrement=True))
    txid: int = Field(sa_type=sa.BigInteger)
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    scope_kind: str = Field(max_length=1)
    scope_id: uuid.UUID
    entity: str = Field(max_length=16)
    entity_id: uuid.UUID
    op: str = Field(max_length=8)  # upsert | delete
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Horizon(SQLModel, table=True):
    """How far deletions were pruned from the change log: an older cursor gets a reset (one row, id 1)."""

    __tablename__ = "sync_horizon"

    id: int = Field(default=1, primary_key=True)
    txid: int = Field(default=0, sa_type=sa.BigInteger)
    seq: int = Field(default=0, sa_type=sa.BigInteger)


class Clock(SQLModel, table=True):
    """SQLite's transaction numbers for the change log (one row, id 1; unused on PostgreSQL, which has its own).

    A transaction takes the next number at its first flush that logs a change (`server.sync.capture`), holding
    SQLite's write lock from BEGIN IMMEDIATE to COMMIT: numbers follow commit order, and every transaction
    committing after a reader's snapshot gets a number above the one that snapshot sees. `owner` is the token of
    the transaction that took `txid`, so its later flushes reuse the number (and a rolled-back savepoint that took
    it lets the next flush take it again)."""

    __tablename__ = "sync_clock"

    id: int = Field(default=1, primary_key=True)
    txid: int = Field(default=0, sa_type=sa.BigInteger)
    owner: uuid.UUID | None = None


class Mutation(SQLModel, table=True):
    """A pushed mutation and its result: the primary key makes each (device, mutation id) apply at most once."""

    __tablename__ = "sync_mutations"

    device_id: uuid.UUID = Field(foreign_key="devices.id", primary_key=True, ondelete="CASCADE")
    mutation_id: uuid.UUID = Field(primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    intent: str = Field(max_length=40)
    fingerprint: str = Field(max_length=64)  # SHA-256 of the intent, municipality and payload as sent
    status: str = Field(max_length=10)  # applied | noted | rejected
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Attachment(SQLModel, table=True):
    """A photo a record declared (id and SHA-256) before its bytes arrive; `photo_id` once they have."""

    __tablename__ = "sync_attachments"
    __table_args__ = (sa.Index("ix_sync_attachments_record", "record_type", "record_id"),)

    id: uuid.UUID = Field(primary_key=True)
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    record_type: str = Field(max_length=16)  # complaint | visit
    record_id: uuid.UUID
    sha256: str = Field(max_length=64)
    # The SHA-256 of the camera's original, when the phone sent a smaller copy (docs/sync.md, section 4).
    original_sha256: str | None = Field(default=None, max_length=64)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    device_id: uuid.UUID | None = Field(default=None, foreign_key="devices.id", ondelete="SET NULL")
    photo_id: uuid.UUID | None = Field(default=None, foreign_key="photos.id", ondelete="SET NULL")
    declared_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    received_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Upload(SQLModel, table=True):
    """A tus upload in progress, seen by every instance: its bytes so far are its `UploadPart` rows, and `offset`
    is where they end (docs/sync.md, section 4). The declared SHA-256 is its attachment's."""

    __tablename__ = "sync_uploads"

    id: uuid.UUID = Field(primary_key=True)
    attachment_id: uuid.UUID = Field(foreign_key="sync_attachments.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    device_id: uuid.UUID = Field(foreign_key="devices.id", ondelete="CASCADE")
    length: int = Field(sa_type=sa.BigInteger)
    offset: int = Field(default=0, sa_type=sa.BigInteger)
    upload_metadata: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UploadPart(SQLModel, table=True):
    """Bytes of an upload in progress, from `offset` on (at most `server.sync.upload_parts.PART_BYTES` a row), in
    the database so that the next chunk may reach any instance. The primary key lets one set of bytes start at
    an offset: two chunks racing for the same offset cannot both be kept. Deleted with their upload."""

    __tablename__ = "sync_upload_parts"

    upload_id: uuid.UUID = Field(foreign_key="sync_uploads.id", primary_key=True, ondelete="CASCADE")
    offset: int = Field(sa_type=sa.BigInteger, primary_key=True)
    size: int
    data: bytes = Field(sa_type=sa.LargeBinary)
