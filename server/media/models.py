"""Photos: the original kept as evidence, public copies without metadata, and moderators' black boxes.

A photo belongs to one municipality. The same bytes uploaded twice there are the same record (unique
municipality + SHA-256). What the camera recorded (date, GPS, make and model) is evidence for staff
(`PhotoEvidence`); what anyone may see (`PhotoPublic`) carries none of it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from server.db import IdMixin, TimestampMixin, UTCDateTime

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class VariantsStatus(str, Enum):
    """Where the public copies of a photo are: being made, made, or could not be made."""

    pending = "pending"
    ready = "ready"
    failed = "failed"


class Publication(str, Enum):
    """Whether what a citizen sent (a complaint's text, a photo) is public: nothing is before a moderator decides
    (docs/privacy.md). `withheld`: the moderator kept it private."""

    pending = "pending"
    published = "published"
    withheld = "withheld"


class Decision(str, Enum):
    """A moderator's decision on something a citizen sent (docs/privacy.md)."""

    approve = "approve"  # publish as sent
    approve_with_blackout = "approve_with_blackout"  # publish a public version: text rewritten, photo with boxes
    keep_private = "keep_private"


class Photo(IdMixin, TimestampMixin, table=True):
    __tablename__ = "photos"
    __table_args__ = (
        # Also the index for "the photos of a municipality" (its leading column).
        sa.UniqueConstraint("municipality_id", "sha256", name="uq_photos_municipality_sha256"),
        sa.CheckConstraint("variants_status IN ('pending', 'ready', 'failed')", name="variants_status"),
        sa.CheckConstraint("width > 0 AND height > 0 AND size_bytes > 0", name="dimensions"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    sha256: str = Field(max_length=64)  # of the original bytes, as uploaded: the evidence's fingerprint
    content_type: str = Field(max_length=32)  # the type Pillow found in the bytes, not the one declared
    width: int  # after auto-rotation (EXIF orientation applied)
    height: int
    size_bytes: int
    # Evidence read from the camera's EXIF; private (PhotoEvidence only).
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    gps_lat: float | None = None
    gps_lon: float | None = None
    camera: str | None = Field(default=None, max_length=120)
    # The SHA-256 of the camera's original when a phone downscaled it before sending (declared with the record
    # it was pushed for, docs/sync.md); `sha256` is then the copy's. Private (PhotoEvidence only).
    original_sha256: str | None = Field(default=None, max_length=64)
    # The public copies: {"320": {"width": .., "height": .., "bytes": ..}, ...} once ready.
    variants_status: str = Field(default=VariantsStatus.pending.value, max_length=8)
    variants: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # Black boxes [{x, y, width, height}] in pixels of the auto-rotated image; every public copy shows them.
    redactions: list[dict[str, int]] = Field(default_factory=list, sa_type=JSONType)
    # Bumped by each redaction: public copies and their URLs carry it, so no cache keeps an older copy.
    public_version: int = Field(default=1)
    # Only a published photo's copies are served to the public (docs/privacy.md); staff and the uploader always.
    publication: str = Field(default=Publication.pending.value, max_length=12)
    uploaded_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


# ------------------------------------------------------------------------------------------------ schemas


class PhotoUploadQuery(BaseModel):
    """An app that works offline names the photo itself, so a retried upload keeps one id."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = PField(default=None, description="The photo's id, if the app generated it (UUID)")


class Rectangle(BaseModel):
    """A black box, in pixels of the photo as shown (after auto-rotation); x, y is its top-left corner."""

    model_config = ConfigDict(extra="forbid")

    x: int = PField(ge=0)
    y: int = PField(ge=0)
    width: int = PField(ge=1)
    height: int = PField(ge=1)


class RedactionUpdate(BaseModel):
    """The complete list of black boxes for the photo (it replaces the previous list)."""

    model_config = ConfigDict(extra="forbid")

    rectangles: list[Rectangle] = PField(max_length=100)
    public_version: int | None = PField(
        default=None, ge=1, description="The public_version you looked at; if someone redacted since, 409"
    )


class PhotoVariantPublic(BaseModel):
    url: str
    width: int
    height: int
    bytes: int


class PhotoPublic(BaseModel):
    """What anyone may see of a photo: no date, place, camera or uploader."""

    id: uuid.UUID
    width: int
    height: int
    content_type: str
    variants_status: VariantsStatus
    # The copies that can be fetched now, by long side in pixels; null until they are ready.
    variants: dict[str, PhotoVariantPublic] | None
    redacted: bool
    public_version: int
    publication: Publication = PField(description=(
        "pending: waits for a moderator (only staff and the uploader can fetch it); published; withheld"))


class PhotoModeration(BaseModel):
    """A moderator's decision on a photo that is not a complaint's (an inspection visit's, a committee's)."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    rectangles: list[Rectangle] | None = PField(None, max_length=100, description=(
        "approve_with_blackout: every black box of the photo (they replace its previous boxes)"))
    public_version: int | None = PField(None, ge=1, description="the public_version you looked at")
    reason: str = PField(min_length=3, max_length=4_000, description="why (its commitment goes to the audit log)")


class GpsPoint(BaseModel):
    lat: float
    lon: float


class PhotoEvidence(BaseModel):
    """What staff may rely on: the original's fingerprint and what the camera recorded."""

    id: uuid.UUID
    sha256: str
    original_sha256: str | None = PField(None, description=(
        "the SHA-256 of the camera's original, declared by the phone that downscaled it before sending; "
        "null when the photo was sent as taken"))
    size_bytes: int
    content_type: str
    width: int
    height: int
    taken_at: datetime | None
    gps: GpsPoint | None
    camera: str | None
    received_at: datetime
    redactions: list[Rectangle]
