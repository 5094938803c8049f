"""The servers a test run uses: its own PostgreSQL cluster and its own Redis, started on free loopback ports in
temporary folders, stopped and removed when the run ends (also after a failure, Ctrl-C or SIGTERM), so the
tests never touch anyone else's data.

`VIGIA_TEST_POSTGRES_URL` (a role that may create databases and the postgis extension) or `VIGIA_TEST_REDIS_URL`
point the tests at a server of your own instead: they then create a database per run on PostgreSQL and, on
Redis, delete only the keys they added (never FLUSHDB), in the database the URL names.

Each server is started the first time a test needs it. The handles can stop and start their server again on
the same port and data folder, for tests of outages (`stop()`, `start()`, `running`).
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "vigia-test-"  # every folder a run makes in the temporary directory; see _remove_orphans()
POSTGRES_SETTINGS = {
    # Throwaway data: no durability, so no waiting for the disk.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # Each backend's pool, the committed databases of worker, sync and CLI tests, `vigia serve --workers 2`.
    "max_connections": "200",
}


class Unavailable(Exception):
    """This machine cannot run a server the tests need; the message says what to install or set."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _make_root(kind: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-"))
    (root / "owner").write_text(str(os.getpid()))
    return root


# ------------------------------------------------------------------------------------------------ PostgreSQL


def postgres_bindir() -> Path:
    """The newest installed PostgreSQL server binaries (Debian's /usr/lib/postgresql/<version>/bin first)."""

    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)

    debian = [path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()]
    if debian:
        return max(debian, key=version)
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).resolve().parent / "postgres").exists():
        return Path(initdb).resolve().parent
    raise Unavailable("the PostgreSQL server is not installed (initdb not found): install postgresql and "
                      "postgresql-<version>-postgis-3, or set VIGIA_TEST_POSTGRES_URL")


