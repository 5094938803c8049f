"""Benchmark: the offline sync endpoints (GET /api/v1/sync/pull, POST /api/v1/sync/push), on PostgreSQL + PostGIS
and SQLite + SpatiaLite.

For each backend it creates a throwaway database, migrates it, loads the demo fixtures, signs in a phone as the
demo committee member (comite@vigia.example: scopes `works:10005`, `forms:10005`, its committee and `mine`) and
then, through the real HTTP application (Starlette's TestClient over `server.app.create_app`, so routing,
authentication, the `Vigia-Device` check, JSON and gzip are all included):

  pull   1. makes one database per size (default 10,000 and 1,000,000 change-log rows) and grows its change log
            (`sync_changes`) with a bulk INSERT ... SELECT (generate_series on PostgreSQL, a recursive CTE on
            SQLite, numbered ten rows a transaction from SQLite's clock), spread over 300 other municipalities,
            2,000 committees and 50,000 reporters; 1 % of the rows are in the phone's own scope `works:10005`
            (real works of the fixtures). A phone pulls each to the end, then the empty pulls of the sizes take
            turns (order alternating), many times: median and p95 over HTTP and inside `server.sync.pull.pull`
            (the service), the ratio between the sizes (goal: under 1.2x) and the plan of the change-log query
            (EXPLAIN of the SQL the pull really sent), which must use the change-log indexes.
         4. the bytes of an empty pull (JSON body, gzipped body, response headers; goal: under 300 bytes gzipped)
            and of a pull holding one complaint.
  push   3. pushes 500 `complaint.file` mutations (distinct mutation and complaint ids) in one request, several
            times, against the limit measured in the same run: the same 500 complaint rows (new ids and folios)
            written in one transaction by `COPY ... FROM STDIN` (PostgreSQL) or `executemany` of one INSERT
            (SQLite); prints both times, their ratio and whether the goal (at least 1/10 of the limit) is met.
         2. a pull of the 500 complaints the last push filed: latency and bytes (one page of up to 1,000 records
            and 4 MiB, and the default pages of 200 records / 256 KiB).

    .venv/bin/python bench/sync.py [pull|push|all] [--backend both|postgis|spatialite] [--sizes 10000,1000000]

PostgreSQL is reached through VIGIA_BENCH_POSTGRES_URL (or VIGIA_TEST_POSTGRES_URL); without either, the script
starts a PostgreSQL cluster of its own for the run, as the test suite does (tests/services.py), and stops it at
the end.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds queue.py: the folder must not stay first on the path, or it would stand in for the standard
# library's `queue` (which anyio and SQLAlchemy's pools import). works_near is imported by its path below.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from shapely import geometry as sg  # noqa: E402

from server import db, fixtures, geo, migrate  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.municipalities.models import Municipality  # noqa: E402
from server.sync import pull as pulls  # noqa: E402
from server.sync import push as pushes  # noqa: E402
from server.works.models import Work  # noqa: E402



def _works_near():  # noqa: ANN202
    import importlib.util

    spec = importlib.util.spec_from_file_location("works_near", ROOT / "bench" / "works_near.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["works_near"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _postgres_for_bench() -> None:
    """Without VIGIA_BENCH_POSTGRES_URL (or the tests' VIGIA_TEST_POSTGRES_URL), a PostgreSQL cluster of this run,
    as the test suite starts one (tests/services.py), stopped when the benchmark ends: a pull serves only
    transactions below the oldest one running anywhere in the cluster, so another session's long transaction on a
    shared server would hold every pull back (as bench/queue.py does)."""
    import os

    if os.environ.get("VIGIA_BENCH_POSTGRES_URL") or os.environ.get("VIGIA_TEST_POSTGRES_URL"):
        return
    import atexit

    from tests import services

    os.environ["VIGIA_BENCH_POSTGRES_URL"] = services.postgres().admin_url
    atexit.register(services.stop_all)


if "--backend" not in sys.argv or "spatialite" not in sys.argv:
    _postgres_for_bench()
_near = _works_near()
throwaway_database, versions = _near.throwaway_database, _near.versions

EMAIL = "comite@vigia.example"  # committee member in 10005 (see server/demo/users.json, committees.json)
PASSWORD = "vigia-demo-2026"
CODE = "10005"
CENTRO = (-104.6657, 24.0277)  # Zona Centro, Victoria de Durango
OTHER_MUNICIPALITIES = 300
COMMITTEES = 2_000
REPORTERS = 50_000
OWN_EVERY = 100  # one row in a hundred is in the phone's own scope works:10005


# ------------------------------------------------------------------------------------------------ helpers


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


class Timer:
    """Wraps a module function and records how long each call took (ms): the service's share of a request."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name, self.original = module, name, getattr(module, name)
        self.calls: list[float] = []

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.calls.append((time.perf_counter() - started) * 1000)

        setattr(module, name, timed)

    def restore(self) -> None:
        setattr(self.module, self.name, self.original)


class Statements:
    """The SQL statements (and parameters) sent while active, to EXPLAIN the ones that touched the change log."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.seen, self.times = engine, [], []
        sa.event.listen(engine, "before_cursor_execute", self._note)
        sa.event.listen(engine, "after_cursor_execute", self._done)

    def _note(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        self.seen.append((statement, parameters))
        self.started = time.perf_counter()

    def _done(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        self.times.append((time.perf_counter() - self.started) * 1000)

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._note)
        sa.event.remove(self.engine, "after_cursor_execute", self._done)


@dataclass
class Phone:
    device_id: uuid.UUID
    token: str
    user_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Vigia-Device": str(self.device_id),
                "Accept-Encoding": "gzip"}


def sign_in(client) -> Phone:  # noqa: ANN001
    device_id = uuid.uuid4()
    response = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD,
                                                       "device_name": "Moto G bench", "device_id": str(device_id)})
    assert response.status_code == 201, response.text
    body = response.json()
    return Phone(device_id, body["token"], uuid.UUID(body["user"]["id"]))


def get_pull(client, phone: Phone, cursor: str | None, **params: Any):  # noqa: ANN001
    query = {**params, **({"cursor": cursor} if cursor else {})}
    response = client.get("/api/v1/sync/pull", params=query, headers=phone.headers)
    assert response.status_code == 200, response.text
    return response


def pull_to_end(client, phone: Phone, cursor: str | None) -> tuple[str, int, int]:  # noqa: ANN001
    """Pull pages of 1,000 until a pull serves nothing: the cursor at the end, pages and items served.

    On PostgreSQL a pull serves only transactions below the oldest one still running in the whole cluster
    (docs/sync.md), so while another client of the same server holds a transaction open, rows committed after
    it started come in a later pull: hence "until a pull serves nothing", not "until has_more is false"."""
    pages = items = 0
    while True:
        page = get_pull(client, phone, cursor, limit=1000, max_bytes=4_194_304).json()
        pages, items, cursor = pages + 1, items + len(page["items"]), page["cursor"]
        if not page["has_more"] and not page["items"]:
            return cursor, pages, items
        if not page["has_more"]:
            time.sleep(0.05)


def complaint_mutation(index: int) -> dict[str, Any]:
    lon, lat = CENTRO
    return {"id": str(uuid.uuid4()), "intent": "complaint.file", "municipality": CODE,
            "payload": {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad",
                        "description": f"El concreto de la banqueta nueva ya está agrietado ({index}).",
                        "location": {"type": "Point", "coordinates": [lon + (index % 50) * 1e-4,
                                                                      lat + (index // 50) * 1e-4]},
                        "accuracy_m": 6.5}}


def header_bytes(response) -> int:  # noqa: ANN001
    """The response's status line and headers as HTTP/1.1 would send them (uvicorn adds `date` and `server`)."""
    lines = [f"HTTP/1.1 {response.status_code} OK"] + [f"{k}: {v}" for k, v in response.headers.items()]
    return len("\r\n".join(lines).encode()) + 4


# ------------------------------------------------------------------------------------------------ the change log


def add_municipalities(database: db.Database) -> None:
    with database.session_scope() as session:
        for number in range(OTHER_MUNICIPALITIES):
            west = -120.0 + (number % 20) * 0.2
            south = 10.0 + (number // 20) * 0.2
            session.add(Municipality(code=f"9{number:04d}", name=f"Municipio sintético {number}", state="Prueba",
                                     country="MX", timezone="America/Mexico_City",
                                     boundary=geo.to_db(sg.MultiPolygon([sg.box(west, south, west + .1,
                                                                                south + .1)]))))


def fill(engine: sa.Engine, backend: str, start: int, stop: int, own_municipality: uuid.UUID) -> None:
    """Change-log rows number `start`..`stop-1` in one INSERT ... SELECT: works, forms, committees' records and
    complaints of 300 other municipalities, and every 100th row an upsert of a real work of 10005."""
    pg = backend == "postgis"
    mod = "%%" if pg else "%"  # psycopg's paramstyle doubles a literal percent sign

    def param(name: str) -> str:
        return f"%({name})s" if pg else f":{name}"

    def synthetic(prefix: int, expr: str) -> str:
        """A made-up id, the same for the same number (a committee or reporter of another municipality)."""
        if pg:
            return f"md5('{prefix}-' || ({expr}))::uuid"
        return f"printf('%08x%024x', {prefix}, {expr})"

    own = own_municipality if pg else own_municipality.hex
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS bench_m AS SELECT (row_number() OVER "
                                   "(ORDER BY code)) - 1 AS n, id FROM municipalities WHERE code LIKE '9____'")
        connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS bench_w AS SELECT (row_number() OVER "
                                   f"(ORDER BY id)) - 1 AS n, id FROM works WHERE municipality_id = {param('own')}",
                                   {"own": own})
        works = connection.exec_driver_sql("SELECT count(*) FROM bench_w").scalar()
        if pg:
            txid, at = "pg_current_xact_id()::text::bigint", "now()"
            source = f"generate_series({param('start')}::bigint, {param('stop')}::bigint - 1) AS g(n)"
        else:  # ten rows a transaction, numbered on from the clock (server.sync.capture), as if written one by one
            txid, at = "(SELECT coalesce(max(txid), 0) FROM sync_clock) + 1 + g.n / 10", param("at")
            source = (f"(WITH RECURSIVE s(n) AS (SELECT {param('start')} UNION ALL SELECT n + 1 FROM s "
                      f"WHERE n < {param('stop')} - 1) SELECT n FROM s) AS g")
        n = "g.n"
        is_own = f"{n} {mod} {OWN_EVERY} = 0"
        kind = (f"(CASE WHEN {n} {mod} 20 < 2 THEN 'F' WHEN {n} {mod} 20 < 10 THEN 'W' "
                f"WHEN {n} {mod} 20 < 16 THEN 'C' ELSE 'R' END)")
        sql = f"""
            INSERT INTO sync_changes (txid, municipality_id, scope_kind, scope_id, entity, entity_id, op, at)
            SELECT {txid},
                   CASE WHEN {is_own} THEN {param('own')} ELSE m.id END,
                   CASE WHEN {is_own} THEN 'W' ELSE {kind} END,
                   CASE WHEN {is_own} THEN {param('own')}
                        WHEN {kind} = 'C' THEN {synthetic(1, f"{n} {mod} {COMMITTEES}")}
                        WHEN {kind} = 'R' THEN {synthetic(2, f"{n} {mod} {REPORTERS}")}
                        ELSE m.id END,
                   CASE WHEN {is_own} THEN 'work' ELSE
                        (CASE {kind} WHEN 'W' THEN 'work' WHEN 'F' THEN 'form_version' WHEN 'C' THEN 'visit'
                         ELSE 'complaint' END) END,
                   CASE WHEN {is_own} THEN w.id ELSE {synthetic(3, n)} END,
                   CASE WHEN {n} {mod} 50 = 7 THEN 'delete' ELSE 'upsert' END,
                   {at}
            FROM {source}
            JOIN bench_m AS m ON m.n = {n} {mod} {OTHER_MUNICIPALITIES}
            JOIN bench_w AS w ON w.n = ({n} / {OWN_EVERY}) {mod} {works}
        """
        at_value = db.utcnow().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        connection.exec_driver_sql(sql, {"own": own, "start": start, "stop": stop, "at": at_value})
        if not pg:
            connection.exec_driver_sql("INSERT INTO sync_clock (id, txid) SELECT 1, max(txid) FROM sync_changes "
                                       "WHERE true ON CONFLICT (id) DO UPDATE SET txid = excluded.txid, owner = NULL")
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    if not pg:  # the one huge write folded into the database file, as the routine checkpoints of a live one keep it
        raw = engine.raw_connection()  # outside any transaction (the engine's sessions begin IMMEDIATE)
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            raw.close()


def change_log_plans(engine: sa.Engine, seen: list[tuple[str, Any]]) -> list[list[str]]:
    """EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of each statement a pull sent to sync_changes."""
    plans = []
    for statement, parameters in seen:
        if "sync_changes" not in statement or not statement.lstrip().upper().startswith("SELECT"):
            continue
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.append([str(row[3]) for row in rows])
            else:
                rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plans.append([str(row[0]) for row in rows])
    return plans


def scans_change_log(backend: str, plan: list[str]) -> bool:
    """True if the plan reads sync_changes without one of its indexes (a sequential or full scan)."""
    text = "\n".join(plan)
    if backend == "postgis":
        return "Seq Scan on sync_changes" in text
    return any(line.startswith("SCAN sync_changes") and "INDEX" not in line for line in plan)


# ------------------------------------------------------------------------------------------------ results


@dataclass
class EmptyPull:
    size: int
    http_ms: list[float] = field(default_factory=list)
    service_ms: list[float] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    own_rows: int = 0
    statements: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of one empty pull
    late: int = 0  # pulls that were not empty after all (another transaction had held the watermark back)


@dataclass
class Results:
    backend: str
    empty: list[EmptyPull] = field(default_factory=list)
    wire: dict[str, Any] = field(default_factory=dict)
    push_ms: list[float] = field(default_factory=list)
    push_service_ms: list[float] = field(default_factory=list)
    push_applied: int = 0
    bulk_ms: list[float] = field(default_factory=list)
    all_ms: list[float] = field(default_factory=list)  # every row the push stored (bulk_all)
    all_rows: int = 0
    pull500: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ phases


@dataclass
class PullSetup:
    """One database grown to one change-log size, with its app, phone and cursor at the end."""

    size: int
    settings: Settings
    engine: sa.Engine
    database: db.Database
    client: Any
    phone: Phone
    cursor: str
    timing: EmptyPull

    def use(self) -> None:
        # The app's use cases open sessions on the process-wide database: point it at this one before each pull.
        configure_settings(self.settings)
        db.configure(self.database)


def prepare(backend: str, url: str, folder: Path) -> tuple[Settings, sa.Engine, db.Database, uuid.UUID]:
    """Migrate, load the demo fixtures and the 300 other municipalities; the id of 10005."""
    settings = configure_settings(Settings(
        database_url=url, vigia_env="test", redis_url=None, log_level="WARNING", db_pool_size=2,
        allowed_hosts=["testserver"], secret_key="bench-secret-key-that-is-long-enough-for-production",
        password_memory_kib=1024, password_time_cost=1, media_dir=folder / "media"))
    engine = db.make_engine(settings)
    migrate.upgrade(engine)
    database = db.configure(db.Database(engine))
    with database.session_scope() as session:
        fixtures.load(session)
    add_municipalities(database)
    with database.session_scope() as session:
        own = session.scalar(sa.select(Municipality.id).where(Municipality.code == CODE))
    return settings, engine, database, own


def bench_empty_pulls(backend: str, folder: Path, args: argparse.Namespace, results: Results) -> None:
    """One database per size, each grown to its size; then the empty pulls of every size take turns (the order
    alternating), so that other work on the machine weighs on each size alike."""
    from starlette.testclient import TestClient

    from server.app import create_app

    with contextlib.ExitStack() as stack:
        setups: list[PullSetup] = []
        for size in args.sizes:
            place = folder / f"pull-{size}"
            place.mkdir()
            url = stack.enter_context(throwaway_database(backend, place))
            settings, engine, database, own = prepare(backend, url, place)
            stack.callback(engine.dispose)
            started = time.perf_counter()
            missing = size - _count(engine)
            if missing > 0:
                fill(engine, backend, 0, missing, own)
            print(f"  {backend}: {_count(engine):,} change-log rows ready in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            client = stack.enter_context(TestClient(create_app(settings, database=database),
                                                    raise_server_exceptions=True))
            phone = sign_in(client)
            started = time.perf_counter()
            cursor, pages, items = pull_to_end(client, phone, None)
            print(f"  {backend}: phone pulled to the end ({pages} pages, {items:,} items) in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            timing = EmptyPull(size=_count(engine))
            with engine.connect() as connection:
                timing.own_rows = connection.execute(sa.text(
                    "SELECT count(*) FROM sync_changes WHERE scope_kind = 'W' AND scope_id = :own"),
                    {"own": own if backend == "postgis" else own.hex}).scalar()
            setups.append(PullSetup(size, settings, engine, database, client, phone, cursor, timing))
        service = Timer(pulls, "pull")
        try:
            for run in range(args.warmup + args.runs):
                for setup in (setups if run % 2 == 0 else setups[::-1]):
                    setup.use()
                    started = time.perf_counter()
                    response = get_pull(setup.client, setup.phone, setup.cursor)
                    elapsed = (time.perf_counter() - started) * 1000
                    page = response.json()
                    setup.cursor = page["cursor"]
                    if page["items"] or page["has_more"]:  # a late commit (see pull_to_end): not an empty pull
                        setup.timing.late += 1
                        continue
                    if run >= args.warmup:
                        setup.timing.http_ms.append(elapsed)
                        setup.timing.service_ms.append(service.calls[-1])
        finally:
            service.restore()
        for setup in setups:
            setup.use()
            statements = Statements(setup.engine)
            try:
                get_pull(setup.client, setup.phone, setup.cursor)
            finally:
                statements.close()
            setup.timing.statements = [(ms, " ".join(sql.split())[:110]) for (sql, _), ms in
                                       zip(statements.seen, statements.times, strict=False)]
            plans = change_log_plans(setup.engine, statements.seen)
            setup.timing.plan = plans[0] if plans else ["(no statement on sync_changes seen)"]
            results.empty.append(setup.timing)
            print(f"  {backend}: {setup.timing.size:,} rows: empty pull median {median(setup.timing.http_ms):.2f} ms",
                  file=sys.stderr)


def _count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM sync_changes")).scalar()


def bench_wire(client, phone: Phone, cursor: str, results: Results) -> str:  # noqa: ANN001
    response = get_pull(client, phone, cursor)
    body = response.content
    cursor = response.json()["cursor"]
    results.wire["empty"] = {
        "json": len(body), "gzip": len(gzip.compress(body, 9)), "gzip6": len(gzip.compress(body, 6)),
        "sent": response.num_bytes_downloaded, "encoding": response.headers.get("content-encoding", "identity"),
        "headers": header_bytes(response), "header_names": list(response.headers.keys()),
        "cursor_chars": len(cursor), "request_line": len(f"GET /api/v1/sync/pull?cursor={cursor} HTTP/1.1"),
    }
    push = client.post("/api/v1/sync/push", json={"mutations": [complaint_mutation(0)]}, headers=phone.headers)
    assert push.status_code == 200 and push.json()["results"][0]["status"] == "applied", push.text
    for _ in range(600):  # until the watermark has passed the push (see pull_to_end)
        response = get_pull(client, phone, cursor)
        page = response.json()
        if page["items"]:
            break
        time.sleep(0.2)
    assert len(page["items"]) == 1 and page["items"][0]["type"] == "complaint", page
    body = response.content
    results.wire["one"] = {
        "json": len(body), "gzip": len(gzip.compress(body, 9)), "gzip6": len(gzip.compress(body, 6)),
        "sent": response.num_bytes_downloaded, "encoding": response.headers.get("content-encoding", "identity"),
        "headers": header_bytes(response),
    }
    return page["cursor"]


def _pages(client, phone: Phone, cursor: str | None) -> list[dict[str, Any]]:  # noqa: ANN001
    pages = []
    while True:
        pages.append(get_pull(client, phone, cursor, limit=1000, max_bytes=4_194_304).json())
        cursor = pages[-1]["cursor"]
        if not pages[-1]["has_more"]:
            return pages


PUSH_GOAL = 10  # issue 19: a push at least 1/10 as fast as the limit


def bulk_copy(engine: sa.Engine, ids: list[uuid.UUID], run: int) -> float:
    """Milliseconds to write copies of the complaints `ids` (new ids, folios BULK-run-n) in one transaction: `COPY
    ... FROM STDIN` on PostgreSQL (the rows prepared as COPY text beforehand), `executemany` of one INSERT on
    SQLite (the rows read beforehand). Only the writing is timed."""
    from server.complaints.models import Complaint

    table = Complaint.__table__
    columns = [column.name for column in table.columns]
    if engine.dialect.name == "postgresql":
        exported = ", ".join(
            "gen_random_uuid()" if name == "id" else
            f"'BULK-{run}-' || lpad((row_number() OVER ())::text, 5, '0')" if name == "folio" else name
            for name in columns)
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cursor:
                data = bytearray()
                with cursor.copy(f"COPY (SELECT {exported} FROM complaints WHERE id = ANY(%s)) TO STDOUT",
                                 (ids,)) as copy:
                    for chunk in copy:
                        data += chunk
            raw.commit()
            started = time.perf_counter()
            with raw.cursor() as cursor, cursor.copy(f"COPY complaints ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(bytes(data))
            raw.commit()
            return (time.perf_counter() - started) * 1000
        finally:
            raw.close()
    with engine.connect() as connection:  # the rows as stored (SQLite's own values: text ids, geometry blobs)
        rowids = list(connection.execute(sa.select(sa.literal_column("rowid")).select_from(table)
                                         .where(table.c.id.in_(ids))).scalars())
        rows = connection.exec_driver_sql(
            f"SELECT {', '.join(columns)} FROM complaints WHERE rowid IN ({', '.join(map(str, rowids))})").fetchall()

    def new_id(like: Any) -> Any:
        made = uuid.uuid4()
        return made.bytes if isinstance(like, bytes) else made.hex if len(like) == 32 else str(made)

    at = {name: position for position, name in enumerate(columns)}
    copies = [tuple(new_id(row[at["id"]]) if name == "id" else f"BULK-{run}-{n:05d}" if name == "folio"
                    else row[at[name]] for name in columns) for n, row in enumerate(rows)]
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        cursor.executemany(f"INSERT INTO complaints ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           copies)
        raw.commit()
        return (time.perf_counter() - started) * 1000
    finally:
        raw.close()


# Every table a push of complaint filings writes, and which of its rows the last push wrote (SQLAlchemy conditions
# over the push's mutation ids `m`, complaint ids `c` and device `d`).
STORED = {
    "sync_mutations": lambda t, d, m, c: sa.and_(t.c.device_id == d, t.c.mutation_id.in_(m)),
    "complaints": lambda t, d, m, c: t.c.id.in_(c),
    "complaint_updates": lambda t, d, m, c: t.c.complaint_id.in_(c),
    "sync_changes": lambda t, d, m, c: sa.and_(t.c.entity == "complaint", t.c.entity_id.in_(c)),
    "audit_entries": lambda t, d, m, c: sa.and_(t.c.entity == "complaint", t.c.entity_id.in_(c)),
}


def bulk_all(engine: sa.Engine, device_id: uuid.UUID, mutation_ids: list[uuid.UUID],
             complaint_ids: list[uuid.UUID]) -> tuple[float, int]:
    """(milliseconds, rows) to write every row the push stored (its claims, complaints, timeline entries, change-log
    rows and audit entries, read back beforehand) in one transaction into empty tables of the same shape and indexes
    (`bench_limit_<table>`; no foreign keys, no triggers: a limit the push cannot beat): `COPY ... FROM STDIN` per
    table on PostgreSQL, `executemany` of one INSERT per table on SQLite. Only the writing is timed."""
    from sqlmodel import SQLModel

    postgres = engine.dialect.name == "postgresql"
    total = 0
    exported: dict[str, Any] = {}
    with engine.begin() as connection:
        for name, where in STORED.items():
            table = SQLModel.metadata.tables[name]
            limit = f"bench_limit_{name}"
            if postgres:
                connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {limit} (LIKE {name} INCLUDING ALL)")
                connection.exec_driver_sql(f"TRUNCATE {limit}")
            else:
                known = {row[0] for row in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                if limit not in known:
                    for (sql,) in connection.exec_driver_sql(
                            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
                            "AND type IN ('table', 'index') ORDER BY type = 'index'", (name,)).fetchall():
                        sql = re.sub(rf'(CREATE TABLE\s+)"?{name}"?', rf"\g<1>{limit}", sql, count=1)
                        sql = re.sub(rf'(CREATE (?:UNIQUE )?INDEX\s+)"?(\w+)"?(\s+ON\s+)"?{name}"?',
                                     rf"\g<1>bench_limit_\g<2>\g<3>{limit}", sql, count=1)
                        connection.exec_driver_sql(sql)
                connection.exec_driver_sql(f"DELETE FROM {limit}")
            rowids = list(connection.execute(
                sa.select(sa.literal_column("ctid" if postgres else "rowid")).select_from(table)
                .where(where(table, device_id, mutation_ids, complaint_ids))).scalars())
            columns = [column.name for column in table.columns]
            if postgres:
                raw_cursor = connection.connection.driver_connection.cursor()
                data = bytearray()
                with raw_cursor.copy(f"COPY (SELECT {', '.join(columns)} FROM {name} WHERE ctid = ANY(%s::tid[])) "
                                     "TO STDOUT", ([str(r) for r in rowids],)) as copy:
                    for chunk in copy:
                        data += chunk
                exported[name] = (columns, bytes(data))
            else:
                exported[name] = (columns, connection.exec_driver_sql(
                    f"SELECT {', '.join(columns)} FROM {name} WHERE rowid IN ({', '.join(map(str, rowids))})"
                ).fetchall())
            total += len(rowids)
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        for name, (columns, data) in exported.items():
            if postgres:
                with cursor.copy(f"COPY bench_limit_{name} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(data)
            else:
                cursor.executemany(f"INSERT INTO bench_limit_{name} ({', '.join(columns)}) "
                                   f"VALUES ({', '.join('?' * len(columns))})", data)
        raw.commit()
        return (time.perf_counter() - started) * 1000, total
    finally:
        raw.close()


def bench_push(client, phone: Phone, cursor: str | None, engine: sa.Engine,  # noqa: ANN001
               args: argparse.Namespace, results: Results) -> None:
    from server.complaints.models import Complaint

    cursor_before = cursor
    service = Timer(pushes, "push")
    try:
        for _run in range(args.push_runs):
            cursor_before = pull_to_end(client, phone, cursor_before)[0]
            mutations = [complaint_mutation(index) for index in range(args.batch)]
            started = time.perf_counter()
            response = client.post("/api/v1/sync/push", json={"mutations": mutations}, headers=phone.headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            statuses = [result["status"] for result in response.json()["results"]]
            results.push_applied = statuses.count("applied")
            assert results.push_applied == args.batch, statuses[:5]
            results.push_ms.append(elapsed)
            results.push_service_ms.append(service.calls[-1])
            print(f"  {results.backend}: push of {args.batch} took {elapsed:.0f} ms", file=sys.stderr)
    finally:
        service.restore()
    last_ids = [uuid.UUID(m["payload"]["id"]) for m in mutations]

    # The limit, in the same run: the same complaint rows with new ids and folios, written in one transaction by
    # the fastest way each database takes rows (COPY on PostgreSQL, executemany on SQLite).
    for run in range(args.push_runs):
        results.bulk_ms.append(bulk_copy(engine, last_ids, run))
        print(f"  {results.backend}: bulk of {len(last_ids)} took {results.bulk_ms[-1]:.1f} ms", file=sys.stderr)
    # The second limit: every row the push stored, not only its complaints (claims with their results, timeline
    # entries, change-log rows, audit entries), read back and written the same fastest way.
    for _run in range(args.push_runs):
        elapsed, results.all_rows = bulk_all(engine, phone.device_id, [uuid.UUID(m["id"]) for m in mutations],
                                             last_ids)
        results.all_ms.append(elapsed)
        print(f"  {results.backend}: all {results.all_rows} rows of the push took {elapsed:.1f} ms", file=sys.stderr)

    # A pull of the 500 complaints the last push filed, from the cursor just before it. First wait until the
    # watermark has passed the push (another client's open transaction on the same server can hold it back).
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        served = sum(len(page["items"]) for page in _pages(client, phone, cursor_before))
        if served >= args.batch:
            break
        time.sleep(0.2)
    for label, params in (("one page", {"limit": 1000, "max_bytes": 4_194_304}), ("default pages", {})):
        times, sizes, sent, pages, items = [], [], [], 0, 0
        for run in range(args.warmup500 + args.runs500):
            cursor, pages, items, body_bytes, wire_bytes = cursor_before, 0, 0, 0, 0
            started = time.perf_counter()
            while True:
                response = get_pull(client, phone, cursor, **params)
                page = response.json()
                pages, items, cursor = pages + 1, items + len(page["items"]), page["cursor"]
                body_bytes += len(response.content)
                wire_bytes += response.num_bytes_downloaded
                if not page["has_more"]:
                    break
            elapsed = (time.perf_counter() - started) * 1000
            if run >= args.warmup500:
                times.append(elapsed)
                sizes.append(body_bytes)
                sent.append(wire_bytes)
        results.pull500[label] = {"ms": times, "json": sizes[-1], "sent": sent[-1], "pages": pages, "items": items}


# ------------------------------------------------------------------------------------------------ per backend


def run_backend(backend: str, args: argparse.Namespace) -> Results:
    from starlette.testclient import TestClient

    from server.app import create_app

    results = Results(backend)
    if args.command in ("pull", "all"):
        with tempfile.TemporaryDirectory(prefix="vigia-bench-pull-") as folder:
            bench_empty_pulls(backend, Path(folder), args, results)
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            throwaway_database(backend, Path(folder)) as url:
        settings = configure_settings(Settings(
            database_url=url, vigia_env="test", redis_url=None, log_level="WARNING", db_pool_size=2,
            allowed_hosts=["testserver"], secret_key="bench-secret-key-that-is-long-enough-for-production",
            password_memory_kib=1024, password_time_cost=1, media_dir=Path(folder) / "media",
            gc_freeze=not args.no_gc_freeze))  # as `vigia serve` runs (GC_FREEZE, server/app.py)
        engine = db.make_engine(settings)
        try:
            migrate.upgrade(engine)
            database = db.configure(db.Database(engine))
            with database.session_scope() as session:
                fixtures.load(session)
            add_municipalities(database)
            with database.session_scope() as session:
                own = session.scalar(sa.select(Municipality.id).where(Municipality.code == CODE))
                works = session.scalar(sa.select(sa.func.count()).select_from(Work)
                                       .where(Work.municipality_id == own))
            print(f"  {backend}: fixtures loaded ({works} works in {CODE})", file=sys.stderr)
            with TestClient(create_app(settings, database=database), raise_server_exceptions=True) as client:
                phone = sign_in(client)
                cursor = None
                if args.command in ("pull", "all"):
                    cursor = bench_wire(client, phone, pull_to_end(client, phone, None)[0], results)
                if args.command in ("push", "all"):
                    bench_push(client, phone, cursor, engine, args, results)
        finally:
            engine.dispose()
    return results


# ------------------------------------------------------------------------------------------------ report


def _push_table(pushed: list[Results], limit_of: str, rows_of: Any, args: argparse.Namespace) -> None:
    """One table of the push against a limit (`limit_of`: the Results field of its runs; `rows_of`: its rows)."""
    print("| backend | push over HTTP median ms | push() service median ms | per mutation ms | mutations/s | "
          "limit rows | limit median ms | limit rows/s | push speed / limit | goal 1/10 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in pushed:
        http, limit, rows = median(r.push_ms), median(getattr(r, limit_of)), rows_of(r)
        way = "COPY" if r.backend == "postgis" else "executemany"
        print(f"| {r.backend} | {http:.0f} | {median(r.push_service_ms):.0f} | {http / args.batch:.2f} | "
              f"{args.batch / http * 1000:.0f} | {rows} | {limit:.1f} ({way}) | {rows / limit * 1000:.0f} | "
              f"1/{http / limit:.1f} | {'met' if http / limit <= PUSH_GOAL else 'not met'} |")
        print(f"  ({r.backend}: push runs {', '.join(f'{v:.0f}' for v in r.push_ms)} ms; "
              f"limit runs {', '.join(f'{v:.1f}' for v in getattr(r, limit_of))} ms)")
    print()


def report(all_results: list[Results], args: argparse.Namespace) -> bool:
    indexed = True
    empties = [r for r in all_results if r.empty]
    if empties:
        print()
        print("Empty pull (cursor at the end): latency over HTTP (TestClient) and inside pull() (the service)")
        print()
        print("| backend | rows in sync_changes | rows in works:10005 | HTTP median ms | HTTP p95 ms | "
              "pull() median ms | pull() p95 ms |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in empties:
            for e in r.empty:
                print(f"| {r.backend} | {e.size:,} | {e.own_rows:,} | {median(e.http_ms):.2f} | {p95(e.http_ms):.2f} | "
                      f"{median(e.service_ms):.2f} | {p95(e.service_ms):.2f} |")
        print()
        if len(args.sizes) > 1:
            print(f"Ratio largest / smallest log (goal: HTTP median under 1.2x), {args.runs} runs each, the sizes "
                  "taking turns (one database per size)")
            print()
            print("| backend | HTTP median | HTTP p95 | pull() median | pull() p95 | goal |")
            print("|---|---:|---:|---:|---:|---|")
            for r in empties:
                small, large = r.empty[0], r.empty[-1]
                ratio = median(large.http_ms) / median(small.http_ms)
                print(f"| {r.backend} | {ratio:.2f}x | {p95(large.http_ms) / p95(small.http_ms):.2f}x | "
                      f"{median(large.service_ms) / median(small.service_ms):.2f}x | "
                      f"{p95(large.service_ms) / p95(small.service_ms):.2f}x | {'met' if ratio < 1.2 else 'MISSED'} |")
            print()
        for r in empties:
            e = r.empty[-1]
            scan = scans_change_log(r.backend, e.plan)
            indexed = indexed and not scan
            print(f"SQL statements of one empty pull on {r.backend} ({e.size:,} rows; "
                  f"{e.late} timed pulls were not empty and were left out):")
            for ms, sql in e.statements:
                print(f"    {ms:7.2f} ms  {sql}")
            print(f"Plan of the change-log query on {r.backend} ({e.size:,} rows): "
                  f"{'FULL SCAN of sync_changes' if scan else 'indexes only'}")
            for line in e.plan:
                print("    " + (line if len(line) <= 200 else line[:197] + "..."))
            print()
    wires = [r for r in all_results if r.wire]
    if wires:
        print("Bytes on the wire (goal: empty pull under 300 bytes gzipped)")
        print()
        print("| backend | pull | JSON body | gzip -9 | gzip -6 | sent by the server | Content-Encoding | "
              "response headers | goal |")
        print("|---|---|---:|---:|---:|---:|---|---:|---|")
        for r in wires:
            for key, label in (("empty", "empty"), ("one", "one complaint")):
                w = r.wire[key]
                goal = ("met" if w["gzip6"] < 300 else "MISSED") if key == "empty" else ""
                print(f"| {r.backend} | {label} | {w['json']} | {w['gzip']} | {w['gzip6']} | {w['sent']} | "
                      f"{w['encoding']} | {w['headers']} | {goal} |")
            print(f"  ({r.backend}: cursor {r.wire['empty']['cursor_chars']} characters, request line "
                  f"{r.wire['empty']['request_line']} bytes; response headers: "
                  f"{', '.join(r.wire['empty']['header_names'])})")
        print()
    pushed = [r for r in all_results if r.push_ms]
    if pushed:
        print(f"Push of {args.batch} complaint.file mutations in one request, against the limit: the same "
              f"{args.batch} complaint rows written in one transaction by COPY (PostgreSQL) or executemany (SQLite) "
              f"({args.push_runs} runs each, same run); goal: push at least 1/{PUSH_GOAL} as fast as the limit")
        print()
        _push_table(pushed, "bulk_ms", lambda r: args.batch, args)
        print(f"The same push against every row it stored ({pushed[0].all_rows} rows: claims with their results, "
              "complaints, timeline entries, change-log rows, audit entries), written in one transaction into "
              "empty tables of the same shape and indexes by COPY (PostgreSQL) or executemany (SQLite)")
        print()
        _push_table(pushed, "all_ms", lambda r: r.all_rows, args)
        print(f"Pull of the {args.batch} complaints the last push filed ({args.runs500} runs)")
        print()
        print("| backend | pages | items | median ms | p95 ms | JSON bytes | bytes sent (gzip) |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for r in pushed:
            for label, p in r.pull500.items():
                print(f"| {r.backend} | {p['pages']} ({label}) | {p['items']} | {median(p['ms']):.0f} | "
                      f"{p95(p['ms']):.0f} | {p['json']:,} | {p['sent']:,} |")
        print()
    return indexed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=("all", "pull", "push"), default="all",
                        help="pull: empty pulls and bytes; push: push of 500 and pull of 500; all (default): both")
    parser.add_argument("--backend", choices=("both", "postgis", "spatialite"), default="both")
    parser.add_argument("--sizes", default="10000,1000000", help="change-log sizes (default 10000,1000000)")
    parser.add_argument("--runs", type=int, default=300, help="timed empty pulls per size (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed pulls first (default 30)")
    parser.add_argument("--batch", type=int, default=500, help="mutations per push (default 500, the maximum)")
    parser.add_argument("--push-runs", type=int, default=3, help="timed pushes and bulk inserts (default 3)")
    parser.add_argument("--runs500", type=int, default=10, help="timed pulls of the pushed batch (default 10)")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave the garbage collector as a library app does (vigia serve freezes the start-up heap)")
    parser.add_argument("--warmup500", type=int, default=2, help="untimed pulls of the batch first (default 2)")
    args = parser.parse_args(argv)
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    backends = ["postgis", "spatialite"] if args.backend == "both" else [args.backend]

    print("\n".join(versions(backends)))
    print(f"command {args.command}, sizes {args.sizes}, {args.runs} empty pulls after {args.warmup} warm-up, "
          f"push batch {args.batch} x {args.push_runs}")
    all_results = []
    for backend in backends:
        started = time.perf_counter()
        all_results.append(run_backend(backend, args))
        print(f"  {backend}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0 if report(all_results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
