"""Vigía as production runs it, for tests from outside: `vigia serve --workers N` and `vigia worker` processes on
a committed database (PostgreSQL + PostGIS or SQLite + SpatiaLite), with the run's own Redis, reached over real
HTTP on loopback. Used by the reliability suite (tests/reliability/) and the tests of separate processes.

    with live_vigia(backend.name, tmp_path, backend.settings, redis_url=url, workers=3) as vigia:
        httpx.get(vigia.url + "/healthz")
        with vigia.database.session_scope() as session: ...     # read what the server stored
        vigia.restart_worker()                                     # e.g. after Redis came back

`postgres_admin_url=` puts the database on another PostgreSQL server than the run's, e.g. one a fault test stops
and starts (tests/reliability/test_faults.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import uvicorn

from server import db
from server.config import Settings
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def vigia_env(settings: Settings, *, redis_url: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a `vigia` process that uses these settings (database, media, secret, Redis)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": settings.database_url,
           "MEDIA_DIR": str(settings.media_dir), "SECRET_KEY": settings.secret_key, "VIGIA_ENV": "development",
           "LOG_LEVEL": "WARNING", "PASSWORD_MEMORY_KIB": str(settings.password_memory_kib),
           "PASSWORD_TIME_COST": str(settings.password_time_cost)}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


@dataclass
class LiveVigia:
    """Running `vigia serve` (and workers) processes; `url` is the base URL, `database` reads what they stored."""

    settings: Settings
    database: db.Database
    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, args: list[str], log: Path) -> subprocess.Popen:
        handle = log.open("a")
        try:
            return subprocess.Popen([sys.executable, "-m", "server.cli", *args], env=self.env, cwd=ROOT,
                                    stdout=handle, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        finally:
            handle.close()

    def start_server(self, workers: int = 2, seconds: float = 90) -> None:
        self.server = self._spawn(["serve", "--host", "127.0.0.1", "--port", str(self.port),
                                   "--workers", str(workers)], self.logs / "serve.log")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(f"vigia serve exited:\n{_tail(self.logs / 'serve.log')}")
            try:
                httpx.get(self.url + "/healthz", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"vigia serve did not answer in {seconds} s:\n{_tail(self.logs / 'serve.log')}")

    def start_worker(self) -> subprocess.Popen:
        worker = self._spawn(["worker"], self.logs / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run another `vigia` command (`tick`, `verify-log`, ...) with the same environment; its output."""
        return subprocess.run([sys.executable, "-m", "server.cli", *args], env=self.env, cwd=ROOT,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)

    def log(self) -> str:
        """The last lines every process wrote (for assertion messages)."""
        return "\n".join(f"--- {path.name}\n{_tail(path)}" for path in sorted(self.logs.glob("*.log")))

    def stop(self) -> None:
        for process in [*self.workers, *([self.server] if self.server else [])]:
            if process.poll() is None:
                process.terminate()
        for process in [*self.workers, *([self.server] if self.server else [])]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.workers, self.server = [], None


@contextmanager
def demo_database_on(admin_url: str, template: Settings) -> Iterator[tuple[Settings, db.Database]]:
    """A fresh, migrated PostgreSQL database with the demo fixtures committed, on the server of `admin_url` (a
    role that may create databases and the postgis extension); dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    from server import fixtures, migrate

    # No pool: a test may restart that server, and the drop at the end must not meet a dead pooled connection.
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"vigia_live_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    settings = template.model_copy(update={
        "database_url": admin.url.set(database=name).render_as_string(hide_password=False)})
    engine = db.make_engine(settings)
    try:
        migrate.upgrade(engine)
        database = db.Database(engine)
        with database.session_scope() as session:
            fixtures.load(session)
        yield settings, database
    finally:
        engine.dispose()
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@contextmanager
def live_vigia(backend_name: str, tmp_path: Path, template: Settings, *, redis_url: str | None = None,
               workers: int = 2, job_workers: int = 0, extra_env: dict[str, str] | None = None,
               postgres_admin_url: str | None = None) -> Iterator[LiveVigia]:
    """A fresh committed demo database of this backend and Vigía serving it with `workers` web processes and
    `job_workers` RQ workers (those need `redis_url`); everything stopped and dropped afterwards. With
    `postgres_admin_url` (PostgreSQL only), the database is made on that server instead of the run's."""
    from tests.conftest import committed_demo_database

    template = template.model_copy(update={"media_dir": tmp_path / "media", "redis_url": redis_url})
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    if postgres_admin_url is not None and backend_name != "postgis":
        raise ValueError("postgres_admin_url is for the postgis backend")
    made = (demo_database_on(postgres_admin_url, template) if postgres_admin_url is not None
            else committed_demo_database(backend_name, tmp_path, template))
    with made as (settings, database):
        vigia = LiveVigia(settings=settings, database=database, logs=logs,
                          env=vigia_env(settings, redis_url=redis_url, extra=extra_env))
        try:
            vigia.start_server(workers=workers)
            for _ in range(job_workers):
                vigia.start_worker()
            yield vigia
        finally:
            vigia.stop()


@contextmanager
def serving(app) -> Iterator[str]:
    """The app behind a real uvicorn on a free local port, in a background thread."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http="h11", ws="none",
                                           lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


@contextmanager
def served_demo(backend, tmp_path: Path, **settings: object) -> Iterator[tuple[str, db.Database]]:
    """`vigia serve` in this process (uvicorn on a free port) over a fresh committed demo database on `backend`,
    with `settings` changed: its base URL and the database the test reads it through."""
    from server.app import create_app
    from server.config import configure_settings
    from tests.conftest import committed_demo_database

    template = backend.settings.model_copy(update={"media_dir": tmp_path / "media", **settings})
    with committed_demo_database(backend.name, tmp_path, template) as (configured, database):
        configure_settings(configured)
        db.configure(database)
        try:
            with serving(create_app(configured)) as base_url:
                db.configure(database)  # create_app made its own engine the process's; the test reads through this
                yield base_url, database
        finally:
            configure_settings(backend.settings)
