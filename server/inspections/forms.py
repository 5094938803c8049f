"""Form templates and their versions: create, draft a new version, edit a draft, publish. A published version
is never changed again; the next change is a new version (a new row)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor, authorize, can
from server.db import utcnow
from server.errors import Conflict, Invalid, NotFound
from server.inspections.definition import validate_definition
from server.inspections.models import (
    FormTemplate,
    FormVersion,
    Question,
    TemplateCreate,
    TemplatePublic,
    VersionCreate,
    VersionPublic,
)
from server.municipalities.models import Municipality


def _questions(questions: list[Question]) -> list[dict]:
    errors = validate_definition(questions)
    if errors:
        raise Invalid("form_definition_invalid", details=errors)
    return [question.model_dump(mode="json", exclude_none=True) for question in questions]


def get_template(session: Session, *, municipality: Municipality, template_id: uuid.UUID) -> FormTemplate:
    template = session.get(FormTemplate, template_id)
    if template is None or template.municipality_id != municipality.id:
        raise NotFound("form_not_found")
    return template


def get_version(session: Session, *, municipality: Municipality, version_id: uuid.UUID,
                field: str | None = None) -> FormVersion:
    """A version of one of this municipality's templates (another municipality's id is not found)."""
    version = session.get(FormVersion, version_id)
    template = session.get(FormTemplate, version.template_id) if version is not None else None
    if template is None or template.municipality_id != municipality.id:
        if field is not None:
            raise Invalid.for_field(field, "form_version_not_found")
        raise NotFound("form_version_not_found")
    return version


def published_version(session: Session, *, municipality: Municipality, version_id: uuid.UUID) -> dict | None:
    """A published version with its template's key and title, as a phone keeps it offline (server.sync);
    None for a draft or another municipality's version."""
    version = session.get(FormVersion, version_id)
    template = session.get(FormTemplate, version.template_id) if version is not None else None
    if template is None or template.municipality_id != municipality.id or version.published_at is None:
        return None
    return {"template": {"id": str(template.id), "key": template.key, "title": template.title,
                         "program": template.program},
            **VersionPublic.model_validate(version).model_dump(mode="json")}


def _versions(session: Session, template_id: uuid.UUID) -> list[FormVersion]:
    return list(session.scalars(sa.select(FormVersion).where(FormVersion.template_id == template_id)
                                .order_by(FormVersion.version)))


def public(session: Session, template: FormTemplate, *, drafts: bool) -> TemplatePublic:
    versions = [v for v in _versions(session, template.id) if drafts or v.published_at is not None]
    return TemplatePublic(id=template.id, key=template.key, title=template.title, program=template.program,
                          created=template.created, versions=[VersionPublic.model_validate(v) for v in versions])


def list_(session: Session, *, actor: Actor, municipality: Municipality,
          program: str | None = None) -> list[TemplatePublic]:
    """Every template with its published versions (drafts too for those who manage forms)."""
    query = sa.select(FormTemplate).where(FormTemplate.municipality_id == municipality.id)
    if program is not None:
        query = query.where(sa.or_(FormTemplate.program == program, FormTemplate.program.is_(None)))
    drafts = can(actor, "forms.manage", municipality.id)
    return [public(session, t, drafts=drafts) for t in session.scalars(query.order_by(FormTemplate.key))]


def read(session: Session, *, actor: Actor, municipality: Municipality, template_id: uuid.UUID) -> TemplatePublic:
    template = get_template(session, municipality=municipality, template_id=template_id)
    return public(session, template, drafts=can(actor, "forms.manage", municipality.id))


def create(session: Session, *, actor: Actor, municipality: Municipality, data: TemplateCreate) -> FormTemplate:
    """A new template with its first version as a draft."""
    authorize(actor, "forms.manage", municipality.id)
    questions = _questions(data.questions)
    template = FormTemplate(municipality_id=municipality.id, key=data.key, title=data.title, program=data.program)
    try:
        with session.begin_nested():
            session.add(template)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("form_key_taken", key=data.key) from exc
    session.add(FormVersion(template_id=template.id, version=1, questions=questions))
    session.flush()
    return template


def add_version(session: Session, *, actor: Actor, municipality: Municipality, template_id: uuid.UUID,
                data: VersionCreate) -> FormVersion:
    """The next version, as a draft. One draft at a time: edit it or publish it first."""
    authorize(actor, "forms.manage", municipality.id)
    template = get_template(session, municipality=municipality, template_id=template_id)
    questions = _questions(data.questions)
    versions = _versions(session, template.id)
    if any(v.published_at is None for v in versions):
        raise Conflict("form_draft_exists")
    number = max((v.version for v in versions), default=0) + 1
    version = FormVersion(template_id=template.id, version=number, questions=questions)
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except sa.exc.IntegrityError as exc:  # two editors at once: the unique key decides
        raise Conflict("form_draft_exists") from exc
    return version


def _numbered(session: Session, municipality: Municipality, template_id: uuid.UUID, number: int) -> FormVersion:
    template = get_template(session, municipality=municipality, template_id=template_id)
    version = session.scalar(sa.select(FormVersion).where(FormVersion.template_id == template.id,
                                                          FormVersion.version == number).with_for_update())
    if version is None:
        raise NotFound("form_version_not_found")
    return version


def edit_version(session: Session, *, actor: Actor, municipality: Municipality, template_id: uuid.UUID,
                 number: int, data: VersionCreate) -> FormVersion:
    """Replace a draft's questions; a published version answers 409 (make a new version instead)."""
    authorize(actor, "forms.manage", municipality.id)
    version = _numbered(session, municipality, template_id, number)
    if version.published_at is not None:
        raise Conflict("form_version_published", version=number)
    version.questions = _questions(data.questions)
    session.flush()
    return version


def publish(session: Session, *, actor: Actor, municipality: Municipality, template_id: uuid.UUID,
            number: int) -> FormVersion:
    authorize(actor, "forms.manage", municipality.id)
    version = _numbered(session, municipality, template_id, number)
    if version.published_at is not None:
        raise Conflict("form_version_published", version=number)
    version.published_at = utcnow()
    session.flush()
    return version
