"""A photo upload that resumes on any instance (issue 20, point 2; docs/sync.md, section 4): two `vigia serve`
processes with separate MEDIA_DIRs (separate disks) on one database, reached over real HTTP, as two app
instances behind a round-robin proxy would be. The phone's chunks land on either; nothing lives on a disk until
the photo is whole."""

from __future__ import annotations

import hashlib
import io
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from tusclient import client as tus

from server import db
from server.config import configure_settings
from server.db import utcnow
from server.media.models import Photo
from server.sync import upload_parts, uploads
from server.sync.models import Upload
from tests.conftest import Backend, committed_demo_database
from tests.live import LiveVigia, vigia_env
from tests.sync.test_uploads import (COMPLAINTS, PHOTOS, UPLOADS, Phone, assert_tus_error, create, encode, jpeg,
                                     parts, phone_with_photo, tus_headers, upload_id_of)

CHUNK = 256 * 1024  # the field app's chunk (pwa/src/sync/engine.js)


class Two:
    """Instances `a` and `b` and the database they share."""

    def __init__(self, a: LiveVigia, b: LiveVigia, database: db.Database) -> None:
        self.a, self.b, self.database = a, b, database

    def phone(self, photo: bytes) -> Phone:
        with self.database.session_scope() as session:
            return phone_with_photo(session, photo)


@pytest.fixture(scope="module")
def two(backend: Backend, tmp_path_factory) -> Iterator[Two]:
    tmp = tmp_path_factory.mktemp("two-instances")
    template = backend.settings.model_copy(update={"media_dir": tmp / "media-test"})
    with committed_demo_database(backend.name, tmp, template) as (settings, database):
        configure_settings(settings)
        db.configure(database)
        instances: list[LiveVigia] = []
        try:
            for name in ("a", "b"):
                own = settings.model_copy(update={"media_dir": tmp / f"media-{name}"})
                logs = tmp / f"logs-{name}"
                logs.mkdir()
                instance = LiveVigia(settings=own, database=database, logs=logs, env=vigia_env(own, redis_url=None))
                instances.append(instance)
                instance.start_server(workers=1)
            yield Two(instances[0], instances[1], database)
        finally:
            for instance in instances:
                instance.stop()
            configure_settings(backend.settings)


def original(instance: LiveVigia, photo: bytes) -> Path:
    digest = hashlib.sha256(photo).hexdigest()
    return Path(instance.settings.media_dir) / "originals" / digest[:2] / digest


def wait_for_thumbnails(instance: LiveVigia, phone: Phone, photo_id: uuid.UUID, seconds: float = 60) -> dict:
    """The public copies are made by a background job after the upload's transaction: wait until it says so."""
    deadline = time.monotonic() + seconds
    while True:
        shown = requests.get(f"{instance.url}{PHOTOS}/{photo_id}", headers=phone.headers, timeout=10)
        assert shown.status_code == 200, shown.text
        if shown.json()["variants_status"] != "pending" or time.monotonic() > deadline:
            return shown.json()
        time.sleep(0.2)


def test_an_upload_cut_on_one_instance_resumes_on_the_other(two: Two) -> None:
    photo = jpeg(1800, 1350)
    assert len(photo) > 3 * CHUNK + (1 << 20)  # the rest travels in one request of more than a database part
    phone = two.phone(photo)

    # Through instance a, three chunks; then the phone loses its connection.
    first = tus.TusClient(two.a.url + UPLOADS, headers=phone.headers).uploader(
        file_stream=io.BytesIO(photo), chunk_size=CHUNK, metadata=phone.metadata)
    first.upload(stop_at=3 * CHUNK)
    upload_id = upload_id_of(first.url)
    assert first.url.startswith(two.a.url)

    # Its next request reaches instance b, which knows where the upload stands.
    elsewhere = f"{two.b.url}{UPLOADS}{upload_id}"
    head = requests.head(elsewhere, headers=tus_headers(phone), timeout=10)
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (str(3 * CHUNK), str(len(photo)))
    assert uploads.parse_metadata(head.headers["upload-metadata"]) == phone.metadata
    with two.database.session_scope() as session:
        assert uploads.held(session, upload_id) == photo[:3 * CHUNK]
    for instance in (two.a, two.b):  # nothing on either disk
        assert not (Path(instance.settings.media_dir) / "uploads").exists()

    second = tus.TusClient(two.b.url + UPLOADS, headers=phone.headers).uploader(
        file_stream=io.BytesIO(photo), url=elsewhere, chunk_size=4 << 20, upload_checksum=True)
    assert second.offset == 3 * CHUNK
    second.upload()
    assert second.offset == len(photo)

    # Both instances tell the same story; the photo joined its complaint once, stored once (by b, which got the
    # last byte: a shared object store is issue 20's point 1), and its thumbnails were made.
    for instance in (two.a, two.b):
        done = requests.head(f"{instance.url}{UPLOADS}{upload_id}", headers=tus_headers(phone), timeout=10)
        assert done.headers["upload-offset"] == done.headers["upload-length"] == str(len(photo))
        complaint = requests.get(f"{instance.url}{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers,
                                 timeout=10)
        assert complaint.json()["photos"] == [str(phone.attachment_id)]
    assert original(two.b, photo).read_bytes() == photo
    assert not original(two.a, photo).exists()
    shown = wait_for_thumbnails(two.b, phone, phone.attachment_id)
    assert shown["variants_status"] == "ready", shown
    assert (shown["width"], shown["height"]) == (1800, 1350)
    thumbnail = requests.get(f"{two.b.url}{PHOTOS}/{phone.attachment_id}/320", headers=phone.headers, timeout=10)
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"

    # Sent again through a (a phone that never heard the answer): nothing to send, nothing doubled.
    again = requests.post(two.a.url + UPLOADS, timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata)}))
    assert again.status_code == 201 and again.headers["upload-offset"] == str(len(photo))
    with two.database.session_scope() as session:
        digest = hashlib.sha256(photo).hexdigest()
        assert session.scalar(sa.select(sa.func.count()).select_from(Photo).where(Photo.sha256 == digest)) == 1
        assert parts(session, upload_id) == 0
        assert session.get(Upload, upload_id).completed_at is not None


