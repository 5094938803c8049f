"""Photos over tus 1.0.0 (docs/sync.md, section 4): a real tus client against a real server, and the errors a
phone can run into, as it sees them."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.orm import Session
from tusclient import client as tus

from server import cli, db
from server.auth import service as auth
from server.complaints import intake
from server.complaints.schemas import ComplaintCreate
from server.db import utcnow
from server.sync import attachments, uploads
from server.sync.attachments import AttachmentIn
from server.sync.models import Upload, UploadPart
from tests.conftest import Backend
from tests.factories import bearer, complaint_body, municipality, token_for
from tests.inspections.conftest import setup  # noqa: F401  (the `setup` fixture)
from tests.live import served_demo
from tests.test_app import assert_error_shape

UPLOADS = "/api/v1/sync/uploads/"
COMPLAINTS = "/api/v1/municipalities/10005/complaints"
PHOTOS = "/api/v1/municipalities/10005/photos"
CHUNK = 64 * 1024


def jpeg(width: int = 800, height: int = 600) -> bytes:
    """A real photo of noise: JPEG barely compresses it, so it weighs a few hundred KB."""
    picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass
class Phone:
    """A volunteer's phone that filed a complaint offline and declared one photo for it."""

    headers: dict[str, str]
    complaint_id: uuid.UUID
    attachment_id: uuid.UUID
    metadata: dict[str, str]


def phone_with_photo(session: Session, data: bytes, *, email: str = "voluntaria@vigia.example") -> Phone:
    token = token_for(session, email, "Moto G de Rosa")
    actor = auth.authenticate(session, token=token)
    place = municipality(session)
    filed = intake.file(session, actor=actor, municipality=place, data=ComplaintCreate.model_validate(complaint_body()))
    attachment_id = uuid.uuid4()
    sha256 = hashlib.sha256(data).hexdigest()
    attachments.declare(session, actor=actor, device_id=actor.device_id, municipality=place,
                        record_type="complaint", record_id=filed.complaint.id,
                        items=[AttachmentIn(id=attachment_id, sha256=sha256)])
    session.flush()
    return Phone(headers={**bearer(token), "Vigia-Device": str(actor.device_id)},
                 complaint_id=filed.complaint.id, attachment_id=attachment_id,
                 metadata={"record": f"complaint:{filed.complaint.id}", "attachment": str(attachment_id),
                           "sha256": sha256, "filename": "foto.jpg", "filetype": "image/jpeg"})


def encode(metadata: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())


def tus_headers(phone: Phone, **extra: str) -> dict[str, str]:
    return {**phone.headers, "Tus-Resumable": "1.0.0", **extra}


def create(client, phone: Phone, length: int, *, data: bytes = b"", **extra: str):
    headers = tus_headers(phone, **{"Upload-Length": str(length), "Upload-Metadata": encode(phone.metadata)}, **extra)
    if data:
        headers["Content-Type"] = "application/offset+octet-stream"
    return client.post(UPLOADS, content=data, headers=headers)


def patch(client, phone: Phone, location: str, offset: int, data: bytes, **extra: str):
    headers = tus_headers(phone, **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
                          **extra)
    return client.patch(location, content=data, headers=headers)


def checksum(algorithm: str, data: bytes) -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def parts(session: Session, upload_id: uuid.UUID) -> int:
    """How many rows of bytes the database holds for an upload (docs/sync.md: they go with it)."""
    return session.scalar(sa.select(sa.func.count()).select_from(UploadPart).where(UploadPart.upload_id == upload_id))


def upload_id_of(location: str) -> uuid.UUID:
    return uuid.UUID(location.rsplit("/", 1)[1])


def assert_tus_error(response, status: int, code: str) -> dict:
    assert response.headers["tus-resumable"] == "1.0.0"
    return assert_error_shape(response, status, code)


# A test parametrised with photo_store runs with the photos on disk and in an S3 bucket (moto on loopback).
ON_DISK_AND_IN_S3 = pytest.mark.parametrize("photo_store", ["disk", "s3"], indirect=True)


