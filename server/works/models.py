"""Public works (obras públicas), aligned with OC4IDS 0.9, and their progress observations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator
from pydantic import Field as PField
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server import i18n
from server.db import IdMixin, SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from server.errors import ErrorDetail, value_error
from server.geo import LonLat, geometry_column
from server.i18n import N_
from server.works import codelists

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class Work(IdMixin, TimestampMixin, SoftDeleteMixin, table=True):
    __tablename__ = "works"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "identifier", name="uq_works_municipality_identifier"),
        sa.Index("ix_works_municipality_updated", "municipality_id", "updated_at", "id"),
        sa.Index("ix_works_municipality_status", "municipality_id", "status"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    # The municipality's own number for the work (número de obra); the key imports match on.
    identifier: str = Field(max_length=64)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_type=sa.Text)
    purpose: str | None = Field(default=None, sa_type=sa.Text)
    status: str = Field(max_length=32)  # OC4IDS projectStatus
    type: str | None = Field(default=None, max_length=32)  # OC4IDS projectType
    sector: list[str] = Field(default_factory=list, sa_type=JSONType)  # OC4IDS projectSector
    budget_amount: Decimal | None = Field(default=None, sa_type=sa.Numeric(16, 2))
    currency: str = Field(default="MXN", max_length=3)
    funding_source: str | None = Field(default=None, max_length=120)  # fuente de financiamiento
    program: str | None = Field(default=None, max_length=200)
    parties: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    contractor: str | None = Field(default=None, max_length=300)  # derived: suppliers' names, for filtering
    contract_number: str | None = Field(default=None, max_length=80)
    contract_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(16, 2))  # original value
    contract_modifications: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    current_contract_value: Decimal | None = Field(default=None, sa_type=sa.Numeric(16, 2))  # derived
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    documents: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    completion: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    location_description: str | None = Field(default=None, sa_type=sa.Text)
    geometry: Any = Field(default=None, sa_column=geometry_column("GEOMETRY", nullable=True))
    # Latest progress, kept with every observation so risk filters are plain SQL.
    physical_official_pct: float | None = None
    financial_official_pct: float | None = None
    physical_observed_pct: float | None = None
    physical_observed_source: str | None = Field(default=None, max_length=16)
    last_progress_on: date | None = None  # last observation that showed physical progress
    search_text: str = Field(default="", sa_type=sa.Text)  # lower case, without accents
    version: int = Field(default=1)


class WorkZone(SQLModel, table=True):
    """Which zones (colonias) a work touches; recomputed whenever its geometry changes."""

    __tablename__ = "work_zones"

    work_id: uuid.UUID = Field(foreign_key="works.id", primary_key=True, ondelete="CASCADE")
    zone_id: uuid.UUID = Field(foreign_key="zones.id", primary_key=True, index=True, ondelete="CASCADE")


class WorkCard(SQLModel, table=True):
    """A work's public summary, rendered ahead of time as the JSON the API answers (`server/works/cards.py`),
    per language. Only served while it matches the work (`work_updated_at`), the municipality's date
    (`valid_on`: the stalled signal counts days) and the code that renders it (`format`); otherwise the
    summary is rendered on the spot. A cache: deleting every row loses nothing."""

    __tablename__ = "work_cards"

    work_id: uuid.UUID = Field(foreign_key="works.id", primary_key=True, ondelete="CASCADE")
    language: str = Field(primary_key=True, max_length=2)
    work_updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    valid_on: date
    format: int = Field(sa_type=sa.BigInteger)
    body: str = Field(sa_type=sa.Text)


class ProgressSource(str, Enum):
    official = "official"  # the municipality's own report
    committee = "committee"  # a works committee's inspection
    citizen = "citizen"  # a citizen or observatory


i18n.register_words(ProgressSource, "source_")


class ProgressObservation(IdMixin, SQLModel, table=True):
    """One observation of a work's progress. A history: never updated, never overwritten."""

    __tablename__ = "work_progress"
    __table_args__ = (
        sa.CheckConstraint("physical_pct IS NULL OR (physical_pct >= 0 AND physical_pct <= 100)", name="physical_pct"),
        sa.CheckConstraint("financial_pct IS NULL OR (financial_pct >= 0 AND financial_pct <= 100)",
                           name="financial_pct"),
        sa.Index("ix_work_progress_work_observed", "work_id", "observed_on"),
    )

    work_id: uuid.UUID = Field(foreign_key="works.id", ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    observed_on: date
    physical_pct: float | None = None
    financial_pct: float | None = None
    source: ProgressSource = Field(sa_type=sa.String(16))
    reference: str | None = Field(default=None, max_length=200)  # report number, visit id...
    note: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ------------------------------------------------------------------------------------------------ schemas

Money = Annotated[Decimal, PField(ge=0, max_digits=16, decimal_places=2)]
Percent = Annotated[float, PField(ge=0, le=100)]
Currency = Annotated[str, AfterValidator(lambda v: codelists.check("currency", v))]
StatusCode = Annotated[str, AfterValidator(lambda v: codelists.check("projectStatus", v))]
TypeCode = Annotated[str, AfterValidator(lambda v: codelists.check("projectType", v))]
SectorCode = Annotated[str, AfterValidator(lambda v: codelists.check("projectSector", v))]
RoleCode = Annotated[str, AfterValidator(lambda v: codelists.check("partyRole", v))]
DocumentTypeCode = Annotated[str, AfterValidator(lambda v: codelists.check("documentType", v))]
ModificationTypeCode = Annotated[str, AfterValidator(lambda v: codelists.check("modificationType", v))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartyIdentifier(Strict):
    scheme: str = PField(min_length=1, max_length=40, examples=["MX-RFC"])
    id: str = PField(min_length=1, max_length=80)


class Party(Strict):
    """An organisation involved in the work: the municipality, the contractor, a funder, a monitor."""

    id: str | None = PField(None, max_length=80)
    name: str = PField(min_length=1, max_length=300)
    roles: list[RoleCode] = PField(min_length=1)
    identifier: PartyIdentifier | None = None


class Document(Strict):
    id: str | None = PField(None, max_length=80)
    documentType: DocumentTypeCode
    title: str = PField(min_length=1, max_length=300)
    url: str | None = PField(None, max_length=2000, pattern=r"^https?://")
    datePublished: date | None = None


class Modification(Strict):
    """A change to the contract (convenio modificatorio): its value, duration or scope."""

    id: str | None = PField(None, max_length=80)
    date: date
    type: ModificationTypeCode
    description: str = PField(min_length=1, max_length=2000)
    new_value: Money | None = PField(None, description="For value modifications: the contract value after it")
    new_end_date: date | None = PField(None, description="For duration modifications: the new end date")

    @model_validator(mode="after")
    def _value_needs_amount(self) -> Modification:
        if self.type == "value" and self.new_value is None:
            raise value_error("modification_needs_value")
        return self


class Completion(Strict):
    end_date: date | None = None
    final_value: Money | None = None
    final_scope: str | None = PField(None, max_length=40)
    final_scope_details: str | None = PField(None, max_length=2000)


def _check_periods(values: dict[str, Any]) -> None:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if values.get(start) and values.get(end) and values[start] > values[end]:
            raise value_error(f"{start.split('_')[0]}_period_reversed")


class WorkFields(Strict):
    title: str = PField(min_length=3, max_length=300, examples=["Pavimentación de la calle Bruno Martínez"])
    description: str | None = PField(None, max_length=10_000)
    purpose: str | None = PField(None, max_length=2_000)
    status: StatusCode = "identification"
    type: TypeCode | None = None
    sector: list[SectorCode] = PField(default_factory=list, max_length=5)
    budget_amount: Money | None = None
    currency: Currency = "MXN"
    funding_source: str | None = PField(None, max_length=120, examples=["FISM-DF 2026"])
    program: str | None = PField(None, max_length=200)
    parties: list[Party] = PField(default_factory=list, max_length=50)
    contract_number: str | None = PField(None, max_length=80)
    contract_value: Money | None = None
    contract_modifications: list[Modification] = PField(default_factory=list, max_length=100)
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    documents: list[Document] = PField(default_factory=list, max_length=200)
    completion: Completion | None = None
    location_description: str | None = PField(None, max_length=2_000)
    geometry: dict[str, Any] | None = PField(
        None, description="GeoJSON geometry in WGS84: Point, LineString, Polygon or their Multi forms"
    )


class WorkCreate(WorkFields):
    """A new public work. `id` may be generated by the client."""

    id: uuid.UUID | None = None
    identifier: str = PField(min_length=1, max_length=64, examples=["OP-2026-014"])

    @model_validator(mode="after")
    def _periods(self) -> WorkCreate:
        _check_periods(self.__dict__)
        return self


class WorkUpdate(Strict):
    """Changes to a work. `version` is the one you read: a stale edit is refused with 409 and the current record."""

    version: int = PField(ge=1)
    title: str | None = PField(None, min_length=3, max_length=300)
    description: str | None = PField(None, max_length=10_000)
    purpose: str | None = PField(None, max_length=2_000)
    status: StatusCode | None = None
    type: TypeCode | None = None
    sector: list[SectorCode] | None = PField(None, max_length=5)
    budget_amount: Money | None = None
    currency: Currency | None = None
    funding_source: str | None = PField(None, max_length=120)
    program: str | None = PField(None, max_length=200)
    parties: list[Party] | None = PField(None, max_length=50)
    contract_number: str | None = PField(None, max_length=80)
    contract_value: Money | None = None
    contract_modifications: list[Modification] | None = PField(None, max_length=100)
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    documents: list[Document] | None = PField(None, max_length=200)
    completion: Completion | None = None
    location_description: str | None = PField(None, max_length=2_000)
    geometry: dict[str, Any] | None = None


class ZoneRef(BaseModel):
    code: str
    name: str


# The risk signals a work may show (server/works/risks.py explains and filters each one).
RISK_CODES = ("progress_gap", "financial_ahead", "stalled", "cost_growth")


class Risk(BaseModel):
    """A risk signal, explained in one sentence."""

    code: str = PField(description="progress_gap, financial_ahead, stalled or cost_growth")
    severity: str = PField(description="medium or high")
    value: float = PField(description="points of difference, days stalled, or % of cost growth")
    message: str


class Progress(BaseModel):
    physical_official_pct: float | None
    financial_official_pct: float | None
    physical_observed_pct: float | None
    physical_observed_source: str | None
    last_progress_on: date | None


class WorkSummary(BaseModel):
    id: uuid.UUID
    identifier: str
    title: str
    status: str
    type: str | None
    sector: list[str]
    budget_amount: Decimal | None
    currency: str
    funding_source: str | None
    contractor: str | None
    zones: list[ZoneRef]
    progress: Progress
    risks: list[Risk]
    updated_at: datetime


class WorkPublic(WorkSummary):
    oc4ids_id: str
    description: str | None
    purpose: str | None
    program: str | None
    parties: list[dict[str, Any]]
    contract_number: str | None
    contract_value: Decimal | None
    current_contract_value: Decimal | None
    contract_modifications: list[dict[str, Any]]
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    documents: list[dict[str, Any]]
    completion: dict[str, Any] | None
    location_description: str | None
    geometry: dict[str, Any] | None
    version: int
    created_at: datetime


class WorkNear(WorkSummary):
    distance_m: float = PField(description="Metres from the point to the nearest part of the work's geometry")


class WorkPage(BaseModel):
    items: list[WorkSummary]
    next_cursor: str | None = PField(description="Pass as ?cursor= for the next page; null on the last page")


class ProgressCreate(Strict):
    observed_on: date
    physical_pct: Percent | None = None
    financial_pct: Percent | None = None
    source: ProgressSource = ProgressSource.official
    reference: str | None = PField(None, max_length=200)
    note: str | None = PField(None, max_length=4_000)

    @model_validator(mode="after")
    def _something_observed(self) -> ProgressCreate:
        if self.physical_pct is None and self.financial_pct is None:
            raise value_error("progress_needs_a_figure")
        if self.financial_pct is not None and self.source != ProgressSource.official:
            raise value_error("financial_progress_official_only")
        return self


class ProgressPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    observed_on: date
    physical_pct: float | None
    financial_pct: float | None
    source: ProgressSource
    reference: str | None
    note: str | None
    created_at: datetime


ORDERS = ("-updated", "updated", "title", "-title", "budget", "-budget", "identifier")


class WorkQuery(Strict):
    status: list[StatusCode] = PField(default_factory=list)
    sector: list[SectorCode] = PField(default_factory=list)
    zone: list[str] = PField(default_factory=list, description="zone codes, e.g. 10005-Z01")
    funding_source: str | None = PField(None, max_length=120)
    contractor: str | None = PField(None, max_length=300, description="part of the contractor's name")
    q: str | None = PField(None, min_length=2, max_length=200, description="words in the title or description")
    stalled: bool | None = None
    risk: list[str] = PField(default_factory=list, description="progress_gap, financial_ahead, stalled, cost_growth")
    order: str = PField("-updated", description=", ".join(ORDERS))
    limit: int = PField(50, ge=1, le=200)
    cursor: str | None = PField(None, max_length=500)

    @model_validator(mode="after")
    def _known(self) -> WorkQuery:
        unknown = [code for code in self.risk if code not in RISK_CODES]
        if unknown:
            raise value_error("risk_unknown", value=", ".join(unknown), codes=", ".join(RISK_CODES))
        if self.order not in ORDERS:
            raise value_error("order_unknown", value=self.order, codes=", ".join(ORDERS))
        return self


class NearQuery(LonLat, Strict):
    radius_m: float = PField(1000, gt=0, le=50_000)
    limit: int = PField(50, ge=1, le=200)


class AreaQuery(Strict):
    bbox: str | None = PField(None, description="west,south,east,north in degrees")
    limit: int = PField(500, ge=1, le=5000)


class AreaBody(Strict):
    geometry: dict[str, Any] = PField(description="GeoJSON Polygon or MultiPolygon drawn on the map")
    limit: int = PField(500, ge=1, le=5000)


# ------------------------------------------------------------------------------------------------ import reports


class ImportRow(BaseModel):
    """What happened to one row of a spreadsheet or one project of an OC4IDS package."""

    row: int = PField(description="Spreadsheet row (the header is row 1) or project position (from 1)")
    identifier: str | None = PField(description="The work's number, if the row has one")
    result: Literal["created", "updated", "unchanged", "rejected"]
    errors: list[ErrorDetail] = PField(default_factory=list, description="Why the row was rejected")


class ImportReport(BaseModel):
    """Counts and one entry per row. Rejected rows changed nothing; the others were imported."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: list[str] = PField(default_factory=list,
                                        description="Spreadsheet columns Vigía does not know (not imported)")
    rows: list[ImportRow] = PField(default_factory=list)


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("actual_period_reversed"), N_("planned_period_reversed"), N_("source_citizen"), N_("source_committee"),
    N_("source_observatory"), N_("source_official"),
)
