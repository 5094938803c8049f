"""Annotation schemes and their versions: create (or create from the seed), draft a new version, edit a draft,
publish. A published version never changes again; the next change is a new version (a new row), like the
inspection checklists (server/inspections/forms.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server.annotations import seed
from server.annotations.definition import CODE, Definition, parse, validate_definition
from server.annotations.models import AnnotationScheme, AnnotationSchemeVersion, SchemeState
from server.audit import service as audit
from server.auth.actor import Actor, authorize, can
from server.db import utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities.models import Municipality

MANAGE = "rulings.manage"  # admins and audit reviewers of the municipality (server/auth/actor.py)


class SchemeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = PField(pattern=CODE, examples=["motivacion-tc"])
    name: str = PField(min_length=1, max_length=300)
    definition: Definition = PField(description="the first version (a draft)")


class SchemeVersionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    definition: Definition


class SchemeVersionPublic(BaseModel):
    id: uuid.UUID
    scheme_id: uuid.UUID
    number: int
    state: SchemeState
    published_at: datetime | None
    definition: Definition


class SchemePublic(BaseModel):
    id: uuid.UUID
    slug: str
    name: str
    created_at: datetime
    versions: list[SchemeVersionPublic]


def _definition(definition: Definition) -> dict:
    errors = validate_definition(definition)
    if errors:
        raise Invalid("scheme_definition_invalid", details=errors)
    return definition.model_dump(mode="json", exclude_none=True)


def version_public(version: AnnotationSchemeVersion) -> SchemeVersionPublic:
    return SchemeVersionPublic(id=version.id, scheme_id=version.scheme_id, number=version.number,
                               state=version.state, published_at=version.published_at,
                               definition=parse(version.definition))


def _versions(session: Session, scheme_id: uuid.UUID) -> list[AnnotationSchemeVersion]:
    return list(session.scalars(sa.select(AnnotationSchemeVersion)
                                .where(AnnotationSchemeVersion.scheme_id == scheme_id)
                                .order_by(AnnotationSchemeVersion.number)))


def public(session: Session, scheme: AnnotationScheme, *, drafts: bool) -> SchemePublic:
    versions = [v for v in _versions(session, scheme.id) if drafts or v.state == SchemeState.published]
    return SchemePublic(id=scheme.id, slug=scheme.slug, name=scheme.name, created_at=scheme.created_at,
                        versions=[version_public(v) for v in versions])


def get_scheme(session: Session, *, municipality: Municipality, scheme_id: uuid.UUID) -> AnnotationScheme:
    scheme = session.get(AnnotationScheme, scheme_id)
    if scheme is None or scheme.municipality_id != municipality.id:
        raise NotFound("scheme_not_found")
    return scheme


def get_version(session: Session, *, municipality: Municipality, version_id: uuid.UUID,
                field: str | None = None) -> AnnotationSchemeVersion:
    """A version of one of this municipality's schemes (another municipality's id is not found)."""
    version = session.get(AnnotationSchemeVersion, version_id)
    scheme = session.get(AnnotationScheme, version.scheme_id) if version is not None else None
    if scheme is None or scheme.municipality_id != municipality.id:
        if field is not None:
            raise Invalid.for_field(field, "scheme_version_not_found")
        raise NotFound("scheme_version_not_found")
    return version


def definition_of(session: Session, version_id: uuid.UUID) -> Definition:
    version = session.get(AnnotationSchemeVersion, version_id)
    if version is None:
        raise NotFound("scheme_version_not_found")
    return parse(version.definition)


def scheme_labels(session: Session, scheme_version_id: uuid.UUID) -> list[str]:
    """The label codes of a scheme version, in the scheme's order (notebooks list defects in this order)."""
    return [label.code for label in definition_of(session, scheme_version_id).labels]


def list_(session: Session, *, actor: Actor, municipality: Municipality) -> list[SchemePublic]:
    """Every scheme with its published versions (drafts too for those who manage schemes)."""
    drafts = can(actor, MANAGE, municipality.id)
    rows = session.scalars(sa.select(AnnotationScheme).where(AnnotationScheme.municipality_id == municipality.id)
                           .order_by(AnnotationScheme.slug))
    return [public(session, scheme, drafts=drafts) for scheme in rows]


def read(session: Session, *, actor: Actor, municipality: Municipality, scheme_id: uuid.UUID) -> SchemePublic:
    scheme = get_scheme(session, municipality=municipality, scheme_id=scheme_id)
    return public(session, scheme, drafts=can(actor, MANAGE, municipality.id))


