"""Public copies made in the background: in-process after the commit, and by a real `vigia worker` process."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa
from PIL import Image
from starlette.testclient import TestClient

from server import db, jobs
from server.auth.actor import ANONYMOUS
from server.config import configure_settings
from server.media import service
from server.media.jobs import make_variants
from server.media.models import Photo
from server.media.storage import original_key
from tests.conftest import Backend, committed_demo_database, on_one_database
from tests.factories import bearer, municipality, token_for
from tests.media import samples
from tests.media.conftest import files_under
from tests.test_app import assert_error_shape
from tests.test_jobs import ROOT, _run_worker

BASE = "/api/v1/municipalities/10005/photos"


def _status(database: db.Database, photo_id) -> str:
    with database.session_scope() as session:
        return session.scalar(sa.select(Photo.variants_status).where(Photo.id == photo_id))


def test_in_process_copies_wait_for_the_commit(database, media_settings, photo_store) -> None:
    with database.session_scope() as session:
        photo = service.store(session, actor=ANONYMOUS, municipality=municipality(session),
                              data=samples.phone_jpeg()).photo
        assert _status(database, photo.id) == "pending"
        assert photo_store.keys("public") == []
    assert _status(database, photo.id) == "ready"
    assert len(photo_store.keys("public")) == 2


def test_a_rolled_back_upload_makes_no_copies(database, media_settings, photo_store) -> None:
    data = samples.png()
    with pytest.raises(RuntimeError):
        with database.session_scope() as session:
            service.store(session, actor=ANONYMOUS, municipality=municipality(session), data=data)
            raise RuntimeError("the complaint that carried the photo failed")
    assert photo_store.keys("public") == []
    with database.session_scope() as session:
        assert session.scalar(sa.select(Photo).where(Photo.sha256 == hashlib.sha256(data).hexdigest())) is None


def test_a_failed_job_keeps_the_photo_and_says_so(database, media_settings, photo_store, client,
                                                  vigia_logs) -> None:
    with database.session_scope() as session:
        photo = service.store(session, actor=ANONYMOUS, municipality=municipality(session),
                              data=samples.png()).photo
    photo_store.remove(original_key(photo.sha256))  # the disk (or the bucket) lost the original
    job_id = jobs.enqueue(make_variants, photo.id)
    assert _status(database, photo.id) == "failed"
    failed = [line for line in vigia_logs.lines if line["event"] == "photo_variants_failed"]
    assert failed and failed[0]["photo_id"] == str(photo.id) and "FileNotFoundError" in failed[0]["error"]
    assert [line["job_id"] for line in vigia_logs.lines if line["event"] == "job_failed"] == [job_id]
    with database.session_scope() as session:
        staff = bearer(token_for(session, "contraloria@vigia.example"))  # not published: staff see it
    shown = client.get(f"{BASE}/{photo.id}", headers=staff).json()
    assert (shown["variants_status"], shown["variants"]) == ("failed", None)
    assert_error_shape(client.get(f"{BASE}/{photo.id}/320", headers=staff), 409, "photo_variant_failed")


def test_a_job_for_a_photo_that_is_gone_does_nothing(database, media_settings, vigia_logs) -> None:
    make_variants(str(uuid.uuid4()))
    assert [line["event"] for line in vigia_logs.lines] == ["photo_gone"]


# ------------------------------------------------------------------------------------------------ RQ worker


@pytest.fixture
def queued(backend: Backend, tmp_path, redis_url: str, monkeypatch, photo_store):
    """A committed database the worker process can read, a media folder (or bucket) it shares, and a queue of
    its own."""
    media = tmp_path / "media"
    template = backend.settings.model_copy(update={
        **photo_store.overrides, "media_dir": media, "redis_url": redis_url,
        "rq_queue": f"test-{uuid.uuid4().hex[:8]}"})
    with committed_demo_database(backend.name, tmp_path, template) as (settings, database):
        monkeypatch.setenv("MEDIA_DIR", str(media))  # the worker reads its settings from the environment
        if photo_store.server is not None:
            for name, value in photo_store.server.env(photo_store.prefix).items():
                monkeypatch.setenv(name, value)
        yield settings, database, media
    configure_settings(backend.settings)


def test_the_worker_process_makes_the_copies_and_the_api_says_pending_until_then(queued, redis_url,
                                                                                  photo_store) -> None:
    from server.app import create_app

    settings, database, media = queued
    with database.session_scope() as session:
        headers = bearer(token_for(session, "contraloria@vigia.example"))
    with TestClient(create_app(settings, database=database), raise_server_exceptions=False) as client:
        data = samples.phone_jpeg(1600, 1200)
        photo = client.post(BASE, content=data, headers={"Content-Type": "image/jpeg"}).json()
        shown = client.get(f"{BASE}/{photo['id']}", headers=headers).json()  # not published: staff see it
        assert (shown["variants_status"], shown["variants"]) == ("pending", None)  # queued, not made here
        pending = client.get(f"{BASE}/{photo['id']}/320", headers=headers)
        assert_error_shape(pending, 409, "photo_variant_pending")
        assert pending.headers["retry-after"] == "5"

        result = _run_worker(settings, redis_url, settings.rq_queue)
        assert result.returncode == 0, result.stderr
        shown = client.get(f"{BASE}/{photo['id']}", headers=headers).json()
        assert shown["variants_status"] == "ready"
        served = client.get(shown["variants"]["1280"]["url"], headers=headers)
        image = Image.open(io.BytesIO(served.content))
        assert image.size == (960, 1280) and dict(image.getexif()) == {}
        assert samples.MAKE.encode() not in served.content
        first_copies = photo_store.keys("public")
        assert len(first_copies) == 2  # written by the worker process, to the disk or the bucket

        box = {"x": 0, "y": 0, "width": 1200, "height": 400}  # the top quarter
        redacted = client.post(f"{BASE}/{photo['id']}/redactions", json={"rectangles": [box]}, headers=headers)
        assert redacted.status_code == 200 and redacted.json()["variants_status"] == "pending"
        assert_error_shape(client.get(f"{BASE}/{photo['id']}/1280", headers=headers), 409, "photo_variant_pending")
        result = _run_worker(settings, redis_url, settings.rq_queue)
        assert result.returncode == 0, result.stderr
        shown = client.get(f"{BASE}/{photo['id']}", headers=headers).json()
        assert shown["variants_status"] == "ready" and shown["variants"]["1280"]["url"].endswith("?v=2")
        image = Image.open(io.BytesIO(client.get(shown["variants"]["1280"]["url"], headers=headers).content))
        assert max(image.getpixel((480, 100))) < 15  # inside the box
        assert image.getpixel((480, 600))[0] > 150  # below it: the red half as before
    assert not set(first_copies) & set(photo_store.keys("public"))  # the unredacted copies were deleted
    [original] = photo_store.keys("originals")
    assert photo_store.read(original) == data


def test_a_job_for_a_version_already_made_or_redacted_since_does_nothing(database, media_settings, media_dir,
                                                                         vigia_logs) -> None:
    """A catch-up chore may queue a job that already ran (or that a redaction made obsolete): it does nothing."""
    with database.session_scope() as session:
        photo = service.store(session, actor=ANONYMOUS, municipality=municipality(session), data=samples.png()).photo
    assert _status(database, photo.id) == "ready"
    copies = {path: path.stat().st_mtime_ns for path in files_under(media_dir, "public")}
    make_variants(str(photo.id), 1)  # already made
    make_variants(str(photo.id), 2)  # a version it never had
    assert {path: path.stat().st_mtime_ns for path in files_under(media_dir, "public")} == copies
    assert [line["event"] for line in vigia_logs.lines if line["logger"] == "vigia.media"] == [
        "photo_variants_ready", "photo_variants_not_needed", "photo_variants_not_needed"]


def test_catch_up_makes_the_copies_of_photos_left_pending_in_process(database, media_settings, photo_store) -> None:
    """Embedded mode (no Redis): a photo left pending (the process died between the commit and its job) gets its
    copies from the next `vigia tick`."""
    with database.session_scope() as session:
        photo = service.store(session, actor=ANONYMOUS, municipality=municipality(session), data=samples.png()).photo
    with database.session_scope() as session:
        session.execute(sa.update(Photo).where(Photo.id == photo.id).values(variants_status="pending", variants={}))
    for key in photo_store.keys("public"):
        photo_store.remove(key)
    assert jobs.catch_up() == {"server.media.jobs.queue_pending": 1}
    assert _status(database, photo.id) == "ready"
    assert len(photo_store.keys("public")) == 2
    assert jobs.catch_up() == {"server.media.jobs.queue_pending": 0}


def _tick(settings, media) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "RQ_QUEUE": settings.rq_queue, "MEDIA_DIR": str(media), "PYTHONPATH": str(ROOT), "VIGIA_ENV": "test",
           "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "server.cli", "tick"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


# Five `vigia` processes (three ticks, a worker): on one database. The query the tick runs (queue_pending) is
# tested on both in-process, by test_catch_up_makes_the_copies_of_photos_left_pending_in_process above; what this
# adds is the CLI, Redis and the job queued once, the same on either database (docs/testing.md).
@on_one_database
def test_tick_queues_again_once_the_photos_whose_job_redis_never_got(queued, redis_url) -> None:
    """Redis was down when the photo committed: the upload still succeeded, pending. `vigia tick` queues its job
    (once however often it runs), the worker makes the copies, and the next tick finds nothing to do."""
    from server.app import create_app

    settings, database, media = queued
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(down, database=database), raise_server_exceptions=False) as client:
        uploaded = client.post(BASE, content=samples.png(), headers={"Content-Type": "image/png"})
    assert uploaded.status_code == 201 and uploaded.json()["variants_status"] == "pending"
    configure_settings(settings)
    assert jobs.queue(settings.rq_queue).count == 0  # nothing reached Redis

    first, second = _tick(settings, media), _tick(settings, media)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "server.media.jobs.queue_pending: 1 pending jobs queued again" in first.stderr
    assert "server.media.jobs.queue_pending: 0 pending jobs queued again" in second.stderr  # already queued
    assert jobs.queue(settings.rq_queue).count == 1
    assert _run_worker(settings, redis_url, settings.rq_queue).returncode == 0
    assert _status(database, uuid.UUID(uploaded.json()["id"])) == "ready"
    third = _tick(settings, media)
    assert "server.media.jobs.queue_pending: 0 pending jobs queued again" in third.stderr
    assert jobs.queue(settings.rq_queue).count == 0