@pytest.fixture
def app(backend: Backend, database, photo_store):
    """The app of the root conftest, with the photos in the bucket when the test asks for S3."""
    from server.app import create_app

    overrides = photo_store.overrides if photo_store.kind == "s3" else {}
    return create_app(backend.settings.model_copy(update=overrides), database=database)


# ------------------------------------------------------------------------------------------------ a real client


@pytest.fixture
def live_server(backend: Backend, tmp_path, photo_store) -> Iterator[tuple[str, db.Database]]:
    """A real server over a committed database (it cannot see a rolled-back test transaction)."""
    with served_demo(backend, tmp_path, **photo_store.overrides) as served:
        yield served


@ON_DISK_AND_IN_S3
def test_a_photo_cut_off_halfway_resumes_and_joins_its_complaint(live_server, photo_store) -> None:
    base_url, database = live_server
    photo = jpeg()
    assert len(photo) > 5 * CHUNK
    with database.session_scope() as session:
        phone = phone_with_photo(session, photo)
    client = tus.TusClient(base_url + UPLOADS, headers=phone.headers)

    first = client.uploader(file_stream=io.BytesIO(photo), chunk_size=CHUNK, metadata=phone.metadata)
    first.upload(stop_at=3 * CHUNK)  # then the bus enters a tunnel
    assert first.url.startswith(base_url + UPLOADS)
    head = requests.head(first.url, headers=tus_headers(phone), timeout=10)
    assert head.status_code == 200
    assert (head.headers["upload-offset"], head.headers["upload-length"]) == (str(3 * CHUNK), str(len(photo)))
    assert head.headers["cache-control"] == "no-store" and head.headers["tus-resumable"] == "1.0.0"
    assert head.headers["upload-expires"].endswith(" GMT")

    # A chunk damaged on the way is refused whole: the offset stays where it was.
    chunk = photo[3 * CHUNK:4 * CHUNK]
    flipped = chunk[:-1] + bytes([chunk[-1] ^ 0xFF])  # always differs (a noise photo's byte may already be 0)
    damaged = requests.patch(first.url, data=chunk, timeout=10, headers=tus_headers(
        phone, **{"Upload-Offset": str(3 * CHUNK), "Content-Type": "application/offset+octet-stream",
                  "Upload-Checksum": checksum("sha256", flipped)}))
    assert damaged.status_code == 460
    assert damaged.headers["tus-resumable"] == "1.0.0"
    assert damaged.json()["error"]["code"] == "upload_checksum_mismatch"

    # Another day, a new uploader asks the server where it stands and sends the rest (with checksums).
    second = client.uploader(file_stream=io.BytesIO(photo), url=first.url, chunk_size=CHUNK, upload_checksum=True)
    assert second.offset == 3 * CHUNK
    second.upload()
    assert second.offset == len(photo)

    done = requests.head(first.url, headers=tus_headers(phone), timeout=10)
    assert done.headers["upload-offset"] == done.headers["upload-length"] == str(len(photo))
    original = f"originals/{phone.metadata['sha256'][:2]}/{phone.metadata['sha256']}"
    assert photo_store.keys("originals") == [original] and photo_store.read(original) == photo  # disk or bucket
    with database.session_scope() as session:  # once committed, the bytes are the photo's: the parts are gone
        assert parts(session, upload_id_of(first.url)) == 0
    # A phone that lost the last answer may send an empty chunk.
    late = requests.patch(first.url, data=b"", timeout=10, headers=tus_headers(
        phone, **{"Upload-Offset": str(len(photo)), "Content-Type": "application/offset+octet-stream"}))
    assert late.status_code == 204 and late.headers["upload-offset"] == str(len(photo))
    complaint = requests.get(f"{base_url}{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers, timeout=10)
    assert complaint.status_code == 200, complaint.text
    assert complaint.json()["photos"] == [str(phone.attachment_id)]
    # not yet published: its uploader sees it, the public does not (docs/privacy.md)
    assert requests.get(f"{base_url}{PHOTOS}/{phone.attachment_id}", timeout=10).status_code == 404
    shown = requests.get(f"{base_url}{PHOTOS}/{phone.attachment_id}", headers=phone.headers, timeout=10)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["width"], shown.json()["height"]) == (800, 600)
    with database.session_scope() as session:
        missing = attachments.missing(session, record_type="complaint", record_ids=[phone.complaint_id])
    assert missing == {phone.complaint_id: []}

    # The photo is there: asking to upload it again needs no bytes.
    again = requests.post(base_url + UPLOADS, timeout=10, headers=tus_headers(
        phone, **{"Upload-Length": str(len(photo)), "Upload-Metadata": encode(phone.metadata)}))
    assert again.status_code == 201
    assert again.headers["upload-offset"] == str(len(photo))


