"""Social-oversight committees (comités de contraloría social): their works, members, lifecycle history,
trainings, meetings and agreements. The request and response schemas are in `server.committees.schemas`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server import i18n
from server.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from server.geo import geometry_column
from server.i18n import N_


class Kind(str, Enum):
    works = "works"  # comité de obra
    program = "program"  # comité de programa social
    participatory_budget = "participatory_budget"  # comité de vigilancia del presupuesto participativo


class State(str, Enum):
    draft = "draft"  # borrador
    constituted = "constituted"  # constituido (acta de constitución)
    registered = "registered"  # registrado (número y constancia de registro)
    active = "active"  # en funciones
    concluded = "concluded"  # concluido
    dissolved = "dissolved"  # disuelto


FINAL_STATES = frozenset({State.concluded, State.dissolved})
# The lifecycle: each state and the states it may move to.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.draft: frozenset({State.constituted, State.dissolved}),
    State.constituted: frozenset({State.registered, State.dissolved}),
    State.registered: frozenset({State.active, State.dissolved}),
    State.active: frozenset({State.concluded, State.dissolved}),
    State.concluded: frozenset(),
    State.dissolved: frozenset(),
}


@dataclass(frozen=True)
class Need:
    """What a lifecycle step asks for: a field of the transition's body and whether it is required."""

    field: str  # on, document, photo_id, registration_number, reason
    required: bool
    kind: str  # date, text, photo: how a screen asks for it


# What each step needs (docs/committees.md, Lifecycle): service.transition checks the required ones in this order,
# and GET /committees/vocabulary shows them with their labels, so the screens and the rule cannot drift apart.
STEP_NEEDS: dict[State, tuple[Need, ...]] = {
    State.constituted: (Need("on", True, "date"), Need("document", True, "text"), Need("photo_id", False, "photo")),
    State.registered: (Need("on", True, "date"), Need("registration_number", True, "text"),
                       Need("photo_id", True, "photo"), Need("document", False, "text")),
    State.active: (Need("on", True, "date"),),
    State.concluded: (Need("on", True, "date"), Need("document", True, "text"), Need("photo_id", False, "photo")),
    State.dissolved: (Need("on", True, "date"), Need("reason", True, "text")),
}
# The refusal when a required field is missing (422 naming the field).
MISSING_NEED = {"document": "committee_document_required", "registration_number": "committee_registration_required",
                "photo_id": "committee_certificate_required", "reason": "committee_reason_required"}


class MemberRole(str, Enum):
    chair = "chair"  # presidencia
    secretary = "secretary"  # secretaría
    member_at_large = "member_at_large"  # vocal
    social_comptroller = "social_comptroller"  # contralor social


class Sex(str, Enum):
    female = "F"
    male = "M"
    other = "X"


class AgreementStatus(str, Enum):
    pending = "pending"
    done = "done"
    cancelled = "cancelled"


# The words people read and may type for each code ("comité de obra", "vocal", "en funciones").
i18n.register_words(Kind, "committee_kind_", aliases={"obra": "works", "programa social": "program",
                                                      "presupuesto participativo": "participatory_budget"})
i18n.register_words(State, "committee_to_", aliases={"borrador": "draft", "activo": "active"})
i18n.register_words(MemberRole, "member_role_", aliases={"presidente": "chair", "presidenta": "chair",
                                                         "secretario": "secretary", "secretaria": "secretary",
                                                         "contralor social": "social_comptroller"})
i18n.register_words(Sex, "sex_", aliases={"femenino": "F", "masculino": "M", "mujer": "F", "hombre": "M"})
i18n.register_words(AgreementStatus, "agreement_")


