"""Change-log positions on SQLite (migration 0021): each writing transaction numbers its change rows with the
next number of a clock, so that numbers follow commit order like PostgreSQL's transaction ids, an empty pull's
index range starts at its cursor (it reads nothing however long the history), and rows logged before the clock
(txid 0) and cursors given before it still pull correctly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import db, migrate
from server.auth import service as auth
from server.municipalities.models import Municipality
from server.sync import capture
from server.sync import cursor as cursors
from server.sync import pull as pulls
from server.sync.cursor import Group
from server.sync.models import Change, ScopeKind
from server.works import service as works
from server.works.models import Work, WorkUpdate
from tests.conftest import Backend, base_settings, committed_demo_database
from tests.factories import make_work, municipality, staff_actor

MEMBER = "comite@vigia.example"  # scopes works:10005, forms:10005, its committee, mine


def rows_of(session: Session, entity_id: uuid.UUID) -> list[Change]:
    return list(session.scalars(sa.select(Change).where(Change.entity_id == entity_id).order_by(Change.seq)))


def retitle(session: Session, work_id: uuid.UUID, title: str) -> None:
    work = session.get(Work, work_id)
    works.update(session, actor=staff_actor(session), municipality=municipality(session), work_id=work_id,
                 data=WorkUpdate(version=work.version, title=title))
    session.flush()


def actor_of(session: Session, email: str = MEMBER):
    return auth.authenticate(session, token=auth.issue_token(session, email=email, device_name="reloj"))


def pull_to_end(session: Session, actor, cursor: str | None) -> tuple[list[pulls.PullItem], str]:
    items: list[pulls.PullItem] = []
    while True:
        page = pulls.pull(session, actor=actor, query=pulls.PullQuery(cursor=cursor, limit=1000,
                                                                      max_bytes=4_194_304), language="es")
        items += page.items
        cursor = page.cursor
        if not page.has_more:
            return items, cursor


def test_transactions_number_their_change_rows_in_commit_order(committed_database, backend: Backend) -> None:
    """Three transactions in a row: each one's rows share one number, higher than the one before; a savepoint
    that took the number and was rolled back leaves the next flush of the same transaction a number above every
    committed one."""
    database = committed_database
    with database.session_scope() as session:
        first = make_work(session, title="Obra del reloj")
        retitle(session, first.id, "Obra del reloj (otro flush, la misma transacción)")
    with database.session_scope() as session:
        retitle(session, first.id, "Obra del reloj, segunda")
    with database.session_scope() as session:
        with pytest.raises(RuntimeError), session.begin_nested():
            retitle(session, first.id, "Obra del reloj, deshecha")
            raise RuntimeError("the use case failed after its first flush")
        retitle(session, first.id, "Obra del reloj, tercera")
    with database.session_scope() as session:
        numbers = [row.txid for row in rows_of(session, first.id)]
    *one, two, three = numbers
    assert len(one) >= 2 and len(set(one)) == 1, numbers  # every flush of the first transaction: one number
    assert one[0] < two < three, numbers
    if backend.name == "spatialite":
        assert one[0] > 0  # a real number, not the 0 of every row before the clock


@pytest.fixture
def fresh(backend: Backend, tmp_path) -> Iterator[db.Database]:
    """A migrated database of the backend with the demo data, of this test alone (it goes down and up): a copy of
    the run's as migrated and loaded (tests/conftest.py, committed_demo_database), not migrated and loaded again."""
    with committed_demo_database(backend.name, tmp_path, backend.settings) as (_, database):
        yield database


