"""What Alembic compares: only Vigía's own tables (PostGIS and SpatiaLite keep many of their own)."""

from __future__ import annotations

from typing import Any

import geoalchemy2.alembic_helpers as geo_helpers
from sqlmodel import SQLModel


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table":
        return name in SQLModel.metadata.tables
    return geo_helpers.include_object(obj, name, type_, reflected, compare_to)
