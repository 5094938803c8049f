"""Reads never wait for writes (server/db/__init__.py, read_scope()): a read-only use case takes no write lock on SQLite and
runs READ ONLY on PostgreSQL, so a GET answers while a writer holds the database; a write slipped into a read scope
fails at once, with an error that says what to do, on both databases."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from server import db
from server.auth.models import AccessToken
from server.municipalities.models import Municipality
from server.works.models import Work
from tests.conftest import committed_demo_database
from tests.factories import CENTRO, DEMO, bearer, token_for

WORKS = f"/api/v1/municipalities/{DEMO}/works"


def _write_in(database: db.Database) -> None:
    with database.read_scope() as session:
        session.execute(sa.update(Municipality).where(Municipality.code == DEMO).values(name="Escrito"))


def test_a_read_scope_refuses_a_write_with_a_clear_error(backend) -> None:
    """On a real engine (what `vigia serve` runs): an UPDATE, and a change left in the session, both refused."""
    database = db.Database(backend.engine)
    with pytest.raises(db.ReadOnlyScopeError, match="session_scope"):
        _write_in(database)
    with pytest.raises(db.ReadOnlyScopeError):
        with database.read_scope() as session:
            session.scalars(sa.select(Municipality).where(Municipality.code == DEMO)).one().name = "Escrito"
    with database.read_scope() as session:  # nothing was written; what is read stays usable after the block
        municipality = session.scalars(sa.select(Municipality).where(Municipality.code == DEMO)).one()
    assert municipality.name != "Escrito"
    # the connection goes back to the pool writable: the next writing scope writes
    with database.session_scope() as session:
        name = session.scalar(sa.select(Municipality.name).where(Municipality.code == DEMO))
        session.execute(sa.update(Municipality).where(Municipality.code == DEMO).values(name=name))


def test_a_read_scope_refuses_a_write_inside_a_tests_transaction_too(database) -> None:
    """The suite's own mode (each use case a SAVEPOINT of the test's transaction) refuses it as well, so a GET
    that writes fails its route tests; the test's transaction stays writable afterwards."""
    with pytest.raises(db.ReadOnlyScopeError):
        _write_in(database)
    with database.session_scope() as session:
        session.execute(sa.update(Municipality).where(Municipality.code == DEMO).values(name="Escrito"))
    with database.read_scope() as session:
        assert session.scalar(sa.select(Municipality.name).where(Municipality.code == DEMO)) == "Escrito"


@pytest.fixture
def committed(backend, tmp_path):
    with committed_demo_database(backend.name, tmp_path, backend.settings) as (settings, database):
        yield settings, database


def test_gets_answer_while_another_connection_holds_the_write_lock(committed) -> None:
    """A writer's transaction is held open (on SQLite: BEGIN IMMEDIATE, the database's one write lock; on
    PostgreSQL: the work's row locked by an UPDATE). Public reads, a signed-in read and an empty pull answer at
    once with what was committed, instead of waiting for the writer (30 s of busy_timeout, then 503)."""
    from server.app import create_app

    settings, database = committed
    with database.session_scope() as session:
        work = session.scalars(sa.select(Work).join(Municipality).where(Municipality.code == DEMO)
                               .order_by(Work.id).limit(1)).one()
        token = token_for(session, "contraloria@vigia.example")
    with database.session_scope() as session:  # signed in just now: no last use due to be written
        session.execute(sa.update(AccessToken).values(last_used_at=db.utcnow()))
    headers = bearer(token)

    app = create_app(settings, database=database)
    gets = [
        (WORKS + f"/near?lon={CENTRO[0]}&lat={CENTRO[1]}&radius_m=2000", {}),
        (WORKS + f"/{work.id}", {}),
        (f"/open311/v2/services.json?jurisdiction_id={DEMO}", {}),
        (f"/api/v1/municipalities/{DEMO}", {}),
        (f"/publico/{DEMO}", {}),
        ("/api/v1/auth/me", headers),
    ]
    with TestClient(app, raise_server_exceptions=False) as client:
        device = next(d for d in client.get("/api/v1/auth/devices", headers=headers).json() if d["current"])
        phone = {**headers, "Vigia-Device": device["id"]}
        cursor, more = "", True
        while more:  # the phone catches up (and its last sync is written): its next pull is empty
            page = client.get("/api/v1/sync/pull" + (f"?cursor={cursor}" if cursor else ""), headers=phone).json()
            cursor, more = page["cursor"], page["has_more"]
        gets.append((f"/api/v1/sync/pull?cursor={cursor}", phone))
        before = {path: client.get(path, headers=extra) for path, extra in gets}
        assert {path: r.status_code for path, r in before.items()} == {path: 200 for path, _ in gets}

        writer = database.engine.connect()
        transaction = writer.begin()  # BEGIN IMMEDIATE on SQLite
        writer.execute(sa.update(Work).where(Work.id == work.id).values(title="Sin confirmar"))
        held = threading.Event()
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                def read_all():
                    held.set()
                    started = time.monotonic()
                    answers = {path: client.get(path, headers=extra) for path, extra in gets}
                    return answers, time.monotonic() - started

                future = pool.submit(read_all)
                answers, seconds = future.result(timeout=20)
        finally:
            transaction.rollback()
            writer.close()
    assert held.is_set()
    assert {path: r.status_code for path, r in answers.items()} == {path: 200 for path, _ in gets}
    assert seconds < 10  # far below the 30 s a reader queued behind the write lock would wait
    assert answers[WORKS + f"/{work.id}"].json()["title"] != "Sin confirmar"  # the committed state, never the writer's
    assert answers[WORKS + f"/{work.id}"].json() == before[WORKS + f"/{work.id}"].json()
    assert answers[gets[-1][0]].json()["items"] == []
