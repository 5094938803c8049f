"""Media tests write photos to a folder (or a bucket prefix) of their own, so each test sees exactly the files it
made. Tests that look at the stored files name `photo_store` and run on disk and in S3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import Settings, configure_settings
from tests.conftest import Backend

# Small enough that a noisy test JPEG exceeds it; the default (15 MB) is tested in test_config-like checks.
TEST_MAX_PHOTO_BYTES = 1_000_000


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that names `photo_store` (it looks at what was stored) runs with the photos on disk and in the
    S3 bucket (moto on loopback, tests/objectstore.py); the others keep the disk."""
    if "photo_store" in metafunc.definition._fixtureinfo.argnames and \
            not any(mark.name == "parametrize" and "photo_store" in str(mark.args[0])
                    for mark in metafunc.definition.iter_markers()):
        metafunc.parametrize("photo_store", ["disk", "s3"], indirect=True)


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def media_settings(backend: Backend, database, media_dir: Path, photo_store) -> Iterator[Settings]:
    settings = configure_settings(backend.settings.model_copy(
        update={**photo_store.overrides, "media_dir": media_dir, "max_photo_bytes": TEST_MAX_PHOTO_BYTES}))
    yield settings
    configure_settings(backend.settings)


@pytest.fixture
def session(media_settings, session):
    """The parent's rolled-back session, with the media settings in force."""
    yield session


@pytest.fixture
def app(media_settings: Settings, database):
    from server.app import create_app

    return create_app(media_settings, database=database)


def files_under(root: Path, folder: str) -> list[Path]:
    base = root / folder
    return sorted(path for path in base.rglob("*") if path.is_file()) if base.exists() else []
