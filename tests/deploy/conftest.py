"""Vigía deployed past one machine (docs/deployment.md, "10. Past one machine"), for tests from outside: two
`vigia serve` instances, each with its OWN media folder (separate local disks), one `vigia worker` with a third,
the run's PostgreSQL and Redis, and Debian's HAProxy in front doing round-robin with the committed
deploy/haproxy.cfg, as written. PostgreSQL only: it is production's database (SQLite is one machine by design).

    def test_something(two_instances):
        httpx.get(two_instances.url + "/healthz")                 # through the proxy, as a phone
        two_instances.instances[0].url                            # one instance, bypassing the proxy
        with two_instances.database.session_scope() as session:   # what the instances stored

Every `vigia` process runs this checkout's code (`python -m server.cli` with this checkout first on the path and as
working directory: tests/live.py), not whatever `server` package the virtualenv's `vigia` script would import. Under
CI=true a missing HAProxy fails the run; elsewhere it skips with what to install.
"""

from __future__ import annotations

import uuid

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest

from server import db
from server.config import Settings
from tests.conftest import _redis, committed_demo_database, unavailable
from tests.live import ROOT, LiveVigia, _tail, vigia_env
from tests.services import free_port

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
INSTANCE = "vigia-instance"  # the response header naming the process that answered (INSTANCE_NAME)


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if found is None:
        unavailable("HAProxy is not installed: sudo apt-get install haproxy (./dev.sh install-system --test does)")
    return found  # type: ignore[return-value]


def proxy_config(backends: list[str], folder: Path) -> Path:
    """deploy/haproxy.cfg as committed, with one `server` line per backend (the committed file has two)."""
    lines = HAPROXY_CONFIG.read_text("utf-8").splitlines()
    kept = [line for line in lines if not line.strip().startswith("server app")]
    kept += [f'    server app{number} "${{VIGIA_APP{number}}}" check' for number in range(1, len(backends) + 1)]
    path = folder / f"haproxy-{len(backends)}.cfg"
    path.write_text("\n".join(kept) + "\n", "utf-8")
    return path


@dataclass
class Proxy:
    """HAProxy in the foreground (`-db`), its log (one line per request) in `log`."""

    backends: list[str]  # host:port of each instance
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / "haproxy.log"

    def start(self, *, config: Path | None = None) -> None:
        config = config or (HAPROXY_CONFIG if len(self.backends) == 2 else proxy_config(self.backends, self.folder))
        env = {**os.environ, "VIGIA_PROXY_BIND": f"127.0.0.1:{self.port}", "VIGIA_HEALTH_HOST": "127.0.0.1",
               **{f"VIGIA_APP{number}": address for number, address in enumerate(self.backends, start=1)}}
        checked = subprocess.run([haproxy_binary(), "-c", "-q", "-f", str(config)], env=env, capture_output=True,
                                 text=True, timeout=30)
        assert checked.returncode == 0, f"haproxy -c refused {config}:\n{checked.stdout}{checked.stderr}"
        with self.log.open("a") as handle:
            self.process = subprocess.Popen([haproxy_binary(), "-db", "-f", str(config)], env=env, stdout=handle,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"haproxy exited:\n{_tail(self.log)}"
            try:
                if httpx.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"haproxy did not answer in 30 s:\n{_tail(self.log)}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class Instance:
    """One `vigia serve` (one web process) with its own media folder, reachable directly at `url`."""

    name: str
    vigia: LiveVigia
    media_dir: Path

    @property
    def url(self) -> str:
        return self.vigia.url

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.vigia.port}"

    def start(self, workers: int = 1) -> None:
        self.vigia.start_server(workers=workers)
        answered = httpx.get(self.url + "/healthz", timeout=10)
        # This checkout's code answers (the virtualenv is shared with other checkouts): only it names itself so.
        assert answered.headers.get(INSTANCE) == self.name, (answered.status_code, dict(answered.headers))

    def stop(self) -> None:
        process = self.vigia.server
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        self.vigia.server = None


