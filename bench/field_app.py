"""Benchmark: the field app (pwa/, docs/pwa.md) against the targets of its issue, in a real Chromium (Debian's
/usr/bin/chromium) driven by Playwright, over `vigia serve` on a throwaway demo database.

  size        what `/` loads (HTML + JS + CSS, gzip) and everything the service worker precaches (gzip, without map
              data), measured from what Chromium really fetched, against 80 KB and 250 KB; every request of every
              screen (the service worker's included) must go to the server's own origin. Then the build's own budget
              check is planted: the build is run in a copy of pwa/ with the first-screen budget lowered to 1 KB, and
              it must fail (exit 1).
  lighthouse  Lighthouse 12.2.3 (bench/lighthouse, npm) on the home screen, mobile preset (simulated slow 4G,
              4x CPU slowdown), several runs, median: performance >= 95, LCP <= 2.5 s, TBT <= 200 ms, CLS <= 0.1.
              Then "reopened offline": the app opened once online, then the browser offline and the origin refused,
              reloaded: the time until the works near me are shown and a work opens when tapped (<= 2 s), without
              and with a 4x CPU slowdown.
  drain       200 anonymous complaints, 50 of them with a photo (2400 x 1800 camera JPEG, downscaled on the phone),
              queued offline through the app's own outbox (`engine.enqueue` and `preparePhoto`, bundled from
              pwa/src by esbuild and evaluated in the page), then back online: the app's sync engine drains them.
              Time until every item is sent and every photo uploaded, bytes on the wire both ways (a counting proxy
              between the browser and the server), and in the database: each complaint exactly once, each photo
              exactly once under its hash, attached to its complaint.

    .venv/bin/python bench/field_app.py [size|lighthouse|drain|all] [--backend spatialite|postgis|both]

Exit status 1 when a target is missed (or a complaint or photo is lost or doubled); the numbers are printed either
way. PostgreSQL (drain --backend postgis) is reached through VIGIA_BENCH_POSTGRES_URL, as bench/works_near.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from works_near import http_server, throwaway_database  # noqa: E402

from server import db, fixtures, migrate  # noqa: E402
from server.config import Settings  # noqa: E402

PWA = ROOT / "pwa"
DIST = PWA / "dist"
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("VIGIA_CHROMIUM", "/usr/bin/chromium")
DURANGO = {"longitude": -104.6657, "latitude": 24.0277, "accuracy": 12}
SCREENS = ["/", "/quejas/nueva", "/bandeja", "/seguimiento", "/entrar"]
MAP_DATA = (".geojson", ".pbf", ".mvt", ".topojson")

BUDGET_FIRST = 80 * 1024
BUDGET_OFFLINE = 250 * 1024
TARGETS = {"performance": 95, "lcp_ms": 2500, "tbt_ms": 200, "cls": 0.1, "offline_ms": 2000}

missed: list[str] = []


def miss(what: str) -> None:
    missed.append(what)
    print(f"  MISSED: {what}")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


# ------------------------------------------------------------------------------------------------ the machine


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    try:
        osname = next(line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
                      if line.startswith("PRETTY_NAME"))
    except (OSError, StopIteration):
        osname = platform.platform()
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    from importlib.metadata import version
    playwright_version = version("playwright")
    return [f"CPU {cpu}, {os.cpu_count()} cores; memory {memory / 1024 / 1024:.1f} GiB; {osname}, kernel "
            f"{platform.release()}",
            f"{chromium}; Node {node}; Python {platform.python_version()}, Playwright {playwright_version}; "
            f"load average {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"]


# ------------------------------------------------------------------------------------------------ the demo server


def npm_ci(folder: Path) -> None:
    """`npm ci` in `folder` when its node_modules is missing (the versions of its package-lock.json)."""
    if not (folder / "node_modules").is_dir():
        print(f"  npm ci in {folder.relative_to(ROOT)}", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)


def ensure_build() -> None:
    """The built app (as ./dev.sh builds it): built here when pwa/dist is missing."""
    npm_ci(PWA)
    if not (DIST / "index.html").exists():
        subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)


@contextmanager
def demo_server(backend: str, folder: Path) -> Iterator[tuple[str, db.Database]]:
    """`vigia serve` (uvicorn, one worker, no Redis: jobs in the web process, as `./dev.sh demo`) on a fresh
    database of `backend` with the demo fixtures, serving the built app at /; its URL and the database."""
    ensure_build()
    with throwaway_database(backend, folder) as url:
        engine = db.make_engine(Settings(database_url=url, vigia_env="test"))
        try:
            migrate.upgrade(engine)
            database = db.Database(engine)
            with database.session_scope() as session:
                fixtures.load(session)
            with http_server(url, folder, {"VIGIA_PWA_DIR": str(DIST)}) as port:
                yield f"http://127.0.0.1:{port}", database
        finally:
            engine.dispose()


class Proxy:
    """A TCP relay on 127.0.0.1 in front of the server that counts the bytes each way (HTTP/1.1 in clear: what
    a phone's radio would carry, less TLS and TCP/IP headers)."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        self.up = 0  # browser -> server
        self.down = 0  # server -> browser
        self.connections = 0
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.up = self.down = self.connections = 0

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, "down"), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                with self.lock:
                    setattr(self, direction, getattr(self, direction) + len(data))
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@contextmanager
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright
    os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            chromium.close()


