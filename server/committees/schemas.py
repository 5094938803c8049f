"""What committee endpoints accept and answer. Public shapes never carry a member's contact data."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PField

from server.committees.models import AgreementStatus, Kind, MemberRole, Sex, State
from server.errors import value_error


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------------------------ committees


class CommitteeCreate(Strict):
    id: uuid.UUID | None = None
    name: str = PField(min_length=3, max_length=200, examples=["Comité de la obra OP-2026-014"])
    kind: Kind
    program: str | None = PField(None, max_length=200, description="The program it watches (kind program)")
    work_ids: list[uuid.UUID] = PField(default_factory=list, max_length=50)
    service_area: dict[str, Any] | None = PField(None, description="GeoJSON Polygon or MultiPolygon, WGS84")


class CommitteeUpdate(Strict):
    """Send the `version` you read: a stale edit is refused with 409."""

    version: int = PField(ge=1)
    name: str | None = PField(None, min_length=3, max_length=200)
    kind: Kind | None = None
    program: str | None = PField(None, max_length=200)
    work_ids: list[uuid.UUID] | None = PField(None, max_length=50, description="Replaces the linked works")
    service_area: dict[str, Any] | None = None


class TransitionCreate(Strict):
    """A lifecycle step. `document`: the founding minutes (constituted), the certificate (registered), the
    closing minutes (concluded); `reason` for dissolved; `registration_number` and the certificate's
    `photo_id` for registered. GET /committees/vocabulary lists what each step needs, with its labels."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"to": "constituted", "on": "2026-12-01", "version": 1,
         "document": "Acta de la asamblea vecinal del 1 de diciembre de 2026, firmada por 9 personas."}]})

    to: State
    on: date
    version: int | None = PField(None, ge=1, description="The committee's version you read: a stale one is 409")
    document: str | None = PField(None, min_length=3, max_length=4000)
    photo_id: uuid.UUID | None = None
    registration_number: str | None = PField(None, min_length=1, max_length=80)
    reason: str | None = PField(None, min_length=3, max_length=4000)


class WorkRef(BaseModel):
    id: uuid.UUID
    identifier: str
    title: str


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_state: str | None
    to_state: str
    on: date
    document: str | None
    photo_id: uuid.UUID | None


class MemberListed(BaseModel):
    """A member as the public register shows them: the name only if they consented."""

    name: str = PField(description="The member's name, or 'Integrante' if they did not consent to publish it")
    role: MemberRole
    start_on: date


class CommitteeSummary(BaseModel):
    id: uuid.UUID
    name: str
    kind: Kind
    program: str | None
    state: State
    registration_number: str | None
    works: list[WorkRef]
    members: int
    women: int = PField(0, description="Women among the members active today (the parity report's count)")
    chair_is_woman: bool | None = PField(None, description="Whether a woman holds the chair (null: vacant)")
    secretary_is_woman: bool | None = PField(None, description="Whether a woman holds the secretary (null: vacant)")


class CommitteePublic(CommitteeSummary):
    """The public register's entry: committee, works, state, timeline and members' names and roles."""

    service_area: dict[str, Any] | None
    timeline: list[EventPublic]
    active_members: list[MemberListed]
    version: int
    created_at: datetime
    updated_at: datetime


class CommitteeQuery(Strict):
    state: list[State] = PField(default_factory=list)
    kind: list[Kind] = PField(default_factory=list)
    work_id: uuid.UUID | None = None


# ------------------------------------------------------------------------------------------------ members


