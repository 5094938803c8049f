"""Benchmark: "works near me" latency as the works register grows, on PostgreSQL + PostGIS and SQLite + SpatiaLite.

For each backend it creates a throwaway database (a SpatiaLite file in a temporary folder; a PostgreSQL database
created and dropped on the server), migrates it, loads the municipalities and zones of the demo fixtures, then
grows the register of municipality 10005 to each size in turn with synthetic works (points, lines and polygons
spread over the municipality), renders their cards as `vigia tick` does, runs ANALYZE and times, from random
points in the city, GET /api/v1/municipalities/10005/works/near over HTTP against `vigia serve` (what a phone
waits for, less the network) and, in this process, the use case behind it (`server.works.search.near_json`) and
its SQL statement alone. It prints median and p95 latency per size and radius, the ratio between the largest and
smallest size (goal: under 2x), a control run that holds the number of works per answer constant, a run with no
cards at all (every summary rendered on the spot), and the query plan, which must show the spatial index
(idx_works_geometry). Exits 1 only if a plan does not use the index.

    .venv/bin/python bench/works_near.py [--sizes 1000,100000] [--queries 300] [--backend both|postgis|spatialite]

PostgreSQL is reached through VIGIA_BENCH_POSTGRES_URL (default: the test suite's admin URL,
postgresql+psycopg://vigia:vigia@127.0.0.1:5432/postgres); the user needs CREATEDB.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from shapely import affinity  # noqa: E402
from shapely import geometry as sg  # noqa: E402
from shapely.prepared import prep  # noqa: E402
from shapely.strtree import STRtree  # noqa: E402

from server import db, geo, migrate  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.municipalities.models import Municipality, Zone  # noqa: E402
from server.works import cards, search  # noqa: E402
from server.works.models import Work, WorkCard, WorkZone  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "VIGIA_BENCH_POSTGRES_URL",
    os.environ.get("VIGIA_TEST_POSTGRES_URL", "postgresql+psycopg://vigia:vigia@127.0.0.1:5432/postgres"),
)
FIXTURES = ROOT / "server" / "demo" / "geo"
CODE = "10005"
METRES_PER_DEGREE_LAT = 110_790.0
STATUSES = ("identification", "preparation", "implementation", "implementation", "completion", "cancelled")
SECTORS = ("transport.road", "waterAndWaste", "education", "health", "cultureSportsAndRecreation", "energy",
           "socialHousing", "governance")
KINDS = ("Point",) * 5 + ("LineString",) * 3 + ("Polygon",) * 2  # half points, 30 % lines, 20 % polygons


# ------------------------------------------------------------------------------------------------ databases


@contextmanager
def throwaway_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of `backend`, removed afterwards."""
    if backend == "spatialite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"vigia_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_places(session: sa.orm.Session) -> tuple[Municipality, list[Zone]]:
    """Municipality 10005 and its zones, straight from the fixtures' GeoJSON (no accounts, no demo works)."""
    features = json.loads((FIXTURES / "municipalities.geojson").read_text("utf-8"))["features"]
    props, shape = next((f["properties"], f["geometry"]) for f in features if f["properties"]["code"] == CODE)
    municipality = Municipality(
        code=CODE, name=props["name"], state=props["state"], country=props["country"], timezone=props["timezone"],
        boundary=geo.to_db(geo.as_multipolygon(sg.shape(shape))),
    )
    session.add(municipality)
    session.flush()
    zones = []
    for feature in json.loads((FIXTURES / f"zones-{CODE}.geojson").read_text("utf-8"))["features"]:
        p = feature["properties"]
        zones.append(Zone(municipality_id=municipality.id, code=p["code"], name=p["name"], kind=p["kind"],
                          geometry=geo.to_db(geo.as_multipolygon(sg.shape(feature["geometry"])))))
    session.add_all(zones)
    session.flush()
    return municipality, zones


def analyze(engine: sa.Engine) -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or a maintenance job (SQLite) would keep them."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


# ------------------------------------------------------------------------------------------------ synthetic works


def _offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    return (lon + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))),
            lat + north_m / METRES_PER_DEGREE_LAT)


