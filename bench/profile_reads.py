"""Profile: where one public read's CPU goes, in-process (issue 19 point 2, step 1).

Loads the demo into a throwaway database (as bench/reads.py does), builds the app with `create_app` and sends
`--requests` GETs of each of the three reads of bench/reads.py (works near, one work, Open311 services.json)
through the ASGI app with httpx's ASGITransport, one at a time, under cProfile (the work the app sends to
the thread pool runs inline, in the profiled thread; httpx's own time is part of the wall figure). Prints the mean wall time per
request for each read and the functions that take the most time (cumulative), so that the share of the
middlewares (request context, gzip, conditional GET), the caller's resolution, the read scope, the ORM and JSON
can be read off.

    .venv/bin/python bench/profile_reads.py [--backend spatialite|postgis] [--requests 2000] [--top 40]
                                            [--gzip] [--no-profile] [--no-cache] [--out profile.pstats]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

CODE = "10005"
BASE = f"/api/v1/municipalities/{CODE}/works"


async def drive(app, targets: dict[str, str], requests: int, gzip: bool, profiler: cProfile.Profile | None
                ) -> dict[str, float]:
    import httpx

    headers = {"Accept-Language": "es", "Accept-Encoding": "gzip" if gzip else "identity"}
    transport = httpx.ASGITransport(app=app)
    timings = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for name, target in targets.items():
            for _ in range(50):  # warm-up: statement caches, cards
                assert (await client.get(target, headers=headers)).status_code == 200
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            for _ in range(requests):
                response = await client.get(target, headers=headers)
            timings[name] = (time.perf_counter() - started) / requests * 1000
            if profiler:
                profiler.disable()
            assert response.status_code == 200, response.text
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("spatialite", "postgis"), default="spatialite")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--gzip", action="store_true", help="ask for gzip (the benchmark asks for identity)")
    parser.add_argument("--no-profile", action="store_true", help="only the mean time per request")
    parser.add_argument("--out", help="write the pstats here too")
    parser.add_argument("--no-cache", action="store_true", help="without the answer cache (ANSWER_CACHE_BYTES=0)")
    args = parser.parse_args(argv)

    import anyio.to_thread
    import httpx
    from reads import prepare

    async def inline(func, *args, **_options):  # the handler's thread work in this thread, so cProfile sees it
        return func(*args)

    anyio.to_thread.run_sync = inline
    from works_near import throwaway_database

    from server.app import create_app
    from server.config import Settings

    with tempfile.TemporaryDirectory(prefix="vigia-profile-") as folder, \
            throwaway_database(args.backend, Path(folder)) as url:
        prepare(args.backend, url)
        app = create_app(Settings(database_url=url, vigia_env="development", redis_url=None, log_level="WARNING",
                                  media_dir=str(Path(folder) / "media"),
                                  answer_cache_bytes=0 if args.no_cache else 32 * 1024 * 1024))

        async def first_ids() -> list[str]:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://127.0.0.1") as client:
                return [item["id"] for item in (await client.get(BASE + "?limit=5")).json()["items"]]

        work_id = asyncio.run(first_ids())[0]
        targets = {"works near": f"{BASE}/near?lon=-104.66570&lat=24.02770&radius_m=2000",
                   "a work": f"{BASE}/{work_id}",
                   "services.json": f"/open311/v2/services.json?jurisdiction_id={CODE}"}
        profiler = None if args.no_profile else cProfile.Profile()
        timings = asyncio.run(drive(app, targets, args.requests, args.gzip, profiler))
        cache = app.state.answer_cache
        if cache is not None:
            print(f"answer cache: {cache.hits} hits, {cache.misses} misses; tables read by each answer kept:")
            for key, entry in cache.entries.items():
                print(f"  {key[0]}: {', '.join(sorted(entry.tables))}")
        for name, ms in timings.items():
            print(f"{args.backend}: {name}: {ms:.3f} ms per request (wall, {args.requests} requests, profiler "
                  f"{'off' if profiler is None else 'on'})")
        if profiler is not None:
            if args.out:
                profiler.dump_stats(args.out)
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
