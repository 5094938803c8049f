"""Test set-up: every database test runs on PostgreSQL + PostGIS and on SQLite + SpatiaLite.

Each backend gets a fresh database, migrated with Alembic and loaded with the demo fixtures once per run.
Each test then runs inside one outer transaction that is rolled back, so tests see the fixtures and never
each other. PostgreSQL and Redis are the run's own, started on free ports by tests/services.py the first time a
test needs them and stopped at the end. Under CI=true a missing PostgreSQL/PostGIS or Redis fails the run
instead of skipping.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from server import db, fixtures, migrate
from server.assembly import assemble
from server.config import Settings, configure_settings
from server.logs import JsonFormatter
from tests import objectstore, services

pytest_plugins = ["tests.clock"]  # VIGIA_TEST_TODAY: the whole run at a chosen date

assemble()  # as the app, the CLI and the worker do: the domains registered with the change log

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = [name for name in os.environ.get("VIGIA_TEST_BACKENDS", "postgis,spatialite").split(",") if name]

# A test whose database work is already tested on both databases elsewhere, and whose own cost is a browser or
# other processes (a browser story of the field app or the desk: what it adds is the app's screens and
# JavaScript, the same on either database), runs on one: PostgreSQL, production's database, or the only
# database of a run that has one (the date runs use SQLite). Applied with `@on_one_database` (or in a module's
# `pytestmark`); where what a screen shows comes from a query that differs between the databases (search,
# spatial, aggregates by date) the test keeps both (docs/testing.md, "The suite's time").
ONE_DATABASE = ["postgis"] if "postgis" in BACKENDS else BACKENDS[:1]
on_one_database = pytest.mark.parametrize("backend", ONE_DATABASE, indirect=True)


# Tests that take long (a browser, `vigia serve` in other processes, a wheel built and installed): under xdist
# the units holding them are handed out first, so that the many short tests fill the end of the run instead of one
# process finishing a long unit while the other idles (docs/testing.md, "The suite's time").
SLOW_PATHS = ("tests/pwa/", "tests/reliability/", "tests/test_wheel.py", "tests/test_docs_examples.py",
              "tests/complaints/test_privacy.py", "tests/audit/", "tests/sync/test_uploads.py", "tests/test_cli.py",
              "tests/test_jobs.py", "tests/test_migrations.py", "tests/deploy/", "tests/sync/test_uploads_instances.py")
SLOW_WEIGHT = 25  # a slow test counts as this many ordinary ones when ordering the units


def _unit(item: pytest.Item, backend: str) -> str:
    """The xdist group of a database test: its module on that database, or the package when the test uses a
    package-scoped fixture (the reliability suite's shared live Vigía), so such a fixture is made once per
    database, as before."""
    where = item.nodeid.split("::", 1)[0]
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        if definitions and definitions[-1].scope == "package":
            where = definitions[-1].baseid or where
    return f"{where}|{backend}"


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Under `pytest -n 2 --dist loadgroup --no-loadscope-reorder` (./dev.sh test) the tests of one module on one
    database are one unit that one process runs (its module-scoped fixtures made once); each process builds each
    database the first time one of its tests needs it and keeps it to the end (`backend`), and the units are
    handed out longest first (`order_for_xdist`). Tests that need no database go wherever a process is free.
    Without xdist the marks do nothing and the order is pytest's.

    pytest-xdist 3.8 applies a group by rewriting `item._nodeid` to `<id>@<group>`, which pytest 9 no longer reads
    (the id is `item._id`): left alone, every test would be a unit of its own, as with `--dist load`. So a worker
    writes the suffix where pytest 9 reads it (`_grouped`), the way xdist's scheduler expects it."""
    for item in items:  # before pytest-xdist reads the groups (its own hook of the same name)
        name = getattr(getattr(item, "callspec", None), "params", {}).get("backend")
        if name is not None:
            item.add_marker(pytest.mark.xdist_group(_unit(item, name)))
    result = yield
    if hasattr(config, "workerinput"):  # an xdist worker: after pytest's own ordering by fixture parameters
        order_for_xdist(items, config.rootpath)
        if getattr(config.option, "loadgroup", False):  # set by xdist on a worker of --dist loadgroup
            _grouped(items)
    return result


def _grouped(items: list[pytest.Item]) -> None:
    """Give each grouped test the id `<id>@<group>` that xdist's loadgroup scheduler splits on (pytest 9 keeps the
    id in `item._id`; xdist 3.8 writes `item._nodeid`, which nothing reads any more)."""
    from _pytest.nodeid import coerce_node_id

    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark and mark.args and not item.nodeid.endswith(f"@{mark.args[0]}"):
            item._id = coerce_node_id(f"{item.nodeid}@{mark.args[0]}")


def _group_of(item: pytest.Item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return mark.args[0] if mark and mark.args else item.nodeid


def order_for_xdist(items: list[pytest.Item], root: Path) -> None:
    """Longest units first (xdist hands them out in collection order with --no-loadscope-reorder): a unit's
    weight is its number of tests, a slow one (SLOW_PATHS) counting SLOW_WEIGHT. Within a unit the order is
    pytest's own."""
    weight: dict[str, int] = {}
    for item in items:
        slow = item.path.relative_to(root).as_posix().startswith(SLOW_PATHS)
        group = _group_of(item)
        weight[group] = weight.get(group, 0) + (SLOW_WEIGHT if slow else 1)
    position = {id(item): index for index, item in enumerate(items)}
    first: dict[str, int] = {}
    for item in items:
        first.setdefault(_group_of(item), position[id(item)])
    items.sort(key=lambda item: (-weight[_group_of(item)], first[_group_of(item)], position[id(item)]))


def unavailable(reason: str) -> None:
    """A missing service: a failure in CI, a visible skip on a laptop."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def base_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "vigia_env": "test",
        "allowed_hosts": ["testserver", "127.0.0.1", "localhost"],
        "secret_key": "test-secret-key-that-is-long-enough-for-production",
        "password_memory_kib": 1024,
        "password_time_cost": 1,
        "redis_url": None,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session", autouse=True)
def _test_services() -> Iterator[None]:
    """Stops the run's PostgreSQL and Redis at the end of the session, however it ends. Ctrl-C ends a session
    through its teardown; SIGTERM (a timeout, a CI stop) is made to do the same."""
    import signal

    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    if previous == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        try:
            _built_teardown.close()  # the databases `backend` built, while their server still runs
        finally:
            services.stop_all()
            objectstore.stop()
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def s3_server() -> objectstore.MotoServer:
    """The run's S3 protocol server (moto, its own process on loopback) with a bucket for the run:
    `.endpoint_url`, `.bucket`, `.client()`, `.settings(prefix)` / `.env(prefix)` for Vigía (tests/objectstore.py)."""
    try:
        return objectstore.moto_server()
    except services.Unavailable as exc:
        unavailable(f"S3 (moto): {exc}")
        raise


@pytest.fixture
def photo_store(request: pytest.FixtureRequest, tmp_path: Path) -> objectstore.PhotoStore:
    """Where this test's photos live: "disk" (MEDIA_DIR = tmp_path/media), or with
    `@pytest.mark.parametrize("photo_store", ["disk", "s3"], indirect=True)` also the run's bucket under a
    prefix of the test's own. Apply `photo_store.overrides` to the settings (tests/objectstore.py)."""
    kind = getattr(request, "param", "disk")
    if kind == "disk":
        return objectstore.PhotoStore("disk", tmp_path / "media")
    return objectstore.PhotoStore("s3", tmp_path / "media", request.getfixturevalue("s3_server"),
                                  prefix=f"t-{uuid.uuid4().hex[:12]}/")


def _postgres() -> services.PostgresServer | services.ExternalPostgres:
    try:
        return services.postgres()
    except services.Unavailable as exc:
        unavailable(f"PostgreSQL: {exc}")
        raise


def _redis() -> services.RedisServer | services.ExternalRedis:
    try:
        return services.redis()
    except services.Unavailable as exc:
        unavailable(f"Redis: {exc}")
        raise


@pytest.fixture(scope="session")
def postgres_server() -> services.PostgresServer | services.ExternalPostgres:
    """The run's PostgreSQL (`.stop()`, `.start()` on the same port for outage tests), or VIGIA_TEST_POSTGRES_URL's
    (`.owned` is False: such a test must skip)."""
    return _postgres()


@pytest.fixture(scope="session")
def redis_server() -> services.RedisServer | services.ExternalRedis:
    """The run's Redis (`.stop()`, `.start()` on the same port), or VIGIA_TEST_REDIS_URL's (`.owned` is False)."""
    return _redis()


def _postgres_admin() -> Engine:
    admin_url = _postgres().admin_url
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            available = connection.execute(
                sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
            ).scalar()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        unavailable(f"PostgreSQL does not answer at {sa.engine.make_url(admin_url)}: {exc.orig}")
    if not available:
        engine.dispose()
        unavailable("PostgreSQL answers but the PostGIS extension is not installed (postgresql-<version>-postgis-3)")
    return engine


@dataclass
class FreshDatabase:
    """An empty database of one backend, dropped when the test or run is over."""

    backend: str
    url: str
    _drop: object

    def drop(self) -> None:
        self._drop()  # type: ignore[operator]


def fresh_database(backend: str, tmp: Path) -> FreshDatabase:
    if backend == "spatialite":
        path = tmp / f"vigia-{uuid.uuid4().hex[:8]}.db"
        return FreshDatabase(backend, f"sqlite:///{path}", lambda: None)
    admin = _postgres_admin()
    name = f"vigia_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = admin.url.set(database=name).render_as_string(hide_password=False)
    return FreshDatabase(backend, url, drop)


@dataclass
class Backend:
    name: str
    settings: Settings
    engine: Engine


@dataclass
class Pristine:
    """A copy of a backend's database taken right after the demo was loaded, before any test ran, so that
    `committed_demo_database` copies it instead of migrating and loading the demo again (seconds each time). As
    before, the demo's photo files stay where the session's settings put them when it was loaded."""

    backend: str
    location: str  # the SQLite file, or the PostgreSQL database made with the session's as its template
    day: date  # the demo's dates follow the day of loading: a copy serves only that day


_PRISTINE: dict[str, Pristine] = {}


def _demo_day() -> date:
    from tests.clock import DEMO_TIME_ZONE, chosen_day  # a plugin (pytest_plugins above): imported by pytest first

    return chosen_day() or datetime.now(DEMO_TIME_ZONE).date()


def _keep_pristine(name: str, fresh: FreshDatabase, tmp: Path) -> Iterator[None]:
    if name == "spatialite":
        location = str(tmp / "pristine.db")
        import sqlean

        source, target = sqlean.connect(str(db._sqlite_path(fresh.url))), sqlean.connect(location)
        try:  # SQLite's backup: whole and consistent whatever its write-ahead log still holds
            source.backup(target)
        finally:
            source.close()
            target.close()
        _PRISTINE[name] = Pristine(name, location, _demo_day())
        yield
        return
    admin = _postgres_admin()
    source = sa.engine.make_url(fresh.url).database
    location = f"{source}_pristine"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{location}" TEMPLATE "{source}"'))
    _PRISTINE[name] = Pristine(name, location, _demo_day())
    try:
        yield
    finally:
        _PRISTINE.pop(name, None)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{location}" WITH (FORCE)'))
        admin.dispose()


def _copy_of_pristine(pristine: Pristine, tmp: Path) -> FreshDatabase:
    if pristine.backend == "spatialite":
        path = tmp / f"vigia-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(pristine.location, path)
        return FreshDatabase("spatialite", f"sqlite:///{path}", lambda: None)
    admin = _postgres_admin()
    name = f"vigia_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{pristine.location}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return FreshDatabase("postgis", admin.url.set(database=name).render_as_string(hide_password=False), drop)


@contextmanager
def _built_backend(name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """One migrated database of this backend, with the demo fixtures committed, and its pristine copy."""
    fresh = fresh_database(name, tmp_path_factory.mktemp(name))
    settings = configure_settings(base_settings(database_url=fresh.url, media_dir=tmp_path_factory.mktemp("media")))
    engine = db.make_engine(settings)
    try:  # dropped even when the migration or the demo data fails (on a server of your own it would stay)
        migrate.upgrade(engine)
        database = db.configure(db.Database(engine))
        with database.session_scope() as session:
            fixtures.load(session)
        engine.dispose()  # no connection left open: PostgreSQL copies a database only while nobody is connected
        keeping = _keep_pristine(name, fresh, tmp_path_factory.mktemp("pristine"))
        next(keeping)
        try:
            yield Backend(name, settings, engine)
        finally:
            next(keeping, None)
    finally:
        engine.dispose()
        fresh.drop()


_BUILT: dict[str, Backend | BaseException] = {}  # this process's databases (or why one could not be built)
_built_teardown = ExitStack()  # closed at the end of the session, before the run's servers stop


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """One migrated database per backend, with the demo fixtures committed: built the first time a test of this
    process needs it and kept until the session ends, so that a process may alternate between the two
    databases' tests (under xdist it does: units of modules on either database) without building one again when
    pytest switches this fixture's parameter."""
    built = _BUILT.get(request.param)
    if built is None:
        try:
            built = _built_teardown.enter_context(_built_backend(request.param, tmp_path_factory))
        except (Exception, pytest.skip.Exception, pytest.fail.Exception) as exc:
            built = exc
        _BUILT[request.param] = built
    if isinstance(built, BaseException):
        raise built
    return built


@pytest.fixture
def database(backend: Backend) -> Iterator[db.Database]:
    """The backend's database inside a transaction that is rolled back after the test."""
    configure_settings(backend.settings)
    connection = backend.engine.connect()
    transaction = connection.begin()
    database = db.configure(db.Database(backend.engine, bind=connection))
    yield database
    transaction.rollback()
    connection.close()


@pytest.fixture
def session(database: db.Database) -> Iterator[sa.orm.Session]:
    """A session for service-level tests (inside the rolled-back transaction)."""
    with database.session_scope() as session:
        yield session


@pytest.fixture
def app(backend: Backend, database: db.Database):
    from server.app import create_app

    return create_app(backend.settings, database=database)


@pytest.fixture
def client(app):
    from starlette.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real Redis, empty for the test: the run's own (flushed before and after), or VIGIA_TEST_REDIS_URL's (only
    the keys the test added are deleted)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    server = _redis()
    try:
        with Redis.from_url(server.url) as connection:
            connection.ping()
    except RedisConnectionError as exc:
        unavailable(f"Redis does not answer at {server.url}: {exc}")
    with server.clean():
        yield server.url


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(json.loads(JsonFormatter().format(record)))


@pytest.fixture
def vigia_logs() -> Iterator[_Collector]:
    """The structured log lines Vigía writes during the test, as the JSON objects it prints."""
    collector = _Collector()
    logger = logging.getLogger("vigia")
    previous = logger.level
    logger.addHandler(collector)
    logger.setLevel(logging.DEBUG)
    yield collector
    logger.removeHandler(collector)
    logger.setLevel(previous)


@contextmanager
def committed_demo_database(backend_name: str, tmp_path: Path, template: Settings) -> Iterator[tuple[Settings, db.Database]]:
    """A fresh, migrated database with the demo fixtures *committed*, for other processes and threads (a
    worker, a CLI command, concurrent writers), which cannot see a rolled-back test transaction. A copy of the
    session's database as it was right after loading (the same migrations and demo data), when the session made
    one for this backend and the day has not changed (a test that travels in time gets a database loaded then)."""
    pristine = _PRISTINE.get(backend_name)
    copying = pristine is not None and pristine.day == _demo_day()
    fresh = _copy_of_pristine(pristine, tmp_path) if copying else fresh_database(backend_name, tmp_path)
    settings = template.model_copy(update={"database_url": fresh.url})
    engine = db.make_engine(settings)
    try:
        database = db.Database(engine)
        if not copying:
            migrate.upgrade(engine)
            with database.session_scope() as session:
                fixtures.load(session)
        yield settings, database
    finally:
        engine.dispose()
        fresh.drop()
