"""The `vigia` command as administrators and scripts use it, run as a real process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.conftest import Backend, base_settings, committed_demo_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent
# Photos written by the demo fixtures in these processes go to a temporary folder, never the repository's var/.
MEDIA_DIR = Path(tempfile.mkdtemp(prefix="vigia-cli-media-"))


@pytest.fixture
def empty_database(backend: Backend, tmp_path):
    fresh = fresh_database(backend.name, tmp_path)
    yield fresh
    fresh.drop()


def vigia(*args: str, database_url: str, extra_env: dict[str, str] | None = None, timeout: int = 120):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "PASSWORD_MEMORY_KIB": "1024",
        "PASSWORD_TIME_COST": "1",
        "VIGIA_ENV": "development",
        "MEDIA_DIR": str(MEDIA_DIR),
        **(extra_env or {}),
    }
    if "REDIS_URL" not in (extra_env or {}):
        env.pop("REDIS_URL", None)  # jobs run in-process unless a test asks for Redis
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_migrate_load_fixtures_twice_create_user_and_issue_token(empty_database) -> None:
    url = empty_database.url
    migrated = vigia("migrate", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    from server import migrate

    assert f"revision {migrate.head()}" in migrated.stderr

    first = vigia("load-fixtures", database_url=url)
    assert first.returncode == 0, first.stderr
    assert "municipalities: created 2" in first.stderr and "zones: created 36" in first.stderr
    second = vigia("load-fixtures", database_url=url)
    assert second.returncode == 0, second.stderr
    for line in second.stderr.splitlines():
        assert "created" not in line and "updated" not in line, line

    created = vigia("create-user", "Nueva.Contralora@vigia.example", "--role", "comptroller", "--municipality",
                    "10005", "--password", "una-clave-larga", database_url=url)
    assert created.returncode == 0, created.stderr
    issued = vigia("issue-token", "nueva.contralora@vigia.example", "--device", "script de reportes",
                   database_url=url)
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout
    assert token.endswith("\n") and token.count("\n") == 1 and token.startswith("vg_")

    from starlette.testclient import TestClient

    from server.app import create_app
    from server.config import Settings

    settings = Settings(database_url=url, allowed_hosts=["testserver"], password_memory_kib=1024)
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token.strip()}"})
    assert me.status_code == 200
    assert me.json()["roles"] == [{"municipality_code": "10005", "role": "comptroller"}]


def test_cli_errors_are_one_clear_line(empty_database) -> None:
    url = empty_database.url
    assert vigia("migrate", database_url=url).returncode == 0
    unknown = vigia("create-user", "x@vigia.example", "--role", "admin", "--municipality", "00000",
                    database_url=url)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: No existe el municipio con clave 00000. (municipality_not_found)"
    no_user = vigia("issue-token", "nadie@vigia.example", "--device", "x", database_url=url)
    assert no_user.returncode == 1 and "user_not_found" in no_user.stderr and no_user.stdout == ""
    bad_role = vigia("create-user", "x@vigia.example", "--role", "jefe", database_url=url)
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr


def test_load_fixtures_names_the_file_it_cannot_read_in_one_line(empty_database, tmp_path) -> None:
    from server import fixtures

    url = empty_database.url
    assert vigia("migrate", database_url=url).returncode == 0
    nowhere = vigia("load-fixtures", "--path", str(tmp_path / "nowhere"), database_url=url)
    assert nowhere.returncode == 1
    assert nowhere.stderr.strip() == (
        f"error: no demo data in {tmp_path / 'nowhere'}: calendar.json, users.json, geo/municipalities.geojson "
        "missing (--path names a folder laid out like server/demo/)")
    # A file that is there but cannot be read (here a folder by that name): which one, no traceback.
    broken = tmp_path / "demo"
    shutil.copytree(fixtures.DEFAULT_PATH, broken)
    zones = broken / "geo" / "zones-10005.geojson"
    zones.unlink()
    zones.mkdir()
    unreadable = vigia("load-fixtures", "--path", str(broken), database_url=url)
    assert unreadable.returncode == 1
    assert unreadable.stderr.strip() == f"error: cannot read {zones}: Is a directory"


def test_worker_without_redis_says_so(empty_database) -> None:
    result = vigia("worker", "--burst", database_url=empty_database.url)
    assert result.returncode == 1
    assert "REDIS_URL is not set" in result.stderr


def test_production_refuses_the_default_secret(empty_database) -> None:
    result = vigia("serve", database_url=empty_database.url, extra_env={"VIGIA_ENV": "production"})
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        try:
            return httpx.get(base + "/healthz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("server did not start")


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    process = subprocess.Popen([sys.executable, "-m", "server.cli", *args], env=env, cwd=ROOT,
                               stdout=handle, stderr=subprocess.STDOUT, text=True)
    handle.close()
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_serve_creates_and_migrates_the_embedded_database_on_first_start(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/var/vigia.db"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "VIGIA_ENV": "development",
           "MEDIA_DIR": str(MEDIA_DIR)}
    env.pop("REDIS_URL", None)
    process = _start(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}", process, tmp_path / "serve.log")
        assert health.status_code == 200 and health.json()["checks"]["database"]["dialect"] == "sqlite"
        assert (tmp_path / "var" / "vigia.db").exists()
        assert vigia("load-fixtures", database_url=url).returncode == 0
        zones = httpx.get(f"http://127.0.0.1:{port}/api/v1/municipalities/10005/zones").json()
        # Regression: SpatiaLite loaded before Shapely once turned every coordinate into (x, y, NaN).
        ring = zones["features"][0]["geometry"]["coordinates"][0][0]
        assert len(ring) >= 4 and all(len(position) == 2 and None not in position for position in ring)
    finally:
        _stop(process)


@pytest.fixture
def demo_postgis(tmp_path):
    """A PostgreSQL database with the demo data committed: a copy of the run's (committed_demo_database), not
    `vigia migrate` and `vigia load-fixtures` again (on PostgreSQL they are tested by
    test_migrate_load_fixtures_twice_create_user_and_issue_token)."""
    with committed_demo_database("postgis", tmp_path, base_settings()) as (settings, _):
        yield settings.database_url


def test_serve_with_several_workers_on_postgis_and_redis(demo_postgis, redis_url, tmp_path) -> None:
    url = demo_postgis
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "PYTHONPATH": str(ROOT),
           "MEDIA_DIR": str(MEDIA_DIR),
           "VIGIA_ENV": "production", "SECRET_KEY": "s" * 48, "ALLOWED_HOSTS": "127.0.0.1"}
    process = _start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"], env,
                     tmp_path / "serve.log")
    worker = _start(["worker"], env, tmp_path / "worker.log")
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, process, tmp_path / "serve.log")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            health = httpx.get(base + "/healthz").json()
            if health["checks"]["worker"]["ok"]:
                break
            time.sleep(0.5)
        assert health["status"] == "ok", health
        assert health["checks"]["database"]["dialect"] == "postgresql"
        assert health["checks"]["worker"]["workers"] >= 1
        login = httpx.post(base + "/api/v1/auth/login", json={"email": "admin@vigia.example",
                                                               "password": "vigia-demo-2026", "device_name": "cli"})
        assert login.status_code == 201, login.text
    finally:
        _stop(worker)
        _stop(process)
