"""Where a push of 500 `complaint.file` mutations spends its statements and its CPU, on PostgreSQL + PostGIS and
SQLite + SpatiaLite (issue 19, point 1).

For each backend: a throwaway database with the demo fixtures (as bench/sync.py), a phone signed in as the demo
committee member, a warm-up push, then `--runs` pushes of `--batch` mutations through the real HTTP application.
Inside the service (`server.sync.push.push`, wrapped) each push runs under cProfile, and every SQL statement sent is
counted with a `before_cursor_execute` listener. Printed: statements per mutation by kind (the verb and table),
and CPU per mutation by phase (the cumulative time of the functions that make each phase).

    .venv/bin/python bench/push_profile.py [--backend both|postgis|spatialite] [--batch 500] [--runs 2] [--top 25]
                                           [--no-profile] [--photos N]
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import hashlib
import io
import pstats
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def _bench_sync():  # noqa: ANN202
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_sync", ROOT / "bench" / "sync.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sync"] = module
    spec.loader.exec_module(module)
    return module


bs = _bench_sync()

from server import db, fixtures, migrate  # noqa: E402
from server.config import Settings, configure_settings  # noqa: E402
from server.sync import push as pushes  # noqa: E402

# Phases: (label, the functions whose cumulative time makes it, by "file:function" suffix)
PHASES = [
    ("parse envelopes (MutationIn)", ["sync/push.py:_parsed"]),
    ("pydantic model_validate (envelopes, payloads twice, results)", ["pydantic/main.py:model_validate"]),
    ("edge checks (NUL, wide integers, blanks)", ["server/edge.py:refuse_nul", "server/edge.py:refuse_wide_ints",
                                                 "server/edge.py:refuse_blank"]),
    ("intent (file_record, declare)", ["sync/intents.py:complaint_file", "sync/intents.py:prepare_file"]),
    ("  of which: check point in municipality", ["municipalities/service.py:check_point"]),
    ("  of which: zone at point", ["municipalities/service.py:zone_at"]),
    ("  of which: business days (due dates)", ["complaints/deadlines.py:add_business_days"]),
    ("  of which: audit append (checks, queue)", ["audit/service.py:append"]),
    ("  of which: queued rows (folio, values)", ["complaints/intake.py:add"]),
    ("ORM flush (incl. change-log capture)", ["orm/session.py:flush"]),
    ("  of which: change-log capture", ["sync/capture.py:_log_changes"]),
    ("group writes (claims, complaints, timeline, change log)", ["sync/fast_path.py:write_group"]),
    ("audit chain write at the end", ["audit/service.py:_write_queued"]),
    ("commit", ["orm/session.py:commit"]),
    ("fingerprints", ["sync/applying.py:fingerprint"]),
]


def statement_kind(statement: str) -> str:
    text = " ".join(statement.split())
    match = re.match(r"(?i)(INSERT INTO|UPDATE|DELETE FROM|SELECT .*? FROM|SAVEPOINT|RELEASE SAVEPOINT|"
                     r"ROLLBACK TO SAVEPOINT|BEGIN|COMMIT|WITH)\s*(\S*)", text)
    if not match:
        return text[:40]
    verb = match.group(1).upper()
    if verb.startswith("SELECT"):
        verb = "SELECT"
    if "SAVEPOINT" in verb:
        return verb
    return f"{verb} {match.group(2).strip('(')}"


def run(backend: str, args: argparse.Namespace) -> None:
    from starlette.testclient import TestClient

    from server.app import create_app

    with tempfile.TemporaryDirectory(prefix="vigia-push-profile-") as folder, \
            bs.throwaway_database(backend, Path(folder)) as url:
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
            with TestClient(create_app(settings, database=database), raise_server_exceptions=True) as client:
                phone = bs.sign_in(client)
                original = pushes.push
                profiles: list[cProfile.Profile] = []
                times: list[float] = []

                walls: list[float] = []

                def profiled(*a: Any, **k: Any) -> Any:
                    profile = cProfile.Profile(time.thread_time)  # CPU of the request's thread, not wall time
                    started, wall = time.thread_time(), time.perf_counter()
                    if not args.no_profile:
                        profile.enable()
                    try:
                        return original(*a, **k)
                    finally:
                        profile.disable()
                        times.append(time.thread_time() - started)
                        walls.append(time.perf_counter() - wall)
                        profiles.append(profile)

                def send(n: int) -> None:
                    mutations = [bs.complaint_mutation(i) for i in range(n)]
                    for mutation in mutations:  # photos the phone will upload after the push (--photos)
                        mutation["payload"]["attachments"] = [
                            {"id": str(uuid.uuid4()), "sha256": hashlib.sha256(uuid.uuid4().bytes).hexdigest()}
                            for _ in range(args.photos)]
                    response = client.post("/api/v1/sync/push", json={"mutations": mutations},
                                           headers=phone.headers)
                    assert response.status_code == 200, response.text
                    statuses = [r["status"] for r in response.json()["results"]]
                    assert statuses.count("applied") == n, statuses[:5]

                send(20)  # warm-up: caches, first folio of the year, prepared statements
                statements = bs.Statements(engine)
                pushes.push = profiled
                try:
                    for _ in range(args.runs):
                        send(args.batch)
                finally:
                    pushes.push = original
                    statements.close()
                kinds = collections.Counter(statement_kind(s) for s, _ in statements.seen)
                spent_in: dict[str, float] = collections.defaultdict(float)
                for (statement, _params), ms in zip(statements.seen, statements.times, strict=False):
                    spent_in[statement_kind(statement)] += ms
                total = args.batch * args.runs
                if args.no_profile:
                    print(f"\n## {backend}: {args.runs} pushes of {args.batch}, no profiler: CPU of the request's "
                          f"thread {sum(times) / total * 1000:.3f} ms per mutation, wall {sum(walls) / total * 1000:.3f}"
                          f" ms per mutation (pushes: {', '.join(f'{w * 1000:.0f}' for w in walls)} ms wall)")
                    print(f"SQL statements: {len(statements.seen)} in all; time in the driver "
                          f"{sum(statements.times) / total:.3f} ms per mutation (wall)")
                    slowest = sorted(zip(statements.times, (s for s, _ in statements.seen), strict=False),
                                     reverse=True)[:8]
                    for ms, statement in slowest:
                        print(f"  {ms:8.1f} ms  {statement_kind(statement)}")
                    return
                print(f"\n## {backend}: {args.runs} pushes of {args.batch} (service CPU "
                      f"{sum(times) / total * 1000:.3f} ms per mutation: CPU of the request's thread, under cProfile)")
                print(f"\nSQL statements: {len(statements.seen)} in all, {len(statements.seen) / total:.2f} per "
                      f"mutation; time in the driver {sum(statements.times) / total:.3f} ms per mutation\n")
                print("| statement | per mutation | count | ms per mutation (wall) |\n|---|---:|---:|---:|")
                for kind, count in kinds.most_common():
                    print(f"| {kind} | {count / total:.3f} | {count} | {spent_in[kind] / total:.3f} |")
                stats = pstats.Stats(profiles[0])
                for profile in profiles[1:]:
                    stats.add(profile)
                cumulative: dict[str, float] = collections.defaultdict(float)
                for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
                    cumulative[f"{file}:{name}"] += ct
                whole = sum(times)
                print("\n| phase (cumulative CPU under cProfile; phases overlap) | ms per mutation | share |")
                print("|---|---:|---:|")
                for label, names in PHASES:
                    spent = sum(value for key, value in cumulative.items()
                                if any(key.endswith(name) for name in names))
                    print(f"| {label} | {spent / total * 1000:.3f} | {spent / whole:.0%} |")
                if args.top:
                    out = io.StringIO()
                    stats.stream = out
                    stats.sort_stats("tottime").print_stats(args.top)
                    print("\n```\n" + "\n".join(out.getvalue().splitlines()[6:]) + "\n```")
        finally:
            engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("both", "postgis", "spatialite"), default="both")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--top", type=int, default=25, help="functions by own time to print (0: none)")
    parser.add_argument("--no-profile", action="store_true", help="only CPU and wall time per mutation")
    parser.add_argument("--photos", type=int, default=0, help="photos each filing announces (uploaded later)")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave the garbage collector as a library app does (vigia serve freezes the start-up heap)")
    args = parser.parse_args()
    for backend in ("postgis", "spatialite") if args.backend == "both" else (args.backend,):
        run(backend, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