def phone(chromium, base_url: str):
    """A cheap phone's browser, as tests/pwa/conftest.py makes it: 360x640, Spanish, location in Durango."""
    context = chromium.new_context(base_url=base_url, viewport={"width": 360, "height": 640}, locale="es-MX",
                                   geolocation=DURANGO, permissions=["geolocation"], service_workers="allow")
    context.set_default_timeout(30_000)
    return context


def first_visit(page) -> None:
    """Open the app online, find the place from the position, see the works near, wait for the service worker."""
    page.goto("/")
    page.get_by_role("button", name="Usar mi ubicación").click()
    page.locator("ul.works > li").first.wait_for(state="visible")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()  # a page opened before its service worker was active is controlled from its next load
        page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.locator("ul.works > li").first.wait_for(state="visible")


class Offline:
    """The network gone for real, as tests/pwa/conftest.py's Network: the browser offline AND the origin refused."""

    def __init__(self, context, base_url: str) -> None:
        self.context, self.base_url = context, base_url
        self.refused = 0

    def _refuse(self, route) -> None:
        self.refused += 1
        route.abort("internetdisconnected")

    def down(self) -> None:
        self.context.route(self.base_url + "/**", self._refuse)
        self.context.set_offline(True)

    def up(self) -> None:
        self.context.unroute(self.base_url + "/**", self._refuse)
        self.context.set_offline(False)


# ------------------------------------------------------------------------------------------------ 1. size


