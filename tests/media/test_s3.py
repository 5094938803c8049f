"""Photos in an S3-compatible bucket (moto in server mode on loopback, tests/objectstore.py): copies streamed or
answered by a redirect to a presigned URL that the store serves, the store down, the start-up checks and
`vigia media-to-s3`."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx2 as httpx
import pytest

from server.config import Settings, configure_settings
from server.media.storage import derived_key, original_key
from tests.factories import bearer, token_for
from tests.media import samples
from tests.media.conftest import TEST_MAX_PHOTO_BYTES
from tests.objectstore import PhotoStore
from tests.services import free_port
from tests.test_app import assert_error_shape

ROOT = Path(__file__).resolve().parents[2]
BASE = "/api/v1/municipalities/10005/photos"
IN_S3 = pytest.mark.parametrize("photo_store", ["s3"], indirect=True)


@pytest.fixture
def app(media_settings: Settings, database, request):
    """The media app, with the settings a test adds through `extra_settings` (indirect parametrize)."""
    from server.app import create_app

    extra = getattr(request, "param", {})
    return create_app(configure_settings(media_settings.model_copy(update=extra)), database=database)


def staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def published_photo(client, session) -> dict:
    data = samples.phone_jpeg(1600, 1200)
    photo = client.post(BASE, content=data, headers={"Content-Type": "image/jpeg"}).json()
    decided = client.post(f"{BASE}/{photo['id']}/moderation", json={"decision": "approve", "reason": "revisada"},
                          headers=staff(session))
    assert decided.status_code == 200, decided.text
    return client.get(f"{BASE}/{photo['id']}").json()


def key_of(session, photo: dict, size: int) -> str:
    from server.media.models import Photo

    row = session.get(Photo, uuid.UUID(photo["id"]))
    return derived_key(municipality_id=row.municipality_id, sha256=row.sha256, version=row.public_version,
                       variant=size)


@IN_S3
def test_a_copy_is_streamed_from_the_bucket(client, session, photo_store: PhotoStore) -> None:
    photo = published_photo(client, session)
    served = client.get(photo["variants"]["1280"]["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    stored = photo_store.read(key_of(session, photo, 1280))
    assert served.content == stored and served.headers["content-length"] == str(len(stored))
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"


@IN_S3
@pytest.mark.parametrize("app", [{"media_presigned_redirect": True, "media_presigned_expiry_seconds": 120}],
                         indirect=True)
def test_with_the_redirect_setting_the_store_serves_the_copy(client, session, photo_store: PhotoStore) -> None:
    photo = published_photo(client, session)
    url = photo["variants"]["320"]["url"]
    redirect = client.get(url, follow_redirects=False)
    assert redirect.status_code == 307, redirect.text
    assert redirect.headers["cache-control"] == "public, max-age=60"  # less than the signed URL lives
    location = redirect.headers["location"]
    assert location.startswith(photo_store.server.endpoint_url + "/") and "X-Amz-Expires=120" in location
    from_store = httpx.get(location, timeout=10)  # the phone's second request goes to the store, not Vigía
    assert from_store.status_code == 200
    assert from_store.content == photo_store.read(key_of(session, photo, 320))
    assert from_store.headers["content-type"] == "image/jpeg"
    assert samples.MAKE.encode() not in from_store.content  # the public copy, not the original
    # An unpublished photo's copy never travels in a presigned URL: Vigía streams it, for staff only.
    private = client.post(BASE, content=samples.png(), headers={"Content-Type": "image/png"}).json()
    own = client.get(f"{BASE}/{private['id']}", headers=staff(session)).json()
    streamed = client.get(own["variants"]["320"]["url"], headers=staff(session), follow_redirects=False)
    assert streamed.status_code == 200 and streamed.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("photo_store", ["disk"], indirect=True)
@pytest.mark.parametrize("app", [{"media_presigned_redirect": True}], indirect=True)
def test_on_disk_the_redirect_setting_changes_nothing(client, session, photo_store: PhotoStore) -> None:
    photo = published_photo(client, session)
    served = client.get(photo["variants"]["320"]["url"], follow_redirects=False)
    assert served.status_code == 200 and served.content == photo_store.read(key_of(session, photo, 320))


@IN_S3
def test_when_the_store_does_not_answer_an_upload_is_503_and_nothing_is_recorded(backend, database, media_dir,
                                                                                 photo_store: PhotoStore) -> None:
    from starlette.testclient import TestClient

    from server.app import create_app

    down = backend.settings.model_copy(update={**photo_store.overrides, "media_dir": media_dir,
                                               "max_photo_bytes": TEST_MAX_PHOTO_BYTES,
                                               "s3_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    with TestClient(create_app(down, database=database), raise_server_exceptions=False) as client:
        data = samples.png()
        answer = client.post(BASE, content=data, headers={"Content-Type": "image/png", "Accept-Language": "en"})
        error = assert_error_shape(answer, 503, "storage_unavailable")
        assert answer.headers["retry-after"] == "5" and "127.0.0.1" not in error["message"]
        with database.session_scope() as session:
            from server.media.models import Photo

            assert session.query(Photo).filter(Photo.sha256 == hashlib.sha256(data).hexdigest()).count() == 0
    configure_settings(backend.settings)


# ------------------------------------------------------------------------------------------------ start-up


def _vigia(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("S3_", "MEDIA_", "AWS_"))}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env={
        **clean, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", **env}, cwd=ROOT, capture_output=True, text=True,
        timeout=timeout)


def test_bad_storage_settings_stop_the_server_with_one_clear_line(s3_server, tmp_path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"}
    no_bucket = _vigia("serve", "--no-migrate", env={**database, "MEDIA_STORAGE": "s3"})
    assert no_bucket.returncode == 2
    assert no_bucket.stderr.strip() == "error: settings: MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name)"
    missing = _vigia("serve", "--no-migrate", env={**database, **s3_server.env(), "S3_BUCKET": "no-such-bucket"})
    assert missing.returncode == 2
    assert missing.stderr.strip() == (f"error: S3_BUCKET 'no-such-bucket' does not exist at the object store "
                                      f"({s3_server.endpoint_url}): create it first")
    assert "Traceback" not in no_bucket.stderr + missing.stderr


@pytest.mark.parametrize("changed,says", [
    ({"s3_bucket": "Fotos_2026"}, "S3_BUCKET: S3_BUCKET 'Fotos_2026' is not a bucket name"),
    ({"s3_secret_access_key": ""}, "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither"),
    ({"s3_endpoint_url": "minio:9000"}, "S3_ENDPOINT_URL: must be the store's base URL, http(s)://host[:port]"),
    ({"s3_prefix": "../fotos"}, "S3_PREFIX: S3_PREFIX must be a folder name"),
])
def test_settings_that_do_not_hold_together_are_named(s3_server, changed, says) -> None:
    from pydantic import ValidationError

    from server.cli import _settings_error

    with pytest.raises(ValidationError) as caught:
        Settings(**{**s3_server.settings(), **changed})
    assert says in _settings_error(caught.value)


def test_a_store_that_cannot_be_reached_is_said_at_start(s3_server) -> None:
    from server.config import ConfigurationError
    from server.media.s3 import S3Storage

    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConfigurationError, match=rf"the object store \({closed}\) cannot be reached"):
        S3Storage(Settings(**{**s3_server.settings(), "s3_endpoint_url": closed})).check()
    S3Storage(Settings(**s3_server.settings())).check()  # the run's bucket is there


# ------------------------------------------------------------------------------------------------ media-to-s3


def _media_dir(root: Path, count: int = 3) -> tuple[list[bytes], list[str]]:
    """A MEDIA_DIR as `LocalStorage` leaves it: originals, public copies, a tus partial file, a stray temp file."""
    photos = [samples.phone_jpeg(40 + index, 30) for index in range(count)]
    keys = []
    for data in photos:
        sha256 = hashlib.sha256(data).hexdigest()
        path = root / original_key(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        keys.append(original_key(sha256))
        copy = root / derived_key(municipality_id=uuid.uuid4(), sha256=sha256, version=1, variant=320)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data[:200])
        keys.append(copy.relative_to(root).as_posix())
    (root / "uploads").mkdir()
    (root / "uploads" / f"{uuid.uuid4()}.part").write_bytes(b"half")
    (root / "originals" / ".tmp-x").write_bytes(b"crash")
    return photos, keys


def test_media_to_s3_copies_verifies_resumes_and_refuses_a_corrupted_original(s3_server, tmp_path) -> None:
    media = tmp_path / "media"
    photos, keys = _media_dir(media)
    prefix = f"t-{uuid.uuid4().hex[:12]}/"
    store = PhotoStore("s3", media, s3_server, prefix=prefix)
    env = {"MEDIA_DIR": str(media), **s3_server.env(prefix)}
    env.pop("MEDIA_STORAGE")  # still on disk while the copy is made
    bad = keys[2]  # the second photo's original: one byte changed on the disk
    damaged = bytearray((media / bad).read_bytes())
    damaged[-3] ^= 0xFF
    (media / bad).write_bytes(bytes(damaged))

    first = _vigia("media-to-s3", env=env)
    assert first.returncode == 1, first.stderr
    assert "originals: 2 copied, 0 already in the bucket, 1 mismatched" in first.stdout
    assert "public copies: 3 copied, 0 already in the bucket, 0 refused" in first.stdout
    assert f"MISMATCH {bad}: the file on disk does not match its name" in first.stdout
    assert "FAILED: 1 files do not match" in first.stdout
    assert store.keys("originals") == sorted(key for key in keys if key.startswith("originals/") and key != bad)
    assert store.keys("public") == sorted(key for key in keys if key.startswith("public/"))
    assert store.read(keys[0]) == photos[0]
    assert store.keys("uploads") == [] and ".tmp-x" not in str(store.keys("originals"))

    (media / bad).write_bytes(photos[1])  # restored from the backup: the run goes on where it stopped
    second = _vigia("media-to-s3", "--verify-bucket", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "originals: 1 copied, 2 already in the bucket (2 read back and verified), 0 mismatched" in second.stdout
    assert "public copies: 0 copied, 3 already in the bucket, 0 refused" in second.stdout
    assert second.stdout.rstrip().endswith("done: every original matches its SHA-256")
    assert store.read(bad) == photos[1]

    # Other bytes under an original's name in the bucket are reported and left there, never overwritten.
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=prefix + keys[0], Body=b"not the photo")
    third = _vigia("media-to-s3", env=env)
    assert third.returncode == 1
    assert f"MISMATCH {keys[0]}: the bucket holds other bytes under this name" in third.stdout
    assert store.read(keys[0]) == b"not the photo"


def test_media_to_s3_needs_a_bucket(tmp_path) -> None:
    answer = _vigia("media-to-s3", env={"MEDIA_DIR": str(tmp_path)})
    assert answer.returncode == 2 and answer.stderr.startswith("error: S3_BUCKET is not set")