# ------------------------------------------------------------------------------------------------ errors


def test_options_tells_the_capabilities(client, backend: Backend) -> None:
    for path in (UPLOADS, f"{UPLOADS}{uuid.uuid4()}"):
        response = client.options(path)
        assert response.status_code == 204
        assert response.headers["tus-resumable"] == "1.0.0"
        assert response.headers["tus-version"] == "1.0.0"
        assert set(response.headers["tus-extension"].split(",")) == {
            "creation", "creation-with-upload", "checksum", "expiration", "termination"}
        assert response.headers["tus-max-size"] == str(backend.settings.max_photo_bytes)
        assert set(response.headers["tus-checksum-algorithm"].split(",")) == {"sha1", "sha256"}


def test_requests_without_tus_resumable_are_refused(client, session) -> None:
    phone = phone_with_photo(session, b"x")
    response = client.post(UPLOADS, headers={**phone.headers, "Upload-Length": "1",
                                             "Upload-Metadata": encode(phone.metadata)})
    assert_tus_error(response, 412, "tus_version_unsupported")
    assert response.headers["tus-version"] == "1.0.0"
    wrong = client.post(UPLOADS, headers={**phone.headers, "Tus-Resumable": "0.2.2", "Upload-Length": "1",
                                          "Upload-Metadata": encode(phone.metadata)})
    assert_tus_error(wrong, 412, "tus_version_unsupported")


def test_the_device_must_be_named_and_be_the_tokens(client, session) -> None:
    phone = phone_with_photo(session, b"x")
    headers = {**tus_headers(phone), "Upload-Length": "1", "Upload-Metadata": encode(phone.metadata)}
    del headers["Vigia-Device"]
    assert_tus_error(client.post(UPLOADS, headers=headers), 400, "device_required")
    headers["Vigia-Device"] = str(uuid.uuid4())
    assert_tus_error(client.post(UPLOADS, headers=headers), 403, "device_mismatch")
    del headers["Authorization"]
    assert_tus_error(client.post(UPLOADS, headers=headers), 401, "auth_required")


def test_a_photo_must_be_declared_first(client, session) -> None:
    phone = phone_with_photo(session, b"x")
    phone.metadata["attachment"] = str(uuid.uuid4())
    assert_tus_error(create(client, phone, 1), 409, "attachment_not_declared")
    phone.metadata["record"] = "obra:nada"
    assert_tus_error(create(client, phone, 1), 422, "upload_record_invalid")


def test_creation_checks_length_and_metadata(client, session, backend: Backend) -> None:
    phone = phone_with_photo(session, b"x")
    too_big = create(client, phone, backend.settings.max_photo_bytes + 1)
    assert_tus_error(too_big, 413, "upload_too_large")
    no_length = client.post(UPLOADS, headers=tus_headers(phone, **{"Upload-Metadata": encode(phone.metadata)}))
    assert_tus_error(no_length, 400, "upload_length_invalid")
    garbled = client.post(UPLOADS, headers=tus_headers(phone, **{"Upload-Length": "1",
                                                                 "Upload-Metadata": "record %%%"}))
    assert_tus_error(garbled, 400, "upload_metadata_invalid")


