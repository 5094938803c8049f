"""Photos through their service: stored once as evidence, shown without it, redacted by moderators."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from PIL import Image

from server.auth.actor import ANONYMOUS
from server.auth.models import Role
from server.config import get_settings
from server.errors import AppError, Conflict, Forbidden, Invalid, NotFound, Unauthorized
from server.media import service
from server.media.models import Photo, PhotoPublic, Rectangle
from server.media.storage import derived_key, get_storage, original_key
from tests.factories import OTHER, make_user, municipality, staff_actor
from tests.media import samples

BOX = Rectangle(x=700, y=1000, width=400, height=400)  # in the upright 1200 × 1600 photo


def upload(session, data: bytes | None = None, *, code: str = "10005", actor=ANONYMOUS, **options):
    return service.store(session, actor=actor, municipality=municipality(session, code),
                         data=data or samples.phone_jpeg(), **options)


def reload(database, photo_id) -> Photo:
    with database.session_scope() as session:
        return session.get(Photo, photo_id)


def test_a_photo_is_recorded_with_its_real_type_size_and_evidence(session, media_dir) -> None:
    data = samples.phone_jpeg(400, 300)
    stored = upload(session, data)
    photo = stored.photo
    assert stored.created
    assert (photo.content_type, photo.width, photo.height, photo.size_bytes) == ("image/jpeg", 300, 400, len(data))
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.camera == samples.CAMERA and photo.gps_lat == pytest.approx(samples.LAT, abs=1e-5)
    assert photo.taken_at.isoformat() == "2026-03-01T16:30:00+00:00"
    assert photo.uploaded_by is None  # anonymous
    assert (photo.variants_status, photo.public_version, photo.redactions) == ("pending", 1, [])


def test_the_original_is_kept_byte_for_byte_under_its_hash(session, media_dir, photo_store) -> None:
    data = samples.phone_jpeg()
    photo = upload(session, data).photo
    assert photo_store.keys("originals") == [original_key(photo.sha256)]
    stored = photo_store.read(original_key(photo.sha256))
    assert stored == data and hashlib.sha256(stored).hexdigest() == photo.sha256
    if photo_store.kind == "disk":
        assert (media_dir / original_key(photo.sha256)).stat().st_mode & 0o222 == 0  # read-only: evidence
    else:  # the bucket keeps the SHA-256 with the object (what `vigia media-to-s3` compares)
        head = photo_store.server.client().head_object(Bucket=photo_store.server.bucket,
                                                       Key=photo_store.prefix + original_key(photo.sha256))
        assert head["Metadata"] == {"sha256": photo.sha256}


def test_an_original_is_never_overwritten(session, photo_store) -> None:
    """Written once: a second put of the same name, even one that slipped past the check (a race), leaves the
    first bytes; other bytes under a name are refused before anything is written."""
    data = samples.phone_jpeg()
    sha256 = hashlib.sha256(data).hexdigest()
    storage = get_storage()
    assert storage.put_original(sha256, data) is True
    assert storage.put_original(sha256, data) is False
    with pytest.raises(ValueError):
        storage.put_original(sha256, samples.png())
    if photo_store.kind == "s3":  # the store itself refuses: If-None-Match: * on a key that is there
        from server.media.s3 import S3Storage

        raced = S3Storage(get_settings())
        raced.exists = lambda key: False  # as if another instance wrote it between our HEAD and our PUT
        assert raced.put_original(sha256, data) is False
    assert photo_store.read(original_key(sha256)) == data


@pytest.mark.parametrize("photo_store", ["s3"], indirect=True)
def test_a_store_without_conditional_writes_checks_before_it_writes_an_original(session, photo_store) -> None:
    """S3_CONDITIONAL_WRITES=false (a store that refuses If-None-Match): a name already there is never written
    again; the check-then-put race can only write the very bytes the name is the hash of."""
    from server.media.s3 import S3Storage

    data = samples.phone_jpeg()
    sha256 = hashlib.sha256(data).hexdigest()
    plain = S3Storage(get_settings().model_copy(update={"s3_conditional_writes": False}))
    sent: list[dict] = []
    plain.client.meta.events.register("before-call.s3.PutObject", lambda params, **_: sent.append(params))
    assert plain.put_original(sha256, data) is True
    assert plain.put_original(sha256, data) is False
    assert len(sent) == 1 and "If-None-Match" not in sent[0].get("headers", {})  # checked, not written twice
    with pytest.raises(ValueError):
        plain.put_original(sha256, samples.png())
    assert len(sent) == 1 and photo_store.read(original_key(sha256)) == data


def test_the_same_photo_twice_is_one_record_and_one_file(session, photo_store) -> None:
    data = samples.phone_jpeg()
    first = upload(session, data)
    again = upload(session, data, photo_id=uuid.uuid4())  # even if the app proposes another id
    assert first.created and not again.created
    assert again.photo.id == first.photo.id
    assert session.query(Photo).filter(Photo.sha256 == first.photo.sha256).count() == 1
    assert len(photo_store.keys("originals")) == 1


def test_the_same_photo_in_another_municipality_is_its_own_record_sharing_the_file(session, photo_store) -> None:
    data = samples.phone_jpeg()
    here = upload(session, data).photo
    there = upload(session, data, code=OTHER).photo
    assert here.id != there.id
    assert len(photo_store.keys("originals")) == 1


def test_an_app_may_name_the_photo_but_not_reuse_a_name(session) -> None:
    chosen = uuid.uuid4()
    assert upload(session, photo_id=chosen).photo.id == chosen
    with pytest.raises(Conflict) as caught:
        upload(session, samples.png(), photo_id=chosen)
    assert caught.value.code == "photo_id_taken"


def test_the_signed_in_uploader_is_recorded(session) -> None:
    actor = staff_actor(session, "comite@vigia.example")
    assert upload(session, actor=actor).photo.uploaded_by == actor.user_id


@pytest.mark.parametrize("data,status,code", [
    (samples.text_named_jpg(), 415, "not_an_image"),
    (samples.truncated_jpeg(), 422, "corrupt_image"),
    (samples.png_declaring(10_000, 10_000), 422, "image_too_many_pixels"),
    (samples.noisy_jpeg(1200, 1000), 413, "photo_too_large"),  # 1.4 MB: over the tests' 1 MB limit
])
def test_refused_uploads_leave_nothing_behind(session, photo_store, data, status, code) -> None:
    before = session.query(Photo).count()
    with pytest.raises(AppError) as caught:
        upload(session, data)
    assert (caught.value.status, caught.value.code) == (status, code)
    assert photo_store.keys("originals") == []
    assert session.query(Photo).count() == before


def test_the_public_view_carries_no_evidence(session) -> None:
    photo = upload(session).photo
    shown = service.public(photo, municipality=municipality(session))
    assert set(PhotoPublic.model_fields) == {"id", "width", "height", "content_type", "variants_status", "variants",
                                             "redacted", "public_version", "publication"}
    text = shown.model_dump_json()
    for secret in (photo.sha256, samples.MAKE, "24.02", "-104.66", "2026-03-01"):
        assert secret not in text
    assert shown.variants is None and shown.variants_status == "pending"


def test_copies_are_made_after_the_commit(database, media_settings, photo_store) -> None:
    with database.session_scope() as session:
        photo = upload(session).photo
        assert photo.variants_status == "pending"
        assert photo_store.keys("public") == []  # nothing is made inside the transaction
    photo = reload(database, photo.id)
    assert photo.variants_status == "ready"
    assert photo.variants == {"320": {"width": 240, "height": 320, "bytes": photo.variants["320"]["bytes"]},
                              "1280": {"width": 300, "height": 400, "bytes": photo.variants["1280"]["bytes"]}}
    assert photo_store.keys("public") == [
        derived_key(municipality_id=photo.municipality_id, sha256=photo.sha256, version=1, variant=size)
        for size in (1280, 320)]  # the thumbnails job wrote the public copies by key
    with database.session_scope() as session:
        shown = service.public(photo, municipality=municipality(session))
    assert shown.variants["320"].url == f"/api/v1/municipalities/10005/photos/{photo.id}/320?v=1"


def test_another_municipalitys_photo_is_not_found(session) -> None:
    photo = upload(session, code=OTHER).photo
    with pytest.raises(NotFound):
        service.get(session, municipality=municipality(session), photo_id=photo.id)


def test_evidence_is_for_the_municipalitys_staff_only(session) -> None:
    photo = upload(session).photo
    here = municipality(session)
    seen = service.evidence(session, actor=staff_actor(session), municipality=here, photo_id=photo.id)
    assert seen.sha256 == photo.sha256 and seen.camera == samples.CAMERA
    assert seen.gps.lat == pytest.approx(samples.LAT, abs=1e-5)
    volunteer = staff_actor(session, make_user(session, Role.volunteer).email)
    with pytest.raises(Forbidden):
        service.evidence(session, actor=volunteer, municipality=here, photo_id=photo.id)
    with pytest.raises(Forbidden):
        service.evidence(session, actor=staff_actor(session, "admin.gomez@vigia.example"), municipality=here,
                         photo_id=photo.id)
    with pytest.raises(Unauthorized):
        service.evidence(session, actor=ANONYMOUS, municipality=here, photo_id=photo.id)


def test_redaction_blacks_out_every_public_copy_and_never_touches_the_original(database, media_settings,
                                                                               photo_store) -> None:
    data = samples.phone_jpeg(1600, 1200)
    with database.session_scope() as session:
        photo_id = upload(session, data).photo.id
    first_copies = photo_store.keys("public")
    with database.session_scope() as session:
        photo = service.redact(session, actor=staff_actor(session), municipality=municipality(session),
                               photo_id=photo_id, rectangles=[BOX])
        assert (photo.public_version, photo.variants_status) == (2, "pending")
    photo = reload(database, photo_id)
    assert photo.variants_status == "ready" and photo.redactions == [BOX.model_dump()]
    storage = get_storage()
    for size in ("320", "1280"):
        key = derived_key(municipality_id=photo.municipality_id, sha256=photo.sha256, version=2, variant=size)
        with storage.open_derived(key) as stream:
            image = Image.open(io.BytesIO(stream.read()))
            image.load()
        scale = image.height / 1600
        centre = image.getpixel((int(900 * scale), int(1200 * scale)))
        assert max(centre) < 15, (size, centre)
        assert image.getpixel((int(300 * scale), int(1300 * scale)))[2] > 150  # blue beside the box
    assert not set(first_copies) & set(photo_store.keys("public"))  # the unredacted copies are gone
    assert len(photo_store.keys("public")) == 2
    assert storage.get_original(photo.sha256) == data


def test_redaction_rules(session) -> None:
    photo = upload(session).photo  # upright 300 × 400
    actor, here = staff_actor(session), municipality(session)
    with pytest.raises(Invalid) as caught:
        service.redact(session, actor=actor, municipality=here, photo_id=photo.id,
                       rectangles=[Rectangle(x=0, y=0, width=10, height=10), Rectangle(x=250, y=0, width=60, height=10)])
    assert caught.value.code == "redaction_outside_photo"
    assert [detail["field"] for detail in caught.value.details] == ["rectangles.1"]
    service.redact(session, actor=actor, municipality=here, photo_id=photo.id, rectangles=[Rectangle(x=0, y=0,
                   width=300, height=400)])
    assert photo.public_version == 2
    same = service.redact(session, actor=actor, municipality=here, photo_id=photo.id,
                          rectangles=[Rectangle(x=0, y=0, width=300, height=400)])
    assert same.public_version == 2  # the same boxes again change nothing
    with pytest.raises(Conflict) as stale:
        service.redact(session, actor=actor, municipality=here, photo_id=photo.id, rectangles=[], public_version=1)
    assert stale.value.code == "stale_version"
    with pytest.raises(Forbidden):
        service.redact(session, actor=staff_actor(session, make_user(session, Role.volunteer).email), municipality=here,
                       photo_id=photo.id, rectangles=[])
