"""Annotation of rulings' public texts: versioned annotation schemes, assignments of rulings to annotators (two per
ruling, blind to each other until both finish) and to a reviewer for the gold, the annotations themselves (W3C
Web Annotation model: a span with its quote and position on one public text version), and document-level answers
(docs/annotations.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server import i18n
from server.db import IdMixin, UTCDateTime, utcnow

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class SchemeState(str, Enum):
    draft = "draft"
    published = "published"


class AssignmentKind(str, Enum):
    annotator = "annotator"  # one of the (usually two) independent annotators of a ruling
    gold = "gold"  # the reviewer's adjudication: what the notebooks read


class AssignmentState(str, Enum):
    assigned = "assigned"
    in_progress = "in_progress"
    done = "done"


class AnchorState(str, Enum):
    anchored = "anchored"  # on the latest public text, where it was placed
    moved = "moved"  # re-anchored on a newer public text at another place (or with its quote edited)
    orphaned = "orphaned"  # could not be found on the newer text: stays on its old text for a person to place


i18n.register_words(SchemeState, "scheme_state_")
i18n.register_words(AssignmentKind, "assignment_kind_")
i18n.register_words(AssignmentState, "assignment_state_")
i18n.register_words(AnchorState, "anchor_state_")


class AnnotationScheme(IdMixin, SQLModel, table=True):
    __tablename__ = "annotation_schemes"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "slug", name="uq_annotation_schemes_muni_slug"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=64)
    name: str = Field(max_length=300)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnnotationSchemeVersion(IdMixin, SQLModel, table=True):
    """One version of a scheme. Once published it never changes: annotations made with it keep their meaning."""

    __tablename__ = "annotation_scheme_versions"
    __table_args__ = (
        sa.UniqueConstraint("scheme_id", "number", name="uq_annotation_scheme_versions_number"),
        sa.CheckConstraint("state IN ('draft', 'published')", name="annotation_scheme_version_state"),
    )

    scheme_id: uuid.UUID = Field(foreign_key="annotation_schemes.id", index=True, ondelete="CASCADE")
    number: int
    state: SchemeState = Field(default=SchemeState.draft, sa_type=sa.String(16))
    definition: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AnnotationAssignment(IdMixin, SQLModel, table=True):
    """A ruling to annotate (kind annotator) or to adjudicate (kind gold) by one person with one scheme version."""

    __tablename__ = "annotation_assignments"
    __table_args__ = (
        sa.UniqueConstraint("ruling_id", "scheme_version_id", "annotator_id", "kind",
                            name="uq_annotation_assignments_ruling_version_person"),
        sa.CheckConstraint("kind IN ('annotator', 'gold')", name="annotation_assignment_kind"),
        sa.CheckConstraint("state IN ('assigned', 'in_progress', 'done')", name="annotation_assignment_state"),
        sa.Index("ix_annotation_assignments_project_version", "project_id", "scheme_version_id"),
    )

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    project_id: uuid.UUID = Field(foreign_key="audit_projects.id", ondelete="CASCADE")
    ruling_id: uuid.UUID = Field(foreign_key="rulings.id", index=True, ondelete="CASCADE")
    annotator_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    scheme_version_id: uuid.UUID = Field(foreign_key="annotation_scheme_versions.id", ondelete="RESTRICT")
    kind: AssignmentKind = Field(default=AssignmentKind.annotator, sa_type=sa.String(16))
    state: AssignmentState = Field(default=AssignmentState.assigned, sa_type=sa.String(16))
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


class Annotation(IdMixin, SQLModel, table=True):
    """A labelled span [start, end) of one public text version. The id may be the client's (made offline): saving
    the same id again updates it (with its base version). `exact`, `prefix` and `suffix` (up to 32 characters
    each) are the W3C TextQuoteSelector; start and end the TextPositionSelector."""

    __tablename__ = "annotations"
    __table_args__ = (
        sa.CheckConstraint('"end" > start AND start >= 0', name="annotation_span"),
        sa.CheckConstraint("anchor_state IN ('anchored', 'moved', 'orphaned')", name="annotation_anchor_state"),
        sa.Index("ix_annotations_assignment", "assignment_id", "deleted_at"),
    )

    assignment_id: uuid.UUID = Field(foreign_key="annotation_assignments.id", ondelete="CASCADE")
    ruling_id: uuid.UUID = Field(foreign_key="rulings.id", index=True, ondelete="CASCADE")
    text_id: uuid.UUID = Field(foreign_key="ruling_texts.id", index=True, ondelete="CASCADE")
    start: int
    end: int
    exact: str = Field(sa_type=sa.Text)
    prefix: str = Field(default="", max_length=32)
    suffix: str = Field(default="", max_length=32)
    label: str = Field(max_length=64)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    anchor_state: AnchorState = Field(default=AnchorState.anchored, sa_type=sa.String(16))
    derived_from: uuid.UUID | None = Field(default=None, foreign_key="annotations.id", ondelete="SET NULL")
    creator_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    modified: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DocumentAnswer(IdMixin, SQLModel, table=True):
    """An answer to one of the scheme version's document-level questions, for one assignment."""

    __tablename__ = "document_answers"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "question", name="uq_document_answers_question"),)

    assignment_id: uuid.UUID = Field(foreign_key="annotation_assignments.id", ondelete="CASCADE")
    question: str = Field(max_length=64)
    value: Any = Field(default=None, sa_type=JSONType, nullable=True)
    modified: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


# Codes looked up by a name built at run time (register_words), marked for `pybabel extract`.
LOOKED_UP = (
    i18n.N_("scheme_state_draft"), i18n.N_("scheme_state_published"), i18n.N_("assignment_kind_annotator"),
    i18n.N_("assignment_kind_gold"), i18n.N_("assignment_state_assigned"), i18n.N_("assignment_state_in_progress"),
    i18n.N_("assignment_state_done"), i18n.N_("anchor_state_anchored"), i18n.N_("anchor_state_moved"),
    i18n.N_("anchor_state_orphaned"),
)
