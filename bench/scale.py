"""Benchmark: Vigía past the demo, on PostgreSQL + PostGIS: 100 municipalities, 1,000,000 complaints, 10,000 works.

Two throwaway databases on the same server, both migrated with the demo fixtures and 98 synthetic municipalities
added (100 in all): EMPTY keeps only that; FULL gets, bulk-loaded in SQL (`INSERT … SELECT generate_series`, not
through the API), `--complaints` complaints spread over the 100 municipalities (`--city-share` of them in 10005,
the demo's city; three in four closed, received over three years), each with its timeline row, its entry in its
municipality's audit chain and, for two in three, its change-log row (the reporter's scope), the folio counters
and audit heads set as the app would have left them, then `VACUUM ANALYZE`. One `vigia serve` per database (one
uvicorn worker each), then:

  filing       POST …/municipalities/10005/complaints (anonymous), over HTTP, to EMPTY and FULL in alternating
               rounds so both see the same machine load; the ratio FULL / EMPTY (goal: the same, ~1.0x)
  queue        the comptroller's queue of 10005 on FULL: "Cargar más" walked with the keyset cursor, `--pages`
               pages of 50, default order (due) and newest first (-received); plus the first page with the
               counts per state. Goal: p95 <= 50 ms
  works near   GET …/works/near on FULL with 1,000 works in 10005, then with `--works` (10,000); goal: <= 2x

It prints each case's median and p95, the ratios against the goals, the load's duration and sizes, and the plans of
the queue's two statements. Both databases are dropped at the end, even on failure. Exit status 1 if a check of
the answers fails (a keyset walk repeats or skips a complaint); a missed goal is reported, not failed.

    .venv/bin/python bench/scale.py [--complaints 1000000] [--works 10000] [--filings 200] [--pages 100]

PostgreSQL: VIGIA_BENCH_POSTGRES_URL as in bench/works_near.py (a role with CREATEDB; PostGIS installed).
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py must not stand in for the standard library's `queue` (which psycopg and uvicorn import).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from shapely import geometry as sg  # noqa: E402

from server import db, fixtures, geo, migrate  # noqa: E402
from server.auth import service as auth  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.municipalities.models import Municipality, Zone  # noqa: E402


def _works_near():
    spec = importlib.util.spec_from_file_location("works_near", ROOT / "bench" / "works_near.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["works_near"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


near = _works_near()

CODE = "10005"
COMPTROLLER = "contraloria@vigia.example"
SYNTHETIC = 98  # + the demo's two = 100 municipalities
OPEN = ("received", "admitted", "under_investigation", "extended", "reopened", "needs_clarification")
CLOSED = ("resolved", "closed", "withdrawn", "inadmissible", "referred")


# ------------------------------------------------------------------------------------------------ loading


def prepare(url: str) -> sa.Engine:
    """Migrate, load the demo fixtures and the synthetic municipalities (each with 10005's categories)."""
    engine = db.make_engine(Settings(database_url=url, vigia_env="test", redis_url=None, log_level="WARNING",
                                     db_pool_size=2))
    migrate.upgrade(engine)
    database = db.Database(engine)
    with database.session_scope() as session:
        fixtures.load(session)
        for number in range(SYNTHETIC):
            west, south = -120.0 + (number % 10) * 0.2, 10.0 + (number // 10) * 0.2
            session.add(Municipality(code=f"9{number:04d}", name=f"Municipio sintético {number}", state="Prueba",
                                     country="MX", timezone="America/Mexico_City",
                                     boundary=geo.to_db(sg.MultiPolygon([sg.box(west, south, west + .1,
                                                                                south + .1)]))))
    with engine.begin() as connection:
        connection.exec_driver_sql("""
            INSERT INTO complaint_categories (created_at, updated_at, id, municipality_id, service_code, name,
                                              name_en, description, "group", keywords, attributes, active)
            SELECT now(), now(), gen_random_uuid(), m.id, c.service_code, c.name, c.name_en, c.description,
                   c."group", c.keywords, c.attributes, c.active
            FROM municipalities m CROSS JOIN complaint_categories c
            JOIN municipalities city ON city.id = c.municipality_id AND city.code = '10005'
            WHERE m.code LIKE '9____'""")
    return engine


def run(connection: sa.Connection, sql: str) -> None:
    """A statement without parameters (its percent signs are the SQL's own, not psycopg's placeholders)."""
    connection.exec_driver_sql(sql.replace("%", "%%"))


def _secondary_indexes(connection: sa.Connection, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, definition) of the tables' indexes that back no constraint: dropped for the load, rebuilt after,
    as a bulk load does (building an index from sorted rows is many times faster than growing it row by row)."""
    return [tuple(row) for row in connection.exec_driver_sql("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%(tables)s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """, {"tables": list(tables)})]


