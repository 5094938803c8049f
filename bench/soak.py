"""Memory of one `vigia serve` under a steady mixed load (docs/performance.md, "Memory under a steady load").

Starts `vigia serve` (uvicorn, one worker, as `./dev.sh demo` runs it) on a throwaway demo database and, for
`--minutes`, keeps `--readers` connections reading what phones and the public read (works near a random point,
one work, the first page of works, Open311 services.json, the public page), each request as soon as the last
answered, while a phone pushes a batch of `--batch` complaint filings every `--push-every` seconds. Beside it, in
the same run and under the same read load, bare Starlette serving the same bytes (captured from Vigía's answers
first): the limit, what "flat" looks like on this machine with this allocator. Every `--every` seconds it samples
each process's RSS (and Vigía's anonymous part) from /proc.

Growth is the median of the last three samples over the median of the three at the end of the warm-up
(`--warmup` minutes): the goal is ≤ 10 %. Load generator: threads with `http.client` in this process, one
kept-alive connection each, apart from the servers' processes.

    .venv/bin/python bench/soak.py                     # 10 minutes, SpatiaLite (the recorded run)
    .venv/bin/python bench/soak.py --minutes 2 --warmup 0.5
    .venv/bin/python bench/soak.py --backend postgis
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ after the standard library, not first (as `python bench/soak.py` puts it): bench/queue.py must not shadow
# the standard `queue` (spaCy, loaded by the demo fixtures, needs it).
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"), str(ROOT / "bench")]

import sqlalchemy as sa  # noqa: E402
from works_near import throwaway_database  # noqa: E402

from server import db, fixtures, migrate  # noqa: E402
from server.config import Settings  # noqa: E402

CODE = "10005"
CENTRO = (-104.6657, 24.0277)  # Zona Centro, Victoria de Durango
EMAIL, PASSWORD = "comite@vigia.example", "vigia-demo-2026"

BARE = r'''
import json, sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn
captured = json.load(open(sys.argv[2]))
async def answer(request):
    body, media_type = captured[request.url.path]
    return Response(body.encode(), media_type=media_type)
app = Starlette(routes=[Route(path, answer) for path in captured])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
'''


def memory(pid: int) -> tuple[int, int, int]:
    """(RSS, its anonymous part, its file-backed and shared part) of a process, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()

    def field(name: str) -> int:
        return int(status.split(name + ":")[1].split()[0])

    return field("VmRSS"), field("RssAnon"), field("RssFile") + field("RssShmem")


def server_pid(port: int) -> int:
    """The pid of the process listening on 127.0.0.1:port (the uvicorn under `vigia serve`)."""
    inode = None
    wanted = f"{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(":" + wanted) and fields[3] == "0A":
            inode = fields[9]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return int(entry.name)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on {port}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def http_server(url: str, folder: Path) -> Iterator[int]:
    """`vigia serve` (uvicorn, one worker, as `./dev.sh demo` runs it) on the database; its port. As
    bench/works_near.py's, with two minutes to start: on a loaded machine 30 seconds were not always enough."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "VIGIA_ENV": "development", "LOG_LEVEL": "WARNING",
                   "MEDIA_DIR": str(folder / "media"), "REDIS_URL": ""}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--no-migrate"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("vigia serve did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


class Load:
    """Readers and one pushing phone; counts answers and failures."""

    def __init__(self, port: int, paths: list[str], works: list[str], pace: Load | None = None) -> None:
        self.port, self.paths, self.works = port, paths, works
        self.pace = pace  # the bare server gets no more requests than Vigía answered, so as not to starve it
        self.stop = threading.Event()
        self.answered = self.failed = 0
        self.lock = threading.Lock()

    def path(self, rng: random.Random) -> str:
        path = rng.choice(self.paths)
        if "{lon}" in path:
            return path.format(lon=round(CENTRO[0] + rng.uniform(-0.02, 0.02), 5),
                               lat=round(CENTRO[1] + rng.uniform(-0.02, 0.02), 5))
        if "{work}" in path:
            return path.format(work=rng.choice(self.works))
        return path

    def reader(self, seed: int, fixed: bool = False) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            if self.pace is not None and self.answered >= self.pace.answered:
                time.sleep(0.01)
                continue
            path = self.path(rng) if not fixed else rng.choice(self.paths)
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self.lock:
                self.answered += ok
                self.failed += not ok

    def pusher(self, batch: int, every: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        device = str(uuid.uuid4())
        connection.request("POST", "/api/v1/auth/login", json.dumps(
            {"email": EMAIL, "password": PASSWORD, "device_name": "Moto G soak", "device_id": device}),
            {"Content-Type": "application/json"})
        response = connection.getresponse()
        token = json.loads(response.read())["token"]
        headers = {"Authorization": f"Bearer {token}", "Vigia-Device": device, "Content-Type": "application/json"}
        index = 0
        while not self.stop.wait(every):
            mutations = []
            for _ in range(batch):
                index += 1
                mutations.append({"id": str(uuid.uuid4()), "intent": "complaint.file", "municipality": CODE,
                                  "payload": {"id": str(uuid.uuid4()), "kind": "complaint", "category": "obra-calidad",
                                              "description": f"La banqueta nueva ya está agrietada ({index}).",
                                              "location": {"type": "Point", "coordinates": [
                                                  CENTRO[0] + (index % 50) * 1e-4,
                                                  CENTRO[1] + (index // 50 % 50) * 1e-4]},
                                              "accuracy_m": 6.5}})
            connection.request("POST", "/api/v1/sync/push", json.dumps({"mutations": mutations}), headers)
            response = connection.getresponse()
            response.read()
            with self.lock:
                self.answered += response.status == 200
                self.failed += response.status != 200


def capture(port: int, paths: list[str], load: Load) -> dict[str, tuple[str, str]]:
    """Vigía's answers to the read paths (one of each), for the bare server to serve the same bytes."""
    rng = random.Random(1)
    captured: dict[str, tuple[str, str]] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for template in paths:
        path = load.path(rng) if "{" in template else template
        connection.request("GET", path)
        response = connection.getresponse()
        captured[path.split("?")[0] + f"/{len(captured)}"] = (response.read().decode(),
                                                              response.getheader("content-type"))
    return captured


