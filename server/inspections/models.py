"""Inspection checklists (cédulas de vigilancia): versioned form templates and the visits that answer them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import AwareDatetime, BaseModel, ConfigDict
from pydantic import Field as PField
from sqlmodel import Field, SQLModel

from server.db import IdMixin, UTCDateTime, utcnow
from server.geo import geometry_column
from server.works.models import JSONType

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class FormTemplate(IdMixin, table=True):
    """A checklist of one municipality, for one program or (program null) for every work it watches."""

    __tablename__ = "form_templates"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "key", name="uq_form_templates_muni_key"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    program: str | None = Field(default=None, max_length=200)
    key: str = Field(max_length=64)
    title: str = Field(max_length=300)
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FormVersion(IdMixin, table=True):
    """One version of a template. Once published it never changes: a visit answers exactly this text."""

    __tablename__ = "form_versions"
    __table_args__ = (sa.UniqueConstraint("template_id", "version", name="uq_form_versions_template_version"),)

    template_id: uuid.UUID = Field(foreign_key="form_templates.id", ondelete="CASCADE")
    version: int
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Visit(IdMixin, table=True):
    """A committee member's inspection of a work, answering one published form version. The id may come
    from the phone (created offline), so sending the same visit twice stores it once."""

    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint("observed_physical_pct IS NULL OR (observed_physical_pct >= 0 AND "
                           "observed_physical_pct <= 100)", name="observed_physical_pct"),
        sa.Index("ix_visits_committee_visited", "committee_id", "visited_at"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    committee_id: uuid.UUID = Field(foreign_key="committees.id", ondelete="CASCADE")
    member_id: uuid.UUID = Field(foreign_key="committee_members.id", index=True)
    work_id: uuid.UUID = Field(foreign_key="works.id", index=True)
    form_version_id: uuid.UUID = Field(foreign_key="form_versions.id", index=True)
    visited_at: datetime = Field(sa_type=UTCDateTime)
    location: Any = Field(default=None, sa_column=geometry_column("POINT", nullable=True))
    accuracy_m: float | None = None
    captured_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    observed_physical_pct: float | None = None
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class VisitFinding(IdMixin, table=True):
    __tablename__ = "visit_findings"
    __table_args__ = (sa.CheckConstraint("severity IN ('low', 'medium', 'high', 'critical')", name="severity"),)

    visit_id: uuid.UUID = Field(foreign_key="visits.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_type=sa.Text)
    severity: Severity = Field(sa_type=sa.String(16))
    complaint_id: uuid.UUID | None = Field(default=None, foreign_key="complaints.id", ondelete="SET NULL")


class VisitPhoto(SQLModel, table=True):
    __tablename__ = "visit_photos"

    visit_id: uuid.UUID = Field(foreign_key="visits.id", primary_key=True, ondelete="CASCADE")
    photo_id: uuid.UUID = Field(foreign_key="photos.id", primary_key=True, index=True)


# ------------------------------------------------------------------------------------------------ schemas


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionKind(str, Enum):
    yes_no = "yes_no"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    number = "number"
    text = "text"
    date = "date"
    photo = "photo"
    point = "point"


class Option(Strict):
    key: str = PField(pattern=SLUG)
    label: str = PField(min_length=1, max_length=300)
    label_en: str | None = PField(None, max_length=300)


class ShowIf(Strict):
    """Show the question only when the earlier question `question` was answered `equals` (for a multiple
    choice: when `equals` is among the options chosen)."""

    question: str = PField(pattern=SLUG)
    equals: bool | float | str


class Question(Strict):
    id: str = PField(pattern=SLUG)
    text: str = PField(min_length=1, max_length=1_000, description="Spanish")
    text_en: str | None = PField(None, max_length=1_000)
    help: str | None = PField(None, max_length=1_000, description=(
        "Spanish: a line under the question telling how to answer it (what to look at, where)"))
    help_en: str | None = PField(None, max_length=1_000)
    kind: QuestionKind
    required: bool = False
    options: list[Option] = PField(default_factory=list, max_length=100)
    min: float | None = None
    max: float | None = None
    show_if: ShowIf | None = None


class TemplateCreate(Strict):
    key: str = PField(pattern=SLUG, examples=["obra-general"])
    title: str = PField(min_length=1, max_length=300)
    program: str | None = PField(None, max_length=200, description="null: for every work of the municipality")
    questions: list[Question] = PField(min_length=1, max_length=200, description="the first version (a draft)")


class VersionCreate(Strict):
    questions: list[Question] = PField(min_length=1, max_length=200)


class VersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    template_id: uuid.UUID
    version: int
    published_at: datetime | None
    questions: list[Question]


class TemplatePublic(BaseModel):
    id: uuid.UUID
    key: str
    title: str
    program: str | None
    created: datetime
    versions: list[VersionPublic]


class PointIn(Strict):
    type: str = PField(pattern="^Point$")
    coordinates: list[float] = PField(min_length=2, max_length=3)


class FindingCreate(Strict):
    id: uuid.UUID | None = None
    text: str = PField(min_length=3, max_length=4_000)
    severity: Severity


class VisitCreate(Strict):
    """A visit as the phone recorded it. Send your own `id`: sending it again returns the stored visit."""

    id: uuid.UUID | None = None
    committee_id: uuid.UUID
    member_id: uuid.UUID | None = PField(None, description="coordinators and staff: the member who visited")
    work_id: uuid.UUID
    form_version_id: uuid.UUID
    visited_at: AwareDatetime
    location: PointIn | None = None
    accuracy_m: float | None = PField(None, gt=0, le=5_000)
    captured_at: AwareDatetime | None = None
    observed_physical_pct: float | None = PField(None, ge=0, le=100)
    answers: dict[str, Any] = PField(default_factory=dict)
    findings: list[FindingCreate] = PField(default_factory=list, max_length=50)
    photo_ids: list[uuid.UUID] = PField(default_factory=list, max_length=30)


class FindingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    text: str
    severity: Severity
    complaint_id: uuid.UUID | None


class VisitWarning(BaseModel):
    """Something about an accepted visit that the person should check (server.inspections.visits)."""

    code: str = PField(description="visit_far_from_work")
    message: str = PField(description="in the language asked for")


class VisitPublic(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    member_id: uuid.UUID
    work_id: uuid.UUID
    form_version_id: uuid.UUID
    visited_at: datetime
    location: dict[str, Any] | None
    accuracy_m: float | None
    captured_at: datetime | None
    observed_physical_pct: float | None
    answers: dict[str, Any]
    findings: list[FindingPublic]
    photo_ids: list[uuid.UUID]
    created_at: datetime
    warnings: list[VisitWarning] = PField(default_factory=list, description=(
        "what to check about the visit, which was accepted: visit_far_from_work when its point lies more than "
        "500 m (beyond the GPS accuracy given) from the nearest point of the work's geometry"))


class VisitQuery(Strict):
    committee_id: uuid.UUID | None = None
    work_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None
    limit: int = PField(100, ge=1, le=500)


class FindingComplaintCreate(Strict):
    category: str = PField(min_length=1, max_length=40, description="the complaint category's service_code")


class FindingComplaint(BaseModel):
    finding_id: uuid.UUID
    complaint_id: uuid.UUID
    folio: str
    created: bool


class ReportQuery(Strict):
    since: date | None = PField(None, description="first day (default: 1 January of `until`'s year)")
    until: date | None = PField(None, description="last day (default: today in the municipality)")
