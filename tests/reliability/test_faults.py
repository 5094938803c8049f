"""Faults (docs/reliability.md): the database and Redis go away and come back while Vigía serves.

Through HTTP against `vigia serve --workers 2` and a real `vigia worker` (tests/live.py), on a PostgreSQL cluster and
a Redis of this module's own, which it stops and starts, so the run's shared servers are never disturbed:

- Redis stopped, then started again empty, during a load of photo uploads and pushes: no 5xx, nothing acknowledged
  lost, and every photo's public copies made once Redis is back, by the same worker, with nothing restarted;
- PostgreSQL stopped for a few seconds during a load of pushes: nothing but 200, and 503 with Retry-After while it
  is down; every acknowledged mutation stored; a client that sends again what got 503 ends with everything applied
  exactly once; the same processes serve again by themselves;
- every endpoint while PostgreSQL is down: 503 with Retry-After in the one error shape (Open311 in its own), /healthz
  saying the database is down; the first requests after it is back succeed;
- SQLite locked by another writer past busy_timeout: 503 with Retry-After, not 500;
- a worker with no Redis stays up, logs each attempt as JSON, and stops at once on SIGTERM.

Loops are bounded in count and time; everything is on loopback. With VIGIA_RELIABILITY_REPORT=<file>, each test
appends its figures to that file as a JSON line (docs/reliability.md quotes the last run).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from server import db
from server.complaints.models import Complaint
from server.config import configure_settings, get_settings
from server.media.models import Photo
from server.sync.models import Mutation
from tests import services
from tests.conftest import BACKENDS, base_settings, unavailable
from tests.factories import complaint_body
from tests.live import ROOT, LiveVigia, live_vigia
from tests.sync.helpers import Phone, complaint_payload, mutation, sign_in

PUSH = "/api/v1/sync/push"
PHOTOS = "/api/v1/municipalities/10005/photos"
FILERS = ("voluntaria@vigia.example", "comite@vigia.example", "coordinacion@vigia.example")
OUTAGE_SECONDS = 2.5  # how long each server stays down
LOAD_SECONDS = 6.5  # each load runs this long at most (the outage falls inside it) ...
LOAD_ITERATIONS = 200  # ... and at most this many rounds per client
PATIENCE = 0.4  # a test client waits this long after a 503 (a real one honours Retry-After)
ENGLISH = ("The service cannot answer right now: the database is not responding or is busy. Try again in 5 "
           "seconds.")


def report(test: str, **figures: object) -> None:
    """Append this test's figures to $VIGIA_RELIABILITY_REPORT (one JSON line), if set."""
    target = os.environ.get("VIGIA_RELIABILITY_REPORT")
    if target:
        with open(target, "a") as out:
            out.write(json.dumps({"test": test, **figures}, sort_keys=True) + "\n")


# ------------------------------------------------------------------------------------------------ servers


@pytest.fixture(scope="module")
def own_redis() -> Iterator[services.RedisServer]:
    """A Redis of this module only: stopping it disturbs no other test."""
    try:
        server = services.RedisServer()
    except services.Unavailable as exc:
        unavailable(f"Redis: {exc}")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[services.PostgresServer]:
    """A PostgreSQL cluster of this module only: stopping it disturbs no other test."""
    if "postgis" not in BACKENDS:
        pytest.skip("PostgreSQL is not among VIGIA_TEST_BACKENDS")
    try:
        server = services.PostgresServer()
    except services.Unavailable as exc:
        unavailable(f"PostgreSQL: {exc}")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def pg_vigia(own_postgres, own_redis, tmp_path_factory) -> Iterator[LiveVigia]:
    """Vigía as production runs it (2 web processes, a worker, the module's Redis) on the module's PostgreSQL."""
    with live_vigia("postgis", tmp_path_factory.mktemp("pg-faults"), base_settings(), redis_url=own_redis.url,
                    workers=2, job_workers=1, extra_env={"LOG_LEVEL": "INFO"},
                    postgres_admin_url=own_postgres.admin_url) as vigia:
        yield vigia