def synthetic_shape(rng: random.Random, inside, bounds: tuple[float, float, float, float]):
    """A point, a street (2-4 vertices, 100-800 m) or a lot (30-200 m a side, rotated) wholly inside the
    municipality, placed uniformly over its bounding box (rejection sampling)."""
    west, south, east, north = bounds
    kind = rng.choice(KINDS)
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if kind == "Point":
            shape = sg.Point(lon, lat)
        elif kind == "LineString":
            points, heading = [(lon, lat)], rng.uniform(0, 2 * math.pi)
            for _ in range(rng.randint(1, 3)):
                step = rng.uniform(100, 800) / 2
                heading += rng.uniform(-0.4, 0.4)
                points.append(_offset(*points[-1], step * math.cos(heading), step * math.sin(heading)))
            shape = sg.LineString(points)
        else:
            width, height = rng.uniform(30, 200), rng.uniform(30, 200)
            sw, ne = _offset(lon, lat, -width / 2, -height / 2), _offset(lon, lat, width / 2, height / 2)
            shape = affinity.rotate(sg.box(sw[0], sw[1], ne[0], ne[1]), rng.uniform(0, 90), origin=(lon, lat))
        if inside.contains(shape):
            return shape


def insert_works(session: sa.orm.Session, municipality: Municipality, zones: list[Zone], start: int, stop: int,
                 rng: random.Random, batch: int = 5_000) -> None:
    """Works number `start`..`stop-1`, bulk-inserted (no per-row service: this is about reads), with the zones
    each one touches, as the service would have linked them."""
    boundary = geo.from_db(municipality.boundary)
    inside, bounds = prep(boundary), boundary.bounds
    zone_shapes = [geo.from_db(zone.geometry) for zone in zones]
    tree = STRtree(zone_shapes)
    now = db.utcnow()
    for first in range(start, stop, batch):
        rows, links = [], []
        for number in range(first, min(first + batch, stop)):
            shape = synthetic_shape(rng, inside, bounds)
            work_id = db.new_id()
            status = rng.choice(STATUSES)
            physical = round(rng.uniform(0, 100), 1) if status in ("implementation", "completion") else None
            started = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
            rows.append({
                "id": work_id, "municipality_id": municipality.id, "identifier": f"BENCH-{number:06d}",
                "title": f"Obra sintética {number}", "status": status, "type": "construction",
                "sector": [rng.choice(SECTORS)], "budget_amount": round(rng.uniform(2e5, 2e7), 2), "currency": "MXN",
                "funding_source": rng.choice(("FISM-DF 2025", "FISM-DF 2026", "FORTAMUN 2026", "Recursos propios")),
                "parties": [], "contract_modifications": [], "documents": [], "planned_start": started,
                "planned_end": started + timedelta(days=rng.randint(60, 400)),
                "physical_official_pct": physical, "financial_official_pct": physical,
                "last_progress_on": started + timedelta(days=30) if physical else None,
                "search_text": f"bench-{number:06d} obra sintetica {number}", "version": 1,
                "created_at": now, "updated_at": now, "geometry": geo.to_db(shape),
            })
            links.extend({"work_id": work_id, "zone_id": zones[index].id}
                         for index in tree.query(shape, predicate="intersects"))
        session.execute(sa.insert(Work), rows)
        if links:
            session.execute(sa.insert(WorkZone), links)
        session.commit()


# ------------------------------------------------------------------------------------------------ timing


@dataclass
class Timing:
    backend: str
    size: int
    radius_m: float
    # Set on the control runs: the radius (at the smallest size) whose expected number of works this one matches.
    control_for: float | None = None
    # True on the run made after deleting every card (each summary rendered on the spot).
    without_cards: bool = False
    near_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    http_ms: list[float] = field(default_factory=list)
    found: list[int] = field(default_factory=list)

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)

    @staticmethod
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[94]


def city_points(count: int, seed: int, zones: list[sg.base.BaseGeometry]) -> list[tuple[float, float]]:
    """Random points inside the colonias (the city area), reproducible from `seed`."""
    rng = random.Random(seed)
    city = prep(sg.MultiPolygon([part for zone in zones for part in zone.geoms]))
    west, south, east, north = sg.MultiPolygon([part for zone in zones for part in zone.geoms]).bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if city.contains(sg.Point(lon, lat)):
            points.append((lon, lat))
    return points


