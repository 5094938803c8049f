"""Many writers at once, each in its own connection and transaction against a committed database: the chain
stays gap-free and valid, and chains of different municipalities do not wait for each other."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import sqlalchemy as sa

from server.audit import service as audit
from server.audit.models import AuditEntry
from tests.audit.conftest import Committed, municipality_id

THREADS = 8
EACH = 15


def _in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run work(0..count-1) in threads released together; the exceptions they raised."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            start.wait(timeout=30)
            work(number)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return errors


def _append(committed: Committed, code: str, **data: object) -> None:
    with committed.database.session_scope() as session:
        audit.append(session, municipality_id=municipality_id(session, code), entity="complaint",
                     entity_id=uuid.uuid4(), action="noted", actor_id=None, actor_kind="system", data=data)


def test_concurrent_appends_leave_a_gap_free_valid_chain(committed: Committed) -> None:
    # The chain starts empty, so the writers also race to create its head.
    errors = _in_threads(THREADS, lambda number: [_append(committed, "99101", writer=number, n=n)
                                                  for n in range(EACH)])
    assert errors == []
    with committed.database.session_scope() as session:
        target = municipality_id(session, "99101")
        report = audit.verify(session, municipality_id=target)
        rows = session.execute(sa.select(AuditEntry.seq, AuditEntry.data).where(AuditEntry.municipality_id == target)
                               .order_by(AuditEntry.seq)).all()
    assert report.ok, report.first_broken
    assert report.checked == report.head.seq == THREADS * EACH
    assert [row.seq for row in rows] == list(range(1, THREADS * EACH + 1))
    written = sorted((row.data["writer"], row.data["n"]) for row in rows)
    assert written == [(writer, n) for writer in range(THREADS) for n in range(EACH)]
    # Each writer's own entries are in the order it wrote them.
    for writer in range(THREADS):
        assert [row.data["n"] for row in rows if row.data["writer"] == writer] == list(range(EACH))


def test_writers_in_different_municipalities_do_not_wait_for_each_other(committed_postgis: Committed) -> None:
    committed = committed_postgis
    _append(committed, "99101", n=0)  # both chains exist before the race
    _append(committed, "99102", n=0)
    results: dict[str, threading.Event] = {"99101": threading.Event(), "99102": threading.Event()}

    def other_writer(code: str) -> threading.Thread:
        def run() -> None:
            _append(committed, code, n=1)
            results[code].set()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    with committed.database.session_scope() as held:
        audit.append(held, municipality_id=municipality_id(held, "99101"), entity="complaint",
                     entity_id=uuid.uuid4(), action="noted", actor_id=None, actor_kind="system", data={"n": 2})
        # Durango's head stays locked until this transaction ends; Gómez Palacio's chain is untouched by it.
        gomez = other_writer("99102")
        durango = other_writer("99101")
        assert results["99102"].wait(timeout=15), "an append in another municipality waited"
        assert not results["99101"].wait(timeout=1), "an append in the same municipality did not wait"
    assert results["99101"].wait(timeout=15)
    gomez.join(timeout=15)
    durango.join(timeout=15)
    with committed.database.session_scope() as session:
        for code, count in (("99101", 3), ("99102", 2)):
            report = audit.verify(session, municipality_id=municipality_id(session, code))
            assert report.ok and report.checked == count
