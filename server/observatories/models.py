"""Citizen observatories (observatorios ciudadanos): their members and accreditations as citizen comptroller
(contralor ciudadano), the works, programs and indicators they follow, and the findings they publish."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator
from pydantic import Field as PField
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server import i18n
from server.db import IdMixin, TimestampMixin, UTCDateTime, utcnow

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
SLUG = r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$"


class Observatory(IdMixin, TimestampMixin, table=True):
    __tablename__ = "observatories"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "name", name="uq_observatories_municipality_name"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    theme: str = Field(max_length=64)  # a free slug: public_security, scholarships, brick_kiln_relocation...
    description: str | None = Field(default=None, sa_type=sa.Text)
    programs: list[str] = Field(default_factory=list, sa_type=JSONType)  # names of the social programs it follows
    version: int = Field(default=1)


class ObservatoryWork(SQLModel, table=True):
    """A public work the observatory follows (same municipality)."""

    __tablename__ = "observatory_works"

    observatory_id: uuid.UUID = Field(foreign_key="observatories.id", primary_key=True, ondelete="CASCADE")
    work_id: uuid.UUID = Field(foreign_key="works.id", primary_key=True, index=True, ondelete="CASCADE")


class ObservatoryMember(IdMixin, TimestampMixin, table=True):
    """A person in an observatory. Contact data is private: only staff of the municipality read it."""

    __tablename__ = "observatory_members"

    observatory_id: uuid.UUID = Field(foreign_key="observatories.id", index=True, ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    full_name: str = Field(max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40)
    consent_public: bool = Field(default=False)  # may the public see this member's name


class Accreditation(IdMixin, TimestampMixin, table=True):
    """An accreditation as citizen comptroller: valid on a day from valid_from to valid_to, unless revoked."""

    __tablename__ = "accreditations"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "number", name="uq_accreditations_municipality_number"),
        sa.CheckConstraint("valid_to >= valid_from", name="accreditation_period"),
    )

    member_id: uuid.UUID = Field(foreign_key="observatory_members.id", index=True, ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    number: str = Field(max_length=64)
    issuer: str = Field(max_length=200)
    valid_from: date
    valid_to: date
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, sa_type=sa.Text)


class ObservationSource(str, Enum):
    official = "official"  # published by the government
    observatory = "observatory"  # measured by the observatory itself
    citizen = "citizen"  # reported by citizens


i18n.register_words(ObservationSource, "source_")


class Indicator(IdMixin, SQLModel, table=True):
    __tablename__ = "indicators"
    __table_args__ = (sa.UniqueConstraint("observatory_id", "key", name="uq_indicators_observatory_key"),)

    observatory_id: uuid.UUID = Field(foreign_key="observatories.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=40)
    description: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IndicatorObservation(IdMixin, SQLModel, table=True):
    """One value of an indicator on a day. A history: never updated, never overwritten."""

    __tablename__ = "indicator_observations"
    __table_args__ = (sa.Index("ix_indicator_observations_indicator_observed", "indicator_id", "observed_on"),)

    indicator_id: uuid.UUID = Field(foreign_key="indicators.id", ondelete="CASCADE")
    observed_on: date
    value: Decimal = Field(sa_type=sa.Numeric(18, 4))
    source: ObservationSource = Field(sa_type=sa.String(16))
    reference: str | None = Field(default=None, max_length=300)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ObservatoryFinding(IdMixin, TimestampMixin, table=True):
    """A finding the observatory published (hallazgo): public."""

    __tablename__ = "observatory_findings"
    __table_args__ = (sa.Index("ix_observatory_findings_observatory_published", "observatory_id", "published_on"),)

    observatory_id: uuid.UUID = Field(foreign_key="observatories.id", ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=300)
    text: str = Field(sa_type=sa.Text)
    evidence_links: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    published_on: date
    author_member_id: uuid.UUID | None = Field(default=None, foreign_key="observatory_members.id",
                                               ondelete="SET NULL")


# ------------------------------------------------------------------------------------------------ input


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ObservatoryCreate(Strict):
    id: uuid.UUID | None = None
    name: str = PField(min_length=3, max_length=200, examples=["Observatorio Ciudadano de Seguridad Pública"])
    theme: str = PField(min_length=2, max_length=64, pattern=SLUG, examples=["public_security"])
    description: str | None = PField(None, max_length=10_000)
    programs: list[str] = PField(default_factory=list, max_length=50)
    work_ids: list[uuid.UUID] = PField(default_factory=list, max_length=500)


class ObservatoryUpdate(Strict):
    """Changes to an observatory. `version` is the one you read: a stale edit is refused with 409."""

    version: int = PField(ge=1)
    name: str | None = PField(None, min_length=3, max_length=200)
    theme: str | None = PField(None, min_length=2, max_length=64, pattern=SLUG)
    description: str | None = PField(None, max_length=10_000)
    programs: list[str] | None = PField(None, max_length=50)
    work_ids: list[uuid.UUID] | None = PField(None, max_length=500)


class MemberCreate(Strict):
    id: uuid.UUID | None = None
    full_name: str = PField(min_length=3, max_length=200)
    user_id: uuid.UUID | None = PField(None, description="The member's account, if they have one")
    contact_email: str | None = PField(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    contact_phone: str | None = PField(None, max_length=40, pattern=r"^[0-9 +()-]{7,40}$")
    consent_public: bool = False


class AccreditationCreate(Strict):
    id: uuid.UUID | None = None
    number: str = PField(min_length=1, max_length=64, examples=["OC-DGO-2026-001"])
    issuer: str = PField(min_length=2, max_length=200, examples=["Contraloría Municipal de Durango"])
    valid_from: date
    valid_to: date

    @model_validator(mode="after")
    def _period(self) -> AccreditationCreate:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to es anterior a valid_from")
        return self


class RevocationCreate(Strict):
    reason: str = PField(min_length=5, max_length=2_000)


class IndicatorCreate(Strict):
    id: uuid.UUID | None = None
    key: str = PField(min_length=2, max_length=64, pattern=SLUG, examples=["robos_a_casa_habitacion"])
    name: str = PField(min_length=2, max_length=200)
    unit: str = PField(min_length=1, max_length=40, examples=["denuncias por mes"])
    description: str | None = PField(None, max_length=5_000)


class ObservationCreate(Strict):
    observed_on: date
    value: Decimal = PField(max_digits=18, decimal_places=4)
    source: ObservationSource = ObservationSource.observatory
    reference: str | None = PField(None, max_length=300)


class EvidenceLink(Strict):
    """A URL, or a work, complaint or photo of the same municipality."""

    url: str | None = PField(None, max_length=2_000, pattern=r"^https?://")
    kind: Literal["work", "complaint", "photo"] | None = None
    id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one(self) -> EvidenceLink:
        if (self.url is None) == (self.kind is None) or (self.kind is None) != (self.id is None):
            raise ValueError("indique una url, o bien kind e id")
        return self


class FindingCreate(Strict):
    title: str = PField(min_length=5, max_length=300)
    text: str = PField(min_length=10, max_length=50_000)
    evidence_links: list[EvidenceLink] = PField(default_factory=list, max_length=50)
    published_on: date | None = PField(None, description="Defaults to today in the municipality")
    author_member_id: uuid.UUID | None = PField(None, description="Staff may name the author; a citizen "
                                                "comptroller is always the author of what they publish")


# ------------------------------------------------------------------------------------------------ output

# A decimal as a string without trailing zeros or exponent: "18.5", "142".
DecimalText = Annotated[Decimal, PlainSerializer(lambda v: format(v.normalize(), "f"), return_type=str,
                                                 when_used="json")]
AccreditationStatus = Literal["valid", "expired", "revoked", "not_yet_valid", "none"]


class WorkRef(BaseModel):
    id: uuid.UUID
    identifier: str
    title: str


class AccreditationPublic(BaseModel):
    number: str
    issuer: str
    valid_from: date
    valid_to: date
    status: AccreditationStatus


class AccreditationPrivate(AccreditationPublic):
    id: uuid.UUID
    revoked_at: datetime | None
    revoked_reason: str | None


class MemberPublic(BaseModel):
    """A member as the public sees them: the name only if they consented, never contact data."""

    id: uuid.UUID
    name: str | None
    accreditation_status: AccreditationStatus
    accreditation: AccreditationPublic | None


class MemberPrivate(BaseModel):
    """A member as the municipality's staff see them, with contact data and every accreditation."""

    id: uuid.UUID
    observatory_id: uuid.UUID
    user_id: uuid.UUID | None
    full_name: str
    contact_email: str | None
    contact_phone: str | None
    consent_public: bool
    accreditation_status: AccreditationStatus
    accreditations: list[AccreditationPrivate]
    created_at: datetime


class IndicatorPublic(BaseModel):
    id: uuid.UUID
    key: str
    name: str
    unit: str
    description: str | None
    latest_value: DecimalText | None
    latest_observed_on: date | None


class ObservationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    observed_on: date
    value: DecimalText
    source: ObservationSource
    reference: str | None
    created_at: datetime


class FindingPublic(BaseModel):
    id: uuid.UUID
    observatory_id: uuid.UUID
    title: str
    text: str
    evidence_links: list[dict[str, Any]]
    published_on: date
    author: str | None  # the author's name only if they consented to appear in public
    created_at: datetime


class ObservatorySummary(BaseModel):
    id: uuid.UUID
    name: str
    theme: str
    description: str | None
    accredited_members: int
    findings: int
    updated_at: datetime


class ObservatoryPublic(BaseModel):
    id: uuid.UUID
    name: str
    theme: str
    description: str | None
    programs: list[str]
    works: list[WorkRef]
    members: list[MemberPublic]
    indicators: list[IndicatorPublic]
    findings: list[FindingPublic]
    version: int
    created_at: datetime
    updated_at: datetime