def test_creation_says_which_header_is_wrong_and_checks_the_bytes_it_carries(client, session, backend: Backend) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    limit = backend.settings.max_photo_bytes
    too_big = assert_tus_error(create(client, phone, limit + 1, **{"Accept-Language": "en"}), 413, "upload_too_large")
    assert limit == 15 * 1_048_576
    assert too_big["message"] == "The file is 15.1 MB; a photo may be at most 15 MB."
    for length in ("", "una foto", "-5", "12.5"):
        garbled = client.post(UPLOADS, headers=tus_headers(phone, **{"Upload-Length": length,
                                                                     "Upload-Metadata": encode(phone.metadata)}))
        error = assert_tus_error(garbled, 400, "upload_length_invalid")
        assert [(d["field"], d["code"]) for d in error["details"]] == [("Upload-Length", "upload_length_invalid")]
    for digest in ("sha256 no-es-base64!", "sha256 " + base64.b64encode(b"short").decode(), "sha256"):
        assert_tus_error(create(client, phone, len(photo), data=photo, **{"Upload-Checksum": digest}),
                         400, "upload_checksum_invalid")
    damaged = create(client, phone, len(photo), data=photo[:-1] + b"\0",
                     **{"Upload-Checksum": checksum("sha256", photo)})
    assert_tus_error(damaged, 460, "upload_checksum_mismatch")
    assert_tus_error(create(client, phone, 10, data=photo[:11]), 413, "upload_exceeds_length")
    assert client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()["photos"] == []
    assert create(client, phone, limit).status_code == 201  # exactly the limit is allowed


def test_created_upload_tells_where_it_lives_and_until_when(client, session) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    created = create(client, phone, len(photo))
    assert created.status_code == 201, created.text
    assert created.headers["tus-resumable"] == "1.0.0"
    location = created.headers["location"]
    assert location.startswith(UPLOADS) and uuid.UUID(location.rsplit("/", 1)[1])
    assert created.headers["upload-offset"] == "0"
    assert created.headers["upload-expires"].endswith(" GMT")
    head = client.head(location, headers=tus_headers(phone))
    assert head.status_code == 200
    assert head.headers["upload-offset"] == "0" and head.headers["upload-length"] == str(len(photo))
    assert head.headers["cache-control"] == "no-store"
    assert uploads.parse_metadata(head.headers["upload-metadata"]) == phone.metadata


def test_patch_needs_the_right_offset_type_and_size(client, session) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert_tus_error(patch(client, phone, location, 10, photo[10:20]), 409, "upload_offset_mismatch")
    wrong_type = client.patch(location, content=photo[:10], headers=tus_headers(
        phone, **{"Upload-Offset": "0", "Content-Type": "application/octet-stream"}))
    assert_tus_error(wrong_type, 415, "unsupported_media_type_of")
    assert_tus_error(patch(client, phone, location, 0, photo + b"more"), 413, "upload_exceeds_length")
    unknown = patch(client, phone, location, 0, photo[:10], **{"Upload-Checksum": "md5 AAAA"})
    assert_tus_error(unknown, 400, "upload_checksum_unsupported")
    wrong_sum = patch(client, phone, location, 0, photo[:10], **{"Upload-Checksum": checksum("sha1", b"other")})
    assert_tus_error(wrong_sum, 460, "upload_checksum_mismatch")
    assert client.head(location, headers=tus_headers(phone)).headers["upload-offset"] == "0"
    first = patch(client, phone, location, 0, photo[:10], **{"Upload-Checksum": checksum("sha1", photo[:10])})
    assert first.status_code == 204, first.text
    assert first.headers["upload-offset"] == "10" and first.headers["tus-resumable"] == "1.0.0"
    assert first.headers["upload-expires"].endswith(" GMT")
    assert client.head(location, headers=tus_headers(phone)).headers["upload-offset"] == "10"


