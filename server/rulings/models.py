"""The tables of the judicial-ruling audit: courts, judges and their assignments, audit projects with their teams,
the rulings, their texts (an original, restricted to the project's team, and redacted public versions) and the
personal data found in an original (redaction findings). Their codelists are codelists.py; what the endpoints
accept and answer, schemas.py. docs/rulings.md."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from server.rulings.codelists import (
    AssignmentRole,
    CourtLevel,
    Detector,
    FindingCategory,
    FindingState,
    Matter,
    Outcome,
    RulingKind,
    RulingState,
    Speciality,
    TeamRole,
    TextKind,
    TextSource,
)

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


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
