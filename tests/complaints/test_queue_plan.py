"""The desk's queue must read a page through its indexes on both databases, not every complaint of the municipality.

At a national scale most of a municipality's complaints are closed and their due dates long past (bench/scale.py:
a million complaints). A page of the default order (overdue first) must come from the open complaints' partial
index (`ix_complaints_open_due`, migration 0022), also in a prepared statement's generic plan on PostgreSQL (the
driver prepares a statement it has sent five times); newest first from `ix_complaints_received`. The plans are
checked on a database of their own, three in four complaints closed, with fresh statistics; the same database
checks that walking the queue by its cursor gives every open complaint once, in the order the desk promises.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from shapely import geometry as sg
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from server import db, geo, migrate
from server.auth.actor import Actor
from server.complaints import queue
from server.complaints.models import PRIORITY_RANK, Category, Complaint, Priority
from server.complaints.queue_models import QueueQuery
from server.municipalities.models import Municipality
from tests.conftest import Backend, base_settings, fresh_database
from tests.works.test_query_plan import _durango

COMPLAINTS = 4_000
CLOSED = ["resolved", "closed", "withdrawn", "inadmissible", "referred"]
STAFF = Actor(user_id=uuid.uuid4(), is_national_admin=True)


@pytest.fixture(scope="module")
def grown(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """COMPLAINTS complaints in 10005 (and three times as many in another municipality): three in four closed (due dates over the past three years), the rest open
    (due from a month ago to six weeks ahead), analysed."""
    fresh = fresh_database(backend.name, tmp_path_factory.mktemp("queue-plan"))
    engine = db.make_engine(base_settings(database_url=fresh.url))
    rng = random.Random(20261207)
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            municipality = _durango()
            session.add(municipality)
            session.flush()
            category = Category(municipality_id=municipality.id, service_code="obra", name="Obra")
            session.add(category)
            session.flush()
            today = date(2026, 12, 7)
            rows = []
            for number in range(COMPLAINTS):
                is_open = number % 4 == 0
                state = rng.choice(queue.OPEN) if is_open else rng.choice(CLOSED)
                due = today + timedelta(days=rng.randint(-30, 40) if is_open else -rng.randint(40, 1100))
                rows.append({
                    "id": uuid.uuid4(), "municipality_id": municipality.id, "folio": f"10005-2026-{number:06d}",
                    "kind": "complaint", "category_id": category.id, "description": f"Caso {number}",
                    "search_text": f"caso {number}", "source": "api", "state": state,
                    "priority": rng.choice([p.value for p in Priority]), "received_on": due - timedelta(days=21),
                    "due_on": due, "anonymous": True, "text_publication": "published", "attributes": {},
                    "version": 1, "support_count": 0, "extended": False,
                    "created_at": db.utcnow() - timedelta(seconds=number), "updated_at": db.utcnow(),
                })
            # another municipality's complaints, three times as many: the table is not 10005's alone
            other = Municipality(code="99001", name="Otro", state="Prueba", country="MX", timezone="America/Mexico_City",
                                 boundary=geo.to_db(geo.as_multipolygon(sg.box(-120.0, 10.0, -119.9, 10.1))))
            session.add(other)
            session.flush()
            other_category = Category(municipality_id=other.id, service_code="obra", name="Obra")
            session.add(other_category)
            session.flush()
            rows += [{**row, "id": uuid.uuid4(), "municipality_id": other.id, "category_id": other_category.id,
                      "folio": f"99001-2026-{number:06d}"}
                     for number, row in enumerate(rows * 3)]
            rng.shuffle(rows)  # filed over time, the municipalities' complaints interleave in the table
            session.execute(sa.insert(Complaint), rows)
            session.commit()
        # Fresh statistics and, on PostgreSQL, the visibility map autovacuum keeps (index-only scans rely on it)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE complaints" if backend.name == "postgis" else "ANALYZE")
        yield engine
    finally:
        engine.dispose()
        fresh.drop()


def _page(session: Session, order: str, cursor: str | None = None, counts: bool = False) -> Any:
    municipality = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
    return queue.queue(session, actor=STAFF, municipality=municipality, language="es",
                       query=QueueQuery(order=order, cursor=cursor, counts=counts, limit=50))


def _statements(engine: Engine, session: Session, order: str, cursor: str | None, *, counts: bool = False,
                part: str = "ORDER BY") -> list[tuple[str, Any]]:
    """The statements of a page that read complaints and hold `part` (the rows: ORDER BY; the total or counts:
    count(*)), as the queue sends them."""
    sent: list[tuple[str, Any]] = []

    def capture(conn, cursor_, statement, parameters, context, executemany):  # noqa: ANN001
        if "FROM complaints" in statement and part in statement:
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        _page(session, order, cursor, counts)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    assert sent
    return sent


_SQL_TYPES = {bool: "boolean", int: "bigint", str: "text", uuid.UUID: "uuid", date: "date", datetime: "timestamptz"}


def _plan(session: Session, backend: Backend, statement: str, parameters: Any, generic: bool = True) -> str:
    connection = session.connection()
    if backend.name == "spatialite":
        return "\n".join(str(row[3]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                           parameters))
    if not generic:  # planned with its parameters' values, as a statement sent fewer than five times
        return "\n".join(str(row[0]) for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    # The generic plan of a prepared statement (what psycopg runs once it has sent a statement five times): its
    # parameters are unknown when it is planned, so only what the SQL itself says can choose a partial index.
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))
    numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", statement)
    types = ", ".join(_SQL_TYPES[type(parameters[name])] for name in names)
    connection.exec_driver_sql(f"PREPARE queue_page ({types}) AS " + numbered)
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    # EXECUTE's arguments as literals: a utility statement's parameters have no type the server could infer
    values = ", ".join("'" + str(parameters[name]).replace("'", "''") + "'::" + _SQL_TYPES[type(parameters[name])]
                       for name in names)
    try:
        return "\n".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN EXECUTE queue_page({values})"))
    finally:
        connection.exec_driver_sql("DEALLOCATE queue_page")


def _deep_cursor(session: Session, order: str, pages: int = 8) -> str:
    cursor = None
    for _ in range(pages):
        cursor = _page(session, order, cursor).next_cursor
    assert cursor
    return cursor


def test_a_deep_page_of_the_default_order_reads_the_open_complaints_index(grown: Engine, backend: Backend) -> None:
    with Session(grown) as session:
        cursor = _deep_cursor(session, "due")
        plans = [_plan(session, backend, *sent) for sent in _statements(grown, session, "due", cursor)]
    for plan in plans:
        if backend.name == "postgis":
            assert "ix_complaints_open_due" in plan, plan
            assert "Seq Scan" not in plan and re.search(r"(?<!Incremental )Sort  \(", plan) is None, plan
        else:
            # SQLite may rather look each open state up in (municipality, state, due date) from the cursor's due
            # date on and sort those: it too reads open complaints only, never the closed ones
            assert re.search(r"USING (COVERING )?INDEX (ix_complaints_open_due|ix_complaints_queue) ", plan), plan
            assert "SCAN complaints" not in plan, plan


def test_a_deep_page_newest_first_reads_the_received_index(grown: Engine, backend: Backend) -> None:
    with Session(grown) as session:
        cursor = _deep_cursor(session, "-received")
        [(statement, parameters)] = _statements(grown, session, "-received", cursor)
        plan = _plan(session, backend, statement, parameters)
    assert "ix_complaints_received" in plan, plan
    if backend.name == "spatialite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan  # read in the index's order, no sort
    else:
        assert re.search(r"(?<!Incremental )Sort  \(", plan) is None, plan


def test_a_page_counts_its_total_from_a_partial_index_of_open_complaints(grown: Engine,
                                                                           backend: Backend) -> None:
    """"Cargar más" asks for the total again (counts=false): it is counted from the open complaints' entries of a
    partial index, not from every complaint of the municipality; the first page's counts per state (SQLite) from
    an index of the municipality's states."""
    with Session(grown) as session:
        cursor = _deep_cursor(session, "due", pages=2)
        [total] = _statements(grown, session, "due", cursor, part="count(*)")
        [counts] = _statements(grown, session, "due", None, counts=True, part="count(*)")
        plans = _plan(session, backend, *total, generic=False), _plan(session, backend, *counts, generic=False)
    for plan in plans:
        if backend.name == "spatialite":  # its indexes by municipality and state, never the whole table
            assert re.search(r"SEARCH complaints USING (COVERING )?INDEX ix_complaints_(live_state|open_due|queue) ",
                             plan), plan
        elif plan is plans[0]:  # the total: only the open complaints' entries, through a partial index
            assert re.search(r"(Scan using|Index Scan on) ix_complaints_(open_due|live_state) ", plan), plan
        # PostgreSQL's counts per state: an index-only scan of ix_complaints_live_state once autovacuum has set
        # the visibility map (bench/scale.py shows it at a million complaints); on a fresh table a scan of the
        # municipality's rows is as good, so nothing is asserted here


@pytest.mark.parametrize("order", ["due", "-received"])
def test_walking_the_queue_by_cursor_gives_every_open_complaint_once_in_order(grown: Engine, order: str) -> None:
    with Session(grown) as session:
        municipality = session.scalar(sa.select(Municipality).where(Municipality.code == "10005"))
        expected = session.scalars(sa.select(Complaint).where(
            Complaint.municipality_id == municipality.id, Complaint.state.in_(queue.OPEN))).all()
        running = set(queue.RUNNING)
        if order == "due":
            def key(c: Complaint) -> tuple:
                return (c.state not in running, c.due_on, PRIORITY_RANK[Priority(c.priority)], c.received_on,
                        c.id)
            expected = sorted(expected, key=key)
        else:
            expected = sorted(expected, key=lambda c: (c.received_on, c.created_at, c.id), reverse=True)
        seen: list[uuid.UUID] = []
        cursor = None
        while True:
            page = _page(session, order, cursor)
            seen += [item.id for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
    assert seen == [c.id for c in expected]