def bench_size(args) -> None:
    print("\n== size: first screen and the offline app (gzip -9), third-party requests ==")
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            demo_server("spatialite", Path(folder)) as (base_url, _), browser() as chromium:
        origin = base_url
        context = phone(chromium, base_url)
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        first: dict[str, bytes] = {}

        def keep(response) -> None:
            kind = response.request.resource_type
            if kind in ("document", "script", "stylesheet") and response.ok and not first_done:
                try:
                    first[urlsplit(response.url).path] = response.body()
                except Exception:  # noqa: BLE001 - a body the browser no longer holds
                    pass

        first_done = False
        page.on("response", keep)
        page.goto("/", wait_until="networkidle")
        page.get_by_role("heading", name="¿Dónde estoy?").wait_for()
        first_done = True
        first_bytes = {path: gz(body) for path, body in first.items()}
        # everything else a person can reach, then the service worker's cache
        first_visit(page)
        for screen in SCREENS[1:]:
            page.goto(screen, wait_until="networkidle")
        cached = page.evaluate("""async () => {
            const out = [];
            for (const name of await caches.keys()) {
              const cache = await caches.open(name);
              for (const request of await cache.keys()) out.push(new URL(request.url).pathname);
            }
            return out;
          }""")
        context.close()
    offline = {}
    for path in sorted(set(cached) | {"/sw.js"}):
        if path.endswith(MAP_DATA):
            continue
        file = DIST / (path.lstrip("/") or "index.html")
        offline[path] = gz(file.read_bytes())
    third = sorted({u for u in requests if not u.startswith(origin) and not u.startswith(("data:", "blob:"))})
    build = json.loads((DIST / "build.json").read_text())
    print("  first screen, as Chromium fetched it for / (document, scripts, stylesheets):")
    for path, size in sorted(first_bytes.items()):
        print(f"    {path:<40} {size:>7,} B")
    total_first = sum(first_bytes.values())
    total_offline = sum(offline.values())
    print(f"  first screen: {total_first:,} B = {total_first / 1024:.1f} KB gzip (budget {BUDGET_FIRST // 1024} KB; "
          f"the build says {build['first_screen_gzip'] / 1024:.1f} KB)")
    print(f"  offline app: {len(offline)} files (the service worker's cache + sw.js), {total_offline:,} B = "
          f"{total_offline / 1024:.1f} KB gzip (budget {BUDGET_OFFLINE // 1024} KB; the build says "
          f"{build['offline_gzip'] / 1024:.1f} KB); map data in the build: "
          f"{sum(1 for p in DIST.rglob('*') if p.name.endswith(MAP_DATA))} files")
    print(f"  requests made by the page and the service worker on {len(SCREENS)} screens: {len(requests)}, "
          f"to another origin: {len(third)}")
    for url in third:
        print(f"    third party: {url}")
    if total_first > BUDGET_FIRST:
        miss(f"first screen {total_first} B > {BUDGET_FIRST} B")
    if total_offline > BUDGET_OFFLINE:
        miss(f"offline app {total_offline} B > {BUDGET_OFFLINE} B")
    if third:
        miss(f"{len(third)} third-party requests")
    if not args.no_plant:
        plant_budget()


def plant_budget() -> None:
    """The build's own check must fail the build: run it in a copy of pwa/ with the first-screen budget at 1 KB."""
    with tempfile.TemporaryDirectory(prefix="vigia-bench-build-") as folder:
        copy = Path(folder) / "pwa"
        shutil.copytree(PWA, copy, ignore=shutil.ignore_patterns("node_modules", "dist"))
        (copy / "node_modules").symlink_to(PWA / "node_modules")
        source = (copy / "build.mjs").read_text()
        planted = source.replace("export const BUDGET_FIRST = 80 * 1024;", "export const BUDGET_FIRST = 1 * 1024;")
        assert planted != source, "build.mjs no longer declares BUDGET_FIRST = 80 * 1024"
        (copy / "build.mjs").write_text(planted)
        result = subprocess.run(["node", "build.mjs"], cwd=copy, capture_output=True, text=True)
        said = (result.stderr.strip().splitlines() or [""])[-1]
        print(f"  planted: the build with BUDGET_FIRST = 1 KB exits {result.returncode}: {said!r}")
        if result.returncode == 0 or "size budget exceeded" not in result.stderr:
            miss("the build's budget check did not fail the build when exceeded")


# ------------------------------------------------------------------------------------------------ 2. lighthouse


