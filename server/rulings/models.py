"""Judicial rulings under social audit: courts, judges and their assignments, audit projects with their teams, the
rulings, their texts (an original, restricted to the project's team, and redacted public versions) and the personal
data found in an original (redaction findings). docs/rulings.md."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PField
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server import i18n
from server.i18n import N_
from server.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from server.errors import value_error

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


# ------------------------------------------------------------------------------------------------ codelists


class CourtLevel(str, Enum):
    peace = "peace"
    first_instance = "first_instance"
    appeals = "appeals"
    supreme = "supreme"
    constitutional = "constitutional"


class Speciality(str, Enum):
    civil = "civil"
    family = "family"
    labour = "labour"
    criminal = "criminal"
    mixed = "mixed"
    constitutional = "constitutional"
    administrative = "administrative"
    commercial = "commercial"


class AssignmentRole(str, Enum):
    titular = "titular"
    provisional = "provisional"
    supernumerary = "supernumerary"


class TeamRole(str, Enum):
    auditor = "auditor"
    reviewer = "reviewer"
    coordinator = "coordinator"


class RulingKind(str, Enum):
    sentencia = "sentencia"
    auto = "auto"


class Matter(str, Enum):
    civil = "civil"
    family = "family"
    labour = "labour"
    criminal = "criminal"
    constitutional = "constitutional"
    administrative = "administrative"
    commercial = "commercial"


class Outcome(str, Enum):
    upheld = "upheld"
    partially_upheld = "partially_upheld"
    not_upheld = "not_upheld"
    inadmissible = "inadmissible"
    annulled = "annulled"
    conviction = "conviction"
    acquittal = "acquittal"
    dismissed = "dismissed"
    other = "other"


class RulingState(str, Enum):
    imported = "imported"
    in_redaction = "in_redaction"
    published = "published"


class TextKind(str, Enum):
    original = "original"
    public = "public"


class TextSource(str, Enum):
    text = "text"
    pdf = "pdf"
    csv = "csv"
    jsonl = "jsonl"
    redaction = "redaction"  # a public version made from an original by replacing confirmed findings


class FindingState(str, Enum):
    pending = "pending"
    confirmed = "confirmed"
    dismissed = "dismissed"


class FindingCategory(str, Enum):
    dni = "dni"
    ruc = "ruc"
    curp = "curp"
    rfc = "rfc"
    ine_key = "ine_key"
    cedula_ec = "cedula_ec"
    cedula_co = "cedula_co"
    phone = "phone"
    email = "email"
    address = "address"
    case_number = "case_number"
    person_name = "person_name"
    other = "other"


class PartyRole(str, Enum):
    """A party's procedural role in Peru, Mexico, Ecuador and Colombia (never a name: docs/rulings.md)."""

    demandante = "demandante"
    demandado = "demandado"
    actor = "actor"
    promovente = "promovente"
    accionante = "accionante"
    accionado = "accionado"
    quejoso = "quejoso"
    autoridad_responsable = "autoridad_responsable"
    tercero_interesado = "tercero_interesado"
    imputado = "imputado"
    acusado = "acusado"
    procesado = "procesado"
    sentenciado = "sentenciado"
    agraviado = "agraviado"
    victima = "victima"
    denunciante = "denunciante"
    denunciado = "denunciado"
    querellante = "querellante"
    tercero_civil = "tercero_civil"
    ministerio_publico = "ministerio_publico"
    fiscalia = "fiscalia"
    procuraduria = "procuraduria"
    defensoria_publica = "defensoria_publica"
    apelante = "apelante"
    apelado = "apelado"
    recurrente = "recurrente"
    recurrido = "recurrido"
    beneficiario = "beneficiario"
    tercero = "tercero"


class PartyKind(str, Enum):
    person = "person"
    organisation = "organisation"
    state = "state"
    minor = "minor"


class Detector(str, Enum):
    pattern = "pattern"  # regular expressions (with check digits where the identifier has one)
    ner = "ner"  # spaCy es_core_news_sm named entities
    rules = "rules"  # the fallback for names without spaCy: context words and capitalised sequences
    person = "person"  # selected by a team member