def test_rows_and_a_cursor_from_before_the_clock_still_pull_exactly_what_changed(fresh: db.Database,
                                                                                  backend: Backend) -> None:
    """A phone pulled part of the log before the upgrade (on SQLite every row then had txid 0, and so had its
    cursor): after it, the phone gets every record logged after its cursor, old rows and new, and nothing it had
    already; its next pull is empty."""
    database = fresh
    migrate.downgrade(database.engine, "0020_queue")  # the log as it was before the clock
    with database.session_scope() as session:
        actor = actor_of(session)
        scopes = pulls.scopes_for(session, actor)
        rows = list(session.scalars(sa.select(Change).order_by(Change.txid, Change.seq)))
        mine = [row for row in rows if pulls._scope_of(row, scopes) is not None]
        if backend.name == "spatialite":
            assert {row.txid for row in rows} == {0}
        assert len(mine) > 10
        middle = mine[len(mine) // 2]
        # What the code before the clock answered after serving the rows up to `middle`: its position.
        old_cursor = cursors.encode([Group((middle.txid, middle.seq), frozenset(scopes))])
        still_due = {row.entity_id for row in mine if (row.txid, row.seq) > (middle.txid, middle.seq)}
    migrate.upgrade(database.engine)
    db.configure(database)
    with database.session_scope() as session:
        durango = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
        work = session.scalar(sa.select(Work).where(Work.municipality_id == durango.id, Work.deleted_at.is_(None),
                                                    Work.id.not_in(still_due)).limit(1))
        retitle(session, work.id, "Obra cambiada después del reloj")
    with database.session_scope() as session:
        items, cursor = pull_to_end(session, actor_of(session), old_cursor)
    assert {item.id for item in items} == still_due | {work.id}
    assert len(items) == len(still_due) + 1  # each record once
    with database.session_scope() as session:
        again, _ = pull_to_end(session, actor_of(session), cursor)
    assert again == []


# ------------------------------------------------------------------------------------------------ the plan


def _grow(database: db.Database, scope_id: uuid.UUID, municipality_id: uuid.UUID, transactions: int) -> None:
    """`transactions` more transactions, each logging ten changes of other records in the phone's scope, numbered
    as the session's change capture numbers them."""
    for _ in range(transactions):
        with database.session_scope() as session:
            session.execute(sa.insert(Change).values(txid=capture.transaction_number(session)), [
                {"municipality_id": municipality_id, "scope_kind": ScopeKind.works, "scope_id": scope_id,
                 "entity": "work", "entity_id": uuid.uuid4(), "op": "delete", "at": db.utcnow()}
                for _ in range(10)])


def _empty_pull_statement(database: db.Database, cursor: str) -> tuple[str, tuple, str]:
    """The change-log SELECT an empty pull sends, its parameters, and the cursor it answers."""
    seen: list[tuple[str, tuple]] = []

    def note(conn, cursor_, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if "FROM sync_changes" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.session_scope() as session:
            page = pulls.pull(session, actor=actor_of(session), query=pulls.PullQuery(cursor=cursor),
                              language="es")
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", note)
    assert page.items == [] and not page.has_more
    statement, parameters = next((s, p) for s, p in seen if "ORDER BY sync_changes.txid" in s)
    return statement, parameters, page.cursor


def _instructions(database: db.Database, statement: str, parameters: tuple) -> int:
    """How many SQLite virtual-machine instructions the statement runs: the work it does, read from SQLite."""
    raw = database.engine.raw_connection()
    try:
        count = 0

        def step() -> int:
            nonlocal count
            count += 1
            return 0

        raw.driver_connection.set_progress_handler(step, 1)
        raw.cursor().execute(statement, parameters).fetchall()
        raw.driver_connection.set_progress_handler(None, 1)
        return count
    finally:
        raw.close()


def _empty_pulls_as_the_log_grows(database: db.Database, *, analyze: str) -> Iterator[tuple[str, tuple, str]]:
    """A phone pulled to the end; then 200, then 4,000 more rows logged in its own scope works:10005, each time
    pulled to the end, the statistics made again (`analyze`), and the empty pull's SELECT, parameters and cursor
    given."""
    db.configure(database)
    with database.session_scope() as session:
        durango = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
        _, cursor = pull_to_end(session, actor_of(session), None)
    for transactions in (20, 400):
        _grow(database, durango.id, durango.id, transactions)
        with database.session_scope() as session:
            _, cursor = pull_to_end(session, actor_of(session), cursor)
        with database.engine.begin() as connection:
            connection.exec_driver_sql(analyze)
        statement, parameters, cursor = _empty_pull_statement(database, cursor)
        yield statement, parameters, cursor


@pytest.fixture
def sqlite_only(backend: Backend) -> None:
    if backend.name != "spatialite":
        pytest.skip("SQLite's plan and work; PostgreSQL's are read by the test below")


def test_an_empty_pull_starts_its_index_range_at_the_cursor_and_reads_the_same_however_long_the_log(
        sqlite_only, fresh: db.Database) -> None:
    database = fresh
    work_done = []
    for statement, parameters, cursor in _empty_pulls_as_the_log_grows(database, analyze="ANALYZE"):
        with database.session_scope() as session:
            below = pulls.watermark(session)
        [group] = cursors.decode(cursor)
        assert group.position == (below, 0)  # the cursor sits at the watermark, past every row logged
        with database.engine.connect() as connection:
            plan = "\n".join(str(row[3]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                               parameters))
        # Each scope's branch: an index range beginning at a transaction number (SQLite's planner, with the
        # statistics of the bound values, takes the scope's index or the position index as the range is long or
        # short); the records then by rowid. Never a scan of the log.
        searches = [line for line in plan.splitlines() if line.startswith("SEARCH sync_changes ")]
        branches = [line for line in searches if "rowid=?" not in line]
        assert len(branches) >= 4 and all(
            "USING INDEX ix_sync_changes_scope (scope_kind=? AND scope_id=? AND txid>?" in line
            or "USING INDEX ix_sync_changes_position (txid>?" in line for line in branches), plan
        assert "SEARCH sync_changes USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert "SCAN sync_changes" not in plan, plan
        assert below in parameters  # the range's start is the cursor's position
        work_done.append(_instructions(database, statement, parameters))
    # 20 times the history, about the same work (a log with every row read would take tens of thousands more).
    assert work_done[1] <= work_done[0] * 1.2, work_done


@pytest.fixture
def postgres_only(backend: Backend) -> None:
    if backend.name != "postgis":
        pytest.skip("PostgreSQL's plan and buffers; SQLite's are read by the test above")


def _buffers(node: dict) -> int:
    return int(node.get("Shared Hit Blocks", 0)) + int(node.get("Shared Read Blocks", 0))


def _scans(node: dict) -> list[dict]:
    found = [node] if node.get("Relation Name") == "sync_changes" else []
    for child in node.get("Plans", []):
        found += _scans(child)
    return found


def test_on_postgresql_an_empty_pull_reads_by_index_from_the_cursor_the_same_however_long_the_log(
        postgres_only, fresh: db.Database) -> None:
    """PostgreSQL's counterpart: the empty pull's change-log SELECT, run with EXPLAIN (ANALYZE, BUFFERS) with its
    own parameters, reads sync_changes only through an index range that starts at the cursor's transaction
    number, never a sequential scan, and touches about as many pages with 20 times the history."""
    import json

    database = fresh
    work_done = []
    for statement, parameters, _ in _empty_pulls_as_the_log_grows(database, analyze="ANALYZE sync_changes"):
        with database.engine.connect() as connection:
            [[plan]] = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).all()
        top = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]
        scans = _scans(top)
        text = json.dumps(top)
        assert scans, text
        assert all(scan["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan") for scan in scans), text
        assert "Seq Scan" not in text, text
        assert all(scan.get("Actual Rows", 0) == 0 for scan in scans), text  # nothing past the cursor
        assert "txid" in text  # the index condition names the transaction number (the cursor's position)
        work_done.append(_buffers(top))
    # 20 times the history, about the same pages (a scan of the scope's history would read ~4,000 rows' pages).
    assert work_done[1] <= work_done[0] * 1.2 + 4, work_done