class PostgresServer:
    """A PostgreSQL cluster of this run: initdb into a temporary folder, a free port on 127.0.0.1, the unix socket
    in that folder, a superuser `vigia` with a random password.

    PostgreSQL refuses to run as root, so under root (as in CI) the cluster belongs to the `postgres` system
    user and its commands run through `runuser -u postgres --`."""

    owned = True
    user = "vigia"

    def __init__(self) -> None:
        self.bindir = postgres_bindir()
        self._owner = None
        if os.geteuid() == 0:
            import pwd

            try:
                self._owner = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root, and PostgreSQL refuses root: there is no 'postgres' system user "
                                  "to run the test cluster as (install postgresql, which creates it)") from None
        self.root = _make_root("postgres")
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.password = secrets.token_hex(16)
        try:
            self._initdb()
            self.start()
        except BaseException:
            self.close()
            raise

    @property
    def admin_url(self) -> str:
        """A superuser connection to the `postgres` database of this cluster."""
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str | Path, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(part) for part in command]
        if self._owner is not None:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, cwd=self.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              check=check, timeout=120)

    def _initdb(self) -> None:
        password_file = self.root / "password"
        password_file.write_text(self.password)
        if self._owner is not None:
            for path in (self.root, password_file):
                os.chown(path, self._owner.pw_uid, self._owner.pw_gid)
        try:
            locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower().split()
        except OSError:
            locales = []
        # C.UTF-8 as Debian's own clusters: byte order, and upper/lower case for accented letters too.
        locale = "C.UTF-8" if "c.utf8" in locales or "c.utf-8" in locales else "C"
        result = self._run(self.bindir / "initdb", "-D", self.data, "-U", self.user, f"--pwfile={password_file}",
                           "--auth=scram-sha-256", "--encoding=UTF8", f"--locale={locale}", "--no-sync",
                           "--no-instructions", check=False)
        password_file.unlink()
        if result.returncode != 0:
            raise Unavailable(f"initdb failed in {self.data}: {result.stderr.strip() or result.stdout.strip()}")
        settings = {**POSTGRES_SETTINGS, "port": str(self.port), "listen_addresses": "'127.0.0.1'",
                    "unix_socket_directories": f"'{self.root}'"}
        with (self.data / "postgresql.conf").open("a") as conf:  # appended: the file keeps its owner
            conf.write("\n# the Vigía test run\n" + "".join(f"{key} = {value}\n" for key, value in settings.items()))

    @property
    def running(self) -> bool:
        return self.data.exists() and self._run(self.bindir / "pg_ctl", "status", "-D", self.data,
                                                check=False).returncode == 0

    def start(self) -> None:
        """Start the cluster (again), on the same port and data folder, and wait until it accepts connections."""
        result = self._run(self.bindir / "pg_ctl", "start", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                           check=False)
        if result.returncode != 0:
            raise Unavailable(f"PostgreSQL did not start on 127.0.0.1:{self.port}: {result.stderr.strip()}\n"
                              f"{_tail(self.log)}")

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster: `fast` (roll back and disconnect the sessions), `immediate` (as if it crashed) or
        `smart` (wait for the sessions to end)."""
        self._run(self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", mode, "-w", "-t", "60")

    def close(self) -> None:
        try:
            if self.running:
                self.stop("immediate")  # the data is thrown away anyway
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class ExternalPostgres:
    """A PostgreSQL server of your own (VIGIA_TEST_POSTGRES_URL); the tests never stop it."""

    owned = False

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------------------ Redis


class RedisServer:
    """A redis-server of this run: a free port on 127.0.0.1, no persistence, its folder in the temporary
    directory. Every test starts on an empty server (the tests own it, so they may flush it)."""

    owned = True

    def __init__(self) -> None:
        executable = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                                       else None)
        if executable is None:
            raise Unavailable("redis-server is not installed: install redis-server, or set VIGIA_TEST_REDIS_URL")
        self.executable = executable
        self.root = _make_root("redis")
        self.log = self.root / "redis.log"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        try:
            self.start()
        except BaseException:
            self.close()
            raise

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        """Start the server (again) on the same port, empty, and wait until it answers."""
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.root), "--logfile", str(self.log), "--daemonize", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches pytest, which then stops this cleanly
        )
        (self.root / "server.pid").write_text(f"{self.process.pid} redis-server 127.0.0.1:{self.port}")
        deadline = time.monotonic() + 15
        while not self._ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise Unavailable(f"redis-server did not start on 127.0.0.1:{self.port}:\n{_tail(self.log)}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    @contextmanager
    def clean(self) -> Iterator[None]:
        """Around one test: an empty server before and after."""
        from redis import Redis

        with Redis.from_url(self.url) as connection:
            connection.flushall()
            yield
            if self.running:  # a test may have stopped it
                connection.flushall()

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class ExternalRedis:
    """A Redis of your own (VIGIA_TEST_REDIS_URL): nothing is flushed; after each test the keys it added are
    deleted, and the members it added to sets that were already there (RQ's registries of queues and workers)
    are removed."""

    owned = False
    running = True

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def clean(self) -> Iterator[None]:
        from redis import Redis

        with Redis.from_url(self.url) as connection:
            before = set(connection.scan_iter(count=1000))
            members = {key: self._members(connection, key) for key in before}
            yield
            added = set(connection.scan_iter(count=1000)) - before
            if added:
                connection.delete(*added)
            for key, old in members.items():
                if old is None:
                    continue
                new = (self._members(connection, key) or set()) - old
                if new:
                    kind = connection.type(key)
                    (connection.srem if kind in (b"set", "set") else connection.zrem)(key, *new)

    @staticmethod
    def _members(connection, key) -> set | None:
        kind = connection.type(key)
        if kind in (b"set", "set"):
            return set(connection.smembers(key))
        if kind in (b"zset", "zset"):
            return set(connection.zrange(key, 0, -1))
        return None

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------------------ the run's servers


_lock = threading.Lock()
_servers: dict[str, object] = {}  # "postgres" / "redis" -> handle, or the Unavailable it raised
_cleanup_registered = False


def _get(kind: str, external_variable: str, external, own):
    global _cleanup_registered
    with _lock:
        if kind not in _servers:
            url = os.environ.get(external_variable)
            if url:
                _servers[kind] = external(url)
            else:
                _remove_orphans()
                try:
                    _servers[kind] = own()
                except Unavailable as exc:
                    _servers[kind] = exc
                if not _cleanup_registered:  # the fixture in conftest stops them first; this is the safety net
                    atexit.register(stop_all)
                    _cleanup_registered = True
        server = _servers[kind]
    if isinstance(server, Unavailable):
        raise server
    return server


def postgres() -> PostgresServer | ExternalPostgres:
    """This run's PostgreSQL, started on first use (raises Unavailable, every time, when it cannot be)."""
    return _get("postgres", "VIGIA_TEST_POSTGRES_URL", ExternalPostgres, PostgresServer)


def redis() -> RedisServer | ExternalRedis:
    """This run's Redis, started on first use (raises Unavailable, every time, when it cannot be)."""
    return _get("redis", "VIGIA_TEST_REDIS_URL", ExternalRedis, RedisServer)


def stop_all() -> None:
    """Stop the servers this run started and remove their folders (idempotent)."""
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        if not isinstance(server, Unavailable):
            server.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed run may linger a moment as a zombie
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _remove_orphans() -> None:
    """Stop the servers of earlier runs that were killed before they could clean up (kill -9, a crashed
    machine), and remove their folders. A folder whose run is still alive is left alone."""
    for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((root / "owner").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        # (pid file, what that process's command line shows, signal): make sure the pid was not reused.
        postgres = (root / "data" / "postmaster.pid", str(root / "data"), signal.SIGQUIT)  # immediate shutdown
        redis = (root / "server.pid", None, signal.SIGTERM)
        for pid_file, marker, stop_signal in (postgres, redis):
            try:
                words = pid_file.read_text().split()
                pid, marker = int(words[0]), marker or " ".join(words[1:])
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except (OSError, ValueError, IndexError):
                continue
            if marker.encode() in command:
                try:
                    os.kill(pid, stop_signal)
                except OSError:
                    pass
        shutil.rmtree(root, ignore_errors=True)
