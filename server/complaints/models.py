"""Complaints (quejas, denuncias, solicitudes de información, sugerencias), their categories, notes and supports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic import Field as PField
from sqlmodel import Field, SQLModel

from server import i18n
from server.complaints.workflow import OPEN_STATES, Outcome, State
from server.db import IdMixin, SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from server.errors import value_error
from server.geo import LonLat, geometry_column
from server.i18n import N_
from server.media.models import Decision, Publication, Rectangle
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


# ------------------------------------------------------------------------------------------------ schemas


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PointIn(Strict):
    type: str = PField(pattern="^Point$")
    coordinates: list[float] = PField(min_length=2, max_length=3)


class Contact(Strict):
    name: str | None = PField(None, max_length=200)
    email: str | None = PField(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = PField(None, max_length=40, pattern=r"^[0-9+() -]{6,40}$")


class ComplaintCreate(Strict):
    """A new complaint. Send your own `id` (a UUID) so that sending it twice files it once."""

    id: uuid.UUID | None = None
    kind: Kind = Kind.complaint
    category: str = PField(min_length=1, max_length=40, description="the category's service_code")
    description: str = PField(min_length=10, max_length=10_000)
    location: PointIn
    accuracy_m: float | None = PField(None, gt=0, le=5_000, description="GPS accuracy in metres")
    address: str | None = PField(None, max_length=500)
    work_id: uuid.UUID | None = None
    photo_ids: list[uuid.UUID] = PField(default_factory=list, max_length=10)
    attributes: dict[str, Any] = PField(default_factory=dict)
    anonymous: bool = PField(False, description="file without an account: you get a folio and a secret code")
    device_key: str | None = PField(None, min_length=16, max_length=128, description=(
        "anonymous filers without an account: a secret your device keeps (never stored). Sending the same `id` "
        "again with the same key answers as the first time, follow-up code included; without it a resend is "
        "refused (`409 complaint_id_taken`). Ignored when signed in: the device of the session is used."))
    contact: Contact | None = PField(None, description="optional, private: only the comptroller sees it")
    confidential: bool = PField(False, description=(
        "ask that only category, zone, state and dates be public (a denuncia always is): docs/privacy.md"))


class ComplaintEdit(Strict):
    """Staff changes to a complaint. Send the `version` you read."""

    version: int = PField(ge=1)
    priority: Priority | None = None
    assignee_id: uuid.UUID | None = None
    category: str | None = PField(None, max_length=40)
    work_id: uuid.UUID | None = None
    unassign: bool = False
    unlink_work: bool = PField(False, description="true: the complaint is no longer linked to a work")


class TransitionCreate(Strict):
    to: State
    reason: str = PField(min_length=3, max_length=4_000, description="why: goes into the audit log")
    version: int | None = PField(None, ge=1, description="the version you read; omit in bulk transitions")
    public_answer: str | None = PField(None, max_length=10_000)
    template_id: uuid.UUID | None = None
    outcome: Outcome | None = None
    extension_days: int | None = PField(None, ge=1, le=60)
    referred_to: str | None = PField(None, max_length=300)


class BulkTransition(Strict):
    ids: list[uuid.UUID] = PField(min_length=1, max_length=200)
    transition: TransitionCreate


class NoteCreate(Strict):
    text: str = PField(min_length=1, max_length=10_000)


class MergeCreate(Strict):
    duplicate_of: uuid.UUID
    reason: str = PField(min_length=3, max_length=4_000)
    version: int = PField(ge=1)


class SupportCreate(Strict):
    supporter_key: str | None = PField(None, min_length=8, max_length=64,
                                       description="anonymous supporters: a key your device keeps")


class FollowUp(Strict):
    folio: str = PField(min_length=3, max_length=40)
    code: str = PField(min_length=6, max_length=64)


class InformationCreate(Strict):
    complaint_id: uuid.UUID | None = PField(None, description="signed-in reporters: the complaint")
    text: str = PField(min_length=3, max_length=10_000)
    photo_ids: list[uuid.UUID] = PField(default_factory=list, max_length=10)
    folio: str | None = PField(None, max_length=40, description="anonymous reporters: the folio")
    code: str | None = PField(None, max_length=64, description="anonymous reporters: the secret code")


class WithdrawCreate(Strict):
    complaint_id: uuid.UUID | None = PField(None, description="signed-in reporters: the complaint")
    folio: str | None = PField(None, max_length=40, description="anonymous reporters: the folio")
    code: str | None = PField(None, max_length=64, description="anonymous reporters: the secret code")
    reason: str = PField(min_length=3, max_length=4_000)


class SuggestionQuery(LonLat, Strict):
    category: str | None = PField(None, max_length=40)


class TemplateQuery(Strict):
    state: State | None = None


class NotePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_id: uuid.UUID | None
    text: str
    at: datetime


class TemplateCreate(Strict):
    state: State
    title: str = PField(min_length=1, max_length=200)
    body: str = PField(min_length=1, max_length=10_000)


class TemplatePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    state: State
    title: str
    body: str


class CategoryPublic(BaseModel):
    service_code: str
    name: str
    description: str | None
    group: str | None
    attributes: list[dict[str, Any]]


class UpdatePublic(BaseModel):
    kind: str = PField(description="transition, information (the reporter added some), merge")
    label: str = PField("", description="what happened, in words in the reader's language (\"Admitida\")")
    from_state: str | None
    from_label: str | None = PField(None, description="the state it left, in words")
    to_state: str | None
    to_label: str | None = PField(None, description="the state it reached, in words")
    text: str | None
    by_reporter: bool
    at: datetime


class Move(BaseModel):
    """A workflow move the reader may make now, as the desk shows it (a button)."""

    move: str = PField(description=(
        "ask_clarification, mark_received, admit, declare_inadmissible, refer, investigate, extend, resolve, "
        "close, reopen"))
    label: str = PField(description="the move in words (\"Pedir aclaración\")")
    to_state: State
    to_label: str = PField(description="the state it leads to, in words")
    reason_required: bool = PField(description="a reason is required (it stays private; the log keeps a commitment)")
    public_answer: Literal["required", "optional"] = PField(description=(
        "required: the reporter is owed a public answer (a template may fill it); optional: one is accepted"))
    fields: list[str] = PField(description="what else it asks for: outcome, referred_to, extension_days")


class ReporterAccount(BaseModel):
    full_name: str
    email: str


class ComplaintPublic(BaseModel):
    """What anyone may see: never who filed it or how to reach them, nor private notes; the publication policy
    applied (docs/privacy.md). The reporter reads their own complaint in full with this same shape."""

    id: uuid.UUID
    folio: str
    kind: Kind
    category: str
    category_name: str
    restricted: bool = PField(description=(
        "a denuncia or a confidential complaint: the public sees only category, zone, state and dates"))
    text_publication: Publication = PField(description=(
        "pending: a moderator has not reviewed the text yet; published; withheld: kept private"))
    description: str | None = PField(description=(
        "public: the text once a moderator published it (or the public version they wrote), else null"))
    location: dict[str, Any] | None = PField(description=(
        "public: the point rounded to 0.001° (about 110 m; never the exact point), null when restricted"))
    location_exact: bool = PField(description="false: `location` is rounded (the public view)")
    address: str | None = PField(description="the address the reporter typed: never public (null)")
    work_id: uuid.UUID | None
    zone: str | None
    state: State
    state_label: str
    open311_status: str
    outcome: Outcome | None
    public_answer: str | None
    support_count: int
    duplicate_of: uuid.UUID | None
    photos: list[uuid.UUID] = PField(description="public: only the photos a moderator published")
    received_on: date
    due_on: date
    overdue: bool
    updates: list[UpdatePublic]
    created_at: datetime
    updated_at: datetime


class ComplaintStaff(ComplaintPublic):
    """The comptroller's view: adds the reporter, assignment, priority, deadlines and version."""

    reporter_id: uuid.UUID | None = PField(description=(
        "the reporter's account: only for the comptroller handling the complaint (its assignee), else null"))
    reporter: ReporterAccount | None = PField(None, description=(
        "the reporter's account name and email: only for the comptroller handling the complaint, else null"))
    anonymous: bool
    contact: Contact | None = PField(description=(
        "the contact the reporter gave: only for the comptroller handling the complaint (its assignee), else null"))
    reporter_visible: bool = PField(False, description=(
        "true: you handle this complaint (you are its assignee), so `reporter_id`, `reporter` and `contact` are "
        "shown; false: they are withheld (null) whatever the reporter gave"))
    contact_given: bool = PField(False, description=(
        "the reporter left contact details or filed signed in (whether or not you may see them)"))
    moves: list[Move] = PField(default_factory=list, description=(
        "the workflow moves you may make from the current state (docs/complaints.md)"))
    confidential: bool
    public_description: str | None = PField(description="the public version of the text a moderator wrote")
    photo_publication: dict[str, Publication] = PField(description="each photo's publication, by photo id")
    photo_original_sha256: dict[str, str] = PField(default_factory=dict, description=(
        "by photo id, the SHA-256 of the camera's original of each photo the phone downscaled before sending "
        "it (the photo's own `sha256` is in its evidence)"))
    priority: Priority
    assignee_id: uuid.UUID | None
    extended: bool
    clarification_due_on: date | None
    referral_due_on: date | None
    business_days_left: int | None = PField(description=(
        "business days left to answer, counted from the first working day on or after today: 0 on the last day "
        "of the term, negative once it has passed (exactly when `overdue` is true); null while the term does "
        "not run (waiting for clarification, or answered)"))
    accuracy_m: float | None
    attributes: dict[str, Any]
    version: int


