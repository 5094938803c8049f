"""Notebooks (cuadernos personales de decisiones jurisdiccionales) and surveys of court users and judges.

A notebook is one judge's figures for one period of an audit project, computed from adjudicated annotations and
kept as a snapshot; it is published after a reviewer's review when it covers enough rulings. The judge may reply
through a one-time invitation. Surveys are versioned questionnaires (CourTools access and fairness) whose
anonymous responses phones push offline (docs/notebooks.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlmodel import Field

from server import i18n
from server.db import IdMixin, UTCDateTime, utcnow
from server.edge import CatalogueLanguage
from server.works.models import JSONType

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class NotebookState(str, Enum):
    draft = "draft"  # computed, not yet reviewed (recomputing keeps it a draft)
    reviewed = "reviewed"  # a reviewer checked the figures; ready to publish
    published = "published"  # anyone may read it
    withdrawn = "withdrawn"  # was published, taken down (the reason is public)


i18n.register_words(NotebookState, "notebook_state_")  # "publicado": shown in errors and taken as input


class Notebook(IdMixin, table=True):
    """One judge's notebook for one period of an audit project."""

    __tablename__ = "notebooks"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "judge_id", "period_starts_on", "period_ends_on",
                            name="uq_notebooks_project_judge_period"),
        sa.CheckConstraint("state IN ('draft', 'reviewed', 'published', 'withdrawn')", name="state"),
        sa.CheckConstraint("period_ends_on >= period_starts_on", name="period"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="audit_projects.id", index=True, ondelete="CASCADE")
    judge_id: uuid.UUID = Field(foreign_key="judges.id", index=True)
    period_starts_on: date
    period_ends_on: date
    state: NotebookState = Field(default=NotebookState.draft, sa_type=sa.String(16))
    n_rulings: int = 0
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    review_note: str | None = Field(default=None, sa_type=sa.Text)
    reviewed_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class ReplyInvitation(IdMixin, table=True):
    """A one-time secret a reviewer gives the judge to reply without an account. Only its keyed hash is kept;
    it works once, until it expires."""

    __tablename__ = "notebook_reply_invitations"

    notebook_id: uuid.UUID = Field(foreign_key="notebooks.id", index=True, ondelete="CASCADE")
    secret_hash: str = Field(max_length=64, unique=True)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotebookReply(IdMixin, table=True):
    """One version of the judge's reply; a later invitation adds the next version, earlier ones stay."""

    __tablename__ = "notebook_replies"
    __table_args__ = (sa.UniqueConstraint("notebook_id", "number", name="uq_notebook_replies_number"),)

    notebook_id: uuid.UUID = Field(foreign_key="notebooks.id", index=True, ondelete="CASCADE")
    invitation_id: uuid.UUID = Field(foreign_key="notebook_reply_invitations.id", unique=True)
    number: int
    signed_as: str = Field(max_length=200)
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ------------------------------------------------------------------------------------------------ surveys


class SurveyAudience(str, Enum):
    court_users = "court_users"  # usuarios del juzgado: partes, abogados, testigos, público
    judges = "judges"  # jueces


i18n.register_words(SurveyAudience, "survey_audience_")  # "usuarios del juzgado", "jueces"
N_AUDIENCES = (i18n.N_("survey_audience_court_users"), i18n.N_("survey_audience_judges"))


class Survey(IdMixin, table=True):
    """A questionnaire of one municipality; its text lives in versions."""

    __tablename__ = "surveys"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "key", name="uq_surveys_muni_key"),
                      sa.CheckConstraint("audience IN ('court_users', 'judges')", name="audience"))

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    title: str = Field(max_length=300)
    audience: SurveyAudience = Field(sa_type=sa.String(16))
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SurveyVersion(IdMixin, table=True):
    """One version of a questionnaire. Once published it never changes: responses answer exactly this text."""

    __tablename__ = "survey_versions"
    __table_args__ = (sa.UniqueConstraint("survey_id", "version", name="uq_survey_versions_survey_version"),)

    survey_id: uuid.UUID = Field(foreign_key="surveys.id", ondelete="CASCADE")
    version: int
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)


