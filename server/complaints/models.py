"""Complaints (quejas, denuncias, solicitudes de información, sugerencias), their categories, notes and supports: the
tables and the words of their kinds and priorities. Their API schemas: schemas.py (a complaint's own),
queue_models.py (the desk's queue), configuration_models.py (categories, terms, templates), moderation_models.py
(moderation and publication rules), stats_models.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server import i18n
from server.complaints.workflow import OPEN_STATES, Outcome, State
from server.db import IdMixin, SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from server.geo import geometry_column
from server.i18n import N_
from server.media.models import Publication
from server.works.models import JSONType
from server.works.service import fold


class Kind(str, Enum):
    complaint = "complaint"  # queja
    report = "report"  # denuncia
    information_request = "information_request"  # solicitud de información
    suggestion = "suggestion"  # sugerencia

    @classmethod
    def _missing_(cls, value: object) -> "Kind | None":
        # The words people use are accepted wherever a kind is: "denuncia", "Solicitud de información" (docs/api.md).
        return i18n.member_by_words(cls, value, "kind_", extra={"solicitud": "information_request"})


class Priority(str, Enum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"

    @classmethod
    def _missing_(cls, value: object) -> "Priority | None":
        return i18n.member_by_words(cls, value, "priority_")  # "alta", "Urgente"


i18n.register_words(Kind, "kind_")
i18n.register_words(Priority, "priority_")
i18n.register_words(State, "complaint_is_", aliases={"turnada": "referred", "requiere aclaracion": "needs_clarification",
                                                     "prorroga": "extended"})
i18n.register_words(Outcome, "outcome_")


# The open complaints, as the partial index ix_complaints_open_due holds them and server/complaints/queue.py asks
# for them (the same list in the same order: SQLite matches a partial index's condition term for term).
OPEN_STATE_SQL = "state IN (" + ", ".join(f"'{state}'" for state in sorted(s.value for s in OPEN_STATES)) + ")"
OPEN_LIVE_SQL = f"{OPEN_STATE_SQL} AND deleted_at IS NULL"

PRIORITY_RANK = {Priority.urgent: 0, Priority.high: 1, Priority.normal: 2, Priority.low: 3}


class Category(IdMixin, TimestampMixin, table=True):
    """A complaint category of one municipality; also its Open311 service."""

    __tablename__ = "complaint_categories"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "service_code", name="uq_categories_muni_code"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    service_code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, sa_type=sa.Text)
    group: str | None = Field(default=None, max_length=120)
    keywords: list[str] = Field(default_factory=list, sa_type=JSONType)
    # Open311 service definition attributes: [{code, datatype, required, description, order, values}]
    attributes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    active: bool = Field(default=True)


class DeadlineRule(IdMixin, SQLModel, table=True):
    """Business days to answer a kind of complaint in one municipality (else the legal defaults apply)."""

    __tablename__ = "complaint_deadline_rules"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "kind", name="uq_deadline_rules_muni_kind"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    kind: Kind = Field(sa_type=sa.String(24))
    business_days: int


class PublicationRule(IdMixin, SQLModel, table=True):
    """A kind of complaint whose text a municipality publishes at once, without waiting for a moderator (never
    photos, never denuncias: docs/privacy.md). No row: the text waits for moderation."""

    __tablename__ = "complaint_publication_rules"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "kind", name="uq_publication_rules_muni_kind"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", ondelete="CASCADE")
    kind: Kind = Field(sa_type=sa.String(24))
    text_public_at_once: bool = Field(default=False)


class Complaint(IdMixin, TimestampMixin, SoftDeleteMixin, table=True):
    __tablename__ = "complaints"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "folio", name="uq_complaints_muni_folio"),
        sa.Index("ix_complaints_queue", "municipality_id", "state", "due_on"),
        sa.Index("ix_complaints_reporter", "reporter_id"),
        # The desk's queue in its default order (server/complaints/queue.py): a municipality's complaints by due
        # date, so a page (and the next one, from its keyset cursor) reads a few index entries, not the table.
        sa.Index("ix_complaints_queue_due", "municipality_id", "due_on", "id"),
        # The same for the open complaints alone (the default view): at a national scale most complaints are
        # closed, with due dates long past, and would stand before the first open one (migration 0022).
        # Not deleted, too: a page's total (how many open complaints the filters leave) is counted from this index
        # alone, never visiting the table's rows.
        sa.Index("ix_complaints_open_due", "municipality_id", "due_on", "id",
                 postgresql_where=sa.text(OPEN_LIVE_SQL), sqlite_where=sa.text(OPEN_LIVE_SQL)),
        # The desk's counts per state, every state, from the index alone (migration 0022).
        sa.Index("ix_complaints_live_state", "municipality_id", "state",
                 postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL")),
        # Newest first (order=-received), read backwards.
        sa.Index("ix_complaints_received", "municipality_id", "received_on", "created_at", "id"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    folio: str = Field(max_length=40)  # the case number people quote
    kind: Kind = Field(sa_type=sa.String(24))
    category_id: uuid.UUID = Field(foreign_key="complaint_categories.id")
    description: str = Field(sa_type=sa.Text)
    # The description in lower case without accents, for the queue's search on both databases ("credito" finds
    # "Crédito"); kept by the mapper whenever the description is written (`_fold_description` below).
    search_text: str = Field(default="", sa_type=sa.Text)
    location: Any = Field(default=None, sa_column=geometry_column("POINT", nullable=True))
    accuracy_m: float | None = None
    address: str | None = Field(default=None, max_length=500)
    work_id: uuid.UUID | None = Field(default=None, foreign_key="works.id", index=True, ondelete="SET NULL")
    zone_id: uuid.UUID | None = Field(default=None, foreign_key="zones.id", index=True, ondelete="SET NULL")
    attributes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)  # Open311 attribute values
    source: str = Field(default="api", max_length=16)  # api, open311, sync, staff
    # Workflow
    state: State = Field(default=State.received, sa_type=sa.String(24))
    outcome: Outcome | None = Field(default=None, sa_type=sa.String(16))
    public_answer: str | None = Field(default=None, sa_type=sa.Text)
    priority: Priority = Field(default=Priority.normal, sa_type=sa.String(8))
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    duplicate_of_id: uuid.UUID | None = Field(default=None, foreign_key="complaints.id", ondelete="SET NULL")
    support_count: int = Field(default=0)
    received_on: date  # in the municipality's time zone; terms count from it
    due_on: date
    extended: bool = Field(default=False)
    clarification_due_on: date | None = None
    referral_due_on: date | None = None
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The reporter: private. Visible only to the municipality's comptrollers and to the reporter.
    reporter_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    anonymous: bool = Field(default=False)
    follow_up_digest: str | None = Field(default=None, max_length=64)  # keyed hash of the anonymous code
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40)
    # Publication (docs/privacy.md): the reporter asked that only category, zone, state and dates be public;
    # whether a moderator published the text, and the public version of it they wrote (null: the text as sent).
    confidential: bool = Field(default=False)
    text_publication: Publication = Field(default=Publication.pending, sa_type=sa.String(12))
    public_description: str | None = Field(default=None, sa_type=sa.Text)
    version: int = Field(default=1)


@sa.event.listens_for(Complaint, "before_insert")
@sa.event.listens_for(Complaint, "before_update")
def _fold_description(mapper: Any, connection: Any, complaint: Complaint) -> None:
    """Every write of a complaint through the ORM keeps `search_text` in step with its description."""
    if complaint.search_text == "" or sa.inspect(complaint).attrs.description.history.has_changes():
        complaint.search_text = fold(complaint.description or "")


class FolioCounter(SQLModel, table=True):
    """The last folio number given in one municipality and year. The filing's transaction adds one to it in a
    single statement (server/counters.py), so two filings at the same moment never get the same folio, and a
    filing that fails gives its number back with the rest of its transaction."""

    __tablename__ = "complaint_folio_counters"

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", primary_key=True, ondelete="CASCADE")
    year: int = Field(primary_key=True)
    last_number: int


class ComplaintPhoto(SQLModel, table=True):
    __tablename__ = "complaint_photos"

    complaint_id: uuid.UUID = Field(foreign_key="complaints.id", primary_key=True, ondelete="CASCADE")
    photo_id: uuid.UUID = Field(foreign_key="photos.id", primary_key=True, index=True)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplaintUpdate(IdMixin, SQLModel, table=True):
    """The public timeline: transitions, public answers and information the reporter added."""

    __tablename__ = "complaint_updates"

    complaint_id: uuid.UUID = Field(foreign_key="complaints.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=24)  # transition, answer, information, merge, assignment
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str | None = Field(default=None, max_length=24)
    text: str | None = Field(default=None, sa_type=sa.Text)
    by_reporter: bool = Field(default=False)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ComplaintNote(IdMixin, SQLModel, table=True):
    """A comptroller's private note: never in public views, exports or the reporter's view."""

    __tablename__ = "complaint_notes"

    complaint_id: uuid.UUID = Field(foreign_key="complaints.id", index=True, ondelete="CASCADE")
    author_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    text: str = Field(sa_type=sa.Text)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Support(IdMixin, SQLModel, table=True):
    """Someone supports an existing complaint instead of filing the same one again."""

    __tablename__ = "complaint_supports"
    __table_args__ = (sa.UniqueConstraint("complaint_id", "supporter_key", name="uq_supports_complaint_key"),)

    complaint_id: uuid.UUID = Field(foreign_key="complaints.id", index=True, ondelete="CASCADE")
    # user id for a signed-in supporter, else a key the anonymous device generated (one support each)
    supporter_key: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ResponseTemplate(IdMixin, TimestampMixin, table=True):
    """A ready answer for a state (e.g. the standard text of an inadmissible complaint)."""

    __tablename__ = "complaint_templates"

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    state: State = Field(sa_type=sa.String(24))
    title: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("complaint_is_admitted"), N_("complaint_is_closed"), N_("complaint_is_extended"),
    N_("complaint_is_inadmissible"), N_("complaint_is_needs_clarification"), N_("complaint_is_received"),
    N_("complaint_is_referred"), N_("complaint_is_reopened"), N_("complaint_is_resolved"),
    N_("complaint_is_under_investigation"), N_("complaint_is_withdrawn"), N_("complaint_to_admitted"),
    N_("complaint_to_closed"), N_("complaint_to_extended"), N_("complaint_to_inadmissible"),
    N_("complaint_to_needs_clarification"), N_("complaint_to_received"), N_("complaint_to_referred"),
    N_("complaint_to_reopened"), N_("complaint_to_resolved"), N_("complaint_to_under_investigation"),
    N_("kind_complaint"), N_("kind_information_request"), N_("kind_report"), N_("kind_suggestion"),
    N_("outcome_not_upheld"), N_("outcome_upheld"), N_("priority_high"), N_("priority_low"), N_("priority_normal"),
    N_("priority_urgent"),
)
