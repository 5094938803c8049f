"""The audit log's tables (entries and each chain's head) and the schemas the public endpoints answer with."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlmodel import Field, SQLModel

from server.db import UTCDateTime

ACTOR_KINDS = ("user", "anonymous", "system", "device")
ActorKind = Literal["user", "anonymous", "system", "device"]
# The four ways a chain can be found broken (see service.verify and docs/audit-log.md).
BrokenReason = Literal["altered", "removed", "relinked", "head_mismatch"]


class AuditEntry(SQLModel, table=True):
    """One change, at position `seq` of its municipality's chain. Rows are never updated or deleted.

    The primary key (municipality_id, seq) is what makes two concurrent appends unable to take the same position,
    whatever the locking above it does. There is deliberately no foreign key on actor_id: a cascade (SET NULL when
    an account is deleted) would rewrite history and break the chain."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint(f"actor_kind IN ({', '.join(repr(k) for k in ACTOR_KINDS)})", name="actor_kind"),
        sa.Index("ix_audit_entries_entity", "entity_id", "seq"),
    )

    # RESTRICT: a municipality with a log cannot be deleted by accident, taking its history with it.
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", primary_key=True, ondelete="RESTRICT")
    seq: int = Field(sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    entity: str = Field(max_length=40)  # "complaint", "photo"...
    entity_id: uuid.UUID
    action: str = Field(max_length=40)  # "created", "transitioned", "assigned"...
    actor_id: uuid.UUID | None = Field(default=None, nullable=True)
    actor_kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)
    # Plain JSON, not JSONB: PostgreSQL keeps the text as written, so the values read back are exactly those hashed.
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last position and hash of one municipality's chain. Appends lock this row, so they queue per
    municipality and never across municipalities; verification compares it with the last entry, which is how a
    log cut short at the end is detected."""

    __tablename__ = "audit_heads"

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", primary_key=True, ondelete="RESTRICT")
    seq: int = Field(sa_type=sa.BigInteger)
    hash: str = Field(max_length=64)


# ------------------------------------------------------------------------------------------------ schemas


class ChainHead(BaseModel):
    seq: int = PField(description="Position of the last entry (0 for an empty chain)")
    hash: str = PField(description="Hash of the last entry (64 zeros for an empty chain)")


class BrokenLink(BaseModel):
    """Where verification stopped, and why."""

    seq: int = PField(description="Position of the first entry found broken")
    reason: BrokenReason = PField(
        description="altered: the entry's hash does not match its content; removed: the entry is missing (a gap); "
        "relinked: its prev_hash is not the previous entry's hash; head_mismatch: the chain's head does not match "
        "its last entry (entries cut off at the end)"
    )
    expected: str | int | None = PField(description="What the chain says should be there")
    found: str | int | None = PField(description="What is there")
    message: str = PField(description="The same, in words")
    at: str | None = PField(None, description=(
        "When the entry found broken says it was written (as stored, ISO 8601 UTC), if there is one at that "
        "position"))
    entity: str | None = PField(None, description="What that entry says it is about (complaint, photo...)")
    action: str | None = PField(None, description="What that entry says happened")


class VerifyReport(BaseModel):
    ok: bool
    checked: int = PField(description="Entries whose content and link were verified")
    head: ChainHead = PField(description="The chain's head as stored")
    first_broken: BrokenLink | None = None


class AuditEntryPublic(BaseModel):
    """An entry exactly as hashed: recompute `hash` from the other fields as docs/audit-log.md explains."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    municipality_id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    action: str
    actor_id: uuid.UUID | None
    actor_kind: ActorKind
    at: str = PField(description="ISO 8601 UTC with microseconds and Z, exactly as hashed")
    data: dict[str, Any]
    prev_hash: str
    hash: str


class AuditEntryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: str | None = PField(None, pattern=r"^[a-z][a-z0-9_]{0,39}$", description="e.g. complaint")
    entity_id: uuid.UUID | None = None
    after_seq: int = PField(0, ge=0, description="Entries after this position (the previous page's next_after_seq)")
    limit: int = PField(100, ge=1, le=1000)
    action: str | None = PField(None, pattern=r"^[a-z][a-z0-9_]{0,39}$", description="e.g. transitioned")
    since: date | None = PField(None, description="entries written on or after this day (the municipality's time)")
    until: date | None = PField(None, description="entries written on or before this day (the municipality's time)")
    order: Literal["asc", "desc"] = PField("asc", description=(
        "asc: chain order (to verify); desc: newest first, paged with before_seq"))
    before_seq: int | None = PField(None, ge=1, description=(
        "order=desc: entries before this position (the previous page's next_before_seq)"))


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    next_after_seq: int | None = PField(description="Pass as ?after_seq= for the next page; null on the last page")
    next_before_seq: int | None = PField(None, description=(
        "order=desc: pass as ?before_seq= for the next (older) page; null on the last page"))
    head: ChainHead = PField(description="The chain's head when this page was read")
