"""/api/v1/municipalities/{code}/complaints: what the administrator's desk needs to set complaints up, beside
what routes.py already offers (add and edit a category, the terms, add a template): every category with the
retired ones, and editing or removing a response template."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PField

from server.api import Call, endpoint
from server.complaints import configuration
from server.complaints.configuration_models import TemplateCreate, TemplatePublic
from server.db import session_scope
from server.municipalities import service as municipalities

TAG = "complaints"
BASE = "/municipalities/{code}/complaints"


class CategoryConfigured(BaseModel):
    """A category as its administrator edits it: both names, keywords and whether it is still offered."""

    service_code: str
    name: str = PField(description="Spanish")
    name_en: str | None
    description: str | None
    group: str | None
    keywords: list[str]
    attributes: list[dict[str, Any]]
    active: bool = PField(description="false: retired; complaints already filed keep it, new ones cannot use it")


@endpoint("GET", BASE + "/categories/all", summary="Every complaint category, retired ones too (administrators)",
          tag=TAG, response=list[CategoryConfigured], auth=True, errors=(403, 404))
def list_all_categories(call: Call) -> list[CategoryConfigured]:
    """The public list (`…/categories`) shows only the categories offered now, in the reader's language; this one
    shows every category with both names, for the administrator's screen."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        rows = configuration.all_categories(session, actor=call.actor, municipality=municipality)
        return [CategoryConfigured(service_code=c.service_code, name=c.name, name_en=c.name_en,
                                   description=c.description, group=c.group, keywords=list(c.keywords or []),
                                   attributes=list(c.attributes or []), active=c.active) for c in rows]


def _template_id(call: Call) -> uuid.UUID:
    return call.path["template_id"]


@endpoint("PUT", BASE + "/templates/{template_id:uuid}",
          summary="Change a response template (comptrollers, administrators)", tag=TAG, body=TemplateCreate, response=TemplatePublic, auth=True, errors=(403, 404))
def update_template(call: Call) -> TemplatePublic:
    """The whole template: state, title and text. Answers already given with it keep their words."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        template = configuration.update_template(session, actor=call.actor, municipality=municipality,
                                                 template_id=_template_id(call), data=call.body)
        return TemplatePublic.model_validate(template)


@endpoint("DELETE", BASE + "/templates/{template_id:uuid}",
          summary="Remove a response template (comptrollers, administrators)", tag=TAG, status=204, auth=True, errors=(403, 404))
def delete_template(call: Call) -> None:
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        configuration.delete_template(session, actor=call.actor, municipality=municipality,
                                      template_id=_template_id(call))


routes = [list_all_categories, update_template, delete_template]
