"""Short test sessions for mutation testing: the demo database built once, copied into each session.

Mutation testing (docs/testing.md, "Mutation testing") starts one pytest session per mutant, and each session
would migrate a fresh SQLite database and load the demo data (about 4 s on this project's machines). With this
plugin (`pytest -p tests.template_db`) and `VIGIA_TEST_TEMPLATE_DB` naming a folder built by
`python -m tests.template_db build FOLDER`, every SQLite database that tests/conftest.py prepares with the demo
data (the session's `backend`, `committed_demo_database`) starts as a copy of the template's database, and the
photo store as a copy of its photos; migrating then finds nothing to do, and loading the demo data into such a
copy is skipped (fixtures.load is idempotent: it would change nothing).
Databases that tests make for themselves (migrations, the CLI) still start empty.

The demo's dates follow the day it is loaded (server/demo_calendar.py), so a template serves only the day it
was built on: the plugin refuses one of another day or another migration head, and the mutation command builds
it at the start of each run with VIGIA_TEST_TODAY fixed for the whole run. SpatiaLite only.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

ENV = "VIGIA_TEST_TEMPLATE_DB"
DATABASE = "vigia.db"
MEDIA = "media"
MANIFEST = "manifest.json"
# The functions in tests/conftest.py that migrate a new database and load the demo data into it.
PREPARERS = {"backend", "committed_demo_database"}

_copied: set[Path] = set()  # the databases that started as a copy: loading the demo data into them is skipped


def _today() -> date:
    from tests.clock import DEMO_TIME_ZONE, chosen_day

    return chosen_day() or datetime.now(DEMO_TIME_ZONE).date()


def _folder() -> Path | None:
    value = os.environ.get(ENV, "").strip()
    return Path(value).resolve() if value else None


def build(folder: Path) -> dict[str, Any]:
    """Migrate a new SQLite database in `folder` and load the demo data, as tests/conftest.py's `backend` does
    (same settings, same clock: VIGIA_TEST_TODAY is honoured)."""
    import time_machine

    from server import db, fixtures, migrate
    from server.config import configure_settings
    from tests.clock import DEMO_TIME_ZONE, chosen_day
    from tests.conftest import base_settings

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    day = chosen_day()
    travel = time_machine.travel(datetime.combine(day, time(11, 0), DEMO_TIME_ZONE), tick=True) if day else None
    if travel:
        travel.start()
    try:
        settings = configure_settings(base_settings(database_url=f"sqlite:///{folder / DATABASE}",
                                                    media_dir=folder / MEDIA))
        engine = db.make_engine(settings)
        try:
            migrate.upgrade(engine)
            database = db.configure(db.Database(engine))
            with database.session_scope() as session:
                fixtures.load(session)
        finally:
            engine.dispose()
        manifest = {"day": _today().isoformat(), "head": migrate.head()}
    finally:
        if travel:
            travel.stop()
    (folder / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    return manifest


def _check(folder: Path) -> None:
    from server import migrate

    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise pytest.UsageError(f"{ENV}={folder}: no template there; build it with "
                                f"`python -m tests.template_db build {folder}`") from None
    today, head = _today().isoformat(), migrate.head()
    if manifest.get("day") != today or manifest.get("head") != head:
        raise pytest.UsageError(
            f"{ENV}={folder} was built on {manifest.get('day')} at migration {manifest.get('head')}; this run is on "
            f"{today} at {head}. The demo's dates follow the day of loading: build it again "
            f"(`python -m tests.template_db build {folder}`) or set VIGIA_TEST_TODAY={manifest.get('day')}.")


def _copying_make_engine(original: Any, folder: Path) -> Any:
    def make_engine(settings: Any) -> Any:
        caller = sys._getframe(1).f_code
        if caller.co_name in PREPARERS and Path(caller.co_filename).match("tests/conftest.py"):
            from server.db import _sqlite_path

            path = _sqlite_path(settings.database_url) if settings.database_url.startswith("sqlite") else None
            if path is not None and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / DATABASE, path)
                shutil.copytree(folder / MEDIA, Path(settings.media_dir), dirs_exist_ok=True)
                _copied.add(path.resolve())
        return original(settings)

    return make_engine


def _skipping_load(original: Any) -> Any:
    def load(session: Any, *args: Any, **kwargs: Any) -> Any:
        # Loading again would change nothing (fixtures.load is idempotent) but costs a second per session.
        database = session.get_bind().url.database
        if database and Path(database).resolve() in _copied:
            return {}
        return original(session, *args, **kwargs)

    return load


def pytest_configure(config: pytest.Config) -> None:
    folder = _folder()
    if folder is None:
        return
    _check(folder)
    from server import db, fixtures

    config.add_cleanup(lambda original=db.make_engine: setattr(db, "make_engine", original))
    config.add_cleanup(lambda original=fixtures.load: setattr(fixtures, "load", original))
    db.make_engine = _copying_make_engine(db.make_engine, folder)
    fixtures.load = _skipping_load(fixtures.load)


def pytest_report_header(config: pytest.Config) -> str | None:
    folder = _folder()
    return f"demo database copied from the template {folder}" if folder else None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _folder() is not None and not _copied and terminalreporter.stats.get("passed"):
        terminalreporter.write_line(
            f"{ENV} is set but no database was copied from it: tests/conftest.py no longer prepares the demo "
            "database in `backend` or `committed_demo_database` (update PREPARERS in tests/template_db.py)")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "build":
        sys.exit("usage: python -m tests.template_db build FOLDER")
    print(json.dumps(build(Path(sys.argv[2]).resolve())))