def measure(database: db.Database, municipality_id: uuid.UUID, points: list[tuple[float, float]], warmup: int,
            radius_m: float, limit: int, timing: Timing) -> None:
    """Each call in its own session, as a request runs it: the whole use case (`search.near_json`: query,
    metres, summaries, the JSON answer), and apart its SQL statement alone, to tell the database's share."""
    for index, (lon, lat) in enumerate(points):
        with database.session_scope() as session:
            municipality = session.get(Municipality, municipality_id)
            started = time.perf_counter()
            answer = search.near_json(session, municipality=municipality, lon=lon, lat=lat, radius_m=radius_m,
                                      limit=limit, language="es")
            elapsed = (time.perf_counter() - started) * 1000
        with database.session_scope() as session:
            municipality = session.get(Municipality, municipality_id)
            statement = search.near_statement(session, municipality=municipality, lon=lon, lat=lat,
                                               radius_m=radius_m, limit=limit)
            started = time.perf_counter()
            session.execute(statement).all()
            sql_elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            timing.near_ms.append(elapsed)
            timing.sql_ms.append(sql_elapsed)
            timing.found.append(len(json.loads(answer)))


def render_cards(database: db.Database, municipality_id: uuid.UUID) -> int:
    """What `vigia tick` does each day (and each change does for its own work): render the works' cards."""
    with database.session_scope() as session:
        return cards.refresh(session, municipality=session.get(Municipality, municipality_id))


@contextmanager
def http_server(url: str, folder: Path, settings: dict[str, str] | None = None) -> Iterator[int]:
    """`vigia serve` (uvicorn, one worker, as `./dev.sh demo` runs it) on the benchmark's database, with
    `settings` added to its environment; its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "DATABASE_URL": url, "VIGIA_ENV": "development", "LOG_LEVEL": "WARNING",
                   "MEDIA_DIR": str(folder / "media"), "REDIS_URL": "", **(settings or {})}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--no-migrate"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("vigia serve did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_http(port: int, points: list[tuple[float, float]], warmup: int, radius_m: float, limit: int,
                 timing: Timing) -> None:
    """What a phone waits for, less the network: GET .../works/near over one kept-alive HTTP connection, from
    sending the request to the last byte of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for index, (lon, lat) in enumerate(points):
            started = time.perf_counter()
            connection.request("GET", f"/api/v1/municipalities/{CODE}/works/near?lon={lon!r}&lat={lat!r}"
                                      f"&radius_m={radius_m!r}&limit={limit}", headers={"Accept-Language": "es"})
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise RuntimeError(f"near answered {response.status}: {body[:300]!r}")
            if index >= warmup:
                timing.http_ms.append(elapsed)
    finally:
        connection.close()


def plan_of(database: db.Database, municipality_id: uuid.UUID, lon: float, lat: float, radius_m: float,
            limit: int) -> list[str]:
    with database.session_scope() as session:
        municipality = session.get(Municipality, municipality_id)
        statement = search.near_statement(session, municipality=municipality, lon=lon, lat=lat, radius_m=radius_m,
                                           limit=limit)
        return db.query_plan(session, statement)


def uses_spatial_index(backend: str, plan: list[str]) -> bool:
    text = "\n".join(plan)
    if backend == "postgis":
        return "idx_works_geometry" in text
    return "idx_works_geometry VIRTUAL TABLE" in text


def run(database: db.Database, municipality_id: uuid.UUID, port: int, zone_shapes: list[sg.base.BaseGeometry],
        args: argparse.Namespace, backend: str, size: int, radius: float, control_for: float | None,
        without_cards: bool = False) -> Timing:
    seed = args.seed + int(control_for or radius)  # the control reuses its radius's points
    points = city_points(args.warmup + args.queries, seed, zone_shapes)
    timing = Timing(backend, size, radius, control_for, without_cards)
    measure(database, municipality_id, points, args.warmup, radius, args.limit, timing)
    measure_http(port, points, args.warmup, radius, args.limit, timing)
    print(f"  {backend}: {size:,} works, {radius:,.0f} m{' without cards' if without_cards else ''}: median "
          f"{Timing.median(timing.near_ms):.2f} ms in process, {Timing.median(timing.http_ms):.2f} ms over HTTP",
          file=sys.stderr)
    return timing


