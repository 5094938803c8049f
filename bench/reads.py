"""Benchmark: public reads under load while a phone pushes, against bare Starlette serving the same bytes.

For each backend it creates a throwaway database (bench/works_near.py's `throwaway_database`), migrates it, loads
the demo fixtures and starts `vigia serve` on it (uvicorn, ONE worker, as bench/works_near.py does). It captures
the answers of a fixed set of public reads (GET …/works/near at points around the city, GET …/works/{id} of the
demo works, Open311 `services.json`), then starts, in another process, a bare Starlette app on uvicorn (one
worker) that answers each of those URLs with the very bytes captured (same status and content type), and loads
both in turn with the same load generator:

- the load generator: this process, asyncio with raw sockets (no HTTP library), N kept-alive HTTP/1.1
  connections (32 by default), each sending the next URL of the shuffled list as soon as the previous answer's
  last byte arrived; latency from sending to the last byte; no Accept-Encoding (identity on both servers);
- the phone: during Vigía's phases, one more connection pushes batches of `complaint.file` (10 by default) to
  `POST /api/v1/sync/push` back to back, signed in as the demo committee member: a write transaction at all times.

Phases, each `--seconds` long after a warm-up, repeated `--rounds` times in the order bare, Vigía with the phone,
Vigía alone. It prints requests per second and p50/p95/p99 per phase, the ratio Vigía+phone / bare of the same
round, and the goal: ratio ≥ 0.25 and p99 ≤ 50 ms with the phone pushing.

    .venv/bin/python bench/reads.py [--backend spatialite|postgis|both] [--seconds 15] [--rounds 2]
                                    [--connections 32] [--batch 10] [--server-root /work/main]

`--server-root` runs `vigia serve` from another checkout of Vigía (e.g. main before the read scope) on the same
database and load, to measure a before and after in one run. Both servers share the machine with the load
generator (2 cores here): the ratio, not the absolute figures, is the result.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
# bench/ last on the path: its queue.py must not hide the standard library's `queue` (asyncio, anyio, RQ use it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

CODE = "10005"
CENTRO = (-104.6657, 24.0277)
EMAIL = "comite@vigia.example"  # committee member in 10005 (server/demo/users.json)
PASSWORD = "vigia-demo-2026"
GOAL_RATIO = 0.25
GOAL_P99_MS = 50.0


# ------------------------------------------------------------------------------------------------ bare server


def bare_app(captured: dict[str, tuple[int, str, bytes]]):
    """A Starlette app answering each captured path+query with the captured status, content type and bytes."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Request) -> Response:
        key = request.url.path + ("?" + request.url.query if request.url.query else "")
        status, media_type, body = captured.get(key, (404, "text/plain", b"not captured"))
        return Response(body, status_code=status, media_type=media_type)

    return Starlette(routes=[Route("/{path:path}", answer)])


def serve_bare(captured_file: str, port: int) -> None:
    import uvicorn

    raw = json.loads(Path(captured_file).read_text("utf-8"))
    captured = {key: (status, media, body.encode("latin-1")) for key, (status, media, body) in raw.items()}
    uvicorn.run(bare_app(captured), host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)