class Filed(BaseModel):
    """The answer to filing: keep the follow-up code secret; it is shown only this once."""

    complaint: ComplaintPublic
    follow_up_code: str | None = PField(None, description=(
        "anonymous complaints: the secret code, shown grouped (K7Q-M4P-X9D); typed in any case, with or "
        "without dashes"))
    created: bool
    follow_up_url: str | None = PField(None, description=(
        "anonymous complaints: the app's follow-up page, relative to the site, with folio and code in the "
        "fragment (#municipio=…&folio=…&codigo=…), which browsers never send to a server"))


class Suggestions(BaseModel):
    works: list[dict[str, Any]] = PField(description="works within 100 m, nearest first")
    duplicates: list[ComplaintPublic] = PField(description="same category, within 250 m, last 30 days")


QUEUE_ORDERS = ("due", "-received", "received", "priority")


class QueueQuery(Strict):
    """The desk's queue (docs/complaints.md, "The queue"). Lists repeat the parameter (?state=a&state=b)."""

    state: list[State] = PField(default_factory=list, description=(
        "only these states; any state given shows closed ones too"))
    include_closed: bool = PField(False, description=(
        "false (the default): without `state`, complaints whose Open311 status is closed (inadmissible, referred, "
        "resolved, closed, withdrawn) are left out"))
    kind: list[Kind] = PField(default_factory=list)
    category: list[str] = PField(default_factory=list, description="categories' service_code")
    work_id: uuid.UUID | None = None
    zone: list[str] = PField(default_factory=list, description="zones' code")
    assignee: str | None = PField(None, max_length=36, description=(
        "`me` (the caller), `unassigned` (nobody), or a staff member's id"))
    assignee_id: uuid.UUID | None = PField(None, description="the same as assignee=<id>")
    unassigned: bool | None = None
    anonymous: bool | None = PField(None, description="true: only anonymous complaints; false: only signed ones")
    overdue: bool | None = None
    due_within_days: int | None = PField(None, ge=0, le=365, description="business days")
    q: str | None = PField(None, min_length=1, max_length=200, description=(
        "a folio, whole or its beginning (10005-2026-0000), or its number alone (17); or words of the "
        "description, in any case and with or without accents (every word must appear)"))
    publication: Literal["pending"] | None = PField(None, description=(
        "pending: complaints with text or photos a moderator has not reviewed yet"))
    order: str = PField("due", description=(
        "due (the default: overdue first, then due soonest, then those whose term does not run), -received, "
        "received, priority"))
    limit: int = PField(50, ge=1, le=200)
    cursor: str | None = PField(None, max_length=400, description=(
        "the `next_cursor` of the page before: the next page (keyset: stable while complaints come and go)"))
    offset: int = PField(0, ge=0, le=100_000, description="older clients; prefer `cursor`")
    counts: bool = PField(True, description=(
        "true (the default): the answer carries `counts`, complaints per state with the same filters except "
        "state and include_closed; false: `counts` is null and the count is not made (paging on)"))

    @field_validator("order")
    @classmethod
    def _order(cls, value: str) -> str:
        if value not in QUEUE_ORDERS:
            raise value_error("order_unknown", value=value, codes=", ".join(QUEUE_ORDERS))
        return value

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None or value in ("me", "unassigned"):
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise value_error("queue_assignee_unknown", value=value) from None

    @field_validator("offset")
    @classmethod
    def _not_both(cls, value: int, info: ValidationInfo) -> int:
        if value and info.data.get("cursor"):
            raise value_error("queue_cursor_or_offset")
        return value


