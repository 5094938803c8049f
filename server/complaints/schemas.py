"""A complaint's API schemas: filing it (`ComplaintCreate`, answered with `Filed`), the staff's edits and workflow
moves (`ComplaintEdit`, `TransitionCreate`, `BulkTransition`, `MergeCreate`, `NoteCreate`), what a reporter or a
supporter sends (`InformationCreate`, `WithdrawCreate`, `SupportCreate`, `FollowUp`), and the views
(`ComplaintPublic` for anyone, `ComplaintStaff` for the comptroller). `Strict` is the base of every input schema of
the domain. The tables are in models.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField

from server.complaints.models import Kind, Priority
from server.complaints.workflow import Outcome, State
from server.geo import LonLat
from server.media.models import Publication


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


class NotePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_id: uuid.UUID | None
    text: str
    at: datetime


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