def run_backend(backend: str, args: argparse.Namespace) -> tuple[list[Timing], list[str]]:
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            throwaway_database(backend, Path(folder)) as url:
        settings = configure_settings(Settings(database_url=url, vigia_env="test", redis_url=None,
                                               log_level="WARNING", db_pool_size=2))
        engine = db.make_engine(settings)
        try:
            migrate.upgrade(engine)
            database = db.configure(db.Database(engine))
            with database.session_scope() as session:
                municipality, zones = load_places(session)
                municipality_id = municipality.id
            with database.session_scope() as session:
                municipality = session.get(Municipality, municipality_id)
                zones = list(session.scalars(sa.select(Zone).where(Zone.municipality_id == municipality_id)))
                zone_shapes = [geo.from_db(zone.geometry) for zone in zones]
                rng = random.Random(args.seed)
                inserted = 0
                for size in args.sizes:
                    started = time.perf_counter()
                    insert_works(session, municipality, zones, inserted, size, rng)
                    inserted = size
                    print(f"  {backend}: {size:,} works ready in {time.perf_counter() - started:.1f} s",
                          file=sys.stderr)
                    started = time.perf_counter()
                    rendered = render_cards(database, municipality_id)
                    print(f"  {backend}: {rendered:,} works' cards rendered in {time.perf_counter() - started:.1f} s",
                          file=sys.stderr)
                    analyze(engine)
                    runs = [(radius, None) for radius in args.radii]
                    if size == max(args.sizes) and size != min(args.sizes):
                        # Control: a radius shrunk so the larger register holds as many works per answer as the
                        # smallest one did (area scales with the square of the radius).
                        shrink = math.sqrt(min(args.sizes) / size)
                        runs += [(radius * shrink, radius) for radius in args.radii]
                    with http_server(url, Path(folder)) as port:
                        for radius, control_for in runs:
                            timings.append(run(database, municipality_id, port, zone_shapes, args, backend, size,
                                               radius, control_for))
                        if size == max(args.sizes):
                            # The worst case: every card out of date (before the day's tick), all rendered on the spot.
                            with database.session_scope() as cleanup:
                                cleanup.execute(sa.delete(WorkCard))
                            timings.append(run(database, municipality_id, port, zone_shapes, args, backend, size,
                                               max(args.radii), None, without_cards=True))
            centre = (-104.6657, 24.0277)  # Zona Centro
            plan = plan_of(database, municipality_id, *centre, max(args.radii), args.limit)
        finally:
            engine.dispose()
    return timings, plan


# ------------------------------------------------------------------------------------------------ report