def bulk_load(engine: sa.Engine, complaints: int, city_share: float, seed: int) -> dict[str, float]:
    """`complaints` complaints, their timeline rows, audit entries and change-log rows, in SQL. Seconds per step."""
    steps: dict[str, float] = {}
    tables = ("complaints", "complaint_updates", "audit_entries", "sync_changes")
    with engine.begin() as connection:
        run(connection, "SET LOCAL synchronous_commit = off")
        run(connection, "SET LOCAL maintenance_work_mem = '256MB'")
        run(connection, f"SELECT setseed({(seed % 1000) / 1000})")
        indexes = _secondary_indexes(connection, tables)
        for name, _ in indexes:
            run(connection, f"DROP INDEX {name}")
        started = time.perf_counter()
        # Each municipality's number, its share (10005 holds `city_share`, the 99 others the rest evenly), a
        # category and zone to pick from; the city's complaints fall inside its colonias' bounding box.
        run(connection, f"""
            CREATE TEMP TABLE shares ON COMMIT DROP AS
            SELECT m.id, m.code, row_number() OVER (ORDER BY m.code = '{CODE}' DESC, m.code) - 1 AS n,
                   ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) - ST_XMin(e) AS dx, ST_YMax(e) - ST_YMin(e) AS dy,
                   (SELECT array_agg(c.id ORDER BY c.service_code) FROM complaint_categories c
                     WHERE c.municipality_id = m.id) AS categories,
                   (SELECT array_agg(z.id ORDER BY z.code) FROM zones z WHERE z.municipality_id = m.id) AS zones
            FROM municipalities m,
                 LATERAL (SELECT COALESCE((SELECT ST_Extent(z.geometry) FROM zones z WHERE z.municipality_id = m.id),
                                          ST_Envelope(m.boundary))::geometry AS e) extent""")
        city = int(complaints * city_share)
        others = complaints - city
        run(connection, f"""
            INSERT INTO complaints (created_at, updated_at, id, municipality_id, folio, kind, category_id,
                description, location, accuracy_m, zone_id, attributes, source, state, outcome, priority,
                support_count, received_on, due_on, extended, referral_due_on, closed_at, anonymous, version,
                confidential, text_publication, search_text)
            SELECT g.at, g.at, gen_random_uuid(), s.id,
                   s.code || '-' || extract(year FROM g.received)::int || '-' || lpad(g.i::text, 7, '0'),
                   (ARRAY['complaint','complaint','complaint','report','information_request','suggestion'])
                       [1 + g.i % 6],
                   s.categories[1 + g.i % cardinality(s.categories)],
                   'Caso sintético ' || g.i || ': la obra de la calle ' || (g.i % 997) || ' lleva semanas detenida '
                       || 'y las zanjas siguen abiertas.',
                   ST_SetSRID(ST_MakePoint(s.x0 + random() * s.dx, s.y0 + random() * s.dy), 4326), 8,
                   CASE WHEN s.zones IS NULL THEN NULL ELSE s.zones[1 + g.i % cardinality(s.zones)] END,
                   '{{}}'::jsonb, 'api', g.state,
                   CASE WHEN g.state = ANY(ARRAY{list(CLOSED)}) THEN 'upheld' END,
                   (ARRAY['normal','normal','normal','high','low','urgent'])[1 + g.i % 6], 0,
                   g.received, g.received + 21, false, g.received + 3,
                   CASE WHEN g.state = ANY(ARRAY{list(CLOSED)}) THEN g.at + interval '30 days' END,
                   g.i % 3 = 0, 1, false, 'published',
                   'caso sintetico ' || g.i || ': la obra de la calle ' || (g.i % 997) || ' lleva semanas detenida '
                       || 'y las zanjas siguen abiertas.'
            FROM (
                SELECT i, CASE WHEN i < {city} THEN 0 ELSE 1 + (i - {city}) % {99} END AS n,
                       CASE WHEN i % 4 = 0 THEN (ARRAY{list(OPEN)})[1 + (i / 4) % {len(OPEN)}]
                            ELSE (ARRAY{list(CLOSED)})[1 + i % {len(CLOSED)}] END AS state,
                       CASE WHEN i % 4 = 0 THEN current_date - (i % 90) ELSE current_date - 30 - (i % 1065) END
                           AS received
                FROM generate_series(0, {complaints - 1}) AS i
            ) g0
            CROSS JOIN LATERAL (SELECT g0.i, g0.state, g0.received,
                                       g0.received::timestamp AT TIME ZONE 'UTC' + interval '15 hours' AS at) g
            JOIN shares s ON s.n = g0.n""")
        assert others >= 0
        steps["complaints"] = time.perf_counter() - started
        started = time.perf_counter()
        run(connection, """
            INSERT INTO complaint_updates (id, complaint_id, kind, to_state, by_reporter, at)
            SELECT gen_random_uuid(), c.id, 'transition', 'received', true, c.created_at
            FROM complaints c WHERE c.description LIKE 'Caso sintético %'""")
        steps["timeline"] = time.perf_counter() - started
        started = time.perf_counter()
        # Each municipality's chain goes on from its head (the fixtures' entries), as the app appends it.
        run(connection, """
            INSERT INTO audit_entries (municipality_id, seq, entity, entity_id, action, actor_kind, at, data,
                                       prev_hash, hash)
            SELECT c.municipality_id,
                   COALESCE(h.seq, 0) + row_number() OVER (PARTITION BY c.municipality_id ORDER BY c.created_at, c.id),
                   'complaint', c.id, 'created', 'anonymous', c.created_at,
                   json_build_object('folio', c.folio, 'kind', c.kind, 'state', 'received'),
                   encode(sha256(('prev' || c.id::text)::bytea), 'hex'), encode(sha256(c.id::text::bytea), 'hex')
            FROM complaints c LEFT JOIN audit_heads h ON h.municipality_id = c.municipality_id
            WHERE c.description LIKE 'Caso sintético %'""")
        run(connection, """
            INSERT INTO audit_heads (municipality_id, seq, hash)
            SELECT municipality_id, max(seq), encode(sha256(max(seq)::text::bytea), 'hex') FROM audit_entries
            GROUP BY municipality_id
            ON CONFLICT (municipality_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash""")
        steps["audit log"] = time.perf_counter() - started
        started = time.perf_counter()
        # Two in three have a reporter's account: their change-log row (who may pull it) as the session writes it.
        run(connection, """
            INSERT INTO sync_changes (txid, municipality_id, scope_kind, scope_id, entity, entity_id, op, at)
            SELECT 1000 + row_number() OVER (ORDER BY c.created_at, c.id), c.municipality_id, 'R',
                   md5('reporter' || (abs(hashtext(c.id::text)) % 200000))::uuid, 'complaint', c.id, 'upsert',
                   c.created_at
            FROM complaints c WHERE c.description LIKE 'Caso sintético %' AND NOT c.anonymous""")
        steps["change log"] = time.perf_counter() - started
        started = time.perf_counter()
        run(connection, """
            INSERT INTO complaint_folio_counters (municipality_id, year, last_number)
            SELECT municipality_id, split_part(folio, '-', 2)::int, max(split_part(folio, '-', 3)::int)
            FROM complaints GROUP BY 1, 2
            ON CONFLICT (municipality_id, year) DO UPDATE SET last_number = excluded.last_number""")
        for _, definition in indexes:
            run(connection, definition)
        steps["indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        run(connection, "VACUUM ANALYZE")
    steps["vacuum analyze"] = time.perf_counter() - started
    return steps


def add_works(engine: sa.Engine, start: int, stop: int, seed: int) -> float:
    """Works `start`..`stop-1` of 10005 (bench/works_near.py's synthetic register) and their cards; seconds."""
    started = time.perf_counter()
    database = db.Database(engine)
    with database.session_scope() as session:
        municipality = session.scalar(sa.select(Municipality).where(Municipality.code == CODE))
        zones = list(session.scalars(sa.select(Zone).where(Zone.municipality_id == municipality.id)))
        near.insert_works(session, municipality, zones, start, stop, random.Random(seed + start))
        municipality_id = municipality.id
    near.render_cards(database, municipality_id)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE works")
        connection.exec_driver_sql("ANALYZE work_cards")
        connection.exec_driver_sql("ANALYZE work_zones")
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------------ timing


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def cell(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} | {p95(values):.1f}"


def request(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None,
            token: str | None = None) -> tuple[float, int, bytes]:
    headers = {"Accept-Language": "es"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return (time.perf_counter() - started) * 1000, response.status, data


def filing(rng: random.Random, city: list[tuple[float, float]]) -> dict:
    lon, lat = rng.choice(city)
    return {"kind": "complaint", "category": "obra-calidad", "anonymous": True,
            "description": f"El concreto de la banqueta nueva ya está agrietado (caso {rng.randint(0, 10**6)}).",
            "location": {"type": "Point", "coordinates": [lon, lat]}, "accuracy_m": 6.5}


def bench_filing(ports: dict[str, int], rounds: int, per_round: int, warmup: int, points: list,
                 seed: int) -> dict[str, list[float]]:
    """Filings to each database in alternating rounds (EMPTY, FULL, EMPTY, …): the same load on both."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {name: [] for name in ports}
    path = f"/api/v1/municipalities/{CODE}/complaints"

    def one_round(name: str, count: int, timed: bool) -> None:
        # a connection per round, opened before the clock starts (uvicorn closes one idle for 5 s)
        connection = http.client.HTTPConnection("127.0.0.1", ports[name], timeout=60)
        connection.connect()
        try:
            for _ in range(count):
                elapsed, status, body = request(connection, "POST", path, filing(rng, points))
                if status != 201:
                    raise RuntimeError(f"filing on {name} answered {status}: {body[:300]!r}")
                if timed:
                    times[name].append(elapsed)
        finally:
            connection.close()

    for name in ports:
        one_round(name, warmup, timed=False)
    for _ in range(rounds):
        for name in ports:
            one_round(name, per_round, timed=True)
    return times


def walk_queue(port: int, token: str, order: str, pages: int) -> tuple[list[float], list[str], int]:
    """`pages` keyset pages of 50 (counts=false, as "Cargar más" asks after the first page); their times, the ids
    seen (to check no repeat), and the depth reached."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    base = f"/api/v1/municipalities/{CODE}/complaints?"
    times: list[float] = []
    seen: list[str] = []
    cursor = None
    try:
        for _ in range(pages):
            query = {"limit": 50, "counts": "false", "order": order}
            if cursor:
                query["cursor"] = cursor
            elapsed, status, body = request(connection, "GET", base + urlencode(query), token=token)
            if status != 200:
                raise RuntimeError(f"queue answered {status}: {body[:300]!r}")
            page = json.loads(body)
            times.append(elapsed)
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
    finally:
        connection.close()
    return times, seen, len(seen)


def first_pages(port: int, token: str, repeat: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    try:
        for index in range(repeat + 2):
            elapsed, status, body = request(connection, "GET", f"/api/v1/municipalities/{CODE}/complaints?limit=50",
                                            token=token)
            if status != 200:
                raise RuntimeError(f"queue answered {status}: {body[:300]!r}")
            if index >= 2:
                times.append(elapsed)
    finally:
        connection.close()
    return times


def bench_near(port: int, zone_shapes: list, args: argparse.Namespace, size: int) -> dict[float, list[float]]:
    answers = {}
    for radius in (500.0, 2000.0):
        points = near.city_points(args.warmup + args.near_queries, args.seed + int(radius), zone_shapes)
        timing = near.Timing("postgis", size, radius)
        near.measure_http(port, points, args.warmup, radius, 50, timing)
        answers[radius] = timing.http_ms
    return answers


def queue_plans(engine: sa.Engine, depth: int = 5000) -> dict[str, list[str]]:
    """EXPLAIN ANALYZE of the statements that read a keyset page `depth` rows deep (default order and newest
    first: its rows and its total) and the first page's counts per state, captured as the queue sends them."""
    from server.auth.actor import Actor
    from server.complaints import queue
    from server.complaints.models import Complaint
    from server.complaints.queue_models import QueueQuery

    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT") and "FROM complaints" in statement \
                and ("ORDER BY" in statement or "count(*)" in statement):
            captured.append((statement, parameters))

    database = db.Database(engine)
    plans = {}
    with database.session_scope() as session:
        municipality = session.scalar(sa.select(Municipality).where(Municipality.code == CODE))
        actor = Actor(user_id=uuid.uuid4(), is_national_admin=True)
        for order, counts in (("due", False), ("-received", False), ("due", True)):
            keys = queue._keys(order)
            middle = session.execute(sa.select(*[k.expression for k in keys])
                                     .where(Complaint.municipality_id == municipality.id,
                                            Complaint.state.in_(queue.OPEN))
                                     .order_by(*[k.expression.desc() if k.descending else k.expression
                                                 for k in keys]).offset(depth).limit(1)).one()
            query = QueueQuery(order=order, cursor=None if counts else queue._encode(order, tuple(middle)),
                               counts=counts, limit=50)
            captured.clear()
            sa.event.listen(engine, "before_cursor_execute", capture)
            try:
                queue.queue(session, actor=actor, municipality=municipality, query=query, language="es")
            finally:
                sa.event.remove(engine, "before_cursor_execute", capture)
            connection = session.connection()
            plans[f"first page with counts, order {order}" if counts else
                  f"keyset page {depth:,} rows deep, order {order}"] = [str(row[0]) for statement, parameters in captured
                            for row in connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement,
                                                                  parameters)]
    return plans


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--city-share", type=float, default=0.1, help="share of the complaints in 10005 (0.1)")
    parser.add_argument("--works", type=int, default=10_000, help="works of 10005 at the end (10,000)")
    parser.add_argument("--small-works", type=int, default=1_000, help="works of 10005 first (1,000)")
    parser.add_argument("--filings", type=int, default=200, help="timed filings per database (200)")
    parser.add_argument("--pages", type=int, default=100, help="keyset pages of 50 walked per order (100)")
    parser.add_argument("--near-queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)

    print("\n".join(near.versions(["postgis"])))
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    problems: list[str] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vigia-scale-")))
        empty_url = stack.enter_context(near.throwaway_database("postgis", folder))
        full_url = stack.enter_context(near.throwaway_database("postgis", folder))
        configure_settings(Settings(database_url=full_url, vigia_env="test", redis_url=None, log_level="WARNING"))
        empty, full = prepare(empty_url), prepare(full_url)
        stack.callback(empty.dispose)
        stack.callback(full.dispose)
        started = time.perf_counter()
        steps = bulk_load(full, args.complaints, args.city_share, args.seed)
        load_seconds = time.perf_counter() - started
        works_seconds = add_works(full, 0, args.small_works, args.seed)
        with full.connect() as connection:
            sizes = dict(connection.exec_driver_sql("""
                SELECT 'complaints', count(*) FROM complaints UNION ALL
                SELECT 'complaints in 10005', count(*) FROM complaints c JOIN municipalities m
                    ON m.id = c.municipality_id AND m.code = '10005' UNION ALL
                SELECT 'open in 10005', count(*) FROM complaints c JOIN municipalities m
                    ON m.id = c.municipality_id AND m.code = '10005'
                    WHERE c.state IN ('received','admitted','under_investigation','extended','reopened',
                                      'needs_clarification') UNION ALL
                SELECT 'municipalities', count(*) FROM municipalities UNION ALL
                SELECT 'audit entries', count(*) FROM audit_entries UNION ALL
                SELECT 'change-log rows', count(*) FROM sync_changes""").all())
            size = connection.exec_driver_sql("SELECT pg_size_pretty(pg_database_size(current_database()))").scalar()
        print(f"\nFULL loaded in {load_seconds:.0f} s (" + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
              + f"); {args.small_works:,} works + cards in {works_seconds:.0f} s; database {size}")
        print("  " + ", ".join(f"{k}: {v:,}" for k, v in sizes.items()))
        with db.Database(full).session_scope() as session:
            token = auth.issue_token(session, email=COMPTROLLER, device_name="bench")
            municipality = session.scalar(sa.select(Municipality).where(Municipality.code == CODE))
            zone_shapes = [geo.from_db(z.geometry) for z in session.scalars(
                sa.select(Zone).where(Zone.municipality_id == municipality.id))]
        points = near.city_points(500, args.seed, zone_shapes)

        empty_port = stack.enter_context(near.http_server(empty_url, folder / "empty"))
        full_port = stack.enter_context(near.http_server(full_url, folder / "full"))
        rounds = 10
        filings = bench_filing({"EMPTY": empty_port, "FULL": full_port}, rounds, max(1, args.filings // rounds),
                               args.warmup, points, args.seed)
        print("  filing done", file=sys.stderr)
        queue_times = {order: walk_queue(full_port, token, order, args.pages) for order in ("due", "-received")}
        for order, (_, seen, depth) in queue_times.items():
            if len(set(seen)) != len(seen):
                problems.append(f"the {order} keyset walk repeated a complaint")
        first = first_pages(full_port, token, 30)
        print("  queue done", file=sys.stderr)
        near_small = bench_near(full_port, zone_shapes, args, args.small_works)
        more_seconds = add_works(full, args.small_works, args.works, args.seed)
        near_large = bench_near(full_port, zone_shapes, args, args.works)
        print("  works near done", file=sys.stderr)
        plans = queue_plans(full, min(5000, sizes["open in 10005"] // 2))

        print(f"\n| case (HTTP, one worker) | median ms | p95 ms | ratio / goal |")
        print("|---|---:|---:|---|")
        ratio = statistics.median(filings["FULL"]) / statistics.median(filings["EMPTY"])
        ratio95 = p95(filings["FULL"]) / p95(filings["EMPTY"])
        print(f"| filing, EMPTY (100 municipalities, demo data) | {cell(filings['EMPTY'])} | |")
        print(f"| filing, FULL ({sizes['complaints']:,} complaints) | {cell(filings['FULL'])} | "
              f"{ratio:.2f}x median, {ratio95:.2f}x p95 (goal ~1.0x) |")
        for order, (times, _, depth) in queue_times.items():
            print(f"| queue keyset pages, order {order}, {len(times)} pages to {depth:,} rows deep "
                  f"| {cell(times)} | p95 {'≤' if p95(times) <= 50 else '>'} 50 ms |")
        print(f"| queue first page with counts per state ({sizes['open in 10005']:,} open) | {cell(first)} | "
              f"p95 {'≤' if p95(first) <= 50 else '>'} 50 ms |")
        for radius in (500.0, 2000.0):
            small, large = near_small[radius], near_large[radius]
            print(f"| works near {radius:,.0f} m, {args.small_works:,} works | {cell(small)} | |")
            print(f"| works near {radius:,.0f} m, {args.works:,} works | {cell(large)} | "
                  f"{statistics.median(large) / statistics.median(small):.2f}x median, "
                  f"{p95(large) / p95(small):.2f}x p95 (goal ≤ 2x) |")
        print(f"\n({args.works - args.small_works:,} more works + cards in {more_seconds:.0f} s)")
        for name, plan in plans.items():
            print(f"\nPlans of the {name} (its rows, its total or counts):")
            for line in plan:
                print("    " + line)
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