class QueueItem(ComplaintStaff):
    """A row of the queue: the staff view plus the words and names the desk shows."""

    kind_label: str
    priority_label: str
    zone_code: str | None
    assignee_name: str | None = PField(description="the assigned staff member's name")
    assigned_to_me: bool


class QueuePage(BaseModel):
    items: list[QueueItem]
    total: int = PField(description="complaints matching every filter")
    counts: dict[str, int] | None = PField(description=(
        "complaints per state with the same filters except state and include_closed, every state listed in "
        "workflow order (zeros too), so every tab can be chosen; null when asked with counts=false"))
    next_cursor: str | None = PField(None, description="send it as `cursor` for the next page; null: no more")


class PublicQuery(Strict):
    state: list[State] = PField(default_factory=list)
    kind: list[Kind] = PField(default_factory=list)
    category: list[str] = PField(default_factory=list)
    work_id: uuid.UUID | None = None
    limit: int = PField(50, ge=1, le=200)
    offset: int = PField(0, ge=0, le=100_000)


class BulkResult(BaseModel):
    id: uuid.UUID
    ok: bool
    state: State | None = None
    error: dict[str, Any] | None = None


class AttributeValue(Strict):
    key: str = PField(min_length=1, max_length=60)
    name: str = PField(min_length=1, max_length=200)