class SurveyResponse(IdMixin, table=True):
    """One anonymous response: the court it is about, the day it was collected and the answers. Nobody's
    identity is kept, not even the device or account that pushed it (docs/notebooks.md, "Anonymity")."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.Index("ix_survey_responses_court_day", "court_id", "collected_on"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    version_id: uuid.UUID = Field(foreign_key="survey_versions.id", index=True)
    court_id: uuid.UUID = Field(foreign_key="courts.id")
    collected_on: date
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


# ------------------------------------------------------------------------------------------------ schemas


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Words(Strict):
    es: str = PField(min_length=1, max_length=1_000)
    en: str | None = PField(None, max_length=1_000)


class ItemKind(str, Enum):
    likert5 = "likert5"  # 1 strongly disagree … 5 strongly agree; null = does not apply
    choice = "choice"  # one of `options`


class ItemSection(str, Enum):
    access = "access"
    fairness = "fairness"
    other = "other"


i18n.register_words(ItemKind, "item_kind_")  # "escala de 1 a 5", "opción"
i18n.register_words(ItemSection, "item_section_")  # "acceso", "imparcialidad"
N_ITEMS = (i18n.N_("item_kind_likert5"), i18n.N_("item_kind_choice"), i18n.N_("item_section_access"),
           i18n.N_("item_section_fairness"), i18n.N_("item_section_other"))


class ItemOption(Strict):
    code: str = PField(pattern=SLUG)
    text: Words


class SurveyItem(Strict):
    code: str = PField(pattern=SLUG)
    section: ItemSection = ItemSection.other
    text: Words
    kind: ItemKind = ItemKind.likert5
    options: list[ItemOption] = PField(default_factory=list, max_length=50)
    required: bool = False


class SurveyCreate(Strict):
    key: str = PField(pattern=SLUG, examples=["usuarios-courtools"])
    title: str = PField(min_length=1, max_length=300)
    audience: SurveyAudience
    items: list[SurveyItem] | None = PField(None, min_length=1, max_length=100, description=(
        "the first version (a draft); omitted: the CourTools access and fairness items for the audience"))


class SurveyVersionCreate(Strict):
    items: list[SurveyItem] = PField(min_length=1, max_length=100)


class SurveyVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    survey_id: uuid.UUID
    version: int
    published_at: datetime | None
    items: list[SurveyItem]


class SurveyPublic(BaseModel):
    id: uuid.UUID
    key: str
    title: str
    audience: SurveyAudience
    created: datetime
    versions: list[SurveyVersionPublic]


class SurveyResponseCreate(Strict):
    """An anonymous response as the phone recorded it. Send your own `id`: sending it again changes nothing."""

    id: uuid.UUID = PField(description="the response's id, made by the phone")
    version_id: uuid.UUID = PField(description="a published survey version")
    court_id: uuid.UUID
    collected_on: date = PField(description="the day (no time: nothing that helps tell who answered)")
    # Any JSON value here: the service checks each answer against its item and names the question when one is of
    # the wrong kind (a Likert 4.5, a choice answered 2), one problem per answer.
    answers: dict[str, Any] = PField(max_length=100, description=(
        "item code -> 1..5 for likert5 items (null: does not apply), an option code for choice items"))


class ResultsQuery(Strict):
    court_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None
    survey_id: uuid.UUID | None = None


class NotebookCreate(Strict):
    judge_id: uuid.UUID
    period_starts_on: date | None = PField(None, description="default: the project's period")
    period_ends_on: date | None = None


class NotebookReview(Strict):
    version: int = PField(ge=1)
    note: str | None = PField(None, max_length=4_000)


class NotebookVersionOnly(Strict):
    version: int = PField(ge=1)


class NotebookWithdraw(Strict):
    version: int = PField(ge=1)
    reason: str = PField(min_length=3, max_length=4_000)


class InvitationCreate(Strict):
    days: int = PField(30, ge=1, le=180, description="how many days the invitation lasts")


class InvitationPublic(BaseModel):
    id: uuid.UUID
    notebook_id: uuid.UUID
    secret: str = PField(description="shown once: give it to the judge; only its hash is kept")
    reply_url: str
    expires_at: datetime


class ReplyCreate(Strict):
    secret: str = PField(min_length=20, max_length=200)
    signed_as: str = PField(min_length=3, max_length=200, description="the judge's name and position as signed")
    text: str = PField(min_length=10, max_length=20_000)


class ReplyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    signed_as: str
    text: str
    created_at: datetime


class LangQuery(Strict):
    lang: CatalogueLanguage = None


class NotebookQuery(LangQuery):
    state: NotebookState | None = None
    judge_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None


class RateView(BaseModel):
    """A proportion: count over n, the rate and its Wilson 95 % interval (null without a base)."""

    count: int
    n: int
    rate: float | None
    ci95: list[float] | None


class SurveyItemResult(BaseModel):
    code: str
    section: str
    kind: str
    text: dict[str, str | None]
    answered: int
    not_applicable: int = PField(description="left unanswered or answered 'does not apply'")
    distribution: dict[str, int] = PField(description="likert5: answers 1..5; choice: per option code")
    agree: RateView | None = PField(None, description="likert5: answers 4 or 5 over those answered")
    mean: float | None = None


class SectionIndex(BaseModel):
    n: int = PField(description="responses with at least one answered item of the section")
    index: float | None = PField(description="CourTools: mean of each response's section mean, times 20 (0..100)")


class SurveyResult(BaseModel):
    """One court's results for one questionnaire version."""

    court_id: str
    survey: dict[str, str]
    version: int
    since: str | None
    until: str | None
    responses: int
    items: list[SurveyItemResult]
    indices: dict[str, SectionIndex]
