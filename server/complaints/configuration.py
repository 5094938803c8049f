"""A municipality's complaint set-up (administrators): categories, their extra questions, the terms, and the
response templates' edits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor, authorize
from server.complaints.configuration_models import (
    CategoryCreate,
    CategoryUpdate,
    DeadlinePublic,
    DeadlineUpdate,
    TemplateCreate,
)
from server.complaints.deadlines import term_for
from server.complaints.models import Category, DeadlineRule, Kind, ResponseTemplate
from server.errors import Conflict, NotFound
from server.municipalities.models import Municipality


def create_category(session: Session, *, actor: Actor, municipality: Municipality, data: CategoryCreate) -> Category:
    authorize(actor, "complaints.configure", municipality.id)
    category = Category(municipality_id=municipality.id, **data.model_dump(mode="json"))
    try:
        with session.begin_nested():
            session.add(category)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("category_exists", code=data.service_code) from exc
    return category


def all_categories(session: Session, *, actor: Actor, municipality: Municipality) -> list[Category]:
    """Every category, retired ones too (the public list shows only the active ones), for the administrator."""
    authorize(actor, "complaints.configure", municipality.id)
    return list(session.scalars(
        sa.select(Category).where(Category.municipality_id == municipality.id)
        .order_by(Category.active.desc(), Category.group, Category.service_code)
    ))


def update_category(session: Session, *, actor: Actor, municipality: Municipality, service_code: str,
                    data: CategoryUpdate) -> Category:
    """Edit a category; `active: false` retires it (complaints already filed keep it)."""
    authorize(actor, "complaints.configure", municipality.id)
    category = session.scalar(sa.select(Category).where(Category.municipality_id == municipality.id,
                                                         Category.service_code == service_code))
    if category is None:
        raise NotFound("category_not_found", code=service_code)
    for name, value in data.model_dump(mode="json", exclude_unset=True).items():
        setattr(category, name, value)
    session.flush()
    return category


def deadlines(session: Session, *, municipality: Municipality) -> list[DeadlinePublic]:
    configured = dict(session.execute(
        sa.select(DeadlineRule.kind, DeadlineRule.business_days).where(DeadlineRule.municipality_id == municipality.id)
    ).all())
    return [DeadlinePublic(kind=kind, business_days=term_for(session, municipality, kind),
                           configured=kind.value in configured) for kind in Kind]


def set_deadline(session: Session, *, actor: Actor, municipality: Municipality, kind: Kind,
                 data: DeadlineUpdate) -> list[DeadlinePublic]:
    """The term for complaints filed from now on; complaints already running keep theirs."""
    authorize(actor, "complaints.configure", municipality.id)
    rule = session.scalar(sa.select(DeadlineRule).where(DeadlineRule.municipality_id == municipality.id,
                                                        DeadlineRule.kind == kind.value))
    if rule is None:
        session.add(DeadlineRule(municipality_id=municipality.id, kind=kind, business_days=data.business_days))
    else:
        rule.business_days = data.business_days
    session.flush()
    return deadlines(session, municipality=municipality)


def _template(session: Session, municipality: Municipality, template_id) -> ResponseTemplate:
    template = session.get(ResponseTemplate, template_id)
    if template is None or template.municipality_id != municipality.id:
        raise NotFound("template_not_found")
    return template


def update_template(session: Session, *, actor: Actor, municipality: Municipality, template_id,
                    data: TemplateCreate) -> ResponseTemplate:
    """Replace a template's state, title and text. Answers already given keep the words they were given with
    (a transition copies the template's text into the complaint's public answer)."""
    authorize(actor, "complaints.triage", municipality.id)
    template = _template(session, municipality, template_id)
    template.state, template.title, template.body = data.state, data.title, data.body
    session.flush()
    return template


def delete_template(session: Session, *, actor: Actor, municipality: Municipality, template_id) -> None:
    """Remove a template; nothing refers to it once an answer was given with it."""
    authorize(actor, "complaints.triage", municipality.id)
    session.delete(_template(session, municipality, template_id))
    session.flush()
