"""What the endpoints of the judicial-ruling audit accept and answer: courts, judges and assignments, projects and
teams, rulings and their texts, the public version's preview, redaction findings, and the batch import's report.
docs/rulings.md."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PField

from server.errors import value_error
from server.rulings.codelists import (
    AssignmentRole,
    CourtLevel,
    Detector,
    FindingCategory,
    FindingState,
    Matter,
    Outcome,
    PartyKind,
    PartyRole,
    RulingKind,
    RulingState,
    Speciality,
    TeamRole,
    TextKind,
    TextSource,
)

JUDGE_ROLE = r"^[a-záéíóúüñ]+(?:[ _][a-záéíóúüñ]+){0,3}$"  # a judge's role in lower case (ponente)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CourtCreate(Strict):
    id: uuid.UUID | None = None
    name: str = PField(min_length=3, max_length=300, examples=["Juzgado Primero Civil de Durango"])
    jurisdiction: str | None = PField(None, max_length=200)
    level: CourtLevel
    speciality: Speciality
    district: str | None = PField(None, max_length=200)
    region: str | None = PField(None, max_length=200)


class CourtUpdate(Strict):
    version: int = PField(ge=1)
    name: str | None = PField(None, min_length=3, max_length=300)
    jurisdiction: str | None = PField(None, max_length=200)
    level: CourtLevel | None = None
    speciality: Speciality | None = None
    district: str | None = PField(None, max_length=200)
    region: str | None = PField(None, max_length=200)


class CourtPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    jurisdiction: str | None
    level: CourtLevel
    speciality: Speciality
    district: str | None
    region: str | None
    version: int


class JudgeCreate(Strict):
    id: uuid.UUID | None = None
    full_name: str = PField(min_length=3, max_length=200)
    title: str | None = PField(None, max_length=200, examples=["Jueza Titular"])
    registry_number: str | None = PField(None, max_length=64)
    profile_url: str | None = PField(None, max_length=500, pattern=r"^https?://\S+$")


class JudgeUpdate(Strict):
    version: int = PField(ge=1)
    full_name: str | None = PField(None, min_length=3, max_length=200)
    title: str | None = PField(None, max_length=200)
    registry_number: str | None = PField(None, max_length=64)
    profile_url: str | None = PField(None, max_length=500, pattern=r"^https?://\S+$")


class AssignmentCreate(Strict):
    """Sit the judge in a court from starts_on. An open assignment that started earlier is closed the day before
    (the judge moved court); any other overlap is refused (409 assignment_overlap)."""

    id: uuid.UUID | None = None
    court_id: uuid.UUID
    role: AssignmentRole
    starts_on: date
    ends_on: date | None = None

    @model_validator(mode="after")
    def _period(self) -> "AssignmentCreate":
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise value_error("assignment_period_invalid")
        return self


class AssignmentPublic(BaseModel):
    id: uuid.UUID
    court_id: uuid.UUID
    court_name: str
    role: AssignmentRole
    starts_on: date
    ends_on: date | None


class JudgePublic(BaseModel):
    id: uuid.UUID
    full_name: str
    title: str | None
    registry_number: str | None
    profile_url: str | None
    version: int
    assignments: list[AssignmentPublic]


class ProjectCreate(Strict):
    id: uuid.UUID | None = None
    name: str = PField(min_length=3, max_length=300,
                       examples=["Auditoría social de sentencias, Distrito Judicial de Durango, 2025"])
    description: str | None = PField(None, max_length=10_000)
    period_starts_on: date
    period_ends_on: date

    @model_validator(mode="after")
    def _period(self) -> "ProjectCreate":
        if self.period_ends_on < self.period_starts_on:
            raise value_error("project_period_invalid")
        return self


class ProjectUpdate(Strict):
    version: int = PField(ge=1)
    name: str | None = PField(None, min_length=3, max_length=300)
    description: str | None = PField(None, max_length=10_000)
    period_starts_on: date | None = None
    period_ends_on: date | None = None


class ProjectPublic(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    period_starts_on: date
    period_ends_on: date
    version: int
    published_rulings: int
    my_role: TeamRole | None = PField(None, description="The caller's role in the project's team, if any")


class TeamMemberSet(Strict):
    """Put a person in the team (or change their role). auditor: holds student_auditor here; reviewer:
    audit_reviewer; coordinator: audit_reviewer or admin."""

    role: TeamRole


class TeamMemberView(BaseModel):
    user_id: uuid.UUID
    full_name: str | None
    email: str | None
    role: TeamRole


class Party(Strict):
    role: PartyRole = PField(examples=["demandante"], description="a procedural role of the codelist, never a name")
    kind: PartyKind = PartyKind.person


class RulingJudgeRef(Strict):
    judge_id: uuid.UUID
    role: str = PField("ponente", min_length=2, max_length=32, pattern=JUDGE_ROLE)


class RulingMetadata(Strict):
    id: uuid.UUID | None = None
    court_id: uuid.UUID
    case_number: str = PField(min_length=1, max_length=100, examples=["00123-2025-0-1001-JR-CI-01"])
    kind: RulingKind
    matter: Matter
    outcome: Outcome | None = None
    filed_on: date | None = None
    heard_on: date | None = None
    ruled_on: date
    parties: list[Party] = PField(default_factory=list, max_length=50)
    judges: list[RulingJudgeRef] = PField(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _dates(self) -> "RulingMetadata":
        if self.filed_on is not None and self.filed_on > self.ruled_on:
            raise value_error("ruling_dates_invalid")
        if self.heard_on is not None and self.heard_on > self.ruled_on:
            raise value_error("ruling_dates_invalid")
        return self


class RulingCreate(RulingMetadata):
    """A ruling with its original text (JSON import), stored in canonical form. Without `text` the ruling waits
    (state imported) for a text or PDF upload."""

    text: str | None = PField(None, min_length=1, max_length=2_000_000)


class RulingUpdate(Strict):
    version: int = PField(ge=1)
    outcome: Outcome | None = None
    matter: Matter | None = None
    filed_on: date | None = None
    heard_on: date | None = None
    parties: list[Party] | None = PField(None, max_length=50)


class TextView(BaseModel):
    id: uuid.UUID
    kind: TextKind
    number: int
    sha256: str
    source: TextSource
    derived_from: uuid.UUID | None
    created_at: datetime
    length: int
    text: str | None = PField(None, description="The text itself (originals: the project's team only)")


class TextRef(BaseModel):
    id: uuid.UUID
    number: int
    sha256: str


class PlaceholderSpan(BaseModel):
    start: int = PField(description="where the placeholder starts in the preview's text (code points)")
    end: int
    category: FindingCategory
    placeholder: str = PField(examples=["[DNI]"])
    original_start: int = PField(description="the span of the original it replaces (code points)")
    original_end: int


class PublicVersionPreview(BaseModel):
    """The public version as publishing would make it now."""

    ruling_id: uuid.UUID
    case_number: str
    text: str = PField(description="the latest original with every confirmed finding replaced by its placeholder")
    spans: list[PlaceholderSpan]
    pending: int = PField(description="findings still to decide (publishing answers 409 while there are any)")
    confirmed: int
    original: TextRef
    latest_public: TextRef | None = PField(description="the latest public version, if any")
    changed: bool = PField(description="publishing now would make a new public version (its text differs from the "
                                       "latest one's, or it comes from a newer original)")


class JudgeRef(BaseModel):
    id: uuid.UUID
    full_name: str
    role: str


class RulingView(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    court_id: uuid.UUID
    court_name: str
    case_number: str
    kind: RulingKind
    matter: Matter
    outcome: Outcome | None
    filed_on: date | None
    heard_on: date | None
    ruled_on: date
    parties: list[dict[str, Any]]
    judges: list[JudgeRef]
    state: RulingState
    published_at: datetime | None
    version: int
    public_text: TextView | None = None
    original: TextView | None = PField(None, description="The latest original (team only; without its text)")
    pending_findings: int | None = PField(None, description="Findings still to decide (team only)")


class FindingCreate(Strict):
    """A missed datum selected on the original: [start, end) in characters of that text."""

    text_id: uuid.UUID
    start: int = PField(ge=0)
    end: int = PField(ge=1)
    category: FindingCategory

    @model_validator(mode="after")
    def _span(self) -> "FindingCreate":
        if self.end <= self.start:
            raise value_error("finding_span_invalid")
        return self


class FindingDecision(Strict):
    state: Literal["confirmed", "dismissed"]
    version: int = PField(ge=1)
    reason: str | None = PField(None, max_length=500)
    category: FindingCategory | None = PField(None, description="Correct the category while confirming")


class FindingView(BaseModel):
    id: uuid.UUID
    text_id: uuid.UUID
    start: int
    end: int
    category: FindingCategory
    detector: Detector
    state: FindingState
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    reason: str | None
    version: int


class ImportLine(BaseModel):
    line: int
    status: Literal["accepted", "duplicate", "new_version", "error"]
    ruling_id: uuid.UUID | None = None
    field: str | None = None
    code: str | None = None
    message: str | None = None


class ImportReport(BaseModel):
    accepted: int
    duplicates: int
    new_versions: int
    errors: int
    lines: list[ImportLine]