@contextmanager
def vigia_server(url: str, folder: Path, root: Path) -> Iterator[int]:
    """`vigia serve` (uvicorn, one worker) from the checkout at `root` on the benchmark's database."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "VIGIA_ENV": "development", "LOG_LEVEL": "WARNING",
                   "MEDIA_DIR": str(folder / "media"), "REDIS_URL": "", "PYTHONPATH": str(root)}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--no-migrate"],
                              cwd=root, env=environment, stdout=subprocess.DEVNULL)
    try:
        wait_for(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def bare_server(captured: dict[str, tuple[int, str, bytes]], folder: Path) -> Iterator[int]:
    path = folder / "captured.json"
    path.write_text(json.dumps({k: (s, m, b.decode("latin-1")) for k, (s, m, b) in captured.items()}), "utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(path), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        wait_for(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


# ------------------------------------------------------------------------------------------------ raw HTTP client


class Connection:
    """One kept-alive HTTP/1.1 connection over asyncio streams: request, then read the whole answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, target: str, body: bytes = b"",
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Accept-Language: es"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            data = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                data += chunk[:-2]
        else:
            data = b""
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Phase:
    name: str
    round: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    pushes: int = 0
    pushed_mutations: int = 0
    push_ms: list[float] = field(default_factory=list)
    push_refused: int = 0

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def load(port: int, targets: list[str], connections: int, warmup: float, seconds: float, phase: Phase,
               phone: dict[str, str] | None, batch: int) -> None:
    """`connections` readers for warmup+seconds (only the last `seconds` counted), and the phone if given."""
    stop_at = time.perf_counter() + warmup + seconds
    count_from = time.perf_counter() + warmup

    async def reader(index: int) -> None:
        connection = Connection(port)
        await connection.open()
        order = targets[index % len(targets):] + targets[:index % len(targets)]
        position = 0
        try:
            while (now := time.perf_counter()) < stop_at:
                target = order[position % len(order)]
                position += 1
                started = time.perf_counter()
                status, _body = await connection.request("GET", target)
                ended = time.perf_counter()
                if started >= count_from:
                    phase.latencies_ms.append((ended - started) * 1000)
                    if status != 200:
                        phase.errors += 1
        finally:
            connection.close()

    async def pusher() -> None:
        assert phone is not None
        connection = Connection(port)
        await connection.open()
        number = 0
        try:
            while time.perf_counter() < stop_at:
                mutations = [complaint_mutation(number + i) for i in range(batch)]
                number += batch
                body = json.dumps({"mutations": mutations}).encode()
                started = time.perf_counter()
                status, data = await connection.request("POST", "/api/v1/sync/push", body, phone)
                ended = time.perf_counter()
                if started >= count_from:
                    phase.pushes += 1
                    phase.push_ms.append((ended - started) * 1000)
                    if status == 200:
                        results = json.loads(data)["results"]
                        phase.pushed_mutations += sum(1 for r in results if r["status"] == "applied")
                        phase.push_refused += sum(1 for r in results if r["status"] != "applied")
                    else:
                        phase.push_refused += batch
        finally:
            connection.close()

    tasks = [reader(index) for index in range(connections)]
    if phone is not None:
        tasks.append(pusher())
    await asyncio.gather(*tasks)
    phase.seconds = seconds


