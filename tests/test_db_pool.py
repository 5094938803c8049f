"""The SQLite engine keeps a fixed set of connections under concurrent use (issue 19, point 4: memory).

Each SQLite connection loads SpatiaLite (several MB of C heap); a pool that opens extra connections for a burst and
closes them when they come back made a served process grow without end under a steady read load (docs/performance.md,
"Memory under a steady load"). Whatever the concurrency, no more connections are ever opened than the pool's size."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from server import db
from tests.conftest import base_settings

READERS, ROUNDS, POOL = 16, 15, 4


def test_concurrent_reads_never_open_more_connections_than_the_pool(tmp_path: Path) -> None:
    engine = db.make_engine(base_settings(database_url=f"sqlite:///{tmp_path / 'pool.db'}", db_pool_size=POOL))
    opened: list[int] = []
    sa.event.listen(engine, "connect", lambda *_: opened.append(1))
    database = db.Database(engine)
    start = threading.Barrier(READERS)
    answers: list[int] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                with database.session_scope() as session:
                    answers.append(session.execute(sa.text("SELECT 1")).scalar_one())
        except BaseException as exc:  # reported below, with the count
            failures.append(exc)

    try:
        threads = [threading.Thread(target=read) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        engine.dispose()
    assert not failures and answers == [1] * READERS * ROUNDS
    assert 1 <= len(opened) <= POOL, f"{len(opened)} connections opened for a pool of {POOL}"