def bench_lighthouse(args) -> None:
    print(f"\n== Lighthouse {lighthouse_version()} (mobile preset: simulated slow 4G, 4x CPU), home screen, "
          f"{args.lighthouse_runs} runs ==")
    with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
            demo_server("spatialite", Path(folder)) as (base_url, _):
        runs = []
        for n in range(args.lighthouse_runs):
            report = Path(folder) / f"lighthouse-{n}.json"
            result = subprocess.run(
                [str(LIGHTHOUSE), base_url + "/", "--only-categories=performance", "--output=json",
                 f"--output-path={report}", "--quiet",
                 "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage"],
                env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
            if result.returncode != 0 or not report.exists():
                print(result.stderr[-2000:])
                miss("Lighthouse did not run")
                return
            data = json.loads(report.read_text())
            audits = data["audits"]
            run = {"performance": round(data["categories"]["performance"]["score"] * 100),
                   "fcp_ms": audits["first-contentful-paint"]["numericValue"],
                   "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
                   "tbt_ms": audits["total-blocking-time"]["numericValue"],
                   "cls": audits["cumulative-layout-shift"]["numericValue"],
                   "si_ms": audits["speed-index"]["numericValue"],
                   "tti_ms": audits.get("interactive", {}).get("numericValue"),
                   # the CPU's speed as Lighthouse measured it before the run: a loaded machine scores lower, and
                   # the simulation then multiplies slower tasks by 4
                   "benchmark_index": data["environment"].get("benchmarkIndex"),
                   "main_thread_ms": audits["mainthread-work-breakdown"]["numericValue"],
                   "long_tasks": [(item.get("url", "?").rsplit("/", 1)[-1] or item.get("url"), item["duration"])
                                  for item in (audits.get("long-tasks", {}).get("details") or {}).get("items", [])]}
            settings = data["configSettings"]
            throttling = settings["throttling"]
            print(f"  run {n + 1}: performance {run['performance']}, FCP {run['fcp_ms']:.0f} ms, LCP "
                  f"{run['lcp_ms']:.0f} ms, TBT {run['tbt_ms']:.0f} ms, CLS {run['cls']:.3f}, Speed Index "
                  f"{run['si_ms']:.0f} ms; CPU benchmark index {run['benchmark_index']:.0f}, main thread "
                  f"{run['main_thread_ms']:.0f} ms (observed), long tasks (observed ms) "
                  + (", ".join(f"{url} {ms:.0f}" for url, ms in run["long_tasks"]) or "none"))
            runs.append(run)
        print(f"  settings: formFactor {settings['formFactor']}, {settings['throttlingMethod']} throttling, RTT "
              f"{throttling['rttMs']} ms, {throttling['throughputKbps']} kbit/s, CPU "
              f"x{throttling['cpuSlowdownMultiplier']}; {data['environment']['hostUserAgent']}")
        median = {key: statistics.median(run[key] for run in runs)
                  for key in ("performance", "lcp_ms", "tbt_ms", "cls")}
        print(f"  median: performance {median['performance']:.0f} (>= 95), LCP {median['lcp_ms']:.0f} ms (<= 2500), "
              f"TBT {median['tbt_ms']:.0f} ms (<= 200), CLS {median['cls']:.3f} (<= 0.1)")
        if median["performance"] < TARGETS["performance"]:
            miss(f"Lighthouse performance {median['performance']:.0f} < 95")
        if median["lcp_ms"] > TARGETS["lcp_ms"]:
            miss(f"LCP {median['lcp_ms']:.0f} ms > 2500 ms")
        if median["tbt_ms"] > TARGETS["tbt_ms"]:
            miss(f"TBT {median['tbt_ms']:.0f} ms > 200 ms")
        if median["cls"] > TARGETS["cls"]:
            miss(f"CLS {median['cls']:.3f} > 0.1")
        bench_reopen(base_url, args)


def lighthouse_version() -> str:
    npm_ci(LIGHTHOUSE.parents[2])
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()


def bench_reopen(base_url: str, args) -> None:
    print(f"\n== reopened offline: until the works near me are shown and a work opens when tapped, "
          f"{args.reopen_runs} reloads each ==")
    with browser() as chromium:
        for slowdown in (1, 4):
            context = phone(chromium, base_url)
            page = context.new_page()
            first_visit(page)
            network = Offline(context, base_url)
            network.down()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            visible, usable = [], []
            for _ in range(args.reopen_runs + 1):  # the first one is a warm-up
                start = time.perf_counter()
                page.reload(wait_until="commit")
                first = page.locator("ul.works > li").first
                first.wait_for(state="visible")
                shown = time.perf_counter()
                first.locator("summary").click()
                first.locator("details[open]").wait_for(state="attached")
                done = time.perf_counter()
                visible.append((shown - start) * 1000)
                usable.append((done - start) * 1000)
            visible, usable = visible[1:], usable[1:]
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            context.close()
            print(f"  CPU x{slowdown}: works shown median {statistics.median(visible):.0f} ms (max "
                  f"{max(visible):.0f}), usable (a work opened) median {statistics.median(usable):.0f} ms (max "
                  f"{max(usable):.0f}); requests to the server refused meanwhile: {network.refused}")
            if statistics.median(usable) > TARGETS["offline_ms"]:
                miss(f"reopened offline (CPU x{slowdown}): usable after {statistics.median(usable):.0f} ms > 2000 ms")


# ------------------------------------------------------------------------------------------------ 3. drain


def outbox_bundle() -> str:
    """bench/field_app_outbox.js bundled with the app's own modules (esbuild from pwa/node_modules)."""
    npm_ci(PWA)
    esbuild = PWA / "node_modules" / ".bin" / "esbuild"
    source = (ROOT / "bench" / "field_app_outbox.js").read_text()
    result = subprocess.run([str(esbuild), "--bundle", "--format=iife", "--target=chrome90",
                             "--sourcefile=field_app_outbox.js", "--log-level=warning"],
                            input=source, cwd=PWA, capture_output=True, text=True, check=True)
    return result.stdout


def bench_drain(args) -> None:
    bundle = outbox_bundle()
    for backend in (["spatialite", "postgis"] if args.backend == "both" else [args.backend]):
        print(f"\n== drain on {backend}: {args.mutations} complaints queued offline, {args.photos} with a photo ==")
        with tempfile.TemporaryDirectory(prefix="vigia-bench-") as folder, \
                demo_server(backend, Path(folder)) as (server_url, database), browser() as chromium:
            proxy = Proxy(server_url)
            base_url = proxy.url
            with database.session_scope() as session:
                category = session.execute(sa.text(
                    "SELECT c.service_code FROM complaint_categories c JOIN municipalities m "
                    "ON m.id = c.municipality_id WHERE m.code = '10005' ORDER BY c.service_code")).scalars().first()
                before = session.execute(sa.text("SELECT count(*) FROM complaints")).scalar_one()
            context = phone(chromium, base_url)
            page = context.new_page()
            first_visit(page)
            network = Offline(context, base_url)
            network.down()
            proxy.reset()
            page.reload()
            page.locator("ul.works > li").first.wait_for(state="visible")
            page.evaluate(bundle)
            marker = f"bench-{os.getpid()}-{int(time.time())}"
            start = time.perf_counter()
            filled = page.evaluate("(o) => __vigiaBench.fill(o)", {
                "count": args.mutations, "photos": args.photos, "code": "10005", "category": category,
                "lon": DURANGO["longitude"], "lat": DURANGO["latitude"], "marker": marker})
            queued = filled["queued"]
            print(f"  queued offline in {time.perf_counter() - start:.1f} s (photos downscaled on the page): "
                  f"{len(queued)} mutations, {sum(len(q['photos']) for q in queued)} photos, originals "
                  f"{sum(filled['original_bytes']) / 1e6:.1f} MB, to upload {filled['upload_bytes'] / 1e6:.2f} MB "
                  f"(median photo {statistics.median(p['size'] for q in queued for p in q['photos']) / 1024:.0f} KB)")
            outbox = page.evaluate("""() => new Promise((resolve) => {
                const open = indexedDB.open('vigia');
                open.onsuccess = () => { const r = open.result.transaction('outbox').objectStore('outbox').count();
                  r.onsuccess = () => { resolve(r.result); open.result.close(); }; };
              })""")
            print(f"  outbox holds {outbox} items; while offline {network.refused} requests refused, "
                  f"{proxy.up} bytes reached the server")
            if proxy.up:
                miss("bytes reached the server while offline")
            requests: dict[str, int] = {}

            def count(request) -> None:
                path = urlsplit(request.url).path
                if path.startswith("/api/v1/sync/uploads/"):
                    path = "/api/v1/sync/uploads/…"
                key = f"{request.method} {path}"
                requests[key] = requests.get(key, 0) + 1

            waits: dict[str, list[float]] = {}

            def timed(request) -> None:
                # from sending the request to the last byte of the answer, as the browser saw it
                timing = request.timing
                if timing["responseEnd"] > 0 and timing["requestStart"] >= 0:
                    path = urlsplit(request.url).path
                    kind = f"{request.method} {'uploads' if path.startswith('/api/v1/sync/uploads/') else path}"
                    waits.setdefault(kind, []).append(timing["responseEnd"] - timing["requestStart"])

            context.on("request", count)
            context.on("requestfinished", timed)
            proxy.reset()
            start = time.perf_counter()
            network.up()  # the 'online' event starts the app's sync engine
            state, pushed = wait_drained(page, len(queued), args.timeout, start)
            elapsed = time.perf_counter() - start
            up, down = proxy.up, proxy.down
            print(f"  drained in {elapsed:.1f} s (every mutation answered after {pushed or float('nan'):.1f} s, "
                  f"then the photos): {state}")
            print(f"  bytes on the wire (HTTP/1.1 through the counting proxy): sent {up:,} B "
                  f"({up / max(1, filled['upload_bytes']):.3f} x the photos' bytes), received {down:,} B, "
                  f"{proxy.connections} connections")
            print("  requests: " + ", ".join(f"{k} x{v}" for k, v in sorted(requests.items())))
            print("  request to answer, median (max; sum) ms: " + ", ".join(
                f"{k} {statistics.median(v):.0f} ({max(v):.0f}; {sum(v):.0f})" for k, v in sorted(waits.items())
                if "/api/" in k or "uploads" in k))
            context.close()
            proxy.close()
            if args.plant:
                # the check must see a loss: expect one complaint and one photo that were never queued
                queued = queued + [{"id": str(uuid.uuid4()), "description": f"{marker} never queued",
                                    "photos": [{"id": str(uuid.uuid4()), "sha256": "0" * 64, "size": 1}]}]
                print("  planted: one complaint and one photo expected that were never queued")
            check_database(database, queued, before)


def outbox_state(page) -> dict:
    return page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('vigia');
        open.onsuccess = () => {
          const r = open.result.transaction('outbox').objectStore('outbox').getAll();
          r.onsuccess = () => {
            const states = {};
            let photos = 0, done = 0, failed = 0;
            for (const item of r.result) {
              states[item.state] = (states[item.state] || 0) + 1;
              for (const p of item.photos) { photos++; if (p.done) done++; if (p.error) failed++; }
            }
            resolve({ states, photos, done, failed });
            open.result.close();
          };
        };
      })""")


def wait_drained(page, count: int, timeout: float, start: float) -> tuple[dict, float | None]:
    """Poll the outbox until every item is answered and every photo uploaded; the state and the seconds from
    `start` until every mutation was answered."""
    deadline = time.monotonic() + timeout
    pushed = None
    while True:
        state = outbox_state(page)
        settled = sum(state["states"].get(s, 0) for s in ("sent", "noted", "rejected"))
        if settled == count and pushed is None:
            pushed = time.perf_counter() - start
        if settled == count and state["done"] + state["failed"] == state["photos"]:
            return state, pushed
        if time.monotonic() > deadline:
            miss(f"not drained after {timeout:.0f} s: {state}")
            return state, pushed
        page.wait_for_timeout(100)


def as_uuid(value) -> str:
    """An id as read by raw SQL: a UUID (PostgreSQL), 32 hex digits or 16 bytes (SQLite)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return str(uuid.UUID(bytes=bytes(value)))
    return str(uuid.UUID(str(value)))