def complaint_mutation(index: int) -> dict[str, Any]:
    lon, lat = CENTRO
    return {"id": str(uuid.uuid4()), "intent": "complaint.file", "municipality": CODE,
            "payload": {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad",
                        "description": f"El concreto de la banqueta nueva ya está agrietado ({index}).",
                        "location": {"type": "Point", "coordinates": [lon + (index % 50) * 1e-4,
                                                                      lat + (index // 50 % 50) * 1e-4]},
                        "accuracy_m": 6.5}}


# ------------------------------------------------------------------------------------------------ setup


def prepare(backend: str, url: str) -> None:
    import sqlalchemy as sa

    from server import db, fixtures, migrate
    from server.config import Settings, configure_settings

    settings = configure_settings(Settings(database_url=url, vigia_env="test", redis_url=None, log_level="WARNING"))
    engine = db.make_engine(settings)
    try:
        migrate.upgrade(engine)
        database = db.Database(engine)
        with database.session_scope() as session:
            fixtures.load(session)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        with engine.connect() as connection:
            print(f"  {backend}: demo loaded ({connection.scalar(sa.text('SELECT count(*) FROM works'))} works)",
                  file=sys.stderr)
    finally:
        engine.dispose()


def capture(port: int) -> tuple[list[str], dict[str, tuple[int, str, bytes]]]:
    """The public reads of the load and Vigía's answers to them (status, content type, bytes)."""
    import http.client

    def get(target: str) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", target, headers={"Accept-Language": "es"})
            response = connection.getresponse()
            return response.status, response.getheader("content-type", ""), response.read()
        finally:
            connection.close()

    base = f"/api/v1/municipalities/{CODE}/works"
    status, _, body = get(base + "?limit=100")
    if status != 200:
        raise RuntimeError(f"the works list answered {status}: {body[:300]!r}")
    work_ids = [item["id"] for item in json.loads(body)["items"]]
    rng = random.Random(20261207)
    targets = []
    for _ in range(20):
        lon, lat = CENTRO[0] + rng.uniform(-0.02, 0.02), CENTRO[1] + rng.uniform(-0.02, 0.02)
        targets.append(f"{base}/near?lon={lon:.5f}&lat={lat:.5f}&radius_m=2000")
    targets += [f"{base}/{work_id}" for work_id in work_ids[:20]]
    targets += [f"/open311/v2/services.json?jurisdiction_id={CODE}"] * 4
    captured = {}
    for target in targets:
        captured[target] = get(target)
        if captured[target][0] != 200:
            raise RuntimeError(f"{target} answered {captured[target][0]}: {captured[target][2][:300]!r}")
    rng.shuffle(targets)
    return targets, captured


def sign_in(port: int) -> dict[str, str]:
    import http.client

    device_id = str(uuid.uuid4())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/auth/login", body=json.dumps(
            {"email": EMAIL, "password": PASSWORD, "device_name": "Moto G bench", "device_id": device_id}),
            headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        body = json.loads(response.read())
        if response.status != 201:
            raise RuntimeError(f"sign-in answered {response.status}: {body}")
    finally:
        connection.close()
    return {"Authorization": f"Bearer {body['token']}", "Vigia-Device": device_id}


# ------------------------------------------------------------------------------------------------ run


def run_backend(backend: str, args: argparse.Namespace) -> list[Phase]:
    from works_near import throwaway_database

    phases: list[Phase] = []
    servers = [("vigia", ROOT)] + ([("before", Path(args.server_root).resolve())] if args.server_root else [])
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            throwaway_database(backend, Path(folder)) as url:
        prepare(backend, url)
        with vigia_server(url, Path(folder), ROOT) as port:
            targets, captured = capture(port)
            phone = sign_in(port)
        sizes = sorted(len(body) for _, _, body in captured.values())
        print(f"  {backend}: {len(targets)} URLs captured, {sizes[0]}–{sizes[-1]} bytes", file=sys.stderr)
        for round_ in range(1, args.rounds + 1):
            with bare_server(captured, Path(folder)) as port:
                phase = Phase("bare Starlette", round_)
                asyncio.run(load(port, targets, args.connections, args.warmup, args.seconds, phase, None, 0))
                phases.append(phase)
                report_phase(backend, phase)
            for name, root in servers:
                with vigia_server(url, Path(folder), root) as port:
                    for pushing in (True, False):
                        label = ("Vigía" if name == "vigia" else "before") + (" + phone pushing" if pushing else "")
                        phase = Phase(label, round_)
                        asyncio.run(load(port, targets, args.connections, args.warmup, args.seconds, phase,
                                         phone if pushing else None, args.batch))
                        phases.append(phase)
                        report_phase(backend, phase)
    return phases


def report_phase(backend: str, phase: Phase) -> None:
    push = (f", phone: {phase.pushes} pushes ({phase.pushed_mutations} applied, {phase.push_refused} not), "
            f"push p50 {statistics.median(phase.push_ms):.0f} ms" if phase.push_ms else "")
    print(f"  {backend} round {phase.round}: {phase.name}: {phase.rps:,.0f} req/s, p50 {phase.percentile(50):.1f} "
          f"p95 {phase.percentile(95):.1f} p99 {phase.percentile(99):.1f} ms, {phase.errors} errors{push}",
          file=sys.stderr)


def report(results: dict[str, list[Phase]], args: argparse.Namespace) -> bool:
    print(f"\nPublic reads, 1 worker, {args.connections} connections, {args.seconds:g} s per phase "
          f"(after {args.warmup:g} s warm-up), phone pushing batches of {args.batch}")
    print("| backend | round | server | req/s | p50 ms | p95 ms | p99 ms | errors | pushes (applied) | ratio to bare |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    met = True
    for backend, phases in results.items():
        for phase in phases:
            bare = next(p for p in phases if p.round == phase.round and p.name == "bare Starlette")
            pushes = f"{phase.pushes} ({phase.pushed_mutations})" if phase.push_ms else "—"
            print(f"| {backend} | {phase.round} | {phase.name} | {phase.rps:,.0f} | {phase.percentile(50):.1f} | "
                  f"{phase.percentile(95):.1f} | {phase.percentile(99):.1f} | {phase.errors} | {pushes} | "
                  f"{phase.rps / bare.rps:.2f} |")
    print()
    for backend, phases in results.items():
        loaded = [p for p in phases if p.name == "Vigía + phone pushing"]
        ratios = [p.rps / next(b for b in phases if b.round == p.round and b.name == "bare Starlette").rps
                  for p in loaded]
        worst_p99 = max(p.percentile(99) for p in loaded)
        ok = min(ratios) >= GOAL_RATIO and worst_p99 <= GOAL_P99_MS and all(p.errors == 0 for p in loaded)
        met = met and ok
        print(f"{backend}: Vigía with a phone pushing / bare Starlette = {', '.join(f'{r:.2f}' for r in ratios)} "
              f"(goal ≥ {GOAL_RATIO}), worst p99 {worst_p99:.1f} ms (goal ≤ {GOAL_P99_MS:g}): "
              f"{'met' if ok else 'NOT met'}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("spatialite", "postgis", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--batch", type=int, default=10, help="mutations per push")
    parser.add_argument("--server-root", help="also run `vigia serve` from this checkout (a before)")
    parser.add_argument("--serve-bare", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port)
        return 0
    backends = ["spatialite", "postgis"] if args.backend == "both" else [args.backend]
    results = {backend: run_backend(backend, args) for backend in backends}
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
