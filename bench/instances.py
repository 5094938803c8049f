"""Benchmark: one `vigia serve` against two behind HAProxy (issue 20, point 4), public reads and pushes mixed.

It starts a PostgreSQL cluster and a Redis of its own (tests/services.py, as bench/sync.py and bench/queue.py do;
or VIGIA_BENCH_POSTGRES_URL), a throwaway database with the demo loaded, one `vigia worker`, and these servers,
each `vigia serve` from this checkout with its own MEDIA_DIR:

- A and B: one web process each (`--workers 1`);
- C: one instance with two web processes (`--workers 2`): the control, as many processes as A + B, no proxy;
- HAProxy (Debian's) with deploy/haproxy.cfg as committed, once with A alone and once with A and B.

The same load runs against four targets in turn (the order rotating each round, so a busy machine weighs on each
alike): A directly ("one instance"), the proxy in front of A ("proxy → one"), the proxy in front of A and B
("proxy → two"), and C directly ("one instance × 2 workers"). The load is bench/reads.py's: this process, asyncio
over raw sockets, `--connections` kept-alive connections each asking the next public read (works near a point,
one work, Open311 services) as soon as the last answer arrived, plus `--phones` connections each pushing batches of
`--batch` `complaint.file` back to back (different phones, signed in as the demo committee member).

It prints, per target and round: reads per second, pushes (mutations applied) per second, read and push p50/p99,
errors; then the ratios of the same round: two / one (what a second instance buys), proxy → one / one (the proxy's
own cost) and two / one × 2 workers (scaling out against scaling up).

    .venv/bin/python bench/instances.py [--seconds 15] [--warmup 3] [--rounds 2] [--connections 32]
                                        [--phones 2] [--batch 10]

Everything (PostgreSQL, Redis, the worker, HAProxy, up to four web processes and the load generator) shares the
machine. On 2 cores two instances cannot do twice the work of one: read the ratios with the machine's cores and
`uptime` beside them (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
# bench/ last on the path: its queue.py must not hide the standard library's `queue` (asyncio, anyio, RQ use it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
TARGETS = ("one instance", "proxy → one", "proxy → two", "one instance × 2 workers")


def _postgres_for_bench() -> None:
    """Without VIGIA_BENCH_POSTGRES_URL (or VIGIA_TEST_POSTGRES_URL), a PostgreSQL cluster of this run."""
    if os.environ.get("VIGIA_BENCH_POSTGRES_URL") or os.environ.get("VIGIA_TEST_POSTGRES_URL"):
        return
    import atexit

    from tests import services

    os.environ["VIGIA_BENCH_POSTGRES_URL"] = services.postgres().admin_url
    atexit.register(services.stop_all)


# ------------------------------------------------------------------------------------------------ processes


@dataclass
class Servers:
    url: str
    redis_url: str
    folder: Path
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)

    def env(self, name: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "REDIS_URL": self.redis_url, "VIGIA_ENV": "development",
                "LOG_LEVEL": "WARNING", "MEDIA_DIR": str(self.folder / f"media-{name}"), "INSTANCE_NAME": name,
                "PYTHONPATH": str(ROOT)}


@contextmanager
def vigia(servers: Servers, name: str, *args: str) -> Iterator[subprocess.Popen]:
    from reads import free_port, wait_for

    port = free_port() if args[0] == "serve" else 0
    command = [sys.executable, "-m", "server.cli", *args] + (["--port", str(port), "--no-migrate"] if port else [])
    with (servers.folder / f"{name}.log").open("a") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=servers.env(name), stdout=log, stderr=subprocess.STDOUT)
    try:
        if port:
            wait_for(port, process)
            servers.ports[name] = port
        servers.pids[name] = process.pid
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if found is None:
        raise SystemExit("HAProxy is not installed: sudo apt-get install haproxy (./dev.sh install-system --test)")
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of every process under it that is still running (uvicorn's
    worker processes), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks + sum(cpu_seconds(int(child)) for child in children)


@contextmanager
def haproxy(backends: list[int], folder: Path) -> Iterator[tuple[int, int]]:
    """deploy/haproxy.cfg as committed, with one `server` line per backend port."""
    from reads import free_port, wait_for

    lines = [line for line in HAPROXY_CONFIG.read_text("utf-8").splitlines()
             if not line.strip().startswith("server app")]
    lines += [f'    server app{n} "${{VIGIA_APP{n}}}" check' for n in range(1, len(backends) + 1)]
    config = folder / f"haproxy-{len(backends)}.cfg"
    config.write_text("\n".join(lines) + "\n", "utf-8")
    port = free_port()
    env = {**os.environ, "VIGIA_PROXY_BIND": f"127.0.0.1:{port}", "VIGIA_HEALTH_HOST": "127.0.0.1",
           **{f"VIGIA_APP{n}": f"127.0.0.1:{backend}" for n, backend in enumerate(backends, start=1)}}
    with (folder / "haproxy.log").open("a") as log:
        process = subprocess.Popen([haproxy_binary(), "-db", "-f", str(config)], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        wait_for(port, process)
        time.sleep(1)  # the first health checks
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


# ------------------------------------------------------------------------------------------------ load


@dataclass
class Phase:
    target: str
    round: int
    seconds: float = 0.0
    reads_ms: list[float] = field(default_factory=list)
    pushes_ms: list[float] = field(default_factory=list)
    mutations: int = 0
    errors: int = 0
    pushes: int = 0
    instances: dict[str, int] = field(default_factory=dict)
    app_cpu: float = 0.0  # CPU seconds of the serving Vigía processes during the phase (warm-up included)
    proxy_cpu: float = 0.0  # and of HAProxy
    requests: int = 0  # every request answered during the phase, warm-up included (what the CPU time paid for)

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.requests if self.requests else float("nan")

    @property
    def reads_per_s(self) -> float:
        return len(self.reads_ms) / self.seconds if self.seconds else 0.0

    @property
    def mutations_per_s(self) -> float:
        return self.mutations / self.seconds if self.seconds else 0.0

    @staticmethod
    def percentile(values: list[float], p: float) -> float:
        ordered = sorted(values)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def run_load(port: int, targets: list[str], phones: list[dict[str, str]], args: argparse.Namespace,
                   phase: Phase) -> None:
    from reads import Connection, complaint_mutation

    stop_at = time.perf_counter() + args.warmup + args.seconds
    count_from = time.perf_counter() + args.warmup

    async def reader(index: int) -> None:
        connection = Connection(port)
        await connection.open()
        order = targets[index % len(targets):] + targets[:index % len(targets)]
        position = 0
        try:
            while time.perf_counter() < stop_at:
                target = order[position % len(order)]
                position += 1
                started = time.perf_counter()
                status, _ = await connection.request("GET", target)
                phase.requests += 1
                if started >= count_from:
                    phase.reads_ms.append((time.perf_counter() - started) * 1000)
                    phase.errors += status != 200
        finally:
            connection.close()

    async def pusher(phone: dict[str, str], offset: int) -> None:
        connection = Connection(port)
        await connection.open()
        number = offset
        try:
            while time.perf_counter() < stop_at:
                body = json.dumps({"mutations": [complaint_mutation(number + i) for i in range(args.batch)]}).encode()
                number += args.batch
                started = time.perf_counter()
                status, data = await connection.request("POST", "/api/v1/sync/push", body, phone)
                phase.requests += 1
                if started >= count_from:
                    phase.pushes += 1
                    phase.pushes_ms.append((time.perf_counter() - started) * 1000)
                    if status == 200:
                        phase.mutations += sum(r["status"] == "applied" for r in json.loads(data)["results"])
                    else:
                        phase.errors += 1
        finally:
            connection.close()

    await asyncio.gather(*[reader(i) for i in range(args.connections)],
                         *[pusher(phone, 1_000_000 * (n + 1)) for n, phone in enumerate(phones)])
    phase.seconds = args.seconds


def who_answers(port: int, count: int = 8) -> dict[str, int]:
    """Which instances answer through this port (the Vigia-Instance header of `count` requests)."""
    import http.client

    seen: dict[str, int] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(count):
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            name = response.getheader("Vigia-Instance", "?")
            seen[name] = seen.get(name, 0) + 1
    finally:
        connection.close()
    return seen


# ------------------------------------------------------------------------------------------------ run


def run(args: argparse.Namespace) -> list[Phase]:
    _postgres_for_bench()
    from reads import capture, prepare, sign_in
    from tests import services
    from works_near import throwaway_database

    import atexit

    phases: list[Phase] = []
    redis = services.redis()  # this run's own, stopped at exit
    atexit.register(services.stop_all)
    with tempfile.TemporaryDirectory(prefix="vigia-bench-instances-") as name, ExitStack() as stack:
        folder = Path(name)
        url = stack.enter_context(throwaway_database("postgis", folder))
        prepare("postgis", url)
        servers = Servers(url=url, redis_url=redis.url, folder=folder)
        stack.enter_context(vigia(servers, "worker", "worker"))
        for instance in ("app-a", "app-b"):
            stack.enter_context(vigia(servers, instance, "serve", "--workers", "1"))
        stack.enter_context(vigia(servers, "app-c", "serve", "--workers", "2"))
        a, b, c = servers.ports["app-a"], servers.ports["app-b"], servers.ports["app-c"]
        targets, _ = capture(a)
        phones = [sign_in(a) for _ in range(args.phones)]
        print(f"  {len(targets)} public reads, {args.phones} phones; machine: {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        one_proxy, one_proxy_pid = stack.enter_context(haproxy([a], folder))
        two_proxy, two_proxy_pid = stack.enter_context(haproxy([a, b], folder))
        pids = servers.pids
        ports = dict(zip(TARGETS, (a, one_proxy, two_proxy, c)))
        serving = dict(zip(TARGETS, ([pids["app-a"]], [pids["app-a"]], [pids["app-a"], pids["app-b"]],
                                     [pids["app-c"]])))
        proxies = dict(zip(TARGETS, ([], [one_proxy_pid], [two_proxy_pid], [])))
        for round_ in range(1, args.rounds + 1):
            shift = (round_ - 1) % len(TARGETS)
            for target in TARGETS[shift:] + TARGETS[:shift]:
                phase = Phase(target, round_)
                phase.instances = who_answers(ports[target])
                app_before = sum(cpu_seconds(pid) for pid in serving[target])
                proxy_before = sum(cpu_seconds(pid) for pid in proxies[target])
                phase.requests = 0
                asyncio.run(run_load(ports[target], targets, phones, args, phase))
                phase.app_cpu = sum(cpu_seconds(pid) for pid in serving[target]) - app_before
                phase.proxy_cpu = sum(cpu_seconds(pid) for pid in proxies[target]) - proxy_before
                phases.append(phase)
                print(f"  round {round_}: {target} ({', '.join(sorted(phase.instances))}): "
                      f"{phase.reads_per_s:,.0f} reads/s, {phase.mutations_per_s:,.0f} mutations/s, "
                      f"read p50 {phase.percentile(phase.reads_ms, 50):.1f} p99 {phase.percentile(phase.reads_ms, 99):.1f} "
                      f"ms, push p50 {phase.percentile(phase.pushes_ms, 50):.0f} ms, {phase.errors} errors, "
                      f"CPU per request: app {phase.cpu_ms(phase.app_cpu):.2f} ms, proxy "
                      f"{phase.cpu_ms(phase.proxy_cpu):.3f} ms, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    return phases


def report(phases: list[Phase], args: argparse.Namespace) -> None:
    print(f"\nPostgreSQL, {args.connections} readers + {args.phones} phones pushing batches of {args.batch}, "
          f"{args.seconds:g} s per phase (after {args.warmup:g} s), {os.cpu_count()} cores, load now "
          f"{os.getloadavg()[0]:.2f}")
    print("| round | target | reads/s | read p50 ms | read p99 ms | mutations/s | push p50 ms | push p99 ms | errors "
          "| app CPU ms / request | proxy CPU ms / request |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for phase in phases:
        print(f"| {phase.round} | {phase.target} | {phase.reads_per_s:,.0f} | "
              f"{phase.percentile(phase.reads_ms, 50):.1f} | {phase.percentile(phase.reads_ms, 99):.1f} | "
              f"{phase.mutations_per_s:,.0f} | {phase.percentile(phase.pushes_ms, 50):.0f} | "
              f"{phase.percentile(phase.pushes_ms, 99):.0f} | {phase.errors} | {phase.cpu_ms(phase.app_cpu):.2f} | "
              f"{phase.cpu_ms(phase.proxy_cpu):.3f} |")
    print("\n| round | two / one (reads, mutations) | proxy → one / one | two / one × 2 workers |")
    print("|---|---|---|---|")
    for round_ in sorted({phase.round for phase in phases}):
        by = {phase.target: phase for phase in phases if phase.round == round_}
        one, proxied, two, wide = (by[target] for target in TARGETS)

        def ratio(x: Phase, y: Phase) -> str:
            return (f"{x.reads_per_s / y.reads_per_s:.2f}, "
                    f"{x.mutations_per_s / y.mutations_per_s if y.mutations_per_s else float('nan'):.2f}")

        print(f"| {round_} | {ratio(two, one)} | {ratio(proxied, one)} | {ratio(two, wide)} |")
    medians = {target: statistics.median(p.reads_per_s for p in phases if p.target == target) for target in TARGETS}
    print("\nmedian reads/s over rounds: " + ", ".join(f"{t} {v:,.0f}" for t, v in medians.items()))
    cpu = {target: statistics.median(p.cpu_ms(p.app_cpu + p.proxy_cpu) for p in phases if p.target == target)
           for target in TARGETS}
    print("median CPU ms per request (app + proxy): " + ", ".join(f"{t} {v:.2f}" for t, v in cpu.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--phones", type=int, default=2, help="connections pushing, each a phone of its own")
    parser.add_argument("--batch", type=int, default=10, help="mutations per push")
    args = parser.parse_args(argv)
    haproxy_binary()
    report(run(args), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
