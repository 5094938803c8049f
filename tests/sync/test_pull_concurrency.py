"""PostgreSQL: change-log positions are numbered when written, but transactions commit in any order. A pull must
never skip a change committed late by a slower transaction (docs/sync.md, "No change is ever skipped").

Each writer is a session of its own (its own connection and transaction) on the committed database; the test
decides when each one flushes and commits, so every interleaving is deterministic (no threads, no sleeps)."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter

import pytest
from sqlalchemy.orm import Session

from server import db
from server.auth.models import Role
from server.works.models import Work
from tests.factories import DEMO_ACCOUNTS, make_work
from tests.sync.helpers import Phone, pull, pull_all, sign_in

pytestmark = pytest.mark.postgis_only


@pytest.fixture(scope="module", autouse=True)
def _postgres_only(backend) -> None:
    # Module-scoped so that it skips before the module's committed database is made.
    if backend.name != "postgis":
        pytest.skip("PostgreSQL only: SQLite serialises writers, so positions are already in commit order")


def works_(database: db.Database, count: int) -> list[uuid.UUID]:
    with database.session_scope() as session:
        return [make_work(session, title=f"Obra concurrente {n}").id for n in range(count)]


def write(database: db.Database, work_id: uuid.UUID, title: str, session: Session | None = None) -> Session:
    """Change a work's title in `session` (a new transaction if None) and flush, so its change row exists; the
    transaction stays open until the caller commits it."""
    session = session or database.sessions()
    session.get(Work, work_id).title = title
    session.flush()
    return session


def titles(items: list[dict]) -> list[tuple[str, str]]:
    return [(item["id"], item["data"]["title"]) for item in items if item["type"] == "work"]


def caught_up(live, database: db.Database, device: Phone) -> str:
    _, cursor, _ = pull(live, database, device)
    return cursor


def test_a_change_committed_late_by_a_slower_transaction_is_not_skipped(live, committed_database):
    database = committed_database
    x, y = works_(database, 2)
    device = sign_in(live, DEMO_ACCOUNTS[Role.volunteer])
    cursor = caught_up(live, database, device)

    served: list[tuple[str, str]] = []
    slow = write(database, x, "X escrita primero, confirmada al final")  # its change row has the lower position
    try:
        with database.session_scope() as fast:
            write(database, y, "Y escrita después, confirmada antes", fast)
        items, cursor, _ = pull_all(live, device, cursor)
        served += titles(items)
        # Y's transaction finished after X's started: serving it now would move the cursor past X's position.
        assert served == []
        slow.commit()
    finally:
        slow.close()
    items, cursor, _ = pull(live, database, device, cursor)
    served += titles(items)
    assert sorted(served) == sorted([(str(x), "X escrita primero, confirmada al final"),
                                     (str(y), "Y escrita después, confirmada antes")])
    assert pull(live, database, device, cursor)[0] == []


def test_a_transaction_that_writes_again_after_another_commits(live, committed_database):
    database = committed_database
    x, y, z = works_(database, 3)
    device = sign_in(live, DEMO_ACCOUNTS[Role.volunteer])
    cursor = caught_up(live, database, device)

    served: list[tuple[str, str]] = []
    slow = write(database, x, "X antes")  # the slow transaction takes its id first...
    try:
        with database.session_scope() as fast:
            write(database, y, "Y en medio", fast)
        write(database, z, "Z después", slow)  # ...and writes a change with a higher position than Y's
        items, cursor, _ = pull_all(live, device, cursor)
        served += titles(items)
        assert served == []
        slow.commit()
    finally:
        slow.close()
    items, cursor, _ = pull(live, database, device, cursor)
    served += titles(items)
    assert sorted(served) == sorted([(str(x), "X antes"), (str(y), "Y en medio"), (str(z), "Z después")])


@pytest.mark.parametrize("commit_order", list(itertools.permutations(range(3))),
                         ids=lambda order: "".join(map(str, order)))
def test_writers_committing_in_any_order_are_each_served_once(live, committed_database, commit_order):
    database = committed_database
    targets = works_(database, 3)
    device = sign_in(live, DEMO_ACCOUNTS[Role.volunteer])
    cursor = caught_up(live, database, device)
    expected = {(str(work_id), f"Escrita por {n}") for n, work_id in enumerate(targets)}

    served: list[tuple[str, str]] = []
    writers = [write(database, work_id, f"Escrita por {n}") for n, work_id in enumerate(targets)]  # start 0, 1, 2
    open_ = set(range(3))
    try:
        for n in commit_order:
            writers[n].commit()
            open_.discard(n)
            items, cursor, _ = pull_all(live, device, cursor)
            served += titles(items)
            # Only changes of writers older than every writer still running may have been served.
            oldest_open = min(open_, default=3)
            assert set(served) <= {(str(targets[m]), f"Escrita por {m}") for m in range(oldest_open)}
    finally:
        for writer in writers:
            writer.close()
    items, cursor, _ = pull(live, database, device, cursor)
    served += titles(items)
    assert Counter(served) == Counter(expected)  # each change exactly once: none skipped, none doubled