WORDS = [  # the words of the codelists (server/locales), looked up by a name built at run time
    N_("court_level_peace"), N_("court_level_first_instance"), N_("court_level_appeals"), N_("court_level_supreme"),
    N_("court_level_constitutional"),
    N_("speciality_civil"), N_("speciality_family"), N_("speciality_labour"), N_("speciality_criminal"),
    N_("speciality_mixed"), N_("speciality_constitutional"), N_("speciality_administrative"),
    N_("speciality_commercial"),
    N_("assignment_role_titular"), N_("assignment_role_provisional"), N_("assignment_role_supernumerary"),
    N_("team_role_auditor"), N_("team_role_reviewer"), N_("team_role_coordinator"),
    N_("ruling_kind_sentencia"), N_("ruling_kind_auto"),
    N_("matter_civil"), N_("matter_family"), N_("matter_labour"), N_("matter_criminal"), N_("matter_constitutional"),
    N_("matter_administrative"), N_("matter_commercial"),
    N_("outcome_upheld"), N_("outcome_partially_upheld"), N_("outcome_not_upheld"), N_("outcome_inadmissible"),
    N_("outcome_annulled"), N_("outcome_conviction"), N_("outcome_acquittal"), N_("outcome_dismissed"),
    N_("outcome_other"),
    N_("ruling_state_imported"), N_("ruling_state_in_redaction"), N_("ruling_state_published"),
    N_("text_kind_original"), N_("text_kind_public"),
    N_("finding_state_pending"), N_("finding_state_confirmed"), N_("finding_state_dismissed"),
    N_("finding_category_dni"), N_("finding_category_ruc"), N_("finding_category_curp"), N_("finding_category_rfc"),
    N_("finding_category_ine_key"), N_("finding_category_cedula_ec"), N_("finding_category_cedula_co"),
    N_("finding_category_phone"), N_("finding_category_email"), N_("finding_category_address"),
    N_("finding_category_case_number"), N_("finding_category_person_name"), N_("finding_category_other"),
    N_("party_kind_person"), N_("party_kind_organisation"), N_("party_kind_state"), N_("party_kind_minor"),
    N_("party_role_demandante"), N_("party_role_demandado"), N_("party_role_actor"), N_("party_role_promovente"),
    N_("party_role_accionante"), N_("party_role_accionado"), N_("party_role_quejoso"),
    N_("party_role_autoridad_responsable"), N_("party_role_tercero_interesado"), N_("party_role_imputado"),
    N_("party_role_acusado"), N_("party_role_procesado"), N_("party_role_sentenciado"), N_("party_role_agraviado"),
    N_("party_role_victima"), N_("party_role_denunciante"), N_("party_role_denunciado"),
    N_("party_role_querellante"), N_("party_role_tercero_civil"), N_("party_role_ministerio_publico"),
    N_("party_role_fiscalia"), N_("party_role_procuraduria"), N_("party_role_defensoria_publica"),
    N_("party_role_apelante"), N_("party_role_apelado"), N_("party_role_recurrente"), N_("party_role_recurrido"),
    N_("party_role_beneficiario"), N_("party_role_tercero"),
]

i18n.register_words(CourtLevel, "court_level_")
i18n.register_words(Speciality, "speciality_")
i18n.register_words(AssignmentRole, "assignment_role_")
i18n.register_words(TeamRole, "team_role_")
i18n.register_words(RulingKind, "ruling_kind_")
i18n.register_words(Matter, "matter_")
i18n.register_words(Outcome, "outcome_")
i18n.register_words(RulingState, "ruling_state_")
i18n.register_words(TextKind, "text_kind_")
i18n.register_words(FindingState, "finding_state_")
i18n.register_words(FindingCategory, "finding_category_")
i18n.register_words(PartyKind, "party_kind_")
# The feminine forms are taken too ("demandada"); "Ministerio Público" and "víctima" are their words already.
i18n.register_words(PartyRole, "party_role_", aliases={
    "demandada": "demandado", "accionada": "accionado", "quejosa": "quejoso", "imputada": "imputado",
    "acusada": "acusado", "procesada": "procesado", "sentenciada": "sentenciado", "agraviada": "agraviado",
    "denunciada": "denunciado", "apelada": "apelado", "recurrida": "recurrido", "beneficiaria": "beneficiario",
    "fiscal": "fiscalia"})


# ------------------------------------------------------------------------------------------------ tables


class Court(IdMixin, TimestampMixin, table=True):
    __tablename__ = "courts"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "name", name="uq_courts_municipality_name"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=300)
    jurisdiction: str | None = Field(default=None, max_length=200)  # e.g. Poder Judicial del Estado de Durango
    level: CourtLevel = Field(sa_type=sa.String(24))
    speciality: Speciality = Field(sa_type=sa.String(24))
    district: str | None = Field(default=None, max_length=200)  # judicial district (distrito judicial)
    region: str | None = Field(default=None, max_length=200)
    version: int = Field(default=1)


class Judge(IdMixin, TimestampMixin, table=True):
    """A judge: public professional data only (never a private address, phone or ID)."""

    __tablename__ = "judges"

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    full_name: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=200)  # title or position: Juez Titular, Magistrada...
    registry_number: str | None = Field(default=None, max_length=64)  # bar or judicial registry number
    profile_url: str | None = Field(default=None, max_length=500)  # a public profile
    version: int = Field(default=1)