def test_a_chunk_without_a_byte_offset_is_refused_and_a_wrong_one_says_where_to_resume(client, session) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    for offset in (None, "", "cien", "-100", "1e2", "100.0", "99999999999999999999"):
        headers = tus_headers(phone, **{"Content-Type": "application/offset+octet-stream"})
        if offset is not None:
            headers["Upload-Offset"] = offset
        refused = client.patch(location, content=photo[100:200], headers=headers)
        error = assert_tus_error(refused, 400, "upload_offset_invalid")
        assert error["details"] == [{"field": "Upload-Offset", "code": "upload_offset_invalid",
                                     "message": "Upload-Offset debe ser un entero de bytes."}]
    ahead = patch(client, phone, location, 150, photo[150:200], **{"Accept-Language": "en"})
    error = assert_tus_error(ahead, 409, "upload_offset_mismatch")
    assert error["message"].startswith("The request starts at byte 150, but the server holds 100;")
    assert ahead.headers["upload-offset"] == "100"
    assert client.head(location, headers=tus_headers(phone)).headers["upload-offset"] == "100"
    assert uploads.held(session, upload_id_of(location)) == photo[:100]


def test_when_the_partial_file_is_lost_the_phone_is_told_to_start_again(client, session) -> None:
    """The bytes so far are gone (an upload begun before migration 0023 kept them on a disk; parts deleted by
    hand) while the row says 100 arrived."""
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    session.execute(sa.delete(UploadPart).where(UploadPart.upload_id == upload_id_of(location)))
    lost = patch(client, phone, location, 100, photo[100:200], **{"Accept-Language": "en"})
    error = assert_tus_error(lost, 409, "upload_offset_mismatch")
    assert error["message"].startswith("The request starts at byte 100, but the server holds 0;")
    assert lost.headers["upload-offset"] == "0"
    head = client.head(location, headers=tus_headers(phone))
    assert head.status_code == 200 and head.headers["upload-offset"] == "0"
    assert head.headers["upload-expires"].endswith(" GMT")
    again = patch(client, phone, location, 0, photo)
    assert again.status_code == 204, again.text
    assert again.headers["upload-offset"] == str(len(photo))
    complaint = client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()
    assert complaint["photos"] == [str(phone.attachment_id)]


def test_a_chunk_sent_behind_the_servers_offset_is_refused_and_changes_nothing(client, session) -> None:
    """tus 1.0.0: "If the offsets do not match, the Server MUST respond with the 409 Conflict status without
    modifying the upload resource." A phone that lost the answer to a chunk sends it again from where it
    believed it was: behind the server. Those bytes must not be appended again."""
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    upload_id = uuid.UUID(location.rsplit("/", 1)[1])
    assert patch(client, phone, location, 0, photo[:200]).headers["upload-offset"] == "200"
    for behind, chunk in ((100, photo[100:300]), (0, photo[:200]), (199, photo[199:200])):
        refused = patch(client, phone, location, behind, chunk)
        assert_tus_error(refused, 409, "upload_offset_mismatch")
        assert refused.headers["upload-offset"] == "200"  # where to resume
        head = client.head(location, headers=tus_headers(phone))
        assert (head.headers["upload-offset"], head.headers["upload-length"]) == ("200", str(len(photo)))
        assert uploads.held(session, upload_id) == photo[:200]  # the bytes held are untouched
    rest = patch(client, phone, location, 200, photo[200:])
    assert rest.status_code == 204, rest.text
    assert rest.headers["upload-offset"] == str(len(photo))
    complaint = client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()
    assert complaint["photos"] == [str(phone.attachment_id)]
    evidence = client.get(f"{PHOTOS}/{phone.attachment_id}/evidence",
                          headers=bearer(token_for(session, "contraloria@vigia.example"))).json()
    assert (evidence["sha256"], evidence["size_bytes"]) == (hashlib.sha256(photo).hexdigest(), len(photo))