class MemberCreate(Strict):
    id: uuid.UUID | None = None
    full_name: str = PField(min_length=3, max_length=200)
    sex: Sex = PField(description="F, M or X, for the parity report")
    role: MemberRole
    user_id: uuid.UUID | None = PField(None, description="The member's account, if they have one")
    contact_phone: str | None = PField(None, max_length=40, pattern=r"^[0-9+() .-]{7,40}$")
    contact_email: str | None = PField(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    consent_public: bool = PField(False, description="Whether the name may be shown in the public register")
    start_on: date


class CommitmentLetter(Strict):
    """The signed commitment letter (carta compromiso): the day it was signed and its scan."""

    on: date
    photo_id: uuid.UUID | None = None


class MemberEnd(Strict):
    end_on: date


class Replacement(Strict):
    """Replace a member: the old one's membership ends on `new.start_on`; `document` records why."""

    document: str = PField(min_length=3, max_length=4000, description="The replacement record (acta de sustitución)")
    new: MemberCreate


class MemberPrivate(BaseModel):
    """A member as their committee, coordinators and staff see them. Contact data is null unless the caller
    is a coordinator or staff of the municipality, or the member themself."""

    id: uuid.UUID
    committee_id: uuid.UUID
    user_id: uuid.UUID | None
    full_name: str
    sex: Sex
    role: MemberRole
    consent_public: bool
    start_on: date
    end_on: date | None
    active: bool
    commitment_letter_on: date | None
    commitment_letter_photo_id: uuid.UUID | None
    replaced_member_id: uuid.UUID | None
    replacement_document: str | None
    contact_phone: str | None
    contact_email: str | None


# ------------------------------------------------------------------------------------------------ activities


class TrainingCreate(Strict):
    id: uuid.UUID | None = None
    committee_id: uuid.UUID | None = PField(None, description="Null: a training for every committee")
    topic: str = PField(min_length=3, max_length=300)
    held_on: date
    trainer: str = PField(min_length=3, max_length=200)
    place: str | None = PField(None, max_length=300)
    member_ids: list[uuid.UUID] = PField(default_factory=list, max_length=500, description="Who attended")


class Attendance(Strict):
    member_ids: list[uuid.UUID] = PField(min_length=1, max_length=500)


class TrainingPublic(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID | None
    topic: str
    held_on: date
    trainer: str
    place: str | None
    attendees: list[uuid.UUID]


class AgreementCreate(Strict):
    id: uuid.UUID | None = None
    text: str = PField(min_length=3, max_length=4000)
    owner_member_id: uuid.UUID | None = None
    owner_text: str | None = PField(None, min_length=2, max_length=200, description="An owner outside the committee")
    due_on: date | None = None

    @model_validator(mode="after")
    def _one_owner(self) -> AgreementCreate:
        if self.owner_member_id is not None and self.owner_text is not None:
            raise value_error("agreement_one_owner")
        return self


class AgreementUpdate(Strict):
    status: AgreementStatus | None = None
    due_on: date | None = None


class AgreementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    meeting_id: uuid.UUID
    committee_id: uuid.UUID
    text: str
    owner_member_id: uuid.UUID | None
    owner_text: str | None
    due_on: date | None
    status: AgreementStatus
    overdue: bool = False


class MeetingCreate(Strict):
    id: uuid.UUID | None = None
    held_on: date
    place: dict[str, Any] | None = PField(None, description="GeoJSON Point inside the municipality")
    place_description: str | None = PField(None, max_length=300)
    minutes: str | None = PField(None, max_length=20_000)
    member_ids: list[uuid.UUID] = PField(default_factory=list, max_length=100, description="Who attended")
    agreements: list[AgreementCreate] = PField(default_factory=list, max_length=50)


class MeetingPublic(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    held_on: date
    place: dict[str, Any] | None
    place_description: str | None
    minutes: str | None
    attendees: list[uuid.UUID]
    agreements: list[AgreementPublic]


class AgreementQuery(Strict):
    overdue: bool = PField(False, description="Only pending agreements past their due date")


# ------------------------------------------------------------------------------------------------ parity


class ParityReport(BaseModel):
    """Active members by sex and role; whether women hold the chair and the secretary."""

    committees: int = PField(description="Committees counted (constituted, registered or active)")
    members: int
    by_sex: dict[str, int]
    by_role: dict[str, dict[str, int]] = PField(description="role -> sex -> count")
    women_share: float | None = PField(description="Women among active members, 0 to 1 (null with no members)")
    chair_is_woman: bool | None = PField(None, description="Per committee: null when there is no chair")
    secretary_is_woman: bool | None = None
    chairs_held_by_women: int = 0
    secretaries_held_by_women: int = 0


# ------------------------------------------------------------------------------------------------ vocabulary


class Label(BaseModel):
    code: str
    label: str = PField(description="In the reader's language (Accept-Language)")


class StepNeed(BaseModel):
    field: str = PField(description="The field of the transition's body: on, document, photo_id, "
                                    "registration_number or reason")
    label: str
    required: bool
    kind: str = PField(description="date, text or photo (a photo is uploaded first through /photos)")


class Step(BaseModel):
    to: State
    from_states: list[State] = PField(description="The states this step may be taken from")
    label: str = PField(description="The button's words")
    help: str
    needs: list[StepNeed]


class Vocabulary(BaseModel):
    """The committees' words in the reader's language, and the lifecycle with what each step needs."""

    states: list[Label]
    kinds: list[Label]
    roles: list[Label]
    sexes: list[Label]
    agreement_statuses: list[Label]
    steps: list[Step]
