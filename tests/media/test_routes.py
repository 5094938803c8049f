"""Photos over HTTP: what a citizen's phone, the public map and the comptroller's desk see."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from server.auth.models import Role
from server.media.storage import original_key
from tests.factories import bearer, make_user, token_for
from tests.media import samples
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005/photos"
OTHER_BASE = "/api/v1/municipalities/10007/photos"
PUBLIC_KEYS = {"id", "width", "height", "content_type", "variants_status", "variants", "redacted", "public_version",
               "publication"}


def send(client, data: bytes, content_type: str = "image/jpeg", base: str = BASE, **options):
    return client.post(base, content=data, headers={"Content-Type": content_type, **options.pop("headers", {})},
                       **options)


def staff(session) -> dict[str, str]:
    return bearer(token_for(session, "contraloria@vigia.example"))


def fetch(client, url: str, **options):
    return client.get(url, **options)


def publish(client, session, photo: dict, **decision) -> dict:
    """A moderator publishes the photo (docs/privacy.md): before that the public gets 404."""
    body = {"decision": "approve", "reason": "Sin rostros ni placas", **decision}
    answer = client.post(f"{BASE}/{photo['id']}/moderation", json=body, headers=staff(session))
    assert answer.status_code == 200, answer.text
    return answer.json()


def image_of(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_an_anonymous_citizen_uploads_a_phone_photo(client, photo_store) -> None:
    data = samples.phone_jpeg(400, 300)
    created = send(client, data)
    assert created.status_code == 201, created.text
    photo = created.json()
    assert set(photo) == PUBLIC_KEYS
    assert (photo["content_type"], photo["width"], photo["height"]) == ("image/jpeg", 300, 400)  # upright
    assert (photo["variants_status"], photo["variants"], photo["redacted"]) == ("pending", None, False)
    for secret in (samples.MAKE, "24.02", "-104.66", "2026-03-01", hashlib.sha256(data).hexdigest()):
        assert secret not in created.text
    # the original on disk (or in the bucket) is the upload, byte for byte, under its SHA-256
    assert photo_store.keys("originals") == [original_key(hashlib.sha256(data).hexdigest())]
    assert photo_store.read(original_key(hashlib.sha256(data).hexdigest())) == data


def test_the_copies_are_served_without_metadata(client, session) -> None:
    photo = publish(client, session, send(client, samples.phone_jpeg(1600, 1200)).json())
    shown = client.get(f"{BASE}/{photo['id']}").json()  # the in-process job ran after the upload's commit
    assert shown["variants_status"] == "ready"
    assert set(shown["variants"]) == {"320", "1280"}
    for size, (width, height) in {"320": (240, 320), "1280": (960, 1280)}.items():
        variant = shown["variants"][size]
        assert (variant["width"], variant["height"]) == (width, height)
        assert variant["url"] == f"{BASE}/{photo['id']}/{size}?v=1"
        served = fetch(client, variant["url"])
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert len(served.content) == variant["bytes"]
        image = image_of(served)
        assert image.size == (width, height)
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
        for needle in (samples.MAKE.encode(), samples.MODEL.encode(), samples.GPS_TEXT.encode(), samples.COMMENT,
                       *samples.gps_rationals(), b"Exif", b"ICC_PROFILE"):
            assert needle not in served.content
        again = fetch(client, variant["url"], headers={"If-None-Match": served.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


def test_a_copy_without_the_version_in_its_url_is_revalidated(client, session) -> None:
    photo = publish(client, session, send(client, samples.png()).json())
    served = fetch(client, f"{BASE}/{photo['id']}/320")
    assert served.status_code == 200
    assert served.headers["cache-control"] == "public, no-cache" and served.headers["etag"]


def test_the_same_photo_again_answers_200_with_the_same_record(client, photo_store) -> None:
    data = samples.phone_jpeg()
    first = send(client, data)
    again = send(client, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert len(photo_store.keys("originals")) == 1


def test_an_offline_app_names_its_photo(client) -> None:
    chosen, data = "0f0e2a43-5f1e-4d8f-9e49-3f1f6d1c2b77", samples.png()
    created = send(client, data, params={"id": chosen})
    assert created.status_code == 201 and created.json()["id"] == chosen
    retried = send(client, data, params={"id": chosen})  # the connection dropped before the answer
    assert retried.status_code == 200 and retried.json()["id"] == chosen
    assert_error_shape(send(client, samples.webp(), params={"id": chosen}), 409, "photo_id_taken")


def test_the_type_comes_from_the_bytes_not_the_header(client) -> None:
    png_as_jpeg = send(client, samples.png(), "image/jpeg")
    assert png_as_jpeg.status_code == 201 and png_as_jpeg.json()["content_type"] == "image/png"
    heic = send(client, samples.heic(), "image/heic")
    assert heic.status_code == 201 and heic.json()["content_type"] == "image/heic"
    webp = send(client, samples.webp(), "image/webp")
    assert webp.status_code == 201 and webp.json()["content_type"] == "image/webp"


def test_what_is_not_a_photo_is_refused_in_the_one_error_shape(client, photo_store) -> None:
    assert_error_shape(send(client, samples.text_named_jpg()), 415, "not_an_image")
    assert_error_shape(send(client, samples.gif()), 415, "photo_type_not_allowed")
    assert_error_shape(send(client, samples.truncated_jpeg()), 422, "corrupt_image")
    assert_error_shape(send(client, samples.png_declaring(100_000, 100_000)), 422, "image_too_many_pixels")
    assert_error_shape(send(client, samples.blank_png(8_000, 7_000), "image/png"), 422, "image_too_many_pixels")
    assert_error_shape(send(client, samples.png(), "application/pdf"), 415, "unsupported_media_type_of")
    # over MAX_PHOTO_BYTES (1 MB in these tests): refused before the body is read
    too_large = assert_error_shape(send(client, samples.noisy_jpeg(1200, 1000)), 413, "body_too_large")
    assert too_large["message"] == "La solicitud es demasiado grande: el máximo es 1 MB."  # in MB, not bytes
    english = send(client, samples.truncated_jpeg(), headers={"Accept-Language": "en"}).json()["error"]
    assert english["message"].startswith("The image is damaged or incomplete")
    assert photo_store.keys("originals") == []


def test_unknown_sizes_and_photos_are_404(client, session) -> None:
    photo = publish(client, session, send(client, samples.png()).json())
    assert_error_shape(fetch(client, f"{BASE}/{photo['id']}/640"), 404, "photo_variant_not_found")
    assert_error_shape(fetch(client, f"{BASE}/{photo['id']}/grande"), 404, "photo_variant_not_found")
    missing = "0f0e2a43-5f1e-4d8f-9e49-3f1f6d1c2b77"
    assert_error_shape(fetch(client, f"{BASE}/{missing}"), 404, "photo_not_found")
    assert_error_shape(fetch(client, f"{BASE}/{missing}/320"), 404, "photo_not_found")


def test_another_municipalitys_photo_id_is_404_under_this_municipality(client, session) -> None:
    theirs = send(client, samples.png(), base=OTHER_BASE).json()
    assert_error_shape(fetch(client, f"{BASE}/{theirs['id']}"), 404, "photo_not_found")
    assert_error_shape(fetch(client, f"{BASE}/{theirs['id']}/320"), 404, "photo_not_found")
    assert_error_shape(fetch(client, f"{BASE}/{theirs['id']}/evidence", headers=staff(session)), 404,
                       "photo_not_found")
    redaction = {"rectangles": [{"x": 0, "y": 0, "width": 5, "height": 5}]}
    assert_error_shape(client.post(f"{BASE}/{theirs['id']}/redactions", json=redaction, headers=staff(session)),
                       404, "photo_not_found")
    theirs_staff = bearer(token_for(session, "contraloria.gomez@vigia.example"))
    assert fetch(client, f"{OTHER_BASE}/{theirs['id']}", headers=theirs_staff).status_code == 200


def test_evidence_is_for_staff_only(client, session) -> None:
    data = samples.phone_jpeg()
    photo = send(client, data).json()
    url = f"{BASE}/{photo['id']}/evidence"
    seen = fetch(client, url, headers=staff(session))
    assert seen.status_code == 200, seen.text
    evidence = seen.json()
    assert evidence["sha256"] == hashlib.sha256(data).hexdigest() and evidence["size_bytes"] == len(data)
    assert evidence["camera"] == samples.CAMERA
    assert evidence["taken_at"] == "2026-03-01T16:30:00Z"
    assert round(evidence["gps"]["lat"], 4) == samples.LAT and round(evidence["gps"]["lon"], 4) == samples.LON
    volunteer = bearer(token_for(session, make_user(session, Role.volunteer).email))
    assert_error_shape(fetch(client, url, headers=volunteer), 403, "forbidden")
    assert_error_shape(fetch(client, url), 401, "auth_required")


def test_a_moderator_blacks_out_a_face_in_every_public_copy(client, session, photo_store) -> None:
    data = samples.phone_jpeg(1600, 1200)  # upright: 1200 wide, 1600 tall
    photo = publish(client, session, send(client, data).json())
    old_url = client.get(f"{BASE}/{photo['id']}").json()["variants"]["1280"]["url"]
    box = {"x": 700, "y": 1000, "width": 400, "height": 400}
    redacted = client.post(f"{BASE}/{photo['id']}/redactions", json={"rectangles": [box], "public_version": 1},
                           headers=staff(session))
    assert redacted.status_code == 200, redacted.text
    assert (redacted.json()["public_version"], redacted.json()["redacted"]) == (2, True)
    shown = client.get(f"{BASE}/{photo['id']}").json()
    assert shown["variants_status"] == "ready"
    for size in ("320", "1280"):
        assert shown["variants"][size]["url"].endswith("?v=2")
        image = image_of(fetch(client, shown["variants"][size]["url"]))
        scale = image.height / 1600
        assert max(image.getpixel((int(900 * scale), int(1200 * scale)))) < 15
        assert image.getpixel((int(300 * scale), int(1300 * scale)))[2] > 150  # outside the box: still blue
    stale = fetch(client, old_url)  # an old link now gets the redacted copy, and must revalidate
    assert stale.headers["cache-control"] == "public, no-cache"
    assert max(image_of(stale).getpixel((int(900 * 0.8), int(1200 * 0.8)))) < 15
    [original] = photo_store.keys("originals")
    assert photo_store.read(original) == data  # the evidence is untouched
    assert fetch(client, f"{BASE}/{photo['id']}/evidence", headers=staff(session)).json()["redactions"] == [box]


def test_bad_redactions_are_refused(client, session) -> None:
    photo = send(client, samples.phone_jpeg(400, 300)).json()  # upright 300 × 400
    url = f"{BASE}/{photo['id']}/redactions"
    outside = client.post(url, json={"rectangles": [{"x": 250, "y": 0, "width": 100, "height": 10}]},
                          headers=staff(session))
    error = assert_error_shape(outside, 422, "redaction_outside_photo")
    assert error["details"][0]["field"] == "rectangles.0" and "300 × 400" in error["message"]
    negative = client.post(url, json={"rectangles": [{"x": -1, "y": 0, "width": 10, "height": 10}]},
                           headers=staff(session))
    assert assert_error_shape(negative, 422, "validation_error")["details"][0]["field"] == "rectangles.0.x"
    client.post(url, json={"rectangles": []}, headers=staff(session))
    client.post(url, json={"rectangles": [{"x": 0, "y": 0, "width": 5, "height": 5}]}, headers=staff(session))
    stale = client.post(url, json={"rectangles": [], "public_version": 1}, headers=staff(session))
    assert_error_shape(stale, 409, "stale_version")


# ------------------------------------------------------------------------------------------------ publication


def test_a_photo_reaches_the_public_only_once_a_moderator_publishes_it(client, session) -> None:
    """docs/privacy.md: until then only the municipality's moderators and the account that uploaded it see it."""
    volunteer_email = make_user(session, Role.volunteer).email
    uploader = bearer(token_for(session, volunteer_email))
    neighbour = bearer(token_for(session, make_user(session, Role.volunteer).email))
    created = send(client, samples.phone_jpeg(400, 300), headers=uploader).json()
    assert created["publication"] == "pending"
    url, copy = f"{BASE}/{created['id']}", f"{BASE}/{created['id']}/320"
    for headers in ({}, neighbour):  # the public, and a volunteer who did not upload it
        assert_error_shape(fetch(client, url, headers=headers), 404, "photo_not_found")
        assert_error_shape(fetch(client, copy, headers=headers), 404, "photo_not_found")
    for headers in (uploader, staff(session)):
        assert fetch(client, url, headers=headers).json()["variants_status"] == "ready"
        seen = fetch(client, copy, headers=headers)
        assert seen.status_code == 200 and seen.headers["cache-control"] == "private, no-store"
    # a volunteer cannot publish it; a comptroller can
    refused = client.post(f"{url}/moderation", json={"decision": "approve", "reason": "Se ve bien"},
                          headers=neighbour)
    assert_error_shape(refused, 403, "forbidden")
    assert publish(client, session, created)["publication"] == "published"
    shown = fetch(client, url).json()
    served = fetch(client, shown["variants"]["320"]["url"])
    assert served.status_code == 200 and served.headers["cache-control"].startswith("public")
    # and kept private again: the public loses it at once
    assert publish(client, session, created, decision="keep_private")["publication"] == "withheld"
    assert_error_shape(fetch(client, copy), 404, "photo_not_found")
    entries = client.get("/api/v1/municipalities/10005/audit/entries",
                         params={"entity": "photo", "entity_id": created["id"]}).json()
    actions = [entry["action"] for entry in (entries["items"] if isinstance(entries, dict) else entries)]
    assert {"published", "withheld", "moderated"} <= set(actions)
    assert "Se ve bien" not in str(entries) and "Sin rostros" not in str(entries)  # the reason stays out