class AttributeDefinition(Strict):
    """An extra question of a category (an Open311 service attribute)."""

    code: str = PField(min_length=1, max_length=60, pattern=r"^[a-z0-9_-]+$")
    datatype: str = PField(pattern="^(string|number|datetime|text|singlevaluelist|multivaluelist)$")
    required: bool = False
    description: str = PField(min_length=1, max_length=500)
    order: int = PField(1, ge=1, le=100)
    values: list[AttributeValue] = PField(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _lists_need_values(self) -> AttributeDefinition:
        if self.datatype.endswith("valuelist") and not self.values:
            raise ValueError("las listas necesitan valores")
        return self


class CategoryCreate(Strict):
    service_code: str = PField(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = PField(min_length=2, max_length=200)
    name_en: str | None = PField(None, max_length=200)
    description: str | None = PField(None, max_length=2_000)
    group: str | None = PField(None, max_length=120)
    keywords: list[str] = PField(default_factory=list, max_length=20)
    attributes: list[AttributeDefinition] = PField(default_factory=list, max_length=30)


class CategoryUpdate(Strict):
    """Only the fields sent change. `null` clears name_en, description and group; the others cannot be null."""

    # Not Optional: leaving a field out keeps it, and `null` is a 422 (the columns cannot hold it).
    name: str = PField(None, min_length=2, max_length=200)  # type: ignore[assignment]
    name_en: str | None = PField(None, max_length=200)
    description: str | None = PField(None, max_length=2_000)
    group: str | None = PField(None, max_length=120)
    keywords: list[str] = PField(None, max_length=20)  # type: ignore[assignment]
    attributes: list[AttributeDefinition] = PField(None, max_length=30)  # type: ignore[assignment]
    active: bool = PField(None)  # type: ignore[assignment]


class DeadlineUpdate(Strict):
    business_days: int = PField(ge=1, le=120)


class DeadlinePublic(BaseModel):
    kind: Kind
    business_days: int
    configured: bool = PField(description="false: the legal default applies")


# ------------------------------------------------------------------------------------------------ publication
# (docs/privacy.md: the moderation of a complaint's text and photos, and what a municipality configures)


class PhotoDecision(Strict):
    photo_id: uuid.UUID
    decision: Decision
    rectangles: list[Rectangle] | None = PField(None, max_length=100, description=(
        "approve_with_blackout: every black box of the photo (they replace its previous boxes)"))
    public_version: int | None = PField(None, ge=1, description="the photo's public_version you looked at")


class ModerationCreate(Strict):
    """A moderator's decision on what the public may see of a complaint. Send the `version` you read."""

    version: int = PField(ge=1)
    text: Decision | None = PField(None, description="the complaint's text; omit to leave it as it is")
    public_text: str | None = PField(None, min_length=10, max_length=10_000, description=(
        "approve_with_blackout: the text the public reads (the reporter's with names, addresses or phones "
        "taken out)"))
    photos: list[PhotoDecision] = PField(default_factory=list, max_length=10)
    reason: str = PField(min_length=3, max_length=4_000, description=(
        "why: kept with the complaint's private notes; the public audit log holds its commitment"))


class PublicationRulePublic(BaseModel):
    kind: Kind
    text_public_at_once: bool = PField(description=(
        "true: the text of this kind is public as soon as it is filed (photos still wait for a moderator)"))
    configurable: bool = PField(description="false: a denuncia's text is never public")


class PublicationRuleUpdate(Strict):
    text_public_at_once: bool


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