def check_database(database: db.Database, queued: list[dict], before: int) -> None:
    with database.session_scope() as session:
        descriptions = {q["description"]: q["id"] for q in queued}
        rows = session.execute(sa.text("SELECT id, description FROM complaints")).all()
        found: dict[str, list[str]] = {}
        for complaint_id, description in rows:
            if description in descriptions:
                found.setdefault(description, []).append(as_uuid(complaint_id))
        lost = [d for d in descriptions if d not in found]
        doubled = [d for d, ids in found.items() if len(ids) > 1]
        wrong_id = [d for d, ids in found.items() if descriptions[d] not in ids]
        after = session.execute(sa.text("SELECT count(*) FROM complaints")).scalar_one()
        expected = {p["sha256"]: (q["id"], p["size"]) for q in queued for p in q["photos"]}
        photo_rows = session.execute(sa.text(
            "SELECT p.sha256, p.size_bytes, cp.complaint_id FROM photos p "
            "LEFT JOIN complaint_photos cp ON cp.photo_id = p.id")).all()
        per_hash: dict[str, list[tuple[int, str]]] = {}
        for sha256, size, complaint_id in photo_rows:
            if sha256 in expected:
                per_hash.setdefault(sha256, []).append((size, as_uuid(complaint_id) if complaint_id else None))
        photos_lost = [h for h in expected if h not in per_hash]
        photos_doubled = [h for h, rows in per_hash.items() if len(rows) > 1]
        photos_wrong = [h for h, rows in per_hash.items()
                        if any(size != expected[h][1] or cid != expected[h][0] for size, cid in rows)]
    print(f"  database: {len(found)} of {len(queued)} complaints, {after - before} new rows; lost {len(lost)}, "
          f"doubled {len(doubled)}, under another id {len(wrong_id)}")
    print(f"  database: {len(per_hash)} of {len(expected)} photos under their hash; lost {len(photos_lost)}, "
          f"doubled {len(photos_doubled)}, wrong size or complaint {len(photos_wrong)}")
    if lost or doubled or wrong_id or after - before != len(queued):
        miss(f"complaints: lost {len(lost)}, doubled {len(doubled)}, other id {len(wrong_id)}, "
             f"new rows {after - before}")
    if photos_lost or photos_doubled or photos_wrong:
        miss(f"photos: lost {len(photos_lost)}, doubled {len(photos_doubled)}, wrong {len(photos_wrong)}")


# ------------------------------------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="all", choices=["size", "lighthouse", "drain", "all"])
    parser.add_argument("--backend", default="spatialite", choices=["spatialite", "postgis", "both"],
                        help="database of the drain (size and lighthouse use SpatiaLite)")
    parser.add_argument("--mutations", type=int, default=200)
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600, help="seconds the drain may take")
    parser.add_argument("--lighthouse-runs", type=int, default=5)
    parser.add_argument("--reopen-runs", type=int, default=5)
    parser.add_argument("--no-plant", action="store_true", help="skip the planted budget failure of the build")
    parser.add_argument("--plant", action="store_true",
                        help="drain: also expect a complaint and a photo never queued (the check must fail)")
    args = parser.parse_args()
    for line in machine():
        print(line)
    if args.command in ("size", "all"):
        bench_size(args)
    if args.command in ("lighthouse", "all"):
        bench_lighthouse(args)
    if args.command in ("drain", "all"):
        bench_drain(args)
    print("\n" + ("targets missed: " + "; ".join(missed) if missed else "every target met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