def versions(backends: list[str]) -> list[str]:
    lines = [f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}, {platform.platform()}"]
    if "postgis" in backends:
        engine = sa.create_engine(POSTGRES_ADMIN_URL)
        with engine.connect() as connection:
            lines.append(connection.exec_driver_sql("SELECT version()").scalar())
            postgis = connection.exec_driver_sql(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'").scalar()
            lines.append(f"PostGIS {postgis} (available)")
        engine.dispose()
    if "spatialite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            engine = db.make_engine(Settings(database_url=f"sqlite:///{folder}/v.db", vigia_env="test"))
            with engine.connect() as connection:
                sqlite, spatialite, geos = connection.exec_driver_sql(
                    "SELECT sqlite_version(), spatialite_version(), geos_version()").one()
            engine.dispose()
        lines.append(f"SQLite {sqlite}, SpatiaLite {spatialite}, GEOS {geos}")
    return lines


def report(timings: list[Timing], plans: dict[str, list[str]], args: argparse.Namespace) -> bool:
    """Print the tables and plans; False if a plan does not use the spatial index (a regression, unlike a
    missed ratio, which is reported)."""
    smallest, largest = min(args.sizes), max(args.sizes)
    print()
    print("| backend | works | radius | HTTP median ms | HTTP p95 ms | near_json median ms | near_json p95 ms "
          "| SQL only median ms | works per answer (mean) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in timings:
        if t.control_for is not None:
            continue
        print(f"| {t.backend} | {t.size:,}{' (no cards)' if t.without_cards else ''} | {t.radius_m:,.0f} m | "
              f"{Timing.median(t.http_ms):.2f} | {Timing.p95(t.http_ms):.2f} | {Timing.median(t.near_ms):.2f} | "
              f"{Timing.p95(t.near_ms):.2f} | {Timing.median(t.sql_ms):.2f} | {statistics.mean(t.found):.1f} |")
    print()
    indexed = True
    if smallest != largest:
        print(f"Ratio {largest:,} / {smallest:,} works (goal: under 2x)")
        print()
        print("| backend | radius | HTTP median | HTTP p95 | near_json median | near_json p95 | SQL only median |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for backend in dict.fromkeys(t.backend for t in timings):
            for radius in args.radii:
                small = _find(timings, backend, smallest, radius)
                large = _find(timings, backend, largest, radius)
                cells = [Timing.median(large.http_ms) / Timing.median(small.http_ms),
                         Timing.p95(large.http_ms) / Timing.p95(small.http_ms),
                         Timing.median(large.near_ms) / Timing.median(small.near_ms),
                         Timing.p95(large.near_ms) / Timing.p95(small.near_ms),
                         Timing.median(large.sql_ms) / Timing.median(small.sql_ms)]
                print(f"| {backend} | {radius:,.0f} m | " + " | ".join(f"{cell:.2f}x" for cell in cells) + " |")
        print()
        print(f"Control: {largest:,} works with the radius shrunk so an answer holds as many works as with "
              f"{smallest:,} (what the index alone costs as the register grows)")
        print()
        print(f"| backend | {smallest:,} works | {largest:,} works | HTTP median | near_json median | "
              "SQL only median | works per answer (mean) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for backend in dict.fromkeys(t.backend for t in timings):
            for radius in args.radii:
                small = _find(timings, backend, smallest, radius)
                control = next(t for t in timings if (t.backend, t.control_for) == (backend, radius))
                print(f"| {backend} | {radius:,.0f} m | {control.radius_m:,.0f} m | "
                      f"{Timing.median(control.http_ms) / Timing.median(small.http_ms):.2f}x | "
                      f"{Timing.median(control.near_ms) / Timing.median(small.near_ms):.2f}x | "
                      f"{Timing.median(control.sql_ms) / Timing.median(small.sql_ms):.2f}x | "
                      f"{statistics.mean(small.found):.1f} vs {statistics.mean(control.found):.1f} |")
    for backend, plan in plans.items():
        print()
        used = uses_spatial_index(backend, plan)
        print(f"Plan on {backend} ({largest:,} works, {max(args.radii):,.0f} m around Zona Centro): spatial index "
              f"{'used' if used else 'NOT USED'}")
        for line in plan:
            print("    " + (line if len(line) <= 200 else line[:197] + "..."))
        indexed = indexed and used
    return indexed


def _find(timings: list[Timing], backend: str, size: int, radius: float) -> Timing:
    return next(t for t in timings
                if (t.backend, t.size, t.radius_m, t.control_for, t.without_cards) == (backend, size, radius, None, False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="register sizes, comma-separated (default 1000,100000)")
    parser.add_argument("--queries", type=int, default=300, help="timed queries per size and radius (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed queries first (default 20)")
    parser.add_argument("--radii", default="500,2000", help="radii in metres, comma-separated (default 500,2000)")
    parser.add_argument("--limit", type=int, default=50, help="works per answer, as the API's default (50)")
    parser.add_argument("--backend", choices=("both", "postgis", "spatialite"), default="both")
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args(argv)
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    args.radii = [float(radius) for radius in args.radii.split(",")]
    backends = ["postgis", "spatialite"] if args.backend == "both" else [args.backend]

    print("\n".join(versions(backends)))
    print(f"sizes {args.sizes}, radii {args.radii} m, {args.queries} queries after {args.warmup} warm-up, "
          f"limit {args.limit}, seed {args.seed}")
    timings: list[Timing] = []
    plans: dict[str, list[str]] = {}
    for backend in backends:
        started = time.perf_counter()
        found, plans[backend] = run_backend(backend, args)
        timings.extend(found)
        print(f"  {backend}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0 if report(timings, plans, args) else 1


if __name__ == "__main__":
    sys.exit(main())