def _log(session: Session, actor: Actor, scheme: AnnotationScheme, action: str, number: int) -> None:
    audit.append(session, municipality_id=scheme.municipality_id, entity="annotation_scheme", entity_id=scheme.id,
                 action=action, **audit.who(actor), data={"slug": scheme.slug, "version": number})


def create(session: Session, *, actor: Actor, municipality: Municipality, data: SchemeCreate,
           publish: bool = False) -> AnnotationScheme:
    """A new scheme with its first version as a draft (published at once when `publish`)."""
    authorize(actor, MANAGE, municipality.id)
    definition = _definition(data.definition)
    scheme = AnnotationScheme(municipality_id=municipality.id, slug=data.slug, name=data.name,
                              created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(scheme)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("scheme_slug_taken", slug=data.slug) from exc
    version = AnnotationSchemeVersion(scheme_id=scheme.id, number=1, definition=definition, created_by=actor.user_id)
    if publish:
        version.state, version.published_at = SchemeState.published, utcnow()
    session.add(version)
    session.flush()
    _log(session, actor, scheme, "created", 1)
    return scheme


def create_from_seed(session: Session, *, actor: Actor, municipality: Municipality) -> tuple[AnnotationScheme, bool]:
    """The seed scheme (server/annotations/seed.py) with its first version published; the existing one (and False)
    when the municipality already has it."""
    authorize(actor, MANAGE, municipality.id)
    existing = session.scalar(sa.select(AnnotationScheme).where(AnnotationScheme.municipality_id == municipality.id,
                                                                AnnotationScheme.slug == seed.SLUG))
    if existing is not None:
        return existing, False
    data = SchemeCreate(slug=seed.SLUG, name=seed.NAME, definition=Definition.model_validate(seed.definition()))
    return create(session, actor=actor, municipality=municipality, data=data, publish=True), True


def add_version(session: Session, *, actor: Actor, municipality: Municipality, scheme_id: uuid.UUID,
                data: SchemeVersionCreate) -> AnnotationSchemeVersion:
    """The next version, as a draft. One draft at a time: edit it or publish it first."""
    authorize(actor, MANAGE, municipality.id)
    scheme = get_scheme(session, municipality=municipality, scheme_id=scheme_id)
    definition = _definition(data.definition)
    versions = _versions(session, scheme.id)
    if any(v.state == SchemeState.draft for v in versions):
        raise Conflict("scheme_draft_exists")
    number = max((v.number for v in versions), default=0) + 1
    version = AnnotationSchemeVersion(scheme_id=scheme.id, number=number, definition=definition,
                                      created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except sa.exc.IntegrityError as exc:  # two editors at once: the unique key decides
        raise Conflict("scheme_draft_exists") from exc
    return version


def _numbered(session: Session, municipality: Municipality, scheme_id: uuid.UUID,
              number: int) -> tuple[AnnotationScheme, AnnotationSchemeVersion]:
    scheme = get_scheme(session, municipality=municipality, scheme_id=scheme_id)
    version = session.scalar(sa.select(AnnotationSchemeVersion)
                             .where(AnnotationSchemeVersion.scheme_id == scheme.id,
                                    AnnotationSchemeVersion.number == number).with_for_update())
    if version is None:
        raise NotFound("scheme_version_not_found")
    return scheme, version


def edit_version(session: Session, *, actor: Actor, municipality: Municipality, scheme_id: uuid.UUID,
                 number: int, data: SchemeVersionCreate) -> AnnotationSchemeVersion:
    """Replace a draft's definition; a published version answers 409 (draft a new version instead)."""
    authorize(actor, MANAGE, municipality.id)
    _scheme, version = _numbered(session, municipality, scheme_id, number)
    if version.state == SchemeState.published:
        raise Conflict("scheme_version_published", version=number)
    version.definition = _definition(data.definition)
    session.flush()
    return version


def publish(session: Session, *, actor: Actor, municipality: Municipality, scheme_id: uuid.UUID,
            number: int) -> AnnotationSchemeVersion:
    authorize(actor, MANAGE, municipality.id)
    scheme, version = _numbered(session, municipality, scheme_id, number)
    if version.state == SchemeState.published:
        raise Conflict("scheme_version_published", version=number)
    version.state, version.published_at = SchemeState.published, utcnow()
    session.flush()
    _log(session, actor, scheme, "published", number)
    return version