@pytest.fixture(scope="module")
def sqlite_vigia(own_redis, tmp_path_factory) -> Iterator[LiveVigia]:
    """The same on SQLite + SpatiaLite, in Redis database 1: the two instances' queues and workers never meet."""
    if "spatialite" not in BACKENDS:
        pytest.skip("SQLite is not among VIGIA_TEST_BACKENDS")
    redis_url = own_redis.url.rsplit("/", 1)[0] + "/1"
    with live_vigia("spatialite", tmp_path_factory.mktemp("sqlite-faults"), base_settings(), redis_url=redis_url,
                    workers=2, job_workers=1, extra_env={"LOG_LEVEL": "INFO"}) as vigia:
        yield vigia


@pytest.fixture
def postgres_back(own_postgres) -> Iterator[services.PostgresServer]:
    """The module's PostgreSQL, running again after the test whatever happened."""
    yield own_postgres
    if not own_postgres.running:
        own_postgres.start()


@pytest.fixture
def redis_back(own_redis) -> Iterator[services.RedisServer]:
    yield own_redis
    if not own_redis.running:
        own_redis.start()


# ------------------------------------------------------------------------------------------------ helpers


def jpeg() -> bytes:
    """A small photo no other upload has (random pixels)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (40, 30), os.urandom(40 * 30 * 3)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def assert_unavailable(response: httpx.Response, *, language: str = "es") -> None:
    """503, Retry-After in whole seconds, and the one error shape with the database_unavailable code."""
    assert response.status_code == 503, (response.request.url, response.status_code, response.text[:300])
    assert re.fullmatch(r"[1-9][0-9]*", response.headers.get("retry-after", "")), response.headers
    error = response.json()["error"]
    assert error["code"] == "database_unavailable" and error["details"] == []
    assert error["request_id"] == response.headers["x-request-id"]
    if language == "en":
        assert error["message"] == ENGLISH
    else:
        assert error["message"].startswith("El servicio no puede atender en este momento")


@dataclass
class Tally:
    """What the load clients saw, shared between their threads."""

    statuses: Counter = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, response: httpx.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500 and response.status_code != 503:
                self.bad.append(f"{response.request.method} {response.request.url.path}: "
                                f"{response.status_code} {response.text[:300]}")
            elif response.status_code == 503 and not response.headers.get("retry-after"):
                self.bad.append(f"503 without Retry-After: {response.request.url.path}")

    def failed(self, text: str) -> None:
        with self.lock:
            self.bad.append(text)


def run_load(clients: int, body: Callable[[int, httpx.Client, Tally, Callable[[], bool]], None], *, url: str,
             fault: Callable[[], dict[str, float]]) -> tuple[Tally, dict[str, float]]:
    """`clients` threads run `body(index, client, tally, more)` (each on its own keep-alive connection, `more()`
    false once LOAD_SECONDS are over) while the main thread injects `fault()`; returns the tally and the fault's
    times."""
    tally = Tally()
    deadline = time.monotonic() + LOAD_SECONDS

    def more() -> bool:
        return time.monotonic() < deadline

    def client_thread(index: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            try:
                body(index, client, tally, more)
            except httpx.TransportError as exc:
                with tally.lock:
                    tally.transport_errors.append(f"{type(exc).__name__}: {exc}")
            except Exception as exc:  # an assertion in a thread: make the test fail with it
                tally.failed(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client_thread, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    times = fault()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a load client never finished"
    return tally, times


def outage(server, *, after: float = 1.0) -> Callable[[], dict[str, float]]:
    """Stop `server` `after` seconds into the load, start it again OUTAGE_SECONDS later; the monotonic times."""

    def inject() -> dict[str, float]:
        time.sleep(after)
        stopped = time.monotonic()
        server.stop()
        time.sleep(OUTAGE_SECONDS)
        started_at = time.monotonic()
        server.start()
        return {"stopped": stopped, "started": started_at, "back": time.monotonic()}

    return inject


def phones(vigia: LiveVigia) -> list[Phone]:
    with httpx.Client(base_url=vigia.url, timeout=30) as client:
        return [sign_in(client, email, name=f"Moto G {index}") for index, email in enumerate(FILERS)]


def log_lines(path: Path) -> list[dict]:
    """The JSON lines of a process's log (RQ's own lines, not JSON, are skipped)."""
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def workers_ready(vigia: LiveVigia, count: int = 1, seconds: float = 90) -> None:
    """Wait until `count` RQ workers have registered (a loaded machine may take seconds to start one)."""
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=vigia.url, timeout=30) as client:
        while time.monotonic() < deadline:
            if client.get("/healthz").json()["checks"]["worker"].get("workers", 0) >= count:
                return
            time.sleep(0.2)
    raise AssertionError(f"{count} worker(s) did not register in {seconds} s:\n{vigia.log()}")


def alive(vigia: LiveVigia) -> list[int]:
    """The pids of the server and its workers; fails if any has exited."""
    processes = [vigia.server, *vigia.workers]
    assert all(process is not None and process.poll() is None for process in processes), vigia.log()
    return [process.pid for process in processes]


# ------------------------------------------------------------------------------------------------ Redis


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_redis_restarted_during_uploads_and_pushes_loses_nothing_and_copies_catch_up(
        backend_name: str, own_redis, redis_back, request: pytest.FixtureRequest) -> None:
    """Redis stops and comes back empty (as a restart without persistence) while phones upload photos and push the
    complaints that declare them: every request answers 2xx, every acknowledged photo and complaint is stored,
    and every photo ends `ready` (copies made by the worker that was running all along)."""
    vigia: LiveVigia = request.getfixturevalue("pg_vigia" if backend_name == "postgis" else "sqlite_vigia")
    devices = phones(vigia)
    workers_ready(vigia)
    pids = alive(vigia)
    worker_lines, serve_lines = (len(log_lines(vigia.logs / name)) for name in ("worker-0.log", "serve.log"))
    assert any(line["event"] == "worker_caught_up" for line in log_lines(vigia.logs / "worker-0.log"))
    photos: list[tuple[str, float]] = []  # (photo id, when it was acknowledged)
    complaints: list[str] = []
    acknowledged = threading.Lock()

    def body(index: int, client: httpx.Client, tally: Tally, more: Callable[[], bool]) -> None:
        phone = devices[index]
        for _ in range(LOAD_ITERATIONS):
            if not more():
                return
            data, photo_id = jpeg(), str(uuid.uuid4())
            uploaded = client.post(PHOTOS, params={"id": photo_id}, content=data,
                                   headers={**phone.headers, "Content-Type": "image/jpeg"})
            tally.saw(uploaded)
            if uploaded.status_code != 201:
                tally.failed(f"upload: {uploaded.status_code} {uploaded.text[:200]}")
                continue
            with acknowledged:
                photos.append((uploaded.json()["id"], time.monotonic()))
            payload = complaint_payload(attachments=[{"id": str(uuid.uuid4()),
                                                      "sha256": hashlib.sha256(data).hexdigest()}])
            pushed = client.post(PUSH, json={"mutations": [mutation("complaint.file", payload)]},
                                 headers=phone.headers)
            tally.saw(pushed)
            [result] = pushed.json()["results"] if pushed.status_code == 200 else [None]
            if result is None or result["status"] != "applied" or result["data"]["missing_attachments"]:
                tally.failed(f"push: {pushed.status_code} {pushed.text[:300]}")
                continue
            with acknowledged:
                complaints.append(payload["id"])

    tally, times = run_load(len(devices), body, url=vigia.url, fault=outage(own_redis))
    assert tally.bad == [] and tally.transport_errors == [], (tally, vigia.log())
    assert set(tally.statuses) <= {200, 201}, tally.statuses
    during = [photo for photo, at in photos if times["stopped"] < at < times["started"]]
    assert during, "no upload was acknowledged while Redis was down: the fault was not exercised"

    # Every acknowledged record is stored, and every photo's copies get made without restarting anything.
    photo_ids = [uuid.UUID(photo) for photo, _ in photos]
    with vigia.database.session_scope() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
            Complaint.id.in_([uuid.UUID(c) for c in complaints]))) == len(complaints)
    deadline, statuses = time.monotonic() + 60, Counter()
    while time.monotonic() < deadline:
        with vigia.database.session_scope() as session:
            statuses = Counter(session.scalars(sa.select(Photo.variants_status).where(Photo.id.in_(photo_ids))))
        if statuses == Counter({"ready": len(photo_ids)}):
            break
        time.sleep(0.5)
    ready_after = time.monotonic() - times["back"]
    assert statuses == Counter({"ready": len(photo_ids)}), (statuses, vigia.log())
    assert alive(vigia) == pids  # nothing restarted

    with httpx.Client(base_url=vigia.url, timeout=30) as client:
        health = client.get("/healthz").json()
    assert health["checks"]["redis"]["ok"] is True and health["checks"]["worker"]["workers"] == 1, health
    worker_log = log_lines(vigia.logs / "worker-0.log")[worker_lines:]
    attempts = [line for line in worker_log if line["event"] == "worker_redis_unavailable"]
    assert attempts and [line["attempt"] for line in attempts] == list(range(1, len(attempts) + 1))
    assert [line["attempts"] for line in worker_log if line["event"] == "worker_redis_back"] == [len(attempts)]
    caught_up = [line["queued"] for line in worker_log if line["event"] == "worker_caught_up"]
    assert len(caught_up) == 1, worker_log  # once Redis was back (and once when it started, above)
    enqueue_failures = [line for line in log_lines(vigia.logs / "serve.log")[serve_lines:]
                        if line["event"] == "job_enqueue_failed"]
    assert enqueue_failures, "no upload found Redis down at enqueue time"
    report("redis_restart", backend=backend_name, uploads=len(photos), pushes=len(complaints),
           uploads_while_down=len(during), enqueue_failures=len(enqueue_failures),
           statuses=dict(tally.statuses), outage_s=OUTAGE_SECONDS, worker_attempts=len(attempts),
           all_ready_after_s=round(ready_after, 1), lost=0)


def test_a_worker_without_redis_stays_up_logs_each_attempt_and_stops_on_sigterm(own_redis, redis_back,
                                                                                tmp_path) -> None:
    own_redis.stop()
    log = tmp_path / "worker.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": own_redis.url, "VIGIA_ENV": "test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}", "LOG_LEVEL": "INFO"}
    with log.open("w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "server.cli", "worker"], env=env, cwd=ROOT,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len([line for line in log_lines(log)
                                                   if line["event"] == "worker_redis_unavailable"]) < 3:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
        attempts = [line for line in log_lines(log) if line["event"] == "worker_redis_unavailable"]
        assert [line["attempt"] for line in attempts][:3] == [1, 2, 3], log.read_text()
        assert [line["retry_in_s"] for line in attempts][:3] == [1, 2, 4]
        assert all("ConnectionError" in line["error"] and line["level"] == "warning" for line in attempts)
        asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0, log.read_text()
        assert time.monotonic() - asked < 2
        assert log_lines(log)[-1]["event"] == "worker_stopped"
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


# ------------------------------------------------------------------------------------------------ PostgreSQL


def test_postgres_restarted_during_pushes_loses_nothing_and_retries_apply_once(pg_vigia: LiveVigia,
                                                                               postgres_back) -> None:
    """PostgreSQL stops for a few seconds while phones push complaints, three mutations a push. Each phone keeps an
    outbox, sends again what was not acknowledged (a 503, or a `retry` result) with the same mutation ids, and
    empties it once the database is back. Nothing but 200 and 503-with-Retry-After is ever seen."""
    vigia = pg_vigia
    devices = phones(vigia)
    pids = alive(vigia)
    sent: dict[int, list[dict]] = {index: [] for index in range(len(devices))}  # every mutation each phone made
    acked: dict[str, dict] = {}  # mutation id -> its result
    lock = threading.Lock()

    def body(index: int, client: httpx.Client, tally: Tally, more: Callable[[], bool]) -> None:
        phone = devices[index]
        outbox: list[dict] = []
        drain_until = time.monotonic() + LOAD_SECONDS + 30
        for _ in range(LOAD_ITERATIONS * 3):
            if more():
                while len(outbox) < 3:
                    made = mutation("complaint.file", complaint_payload())
                    outbox.append(made)
                    sent[index].append(made)
            elif not outbox or time.monotonic() > drain_until:
                return
            batch = outbox[:3]
            response = client.post(PUSH, json={"mutations": batch}, headers=phone.headers)
            tally.saw(response)
            if response.status_code == 503:
                assert_unavailable(response)
                time.sleep(PATIENCE)
                continue
            if response.status_code != 200:
                tally.failed(f"push: {response.status_code} {response.text[:300]}")
                return
            results = response.json()["results"]
            assert [result["id"] for result in results] == [m["id"] for m in batch]
            for made, result in zip(batch, results, strict=True):
                if result["status"] == "applied":
                    with lock:
                        assert made["id"] not in acked or acked[made["id"]] == result
                        acked[made["id"]] = result
                    outbox.remove(made)
                elif result["status"] != "retry":
                    tally.failed(f"{made['id']}: {result}")
            if any(result["status"] == "retry" for result in results):
                time.sleep(PATIENCE)

    tally, times = run_load(len(devices), body, url=vigia.url, fault=outage(postgres_back))
    assert tally.bad == [] and tally.transport_errors == [], (tally, vigia.log())
    assert set(tally.statuses) <= {200, 503}, tally.statuses
    assert tally.statuses[503] > 0, "no push met the database down: the fault was not exercised"
    made = [m for mutations in sent.values() for m in mutations]
    assert len(acked) == len(made), "some mutations were never acknowledged"

    # Everything acknowledged is stored, once: one claim per mutation, one complaint per id, with the folio the
    # phone was told.
    with vigia.database.session_scope() as session:
        claims = Counter(str(mutation_id) for mutation_id in session.scalars(
            sa.select(Mutation.mutation_id).where(Mutation.mutation_id.in_([uuid.UUID(m["id"]) for m in made]))))
        stored = dict(session.execute(sa.select(Complaint.id, Complaint.folio).where(
            Complaint.id.in_([uuid.UUID(m["payload"]["id"]) for m in made]))).all())
    assert claims == Counter({m["id"]: 1 for m in made})
    assert {str(key): folio for key, folio in stored.items()} == {
        m["payload"]["id"]: acked[m["id"]]["data"]["folio"] for m in made}
    assert len(set(stored.values())) == len(made)  # no folio given twice

    # A phone that sends everything again (its acknowledgement lost) gets the same answers and changes nothing.
    with httpx.Client(base_url=vigia.url, timeout=60) as client:
        replay = client.post(PUSH, json={"mutations": sent[0][:20]}, headers=devices[0].headers)
    assert replay.status_code == 200
    assert [result for result in replay.json()["results"]] == [acked[m["id"]] for m in sent[0][:20]]
    with vigia.database.session_scope() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(
            Complaint.id.in_([uuid.UUID(m["payload"]["id"]) for m in made]))) == len(made)
    assert alive(vigia) == pids  # the same processes served before, during and after
    report("postgres_restart", backend="postgis", mutations=len(made), pushes=sum(tally.statuses.values()),
           statuses=dict(tally.statuses), outage_s=OUTAGE_SECONDS, applied_once=len(claims), lost=0)


def _fill(path: str) -> str:
    values = {"code": "10005", "response_format": "json", "service_code": "obra-calidad", "token": "x"}
    return re.sub(r"{([^}]+)}", lambda m: values.get(m.group(1), str(uuid.uuid4())), path)


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]


def _send(client: httpx.Client, method: str, path: str, operation: dict, headers: dict[str, str]) -> httpx.Response:
    content = operation.get("requestBody", {}).get("content", {})
    kwargs: dict = {}
    if "application/json" in content:
        kwargs["json"] = {}
    elif content:
        kwargs["content"] = b"x"
        headers = {**headers, "Content-Type": next(iter(content))}
    return client.request(method, _fill(path), headers={**headers, "Tus-Resumable": "1.0.0"}, **kwargs)


def test_every_endpoint_answers_503_while_postgres_is_down_and_serves_again_after(pg_vigia: LiveVigia,
                                                                                  postgres_back) -> None:
    vigia = pg_vigia
    [phone, *_] = phones(vigia)
    with httpx.Client(base_url=vigia.url, timeout=30) as client:
        spec = client.get("/openapi.json").json()
        for _ in range(8):  # warm both processes' pools: their connections die with the server
            assert client.get("/api/v1/auth/me", headers=phone.headers).status_code == 200
    operations = _operations(spec)
    signed_in = {**phone.headers, "Accept-Language": "en"}
    postgres_back.stop()
    try:
        with httpx.Client(base_url=vigia.url, timeout=30) as client:
            health = client.get("/healthz")
            assert_unavailable(health)
            assert health.headers["cache-control"] == "no-store"
            assert health.json()["status"] == "down" and health.json()["checks"]["database"]["ok"] is False
            anonymous = Counter()
            for method, path, operation in operations:
                response = _send(client, method, path, operation, {})
                anonymous[response.status_code] += 1
                assert response.status_code < 500 or response.status_code == 503, (method, path, response.text)
                if response.status_code == 503 and path.startswith("/open311/"):
                    assert response.headers["retry-after"] == "5"
                    [error] = response.json()
                    assert error["code"] == 503 and "base de datos" in error["description"]
                elif response.status_code == 503:
                    assert_unavailable(response)
            for method, path, operation in operations:
                response = _send(client, method, path, operation, signed_in)
                if path.startswith("/open311/"):
                    assert response.status_code == 503 and response.headers["retry-after"] == "5", (path, response.text)
                    [error] = response.json()
                    assert error == {"code": 503, "description": ENGLISH}
                else:
                    assert_unavailable(response, language="en")
            xml = client.get("/open311/v2/services.xml")
            assert xml.status_code == 503 and b"<code>503</code>" in xml.content
            assert client.get("/openapi.json").status_code == 200  # what needs no database still works
    finally:
        postgres_back.start()
    # Back: the very first requests succeed (no dead pooled connection is handed out), on both processes.
    with httpx.Client(base_url=vigia.url, timeout=30) as client:
        for _ in range(8):
            assert client.get("/api/v1/auth/me", headers=phone.headers).status_code == 200
        health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["checks"]["database"]["ok"] is True
    assert alive(vigia)
    report("postgres_down_every_endpoint", backend="postgis", operations=len(operations),
           anonymous=dict(anonymous), signed_in_503=len(operations))


# ------------------------------------------------------------------------------------------------ SQLite


def test_sqlite_locked_by_another_writer_answers_503_then_serves(sqlite_vigia: LiveVigia) -> None:
    """Every transaction that may write takes the write lock (BEGIN IMMEDIATE) and waits busy_timeout for it;
    past that SQLite says "database is locked". That is a moment's wait, not a bug: 503 with Retry-After. Reads
    (server/db/__init__.py read_scope) take no lock and are served meanwhile; the health check's transaction is a writer's,
    so it reports that writes cannot be served. (busy_timeout is lowered to 0.2 s here, after Vigía's own 30 s, so
    the test does not wait 30 s.)"""
    import sqlean
    from starlette.testclient import TestClient

    from server.app import create_app

    previous = get_settings()
    settings = sqlite_vigia.settings  # the file `vigia serve` uses too: another process holds its lock
    engine = db.make_engine(settings)

    @sa.event.listens_for(engine, "connect")
    def _short_wait(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    path = sa.engine.make_url(settings.database_url).database
    holder = sqlean.connect(path, isolation_level=None)
    try:
        with TestClient(create_app(settings, database=db.Database(engine)),
                        raise_server_exceptions=False) as client:
            assert client.get("/api/v1/municipalities/10005/works").status_code == 200
            holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than busy_timeout
            locked = [client.post("/api/v1/municipalities/10005/complaints",
                                  json=complaint_body(anonymous=True, description="Bache hondo en la esquina.")),
                      client.post("/api/v1/auth/login", json={"email": "auditor@vigia.example", "password": "x" * 12,
                                                               "device_name": "Moto"})]
            reads = [client.get("/api/v1/municipalities/10005/works"),
                     client.get("/open311/v2/services.json?jurisdiction_id=10005")]
            health = client.get("/healthz", headers={"Accept-Language": "en"})
            holder.execute("ROLLBACK")
            after = client.get("/api/v1/municipalities/10005/works")
    finally:
        holder.close()
        engine.dispose()
        configure_settings(previous)
    for response in locked:
        assert_unavailable(response)
    assert [response.status_code for response in reads] == [200, 200]
    assert_unavailable(health, language="en")
    assert health.json()["checks"]["database"]["error"] == "OperationalError"  # no detail in a public body
    assert after.status_code == 200
    report("sqlite_locked", backend="spatialite", requests_while_locked=len(locked) + 1, answered_503=4)
