"""Benchmark: the comptroller's queue with 10,000 open complaints, on PostgreSQL + PostGIS and SQLite + SpatiaLite.

For each backend it creates a throwaway database (bench/works_near.py's), migrates it, loads the demo fixtures
(accounts, categories, zones, the demo's 16 complaints), adds `--complaints` open complaints to municipality 10005
(states received, admitted, under investigation, extended, reopened and needs clarification; due dates over ten
weeks, so about 140 complaints share each due date; a tenth assigned; a third anonymous), runs ANALYZE and then
times, over HTTP against `vigia serve` (one worker, kept-alive connection, signed in as the demo comptroller):

  first page       GET …/complaints (default order, counts per state, 50 rows)
  keyset page      the page after `--depth` rows, from its cursor (counts=false), as "load more" asks for it
  offset page      the same rows by offset (the old way), for comparison
  search           a word of the descriptions, without its accent (`?q=tuberias`), first page
  filtered         assignee=unassigned&kind=complaint&zone=…, first page

It prints median and p95 per case and backend, and checks that the keyset page holds exactly the rows the offset
page does (same order, no repeat, no gap). Exits 1 if a check fails.

    .venv/bin/python bench/queue.py [--complaints 10000] [--depth 5000] [--repeat 30] [--backend both|postgis|spatialite]

PostgreSQL: VIGIA_BENCH_POSTGRES_URL as in bench/works_near.py; without it (nor VIGIA_TEST_POSTGRES_URL) the
benchmark starts its own cluster as the test suite does (tests/services.py) and stops it at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# This file is named queue.py: its folder must not stay first on the path, or it would stand in for the standard
# library's `queue` (which uvicorn and SQLAlchemy's pools import).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from server import db, fixtures, migrate  # noqa: E402
from server.auth import service as auth  # noqa: E402
from server.complaints.models import Category, Complaint  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.municipalities import service as municipalities  # noqa: E402
from server.municipalities.models import Municipality, Zone  # noqa: E402
from server.works.service import fold  # noqa: E402

def _works_near():
    import importlib.util

    spec = importlib.util.spec_from_file_location("works_near", ROOT / "bench" / "works_near.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["works_near"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _postgres_for_bench() -> None:
    """Without VIGIA_BENCH_POSTGRES_URL (or the tests' VIGIA_TEST_POSTGRES_URL), a PostgreSQL cluster of this run,
    as the test suite starts one (tests/services.py), stopped when the benchmark ends."""
    if os.environ.get("VIGIA_BENCH_POSTGRES_URL") or os.environ.get("VIGIA_TEST_POSTGRES_URL"):
        return
    import atexit

    from tests import services

    os.environ["VIGIA_BENCH_POSTGRES_URL"] = services.postgres().admin_url
    atexit.register(services.stop_all)


_postgres_for_bench()
_near = _works_near()
http_server, throwaway_database = _near.http_server, _near.throwaway_database

CODE = "10005"
EMAIL = "contraloria@vigia.example"
STATES = ["received"] * 4 + ["admitted"] * 2 + ["under_investigation"] * 2 + ["extended", "reopened",
                                                                             "needs_clarification"]
PRIORITIES = ["normal"] * 6 + ["high"] * 2 + ["low", "urgent"]
KINDS = ["complaint"] * 6 + ["report"] * 2 + ["information_request", "suggestion"]
TEXTS = [
    "Las tuberías que están poniendo en la colonia se ven más delgadas que las del proyecto.",
    "La banqueta nueva quedó con desniveles peligrosos frente a la escuela.",
    "La obra lleva semanas sin trabajadores y las zanjas están abiertas.",
    "Pidieron dinero a los vecinos para terminar la pavimentación de la calle.",
    "El letrero de la obra no dice el monto ni el nombre de la empresa.",
]


def add_complaints(database: db.Database, count: int, seed: int) -> dict[str, str]:
    """`count` open complaints in 10005, written in batches as the app would store them."""
    rng = random.Random(seed)
    with database.session_scope() as session:
        municipality = session.scalar(sa.select(Municipality).where(Municipality.code == CODE))
        categories = list(session.scalars(sa.select(Category.id).where(Category.municipality_id == municipality.id)))
        zones = list(session.execute(sa.select(Zone.id, Zone.code).where(Zone.municipality_id == municipality.id)))
        staff = auth.get_by_email(session, EMAIL).id
        today = municipalities.today_in(municipality)
        rows = []
        for number in range(count):
            due = today + timedelta(days=rng.randint(-30, 40))
            text = f"{rng.choice(TEXTS)} Caso sintético {number}."
            zone = rng.choice(zones)
            rows.append({
                "id": uuid.uuid4(), "municipality_id": municipality.id, "folio": f"{CODE}-2025-{number + 1:06d}",
                "kind": rng.choice(KINDS), "category_id": rng.choice(categories), "description": text,
                "search_text": fold(text), "zone_id": zone.id, "source": "api", "state": rng.choice(STATES),
                "priority": rng.choice(PRIORITIES), "received_on": due - timedelta(days=21), "due_on": due,
                "assignee_id": staff if rng.random() < 0.1 else None, "anonymous": rng.random() < 0.33,
                "text_publication": "published", "attributes": {}, "version": 1,
            })
        for start in range(0, len(rows), 1000):
            session.execute(sa.insert(Complaint), rows[start:start + 1000])
        return {"zone": zones[0].code, "municipality_id": str(municipality.id)}


def timed(connection: http.client.HTTPConnection, path: str, token: str) -> tuple[float, dict]:
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept-Language": "es"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:300]!r}")
    return elapsed, json.loads(body)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def run_backend(backend: str, args: argparse.Namespace) -> list[str]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            throwaway_database(backend, Path(folder)) as url:
        settings = configure_settings(Settings(database_url=url, vigia_env="test", redis_url=None,
                                               log_level="WARNING", db_pool_size=2))
        engine = db.make_engine(settings)
        try:
            migrate.upgrade(engine)
            database = db.configure(db.Database(engine))
            with database.session_scope() as session:
                fixtures.load(session)
            started = time.perf_counter()
            places = add_complaints(database, args.complaints, args.seed)
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            with database.session_scope() as session:
                token = auth.issue_token(session, email=EMAIL, device_name="bench")
                open_total = session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
                    Complaint.municipality_id == uuid.UUID(places["municipality_id"]),
                    Complaint.state.in_(["received", "admitted", "under_investigation", "extended", "reopened",
                                         "needs_clarification"])))
            print(f"\n{backend}: {open_total} open complaints in {CODE} "
                  f"(loaded in {time.perf_counter() - started:.1f} s)")
            with http_server(url, Path(folder)) as port:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                base = f"/api/v1/municipalities/{CODE}/complaints?"
                # walk to the depth by cursor, as "load more" does
                _, page = timed(connection, base + urlencode({"limit": 200, "counts": "false"}), token)
                walked = len(page["items"])
                while walked < args.depth:
                    _, page = timed(connection, base + urlencode({"limit": 200, "counts": "false",
                                                                  "cursor": page["next_cursor"]}), token)
                    walked += len(page["items"])
                cursor = page["next_cursor"]
                cases = {
                    "first page (counts)": base + urlencode({"limit": 50}),
                    f"keyset page after {walked}": base + urlencode({"limit": 50, "counts": "false",
                                                                     "cursor": cursor}),
                    f"offset page after {walked}": base + urlencode({"limit": 50, "counts": "false",
                                                                     "offset": walked}),
                    "search q=tuberias": base + urlencode({"limit": 50, "q": "tuberias"}),
                    "filtered (unassigned, queja, zone)": base + urlencode({
                        "limit": 50, "assignee": "unassigned", "kind": "complaint", "zone": places["zone"]}),
                }
                answers = {}
                for name, path in cases.items():
                    times = []
                    for _ in range(args.repeat + 2):
                        elapsed, answers[name] = timed(connection, path, token)
                        times.append(elapsed)
                    print(f"  {name:<38} {summary(times[2:])}   ({len(answers[name]['items'])} rows)")
                connection.close()
            keyset = [item["id"] for item in answers[f"keyset page after {walked}"]["items"]]
            offset = [item["id"] for item in answers[f"offset page after {walked}"]["items"]]
            if keyset != offset or len(keyset) != 50:
                problems.append(f"{backend}: the keyset page differs from the offset page at the same depth")
            first = answers["first page (counts)"]
            if first["total"] != open_total or not first["items"][0]["overdue"]:
                problems.append(f"{backend}: the first page does not start overdue or its total is wrong")
        finally:
            engine.dispose()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--depth", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--backend", choices=("both", "postgis", "spatialite"), default="both")
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    backends = ["postgis", "spatialite"] if args.backend == "both" else [args.backend]
    problems = [problem for backend in backends for problem in run_backend(backend, args)]
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
