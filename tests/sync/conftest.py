"""Sync tests run against a *committed* database: on PostgreSQL a pull serves only changes of finished
transactions, and a test's rolled-back outer transaction never finishes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server import db
from server.config import configure_settings
from tests.conftest import committed_demo_database


@pytest.fixture(scope="module")
def committed(backend, tmp_path_factory) -> Iterator[tuple]:
    """One migrated database with the demo data committed, shared by the tests of a module (each test signs in
    from new devices and makes its own records, so they do not disturb each other)."""
    with committed_demo_database(backend.name, tmp_path_factory.mktemp("sync"), backend.settings) as pair:
        yield pair


@pytest.fixture
def live(committed):
    """A TestClient on the committed database: every request commits, as in production."""
    from starlette.testclient import TestClient

    from server.app import create_app

    settings, database = committed
    configure_settings(settings)
    db.configure(database)
    with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def committed_database(committed) -> db.Database:
    settings, database = committed
    configure_settings(settings)
    return db.configure(database)