@ON_DISK_AND_IN_S3
def test_a_photo_in_one_request_and_then_nothing_left_to_send(client, session, photo_store) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    created = create(client, phone, len(photo), data=photo, **{"Upload-Checksum": checksum("sha256", photo)})
    assert created.status_code == 201, created.text
    assert created.headers["upload-offset"] == str(len(photo))
    if photo_store.kind == "s3":  # the original went to the bucket under its SHA-256
        assert photo_store.read(f"originals/{phone.metadata['sha256'][:2]}/{phone.metadata['sha256']}") == photo
    complaint = client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()
    assert complaint["photos"] == [str(phone.attachment_id)]
    again = create(client, phone, len(photo))
    assert again.status_code == 201
    assert again.headers["upload-offset"] == str(len(photo))  # Upload-Length: nothing to send
    head = client.head(again.headers["location"], headers=tus_headers(phone))
    assert head.headers["upload-offset"] == head.headers["upload-length"] == str(len(photo))


def test_another_persons_upload_is_not_found(client, session) -> None:
    photo = jpeg(64, 48)
    mine = phone_with_photo(session, photo)
    location = create(client, mine, len(photo)).headers["location"]
    theirs = phone_with_photo(session, photo, email="comite@vigia.example")
    head = client.head(location, headers=tus_headers(theirs))
    assert head.status_code == 404 and head.headers["tus-resumable"] == "1.0.0"
    assert_tus_error(patch(client, theirs, location, 0, photo), 404, "upload_not_found")
    assert_tus_error(client.delete(location, headers=tus_headers(theirs)), 404, "upload_not_found")
    assert_tus_error(client.delete(f"{UPLOADS}{uuid.uuid4()}", headers=tus_headers(mine)), 404, "upload_not_found")
    assert_tus_error(client.delete(f"{UPLOADS}not-an-id", headers=tus_headers(mine)), 404, "upload_not_found")
    assert client.head(location, headers=tus_headers(mine)).status_code == 200


def test_termination_ends_an_upload(client, session) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    upload_id = uuid.UUID(location.rsplit("/", 1)[1])
    assert len(uploads.held(session, upload_id)) == 100
    ended = client.delete(location, headers=tus_headers(phone))
    assert ended.status_code == 204 and ended.headers["tus-resumable"] == "1.0.0"
    assert client.head(location, headers=tus_headers(phone)).status_code == 404
    assert_tus_error(patch(client, phone, location, 100, photo[100:200]), 404, "upload_not_found")
    assert parts(session, upload_id) == 0


