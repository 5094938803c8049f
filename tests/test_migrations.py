"""The Alembic migrations produce exactly the schema the models describe, on both databases."""

from __future__ import annotations

import geoalchemy2.alembic_helpers  # noqa: F401  (spatial index reflection on SpatiaLite)
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import server.models  # noqa: F401
from server import db, migrate
from server.migrations_support import include_object
from tests.conftest import Backend, fresh_database


def _differences(engine: sa.engine.Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(context, SQLModel.metadata)


def test_migrated_schema_matches_models(backend: Backend) -> None:
    assert migrate.current(backend.engine) == migrate.head()
    assert _differences(backend.engine) == []


def test_downgrade_to_nothing_and_back(backend: Backend, tmp_path) -> None:
    fresh = fresh_database(backend.name, tmp_path)
    engine = db.make_engine(backend.settings.model_copy(update={"database_url": fresh.url}))
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "base")
        tables = set(sa.inspect(engine).get_table_names())
        assert not tables & set(SQLModel.metadata.tables)
        migrate.upgrade(engine)
        assert _differences(engine) == []
    finally:
        engine.dispose()
        fresh.drop()


def test_every_table_is_created_by_a_migration(backend: Backend) -> None:
    tables = set(sa.inspect(backend.engine).get_table_names())
    missing = set(SQLModel.metadata.tables) - tables
    assert not missing, f"tables without a migration: {sorted(missing)}"


@pytest.mark.parametrize("table,column", [("municipalities", "boundary"), ("zones", "geometry")])
def test_geometry_columns_have_a_spatial_index(backend: Backend, table: str, column: str) -> None:
    indexes = sa.inspect(backend.engine).get_indexes(table)
    assert any(index["column_names"] == [column] for index in indexes), indexes


def test_upgrading_a_database_with_records_puts_them_in_the_sync_log(backend: Backend, tmp_path) -> None:
    """A register that existed before offline sync: after `vigia migrate` a phone's first pull finds it all."""
    from server import fixtures
    from server.auth import service as auth
    from server.sync import pull
    from server.sync.models import Change

    fresh = fresh_database(backend.name, tmp_path)
    engine = db.make_engine(backend.settings.model_copy(update={"database_url": fresh.url}))
    try:
        migrate.upgrade(engine)
        database = db.Database(engine)
        with database.session_scope() as session:
            fixtures.load(session)
        migrate.downgrade(engine, "0009")  # as if the records had been written before the sync tables existed
        migrate.upgrade(engine)
        with database.session_scope() as session:
            logged = dict(session.execute(sa.select(Change.entity, sa.func.count()).group_by(Change.entity)).all())
            assert logged == {
                "work": session.scalar(sa.text("SELECT count(*) FROM works WHERE deleted_at IS NULL")),
                "committee": session.scalar(sa.text("SELECT count(*) FROM committees")),
                "meeting": session.scalar(sa.text("SELECT count(*) FROM meetings")),
                "visit": session.scalar(sa.text("SELECT count(*) FROM visits")),
                "form_version": session.scalar(sa.text(
                    "SELECT count(*) FROM form_versions WHERE published_at IS NOT NULL")),
                "complaint": session.scalar(sa.text(
                    "SELECT count(*) FROM complaints WHERE reporter_id IS NOT NULL AND deleted_at IS NULL")),
            }
            actor = auth.authenticate(session, token=auth.issue_token(session, email="coordinacion@vigia.example",
                                                                      device_name="migración"))
            page = pull.pull(session, actor=actor, query=pull.PullQuery(limit=1000, max_bytes=4_194_304),
                             language="es")
            kinds = {(item.type, item.op) for item in page.items}
            assert {("work", "upsert"), ("committee", "upsert"), ("visit", "upsert"),
                    ("form_version", "upsert")} <= kinds
            assert all(item.op == "upsert" for item in page.items)
    finally:
        engine.dispose()
        fresh.drop()


def test_upgrading_a_database_with_complaints_counts_folios_on_from_the_highest(backend: Backend, tmp_path) -> None:
    """Folios given before the counters existed (migration 0012): each municipality and year counts on from its
    highest folio, so no number is given twice."""
    from collections import defaultdict
    from datetime import date

    from server import fixtures
    from server.auth.actor import ANONYMOUS
    from server.complaints import intake
    from server.complaints.models import Complaint, FolioCounter
    from server.complaints.schemas import ComplaintCreate
    from server.municipalities import service as municipalities
    from tests.factories import complaint_body

    fresh = fresh_database(backend.name, tmp_path)
    engine = db.make_engine(backend.settings.model_copy(update={"database_url": fresh.url}))
    try:
        migrate.upgrade(engine)
        database = db.Database(engine)
        with database.session_scope() as session:
            fixtures.load(session)
        migrate.downgrade(engine, "0011")  # as if the complaints had been filed before the counters existed
        migrate.upgrade(engine)
        with database.session_scope() as session:
            highest: dict[tuple, int] = defaultdict(int)
            for municipality_id, folio in session.execute(sa.select(Complaint.municipality_id, Complaint.folio)):
                _code, year, number = folio.rsplit("-", 2)
                highest[(municipality_id, int(year))] = max(highest[(municipality_id, int(year))], int(number))
            counted = {(row.municipality_id, row.year): row.last_number
                       for row in session.scalars(sa.select(FolioCounter))}
            assert highest and counted == dict(highest)
            place = municipalities.get_by_code(session, "10005")
            year = max(year for municipality_id, year in highest if municipality_id == place.id)
            filed = intake.file(session, actor=ANONYMOUS, municipality=place,
                                data=ComplaintCreate.model_validate(complaint_body(anonymous=True)),
                                today=date(year, 6, 1))
            assert filed.complaint.folio == f"10005-{year}-{highest[(place.id, year)] + 1:06d}"
    finally:
        engine.dispose()
        fresh.drop()