@dataclass
class TwoInstances:
    """The deployment: `url` is the proxy (what phones reach), `instances` the two app instances, `worker` the
    RQ worker's process set (its own media folder), `database` reads what they stored."""

    proxy: Proxy
    instances: list[Instance]
    worker: LiveVigia
    database: db.Database
    settings: Settings

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def names(self) -> set[str]:
        return {instance.name for instance in self.instances}

    def log(self) -> str:
        """The last lines of every process (for assertion messages)."""
        parts = [f"--- haproxy\n{_tail(self.proxy.log)}"]
        parts += [f"--- {instance.name}\n{instance.vigia.log()}" for instance in self.instances]
        parts.append(f"--- worker\n{self.worker.log()}")
        return "\n".join(parts)


@contextmanager
def two_instances_on(settings: Settings, database: db.Database, folder: Path, *, redis_url: str,
                     names: tuple[str, ...] = ("app-a", "app-b"), extra_env: dict[str, str] | None = None,
                     web_workers: int = 1) -> Iterator[TwoInstances]:
    """Instances named `names` (INSTANCE_NAME), each with its own MEDIA_DIR under `folder`, one worker with its
    own, HAProxy in front; all stopped afterwards. `extra_env` goes to every `vigia` process alike (e.g. an object
    store's settings, for media shared by every instance)."""
    haproxy_binary()
    instances: list[Instance] = []
    for name in names:
        media = folder / f"media-{name}"
        logs = folder / f"logs-{name}"
        logs.mkdir(parents=True, exist_ok=True)
        own = settings.model_copy(update={"media_dir": media, "redis_url": redis_url})
        vigia = LiveVigia(settings=own, database=database, logs=logs,
                          env=vigia_env(own, redis_url=redis_url, extra={"INSTANCE_NAME": name, **(extra_env or {})}))
        instances.append(Instance(name=name, vigia=vigia, media_dir=media))
    worker_settings = settings.model_copy(update={"media_dir": folder / "media-worker", "redis_url": redis_url})
    (folder / "logs-worker").mkdir(parents=True, exist_ok=True)
    worker = LiveVigia(settings=worker_settings, database=database, logs=folder / "logs-worker",
                       env=vigia_env(worker_settings, redis_url=redis_url,
                                     extra={"INSTANCE_NAME": "worker", **(extra_env or {})}))
    proxy = Proxy(backends=[], folder=folder)
    try:
        for instance in instances:
            instance.start(workers=web_workers)
        worker.start_worker()
        deadline = time.monotonic() + 90
        while httpx.get(instances[0].url + "/healthz", timeout=30).json()["status"] != "ok":  # the worker's heartbeat
            assert time.monotonic() < deadline, f"the worker never reported in:\n{worker.log()}"
            assert all(process.poll() is None for process in worker.workers), worker.log()
            time.sleep(0.2)
        proxy.backends = [instance.address for instance in instances]
        proxy.start()
        yield TwoInstances(proxy=proxy, instances=instances, worker=worker, database=database, settings=settings)
    finally:
        proxy.stop()
        for instance in instances:
            instance.vigia.stop()
        worker.stop()


@pytest.fixture(scope="module")
def shared_media_env(request) -> dict[str, str]:
    """Settings every `vigia` process of the deployment gets alike, for media they all see: the photo store is a
    bucket on the tests' S3 server (moto, `s3_server`, tests/objectstore.py) under a prefix of this module's own;
    each process keeps its own MEDIA_DIR, which then holds nothing of the photos (tus uploads in progress are in
    the database). (Returning {"MEDIA_DIR": one folder for all} instead, as an NFS mount would, also works: the
    shared storage docs/deployment.md §5 describes for disk.)"""
    return request.getfixturevalue("s3_server").env(prefix=f"deploy-{uuid.uuid4().hex[:8]}/")


@pytest.fixture(scope="module")
def two_instances(backend, tmp_path_factory, shared_media_env) -> Iterator[TwoInstances]:
    """Two instances behind HAProxy on a fresh committed demo database (PostgreSQL), the run's Redis (emptied
    before and after) and one worker. Shared by a module's tests: each makes its own devices and records."""
    if backend.name != "postgis":
        pytest.skip("PostgreSQL only: several instances share one database server; SQLite is one machine")
    haproxy_binary()
    redis = _redis()
    folder = tmp_path_factory.mktemp("two-instances")
    with redis.clean(), committed_demo_database("postgis", folder, backend.settings) as (settings, database), \
            two_instances_on(settings, database, folder, redis_url=redis.url,
                             extra_env=shared_media_env) as deployment:
        yield deployment