def test_an_expired_upload_is_gone_and_tick_removes_it(client, session, database, capsys) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    upload_id = uuid.UUID(location.rsplit("/", 1)[1])
    session.execute(sa.update(Upload).where(Upload.id == upload_id).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.flush()
    head = client.head(location, headers=tus_headers(phone))
    assert head.status_code == 410 and head.headers["tus-resumable"] == "1.0.0"
    assert_tus_error(patch(client, phone, location, 100, photo[100:200]), 410, "upload_expired")
    assert cli.main(["tick"]) == 0
    assert "1 expired photo uploads deleted" in capsys.readouterr().err
    assert client.head(location, headers=tus_headers(phone)).status_code == 404
    assert parts(session, upload_id) == 0


def test_an_expired_upload_can_still_be_ended(client, session) -> None:
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    upload_id = uuid.UUID(location.rsplit("/", 1)[1])
    session.execute(sa.update(Upload).where(Upload.id == upload_id).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.flush()
    ended = client.delete(location, headers=tus_headers(phone))
    assert ended.status_code == 204 and ended.headers["tus-resumable"] == "1.0.0"
    assert client.head(location, headers=tus_headers(phone)).status_code == 404
    assert session.get(Upload, upload_id) is None


def test_tick_removes_the_partial_files_older_versions_left_once_they_are_old(client, session, backend) -> None:
    """Before migration 0023 an upload's bytes were files in MEDIA_DIR/uploads; nothing reads them now. They go
    once as old as an expiry (an instance not yet upgraded may still be writing a newer one); other files stay.
    An upload in progress keeps its bytes."""
    photo = jpeg(64, 48)
    phone = phone_with_photo(session, photo)
    location = create(client, phone, len(photo)).headers["location"]
    assert patch(client, phone, location, 0, photo[:100]).status_code == 204
    folder = backend.settings.media_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    old, new, stray = folder / f"{uuid.uuid4()}.part", folder / f"{uuid.uuid4()}.part", folder / "notas.part"
    for path in (old, new, stray):
        path.write_bytes(b"\xff\xd8 half a photo")
    hours_ago = time.time() - (backend.settings.sync_upload_expiry_hours + 1) * 3600
    for path in (old, stray):
        os.utime(path, (hours_ago, hours_ago))
    assert uploads.expire(session) == 0  # no upload has expired
    assert not old.exists()
    assert new.exists() and stray.exists() and uploads.held(session, upload_id_of(location)) == photo[:100]
    assert patch(client, phone, location, 100, photo[100:]).status_code == 204
    new.unlink()
    stray.unlink()


def test_a_file_that_is_not_the_declared_one_is_discarded(client, session) -> None:
    declared, sent = jpeg(64, 48), jpeg(64, 48)
    phone = phone_with_photo(session, declared)
    location = create(client, phone, len(sent)).headers["location"]
    assert patch(client, phone, location, 0, sent[:100]).status_code == 204
    assert_tus_error(patch(client, phone, location, 100, sent[100:]), 460, "upload_hash_mismatch")
    assert client.head(location, headers=tus_headers(phone)).status_code == 404
    assert parts(session, upload_id_of(location)) == 0
    complaint = client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()
    assert complaint["photos"] == []


def test_bytes_that_are_not_a_photo_are_refused_and_the_upload_is_gone(client, session) -> None:
    text = b"%PDF-1.7 this is a contract, not a photo of the works " * 20
    phone = phone_with_photo(session, text)
    location = create(client, phone, len(text)).headers["location"]
    assert_tus_error(patch(client, phone, location, 0, text), 415, "not_an_image")
    assert client.head(location, headers=tus_headers(phone)).status_code == 404
    assert parts(session, upload_id_of(location)) == 0
    complaint = client.get(f"{COMPLAINTS}/{phone.complaint_id}", headers=phone.headers).json()
    assert complaint["photos"] == []


def test_a_visit_pushed_offline_gets_its_photo_answer_when_the_photo_arrives(client, session, setup) -> None:  # noqa: F811
    from server.auth.models import User
    from tests.inspections.conftest import good_answers
    from tests.sync.helpers import mutation, sign_in

    photo = jpeg(120, 90)
    member = sign_in(client, session.get(User, setup.member_user_id).email, "una-clave-segura")
    taken = str(uuid.uuid4())
    visit = setup.visit(photo_ids=[], answers=good_answers(uuid.UUID(taken)))
    visit["attachments"] = [{"id": taken, "sha256": hashlib.sha256(photo).hexdigest()}]
    pushed = client.post("/api/v1/sync/push", json={"mutations": [mutation("visit.submit", visit)]},
                         headers=member.headers).json()["results"][0]
    assert pushed["status"] == "applied" and pushed["data"]["missing_attachments"] == [taken]
    device = Phone(headers=member.headers, complaint_id=uuid.UUID(visit["id"]), attachment_id=uuid.UUID(taken),
                   metadata={"record": f"visit:{visit['id']}", "attachment": taken,
                             "sha256": hashlib.sha256(photo).hexdigest()})
    created = create(client, device, len(photo), data=photo)
    assert created.status_code == 201, created.text
    seen = client.get(f"/api/v1/municipalities/10005/visits/{visit['id']}", headers=member.headers).json()
    assert seen["photo_ids"] == [taken] and seen["answers"]["foto_general"] == taken
    assert attachments.missing(session, record_type="visit", record_ids=[uuid.UUID(visit["id"])]) == {
        uuid.UUID(visit["id"]): []}
    # someone else cannot upload for that visit, even knowing its ids
    other = sign_in(client, "voluntaria@vigia.example")
    stranger = Phone(headers=other.headers, complaint_id=device.complaint_id, attachment_id=device.attachment_id,
                     metadata=device.metadata)
    assert_tus_error(create(client, stranger, len(photo), data=photo), 409, "attachment_not_declared")