def test_chunks_racing_for_the_same_offset_on_both_instances_are_kept_once(two: Two) -> None:
    """Six requests carry the same chunk at the same offset at once, three to each instance (a phone that
    retried while its first request was still on its way): one is kept, the others are told where the upload
    now stands, and the bytes are not doubled."""
    photo = jpeg(1200, 900)
    assert len(photo) > 3 * CHUNK
    phone = two.phone(photo)
    created = requests.post(two.a.url + UPLOADS, data=photo[:CHUNK], timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata),
                  "Content-Type": "application/offset+octet-stream"}))
    assert created.status_code == 201 and created.headers["upload-offset"] == str(CHUNK)
    upload_id = upload_id_of(created.headers["location"])
    chunk = photo[CHUNK:2 * CHUNK]
    start = threading.Barrier(6)
    answers: list[requests.Response] = []

    headers = tus_headers(phone, **{"Upload-Offset": str(CHUNK), "Content-Type": "application/offset+octet-stream"})

    def send(instance: LiveVigia) -> None:
        start.wait()
        answers.append(requests.patch(f"{instance.url}{UPLOADS}{upload_id}", data=chunk, timeout=60,
                                      headers=headers))

    racers = [threading.Thread(target=send, args=(instance,)) for instance in (two.a, two.b) * 3]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(answer.status_code for answer in answers) == [204, 409, 409, 409, 409, 409], \
        [answer.text for answer in answers]
    for answer in answers:
        assert answer.headers["upload-offset"] == str(2 * CHUNK)
        if answer.status_code == 409:
            assert_tus_error(answer, 409, "upload_offset_mismatch")
    with two.database.session_scope() as session:
        assert uploads.held(session, upload_id) == photo[:2 * CHUNK]

    rest = requests.patch(f"{two.b.url}{UPLOADS}{upload_id}", data=photo[2 * CHUNK:], timeout=30,
                          headers=tus_headers(phone, **{"Upload-Offset": str(2 * CHUNK),
                                                        "Content-Type": "application/offset+octet-stream"}))
    assert rest.status_code == 204, rest.text
    complaint = requests.get(f"{two.a.url}{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers, timeout=10)
    assert complaint.json()["photos"] == [str(phone.attachment_id)]
    with two.database.session_scope() as session:
        stored = session.get(Photo, phone.attachment_id)
        assert (stored.sha256, stored.size_bytes) == (hashlib.sha256(photo).hexdigest(), len(photo))
        assert parts(session, upload_id) == 0


def test_errors_across_instances_are_clear_and_lose_nothing(two: Two, backend: Backend) -> None:
    photo = jpeg(400, 300)
    phone = two.phone(photo)
    too_big = requests.post(two.a.url + UPLOADS, timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(backend.settings.max_photo_bytes + 1),
                  "Upload-Metadata": encode(phone.metadata), "Accept-Language": "en"}))
    assert_tus_error(too_big, 413, "upload_too_large")

    created = requests.post(two.a.url + UPLOADS, timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata)}))
    upload_id = upload_id_of(created.headers["location"])

    def patch(instance: LiveVigia, offset: int, data: bytes) -> requests.Response:
        return requests.patch(f"{instance.url}{UPLOADS}{upload_id}", data=data, timeout=30, headers=tus_headers(
            phone, **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream",
                      "Accept-Language": "en"}))

    assert patch(two.a, 0, photo[:1000]).status_code == 204
    for offset in (0, 500, 2000):  # behind and ahead of what a kept, asked of b
        refused = patch(two.b, offset, photo[offset:offset + 1000])
        error = assert_tus_error(refused, 409, "upload_offset_mismatch")
        assert refused.headers["upload-offset"] == "1000"
        assert error["message"].startswith(f"The request starts at byte {offset}, but the server holds 1000;")
    assert_tus_error(patch(two.b, 1000, photo[1000:] + b"extra"), 413, "upload_exceeds_length")
    with two.database.session_scope() as session:
        assert uploads.held(session, upload_id) == photo[:1000]

    # The whole file is not the declared one: refused when b gets the last byte, and the upload is gone.
    forged = photo[1000:-1] + bytes([photo[-1] ^ 0xFF])
    assert_tus_error(patch(two.b, 1000, forged), 460, "upload_hash_mismatch")
    assert requests.head(f"{two.a.url}{UPLOADS}{upload_id}", headers=tus_headers(phone), timeout=10).status_code == 404
    with two.database.session_scope() as session:
        assert parts(session, upload_id) == 0
    complaint = requests.get(f"{two.a.url}{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers, timeout=10)
    assert complaint.json()["photos"] == []
    assert not original(two.a, photo).exists() and not original(two.b, photo).exists()


def test_an_abandoned_upload_expires_everywhere_and_tick_removes_its_bytes(two: Two) -> None:
    photo = jpeg(400, 300)
    phone = two.phone(photo)
    created = requests.post(two.a.url + UPLOADS, data=photo[:CHUNK // 4], timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata),
                  "Content-Type": "application/offset+octet-stream"}))
    assert created.status_code == 201, created.text
    upload_id = upload_id_of(created.headers["location"])
    kept = requests.post(two.b.url + UPLOADS, timeout=10, headers=tus_headers(  # another, still in progress
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata)}))
    kept_id = upload_id_of(kept.headers["location"])
    assert requests.patch(f"{two.b.url}{UPLOADS}{kept_id}", data=photo[:100], timeout=10, headers=tus_headers(
        phone, **{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})).status_code == 204
    with two.database.session_scope() as session:
        session.execute(sa.update(Upload).where(Upload.id == upload_id)
                        .values(expires_at=utcnow() - timedelta(minutes=1)))
    for instance in (two.a, two.b):
        gone = requests.head(f"{instance.url}{UPLOADS}{upload_id}", headers=tus_headers(phone), timeout=10)
        assert gone.status_code == 410 and gone.headers["tus-resumable"] == "1.0.0"
    late = requests.patch(f"{two.b.url}{UPLOADS}{upload_id}", data=photo[CHUNK // 4:], timeout=10,
                          headers=tus_headers(phone, **{"Upload-Offset": str(CHUNK // 4),
                                                        "Content-Type": "application/offset+octet-stream"}))
    assert_tus_error(late, 410, "upload_expired")

    ticked = two.a.cli("tick")
    assert ticked.returncode == 0, ticked.stderr
    assert "1 expired photo uploads deleted" in ticked.stderr
    assert requests.head(f"{two.b.url}{UPLOADS}{upload_id}", headers=tus_headers(phone), timeout=10).status_code == 404
    with two.database.session_scope() as session:
        assert parts(session, upload_id) == 0 and session.get(Upload, upload_id) is None
        assert uploads.held(session, kept_id) == photo[:100]


def test_bytes_start_at_an_offset_once_and_large_chunks_are_kept_in_parts(client, session) -> None:
    """Under the row lock, the last line: the primary key (upload, offset) refuses a second set of bytes at an
    offset whatever the code above it does. A chunk of more than a part is kept as several, read back in order."""
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    upload_id = upload_id_of(create(client, phone, len(photo)).headers["location"])
    store = upload_parts.DatabaseParts()
    store.write(session, upload_id, 0, photo[:100])
    with pytest.raises(IntegrityError), session.begin_nested():
        store.write(session, upload_id, 0, photo[:100])
    big = bytes(range(256)) * (10 * upload_parts.PART_BYTES // 256 // 4)  # 2.5 parts
    store.write(session, upload_id, 100, big)
    assert parts(session, upload_id) == 1 + 3
    assert store.held(session, upload_id) == 100 + len(big)
    assert uploads.held(session, upload_id) == photo[:100] + big
    store.discard(session, upload_id)
    assert parts(session, upload_id) == 0 and store.held(session, upload_id) == 0
