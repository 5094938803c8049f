"""Settings come from the environment, with defaults a newcomer can run; production refuses unsafe ones."""

from __future__ import annotations

import pytest

from server.config import DEFAULT_SECRET_KEY, ConfigurationError, Settings


def test_embedded_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "VIGIA_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///var/vigia.db"
    assert settings.is_sqlite
    assert settings.redis_url is None
    assert settings.cors_origins == []
    assert settings.vigia_env == "development"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://vigia:clave@db.internal:5432/vigia")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    monkeypatch.setenv("ALLOWED_HOSTS", "vigia.durango.gob.mx, api.vigia.mx")
    monkeypatch.setenv("CORS_ORIGINS", "https://app.vigia.mx")
    monkeypatch.setenv("VIGIA_ENV", "production")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://vigia:clave@db.internal:5432/vigia"
    assert not settings.is_sqlite
    assert settings.redis_url == "redis://cache.internal:6379/0"
    assert settings.allowed_hosts == ["vigia.durango.gob.mx", "api.vigia.mx"]
    assert settings.cors_origins == ["https://app.vigia.mx"]
    assert settings.vigia_env == "production"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(vigia_env="production", secret_key=DEFAULT_SECRET_KEY).check_production()
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(vigia_env="production", secret_key="short").check_production()


def test_production_refuses_any_host() -> None:
    with pytest.raises(ConfigurationError, match="ALLOWED_HOSTS"):
        Settings(vigia_env="production", secret_key="x" * 40, allowed_hosts=["*"]).check_production()


def test_production_accepts_a_real_secret() -> None:
    Settings(vigia_env="production", secret_key="x" * 40, allowed_hosts=["vigia.example"]).check_production()
    Settings(vigia_env="development").check_production()  # the default secret is fine on a laptop


def test_only_vigia_env_selects_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGIA_ENV", raising=False)
    monkeypatch.setenv("ENV", "production")
    assert Settings().vigia_env == "development"


def test_instance_name_defaults_to_host_and_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import socket

    monkeypatch.delenv("INSTANCE_NAME", raising=False)
    monkeypatch.setattr(socket, "gethostname", lambda: "app-1.vigia.internal")
    assert Settings().instance == f"app-1.vigia.internal:{os.getpid()}"
    monkeypatch.setattr(socket, "gethostname", lambda: "servidor ñ")  # not what a header may carry: tidied
    assert Settings().instance == f"servidor--:{os.getpid()}"
    monkeypatch.setenv("INSTANCE_NAME", "app-2.mx-central")
    assert Settings().instance == "app-2.mx-central"
    monkeypatch.setenv("INSTANCE_NAME", "")
    assert Settings().instance == ""  # no header at all


def test_instance_name_must_fit_in_a_header(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    for bad in ("app 2", "app\r\nSet-Cookie: x", "x" * 65, "instancia-ñ"):
        monkeypatch.setenv("INSTANCE_NAME", bad)
        with pytest.raises(ValidationError, match="INSTANCE_NAME"):
            Settings()
