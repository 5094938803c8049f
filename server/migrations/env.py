"""Alembic environment: the metadata of every domain, on PostGIS or SpatiaLite."""

from __future__ import annotations

from typing import Any

import geoalchemy2.alembic_helpers as geo_helpers  # also teaches SQLAlchemy to reflect SpatiaLite indexes
from alembic import context
from sqlmodel import SQLModel

import server.models  # noqa: F401  (registers every table)
from server.config import get_settings
from server.db import make_engine
from server.migrations_support import include_object

target_metadata = SQLModel.metadata


def configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_item=geo_helpers.render_item,
        process_revision_directives=geo_helpers.writer,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )


connection = context.config.attributes.get("connection")
if connection is not None:
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(get_settings())
    with engine.begin() as connection:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
