"""Alembic, driven from Python so `vigia migrate` works from an installed package with no alembic.ini."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from server.db import prepare_spatial_database

# Package data (pyproject.toml). Alembic imports the revisions from a folder, so the package must be installed as
# files (a wheel or a checkout), which is how pip installs it.
SCRIPT_LOCATION = resources.files("server") / "migrations"


def script_location() -> str:
    """The migrations folder, or a RuntimeError the CLI prints as one line when the installation lacks it."""
    if not (SCRIPT_LOCATION / "env.py").is_file():
        raise RuntimeError(f"the database migrations are missing from this installation ({SCRIPT_LOCATION}); "
                           "reinstall Vigía")
    return str(SCRIPT_LOCATION)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location())
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, creating the spatial extension's metadata first if needed."""
    prepare_spatial_database(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", script_location())
    return ScriptDirectory.from_config(config).get_current_head()  # type: ignore[return-value]
