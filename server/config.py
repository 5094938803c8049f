"""Settings read from the environment, with embedded defaults.

A newcomer needs no configuration: the defaults give the embedded database (SQLite + SpatiaLite under `var/`)
and in-process jobs. Production points DATABASE_URL at PostgreSQL + PostGIS and REDIS_URL at Redis.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"


class ConfigurationError(RuntimeError):
    """The environment asks for something Vigía refuses to run with."""


class Settings(BaseSettings):
    """Every knob Vigía reads from the environment (variable names are the upper-case field names)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    vigia_env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///var/vigia.db"
    redis_url: str | None = None
    rq_queue: str = "vigia"
    media_dir: Path = Path("var/media")
    secret_key: str = DEFAULT_SECRET_KEY
    allowed_hosts: Annotated[list[str], NoDecode] = ["127.0.0.1", "localhost", "[::1]"]
    cors_origins: Annotated[list[str], NoDecode] = []
    token_ttl_days: int = Field(90, ge=1, le=3650)
    max_body_bytes: int = Field(1_048_576, ge=1024)
    max_import_bytes: int = Field(20_971_520, ge=1024)  # OC4IDS packages and spreadsheets
    # Photos (server/media): the largest upload, the most pixels decoded, and the long side of each public copy.
    max_photo_bytes: int = Field(15 * 1024 * 1024, ge=1024)
    max_photo_pixels: int = Field(50_000_000, ge=1)
    photo_variants: Annotated[list[int], NoDecode] = [320, 1280]
    log_level: str = "INFO"
    spatialite_library: str = "mod_spatialite"
    # OC4IDS project ids are "<prefix>-<municipality code>-<work number>"; register a prefix with Open Contracting.
    oc4ids_prefix: str = "oc4ids-vigia"
    # The licence and publication policy (URLs) stated in OC4IDS exports of the works register.
    oc4ids_license: str = "https://creativecommons.org/licenses/by/4.0/"
    oc4ids_publication_policy: str | None = None
    db_pool_size: int = Field(10, ge=1)
    # The answer cache of public reads (server/answer_cache.py): bytes of answers kept per process; 0 turns it off.
    answer_cache_bytes: int = Field(32 * 1024 * 1024, ge=0)
    # argon2id cost; the defaults follow RFC 9106's second recommended option (64 MiB, 3 passes).
    password_memory_kib: int = Field(65_536, ge=1024)
    password_time_cost: int = Field(3, ge=1)
    login_max_failures: int = Field(5, ge=1)
    login_lockout_minutes: int = Field(15, ge=1)
    # Browser sessions (the desk, docs/api.md "Browser sessions"): the cookie is Secure unless this says otherwise
    # (browsers keep Secure cookies from http://127.0.0.1 and http://localhost too; set it to false only to serve
    # plain http on another address); a session ends after this many hours whatever happens, and after this many
    # minutes without a request (a shared office laptop left open).
    session_cookie_secure: bool = True
    session_hours: int = Field(10, ge=1, le=24 * 30)
    session_idle_minutes: int = Field(30, ge=1)
    # The anonymous follow-up (folio + secret code, docs/complaints.md): wrong codes allowed per client address and
    # per folio in each window, counted in the database so every web worker shares them.
    follow_up_max_failures_per_address: int = Field(20, ge=1)
    follow_up_max_failures_per_folio: int = Field(10, ge=1)
    follow_up_window_minutes: int = Field(15, ge=1)
    # Anonymous devices (docs/sync.md, "Anonymous devices"): enrolments allowed per client address per window.
    anonymous_device_max_per_address: int = Field(10, ge=1)
    anonymous_device_window_minutes: int = Field(60, ge=1)
    # Sync (docs/sync.md): an unfinished photo upload is kept this long after its last chunk.
    sync_upload_expiry_hours: int = Field(168, ge=1)
    # Deletions older than this leave the sync change log (`vigia tick`); an older cursor is told to start over.
    sync_retention_days: int = Field(90, ge=1)
    # The field app (server/pwa.py): where its build is (default: pwa/dist in a checkout, server/pwa_dist when
    # installed), and a map tile URL template whose origin the app's Content-Security-Policy then allows.
    vigia_pwa_dir: Path | None = None
    # Judges' notebooks (docs/notebooks.md): a notebook shows its figures to the public only when it covers at
    # least this many adjudicated rulings; below it the public reads that it is withheld, and why.
    vigia_notebook_min_rulings: int = Field(10, ge=1)
    vigia_map_tile_url: str | None = None

    @field_validator("allowed_hosts", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("photo_variants", mode="before")
    @classmethod
    def _split_sizes(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.split(",") if part.strip()]
        return value

    @field_validator("photo_variants")
    @classmethod
    def _check_sizes(cls, value: list[int]) -> list[int]:
        if not value or any(size < 16 or size > 8192 for size in value):
            raise ValueError("PHOTO_VARIANTS must list sizes in pixels between 16 and 8192, e.g. 320,1280")
        return sorted(set(value))

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production(self) -> None:
        """Refuse to start a production process with settings that are only safe on a laptop."""
        if self.vigia_env != "production":
            return
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if "*" in self.allowed_hosts:
            raise ConfigurationError("ALLOWED_HOSTS must list the real host names in production, not '*'.")


_configured: Settings | None = None


def configure_settings(settings: Settings) -> Settings:
    """Make `settings` the process-wide ones (create_app does this; tests pass their own)."""
    global _configured
    _configured = settings
    return settings


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings()


def get_settings() -> Settings:
    """The process-wide settings: those given to create_app, else read once from the environment."""
    return _configured if _configured is not None else _from_environment()
