"""Schemas of a municipality's complaint set-up (configuration.py): categories and their extra questions (Open311
service attributes), the terms to answer each kind, and the response templates."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PField

from server.complaints.models import Kind
from server.complaints.schemas import Strict
from server.complaints.workflow import State


class CategoryPublic(BaseModel):
    service_code: str
    name: str
    description: str | None
    group: str | None
    attributes: list[dict[str, Any]]


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


class TemplateQuery(Strict):
    state: State | None = None


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