def test_approving_with_blackout_publishes_the_copies_with_the_boxes(client, session) -> None:
    photo = send(client, samples.phone_jpeg(1600, 1200)).json()
    url = f"{BASE}/{photo['id']}/moderation"
    missing = client.post(url, json={"decision": "approve_with_blackout", "reason": "Hay una cara"},
                          headers=staff(session))
    assert_error_shape(missing, 422, "moderation_boxes_required")
    assert_error_shape(fetch(client, f"{BASE}/{photo['id']}"), 404, "photo_not_found")  # nothing changed
    box = {"x": 700, "y": 1000, "width": 400, "height": 400}
    shown = publish(client, session, photo, decision="approve_with_blackout", rectangles=[box], public_version=1)
    assert (shown["publication"], shown["redacted"], shown["public_version"]) == ("published", True, 2)
    public = fetch(client, f"{BASE}/{photo['id']}").json()
    image = image_of(fetch(client, public["variants"]["1280"]["url"]))
    scale = image.height / 1600
    assert max(image.getpixel((int(900 * scale), int(1200 * scale)))) < 15  # the public copy has the box


def test_a_complaints_photo_is_decided_with_its_complaint(client, session) -> None:
    from tests.factories import complaint_body

    photo = send(client, samples.phone_jpeg(400, 300)).json()
    filed = client.post("/api/v1/municipalities/10005/complaints",
                        json=complaint_body(anonymous=True, photo_ids=[photo["id"]]))
    assert filed.status_code == 201, filed.text
    answer = client.post(f"{BASE}/{photo['id']}/moderation", json={"decision": "approve", "reason": "Sin rostros"},
                         headers=staff(session))
    assert_error_shape(answer, 409, "photo_of_complaint")
    assert_error_shape(fetch(client, f"{BASE}/{photo['id']}/320"), 404, "photo_not_found")