class Committee(IdMixin, TimestampMixin, table=True):
    __tablename__ = "committees"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "name", name="uq_committees_municipality_name"),
        sa.UniqueConstraint("municipality_id", "registration_number", name="uq_committees_municipality_registration"),
        sa.Index("ix_committees_municipality_state", "municipality_id", "state"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    program: str | None = Field(default=None, max_length=200)  # the program it watches (kind program)
    service_area: Any = Field(default=None, sa_column=geometry_column("MULTIPOLYGON", nullable=True))
    state: str = Field(default=State.draft.value, max_length=16)
    registration_number: str | None = Field(default=None, max_length=80)
    version: int = Field(default=1)


class CommitteeWork(SQLModel, table=True):
    """The works a committee watches."""

    __tablename__ = "committee_works"

    committee_id: uuid.UUID = Field(foreign_key="committees.id", primary_key=True, ondelete="CASCADE")
    work_id: uuid.UUID = Field(foreign_key="works.id", primary_key=True, index=True, ondelete="CASCADE")


class CommitteeEvent(IdMixin, SQLModel, table=True):
    """One step of a committee's lifecycle, with its date and document: the public timeline."""

    __tablename__ = "committee_events"
    __table_args__ = (sa.Index("ix_committee_events_committee_on", "committee_id", "on"),)

    committee_id: uuid.UUID = Field(foreign_key="committees.id", ondelete="CASCADE")
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str = Field(max_length=16)
    on: date
    document: str | None = Field(default=None, sa_type=sa.Text)  # acta, constancia, reason for dissolution
    photo_id: uuid.UUID | None = Field(default=None, foreign_key="photos.id", ondelete="SET NULL")
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Member(IdMixin, TimestampMixin, table=True):
    """A person on a committee. Contact data is private: only coordinators, staff and the person see it."""

    __tablename__ = "committee_members"
    __table_args__ = (
        sa.CheckConstraint("end_on IS NULL OR end_on >= start_on", name="period"),
        sa.Index("ix_committee_members_committee_end", "committee_id", "end_on"),
    )

    committee_id: uuid.UUID = Field(foreign_key="committees.id", ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    full_name: str = Field(max_length=200)
    sex: str = Field(max_length=1)
    role: str = Field(max_length=32)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: str | None = Field(default=None, max_length=254)
    consent_public: bool = Field(default=False)
    start_on: date
    end_on: date | None = None
    commitment_letter_on: date | None = None  # carta compromiso firmada
    commitment_letter_photo_id: uuid.UUID | None = Field(default=None, foreign_key="photos.id",
                                                         ondelete="SET NULL")
    replaced_member_id: uuid.UUID | None = Field(default=None, foreign_key="committee_members.id",
                                                 ondelete="SET NULL")
    replacement_document: str | None = Field(default=None, sa_type=sa.Text)  # acta de sustitución


class Training(IdMixin, TimestampMixin, table=True):
    """A training (capacitación) for one committee, or for every committee of the municipality."""

    __tablename__ = "trainings"

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    committee_id: uuid.UUID | None = Field(default=None, foreign_key="committees.id", index=True,
                                           ondelete="CASCADE")
    topic: str = Field(max_length=300)
    held_on: date
    trainer: str = Field(max_length=200)
    place: str | None = Field(default=None, max_length=300)


class TrainingAttendance(SQLModel, table=True):
    __tablename__ = "training_attendance"

    training_id: uuid.UUID = Field(foreign_key="trainings.id", primary_key=True, ondelete="CASCADE")
    member_id: uuid.UUID = Field(foreign_key="committee_members.id", primary_key=True, index=True,
                                 ondelete="CASCADE")


class Meeting(IdMixin, TimestampMixin, table=True):
    """A committee meeting (reunión) with its minutes (minuta)."""

    __tablename__ = "meetings"
    __table_args__ = (sa.Index("ix_meetings_committee_held", "committee_id", "held_on"),)

    committee_id: uuid.UUID = Field(foreign_key="committees.id", ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    held_on: date
    place: Any = Field(default=None, sa_column=geometry_column("POINT", nullable=True))
    place_description: str | None = Field(default=None, max_length=300)
    minutes: str | None = Field(default=None, sa_type=sa.Text)


class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"

    meeting_id: uuid.UUID = Field(foreign_key="meetings.id", primary_key=True, ondelete="CASCADE")
    member_id: uuid.UUID = Field(foreign_key="committee_members.id", primary_key=True, index=True,
                                 ondelete="CASCADE")


class Agreement(IdMixin, TimestampMixin, table=True):
    """An agreement (acuerdo) taken in a meeting: who does it, by when, and whether it was done."""

    __tablename__ = "agreements"
    __table_args__ = (sa.Index("ix_agreements_committee_status_due", "committee_id", "status", "due_on"),)

    meeting_id: uuid.UUID = Field(foreign_key="meetings.id", index=True, ondelete="CASCADE")
    committee_id: uuid.UUID = Field(foreign_key="committees.id", ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_type=sa.Text)
    owner_member_id: uuid.UUID | None = Field(default=None, foreign_key="committee_members.id",
                                              ondelete="SET NULL")
    owner_text: str | None = Field(default=None, max_length=200)  # an owner outside the committee
    due_on: date | None = None
    status: str = Field(default=AgreementStatus.pending.value, max_length=16)


# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("agreement_cancelled"), N_("agreement_done"), N_("agreement_pending"), N_("committee_is_active"),
    N_("committee_is_concluded"), N_("committee_is_constituted"), N_("committee_is_dissolved"),
    N_("committee_is_draft"), N_("committee_is_registered"), N_("committee_kind_participatory_budget"),
    N_("committee_kind_program"), N_("committee_kind_works"), N_("committee_to_active"), N_("committee_to_concluded"),
    N_("committee_to_constituted"), N_("committee_to_dissolved"), N_("committee_to_draft"),
    N_("committee_to_registered"), N_("member_role_chair"), N_("member_role_member_at_large"),
    N_("member_role_secretary"), N_("member_role_social_comptroller"), N_("sex_F"), N_("sex_M"), N_("sex_X"),
    # the vocabulary (GET /committees/vocabulary): states as a heading shows them, each step's button, its hint,
    # and the label of each field it asks for
    N_("committee_state_draft"), N_("committee_state_constituted"), N_("committee_state_registered"),
    N_("committee_state_active"), N_("committee_state_concluded"), N_("committee_state_dissolved"),
    N_("committee_step_constituted"), N_("committee_step_registered"), N_("committee_step_active"),
    N_("committee_step_concluded"), N_("committee_step_dissolved"),
    N_("committee_step_constituted_help"), N_("committee_step_registered_help"), N_("committee_step_active_help"),
    N_("committee_step_concluded_help"), N_("committee_step_dissolved_help"),
    N_("committee_need_constituted_on"), N_("committee_need_constituted_document"),
    N_("committee_need_constituted_photo_id"), N_("committee_need_registered_on"),
    N_("committee_need_registered_registration_number"), N_("committee_need_registered_photo_id"),
    N_("committee_need_registered_document"), N_("committee_need_active_on"), N_("committee_need_concluded_on"),
    N_("committee_need_concluded_document"), N_("committee_need_concluded_photo_id"),
    N_("committee_need_dissolved_on"), N_("committee_need_dissolved_reason"),
)