def growth(samples: list[int], warm: int) -> float:
    base = statistics.median(samples[max(0, warm - 3):max(1, warm)])
    return statistics.median(samples[-3:]) / base - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0, help="minutes before the reference samples end")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--push-every", type=float, default=2.0)
    parser.add_argument("--backend", choices=("spatialite", "postgis"), default="spatialite")
    args = parser.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, backend {args.backend}", flush=True)

    with tempfile.TemporaryDirectory() as tmp, throwaway_database(args.backend, Path(tmp)) as url:
        engine = db.make_engine(Settings(database_url=url, vigia_env="test"))
        try:
            migrate.upgrade(engine)
            with db.Database(engine).session_scope() as session:
                fixtures.load(session)
            with engine.connect() as connection:
                works = [str(uuid.UUID(hex=str(row[0]).replace("-", ""))) for row in connection.execute(sa.text(
                    "SELECT works.id FROM works JOIN municipalities ON municipalities.id = works.municipality_id"
                    " WHERE municipalities.code = :code"), {"code": CODE})]
        finally:
            engine.dispose()
        api = f"/api/v1/municipalities/{CODE}"
        paths = [f"{api}/works/near?lon={{lon}}&lat={{lat}}&radius_m=2000", f"{api}/works/{{work}}",
                 f"{api}/works", f"/open311/v2/services.json?jurisdiction_id={CODE}", f"/publico/{CODE}"]
        with http_server(url, Path(tmp)) as port:
            vigia = Load(port, paths, works)
            captured = capture(port, paths, vigia)
            bodies = Path(tmp) / "bodies.json"
            bodies.write_text(json.dumps(captured))
            bare_port = free_port()
            bare = subprocess.Popen([sys.executable, "-c", BARE, str(bare_port), str(bodies)],
                                    stdout=subprocess.DEVNULL)
            try:
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", bare_port), timeout=1).close()
                        break
                    except OSError:
                        time.sleep(0.2)
                limit = Load(bare_port, list(captured), works, pace=vigia)
                pids = {"vigia": server_pid(port), "bare": bare.pid}
                threads = [threading.Thread(target=vigia.reader, args=(seed,), daemon=True)
                           for seed in range(args.readers)]
                threads.append(threading.Thread(target=vigia.pusher, args=(args.batch, args.push_every), daemon=True))
                threads += [threading.Thread(target=limit.reader, args=(seed, True), daemon=True)
                            for seed in range(max(1, args.readers // 4))]
                for thread in threads:
                    thread.start()
                samples: dict[str, list[int]] = {"vigia": [], "vigia_anon": [], "vigia_file": [], "bare": []}
                started = time.monotonic()
                before = 0
                print("| s | Vigía RSS MiB | anonymous | files and shared memory (the database mapped) |"
                      " bare Starlette RSS MiB | Vigía answers/s |")
                print("|---|---|---|---|---|---|", flush=True)
                while time.monotonic() - started < args.minutes * 60:
                    time.sleep(args.every)
                    rss, anon, mapped = memory(pids["vigia"])
                    samples["vigia"].append(rss)
                    samples["vigia_anon"].append(anon)
                    samples["vigia_file"].append(mapped)
                    samples["bare"].append(memory(pids["bare"])[0])
                    done = vigia.answered
                    print(f"| {time.monotonic() - started:.0f} | {rss / 1024:.1f} | {anon / 1024:.1f} |"
                          f" {mapped / 1024:.1f} |"
                          f" {samples['bare'][-1] / 1024:.1f} | {(done - before) / args.every:.0f} |", flush=True)
                    before = done
                vigia.stop.set()
                limit.stop.set()
            finally:
                bare.terminate()
                bare.wait(timeout=30)
    warm = max(1, int(args.warmup * 60 / args.every))
    results = {name: growth(values, warm) for name, values in samples.items()}
    print(f"\nafter {args.warmup:g} min of warm-up, over {args.minutes - args.warmup:g} min:"
          f" Vigía RSS {results['vigia']:+.1%} (anonymous {results['vigia_anon']:+.1%}, files and shared memory"
          f" {results['vigia_file']:+.1%}),"
          f" bare Starlette (the limit, same run) {results['bare']:+.1%};"
          f" Vigía at the end {samples['vigia'][-1] / 1024:.0f} MiB vs bare {samples['bare'][-1] / 1024:.0f} MiB"
          f" ({samples['vigia'][-1] / samples['bare'][-1]:.1f}×)")
    print(f"answers: Vigía {vigia.answered} ({vigia.failed} failed), bare {limit.answered}")
    met = results["vigia"] <= 0.10
    print(f"goal (≤ 10 % growth after warm-up): {'met' if met else 'NOT met'}")
    return 0 if met and not vigia.failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
