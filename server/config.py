"""Settings read from the environment, with embedded defaults.

A newcomer needs no configuration: the defaults give the embedded database (SQLite + SpatiaLite under `var/`)
and in-process jobs. Production points DATABASE_URL at PostgreSQL + PostGIS and REDIS_URL at Redis.
"""

from __future__ import annotations

import os
import re
import socket
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
_INSTANCE_NAME = re.compile(r"^[A-Za-z0-9._:-]{0,64}$")


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
    # Where photo bytes live (server/media/storage.py, docs/media.md "Object storage"): files under MEDIA_DIR
    # ("disk"), or an S3-compatible bucket ("s3": AWS S3, MinIO, Ceph, a cloud's object store). Tus uploads in
    # progress keep their bytes in the database (sync_upload_parts), whichever is chosen.
    media_storage: Literal["disk", "s3"] = "disk"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # unset: AWS itself; MinIO/Ceph: http(s)://host:port
    s3_region: str | None = None  # unset: the AWS chain (AWS_REGION, ~/.aws/config), else us-east-1
    # Unset: the standard AWS chain (AWS_ACCESS_KEY_ID..., AWS_PROFILE, web identity, the instance's role).
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_path_style: bool = False  # bucket in the path (http://minio:9000/bucket/key): MinIO, Ceph, most self-hosted
    s3_prefix: str = ""  # every key under this folder of the bucket (a bucket shared with other data)
    # Originals are written with If-None-Match: * so that the store itself refuses to overwrite one; turn off only
    # for a store that refuses the header (then a HEAD before the PUT, and the SHA-256 name makes a race harmless).
    s3_conditional_writes: bool = True
    s3_max_connections: int = Field(50, ge=1, le=1000)  # per process: the web threads and a worker share it
    # Public copies answered by a redirect to a presigned URL of the store (the bytes do not pass through Vigía),
    # valid this many seconds; S3_PUBLIC_ENDPOINT_URL when phones reach the store at another address.
    media_presigned_redirect: bool = False
    media_presigned_expiry_seconds: int = Field(300, ge=10, le=7 * 86_400)
    s3_public_endpoint_url: str | None = None
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
    # After start-up, move the objects alive then (code, models, schemas) out of the cyclic garbage collector's
    # reach (gc.freeze), so its full collections stop walking them (server/app.py). `vigia serve` turns it on
    # unless GC_FREEZE is set; an app made by a library caller or a test leaves the collector alone.
    gc_freeze: bool = False
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
    # Which process answered, in the `Vigia-Instance` header of every response (docs/deployment.md, "Past one
    # machine"): unset means <host name>:<process id> of each web process; an empty value sends no header.
    instance_name: str | None = None

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

    @field_validator("instance_name")
    @classmethod
    def _check_instance_name(cls, value: str | None) -> str | None:
        if value is not None and not _INSTANCE_NAME.match(value):
            raise ValueError("INSTANCE_NAME must be at most 64 letters, digits or . _ : - (it travels in a header)")
        return value

    @field_validator("s3_prefix")
    @classmethod
    def _check_prefix(cls, value: str) -> str:
        value = value.strip().strip("/")
        if value and (not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", value)
                      or {".", ".."} & set(value.split("/"))):
            raise ValueError("S3_PREFIX must be a folder name of letters, digits, '.', '_', '-' and '/', "
                             "e.g. vigia/photos")
        return value + "/" if value else ""

    @field_validator("s3_endpoint_url", "s3_public_endpoint_url")
    @classmethod
    def _check_endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^/\s]+/?", value.strip()):
            raise ValueError("must be the store's base URL, http(s)://host[:port], without a path")
        return value.strip().rstrip("/") if value else None

    @field_validator("s3_bucket", "s3_endpoint_url", "s3_region", "s3_access_key_id", "s3_secret_access_key",
                     "s3_public_endpoint_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # S3_REGION= in an environment file means "not set", as for AWS's own variables.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("s3_bucket")
    @classmethod
    def _check_bucket(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value):
            raise ValueError(f"S3_BUCKET {value!r} is not a bucket name (3-63 characters: lower-case letters, "
                             "digits, '.' and '-')")
        return value

    @model_validator(mode="after")
    def _check_storage(self) -> "Settings":
        if self.media_storage == "s3" and not self.s3_bucket:
            raise ValueError("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name)")
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError("set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS chain)")
        return self

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @property
    def instance(self) -> str:
        """The name this process gives in `Vigia-Instance` ("" for none): INSTANCE_NAME, else host:pid, read when
        asked (each uvicorn worker process builds its own app, so each names its own pid)."""
        if self.instance_name is not None:
            return self.instance_name
        host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:48] or "host"
        return f"{host}:{os.getpid()}"

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


def reread_environment() -> None:
    """Forget the settings read from the environment (a command that sets a variable before serving)."""
    _from_environment.cache_clear()


def get_settings() -> Settings:
    """The process-wide settings: those given to create_app, else read once from the environment."""
    return _configured if _configured is not None else _from_environment()