class JudgeAssignment(IdMixin, TimestampMixin, table=True):
    """A judge sitting in a court from starts_on to ends_on (inclusive; open while ends_on is null). One judge's
    assignments never overlap: moving court closes one and opens another."""

    __tablename__ = "judge_assignments"
    __table_args__ = (
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="judge_assignment_period"),
        sa.Index("ix_judge_assignments_judge_starts", "judge_id", "starts_on"),
    )

    judge_id: uuid.UUID = Field(foreign_key="judges.id", ondelete="CASCADE")
    court_id: uuid.UUID = Field(foreign_key="courts.id", index=True, ondelete="CASCADE")
    role: AssignmentRole = Field(sa_type=sa.String(16))
    starts_on: date
    ends_on: date | None = Field(default=None)


class AuditProject(IdMixin, TimestampMixin, table=True):
    __tablename__ = "audit_projects"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "name", name="uq_audit_projects_municipality_name"),
        sa.CheckConstraint("period_ends_on >= period_starts_on", name="audit_project_period"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_type=sa.Text)
    period_starts_on: date
    period_ends_on: date
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    version: int = Field(default=1)


class AuditTeamMember(IdMixin, SQLModel, table=True):
    __tablename__ = "audit_team_members"
    __table_args__ = (sa.UniqueConstraint("project_id", "user_id", name="uq_audit_team_members_project_user"),)

    project_id: uuid.UUID = Field(foreign_key="audit_projects.id", ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: TeamRole = Field(sa_type=sa.String(16))
    added_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Ruling(IdMixin, TimestampMixin, table=True):
    """A ruling (sentencia or auto). `parties` holds roles only ([{"role": "demandante", "kind": "person"}]):
    never a name."""

    __tablename__ = "rulings"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "court_id", "case_number", "kind", "ruled_on",
                            name="uq_rulings_project_court_case"),
        sa.Index("ix_rulings_municipality_state", "municipality_id", "state"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="audit_projects.id", index=True, ondelete="CASCADE")
    court_id: uuid.UUID = Field(foreign_key="courts.id", index=True, ondelete="RESTRICT")
    case_number: str = Field(max_length=100)  # expediente
    kind: RulingKind = Field(sa_type=sa.String(16))
    matter: Matter = Field(sa_type=sa.String(24))
    outcome: Outcome | None = Field(default=None, sa_type=sa.String(24))
    filed_on: date | None = Field(default=None)
    heard_on: date | None = Field(default=None)
    ruled_on: date
    parties: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    state: RulingState = Field(default=RulingState.imported, sa_type=sa.String(16))
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1)


class RulingJudge(SQLModel, table=True):
    __tablename__ = "ruling_judges"

    ruling_id: uuid.UUID = Field(foreign_key="rulings.id", primary_key=True, ondelete="CASCADE")
    judge_id: uuid.UUID = Field(foreign_key="judges.id", primary_key=True, index=True, ondelete="CASCADE")
    role: str = Field(default="ponente", max_length=32)  # ponente, presidente, vocal, juez...


class RulingText(IdMixin, SQLModel, table=True):
    """One version of a ruling's text in canonical form (server/rulings/text.py); sha256 of its UTF-8 identifies
    it. Originals are numbered 1..n and so are public versions; a public version records the original it was
    made from."""

    __tablename__ = "ruling_texts"
    __table_args__ = (
        sa.UniqueConstraint("ruling_id", "kind", "number", name="uq_ruling_texts_ruling_kind_number"),
        sa.Index("ix_ruling_texts_ruling_kind_sha256", "ruling_id", "kind", "sha256"),
    )

    ruling_id: uuid.UUID = Field(foreign_key="rulings.id", ondelete="CASCADE")
    kind: TextKind = Field(sa_type=sa.String(16))
    number: int = Field(ge=1)
    text: str = Field(sa_type=sa.Text)
    sha256: str = Field(max_length=64)
    source: TextSource = Field(sa_type=sa.String(16))
    derived_from: uuid.UUID | None = Field(default=None, foreign_key="ruling_texts.id", ondelete="SET NULL")
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RedactionFinding(IdMixin, SQLModel, table=True):
    """A span [start, end) of an original text that holds personal data. Never a copy of the text found."""

    __tablename__ = "redaction_findings"
    __table_args__ = (
        sa.UniqueConstraint("text_id", "start", "end", "category", name="uq_redaction_findings_span"),
        sa.CheckConstraint('"end" > start AND start >= 0', name="redaction_finding_span"),
    )

    text_id: uuid.UUID = Field(foreign_key="ruling_texts.id", index=True, ondelete="CASCADE")
    start: int
    end: int
    category: FindingCategory = Field(sa_type=sa.String(24))
    detector: Detector = Field(sa_type=sa.String(16))
    state: FindingState = Field(default=FindingState.pending, sa_type=sa.String(16))
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, max_length=500)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


# ------------------------------------------------------------------------------------------------ input and views

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
