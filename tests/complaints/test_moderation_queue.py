"""The moderation queue (GET …/moderation, docs/privacy.md): everything that waits for a moderator before the
public may see it, oldest first, with counts; and the staff copy moderators draw black boxes on."""

from __future__ import annotations

import io

from PIL import Image

from server.complaints.fixtures import synthetic_photo
from tests.complaints.test_moderation import BASE, file, moderate, staff
from tests.test_app import assert_error_shape

QUEUE = "/api/v1/municipalities/10005/moderation"
PHOTOS = "/api/v1/municipalities/10005/photos"


def upload(client, seed: int, headers=None) -> str:
    answer = client.post(PHOTOS, content=synthetic_photo(seed), headers={"Content-Type": "image/jpeg",
                                                                           **(headers or {})})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def everything(client, headers, **params) -> dict:
    answer = client.get(QUEUE, params={"limit": 100, **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_queue_lists_what_waits_oldest_first_with_counts(client, session) -> None:
    desk = staff(session)
    before = everything(client, desk)
    demo = [item["complaint"]["folio"] for item in before["items"] if item["type"] == "complaint"]
    assert len(demo) >= 2  # the demo's two newest complaints wait (server/demo/complaints.json)
    assert before["counts"]["total"] == before["total"] == len(before["items"])

    photos = [upload(client, seed) for seed in (8101, 8102)]
    complaint = file(client, description="El bache de la esquina ya tiene un metro de ancho.", photo_ids=photos)
    loose = upload(client, 8103)  # a photo that is no complaint's (as a visit's)
    after = everything(client, desk)
    counts = after["counts"]
    assert counts["complaints"] == before["counts"]["complaints"] + 1
    assert counts["texts"] == before["counts"]["texts"] + 1
    assert counts["complaint_photos"] == before["counts"]["complaint_photos"] + 2
    assert counts["photos"] == before["counts"]["photos"] + 1
    moments = [item["waiting_since"] for item in after["items"]]
    assert moments == sorted(moments)  # oldest first
    mine = next(item for item in after["items"] if item["type"] == "complaint"
                and item["complaint"]["id"] == complaint["id"])
    assert mine["text_pending"] is True and sorted(mine["pending_photos"]) == sorted(photos)
    shown = mine["complaint"]
    assert shown["description"] == "El bache de la esquina ya tiene un metro de ancho."
    assert shown["kind_label"] == "Queja" and shown["state_label"] == "Recibida"
    assert [photo["publication"] for photo in shown["photos"]] == ["pending", "pending"]
    assert "contact" not in shown and "reporter_id" not in shown  # moderation does not need to know who wrote it
    assert [item["photo"]["id"] for item in after["items"] if item["type"] == "photo"][-1] == loose

    only_photos = everything(client, desk, type="photo")
    assert {item["type"] for item in only_photos["items"]} == {"photo"}
    assert only_photos["total"] == counts["photos"] and only_photos["counts"] == counts
    page = everything(client, desk, limit=1, offset=1)
    assert [item["waiting_since"] for item in page["items"]] == moments[1:2]

    decided = moderate(client, desk, complaint, text="approve", photos=[
        {"photo_id": photos[0], "decision": "approve"}])
    assert decided.status_code == 200, decided.text
    still = everything(client, desk)
    mine = next(item for item in still["items"] if item["type"] == "complaint"
                and item["complaint"]["id"] == complaint["id"])
    assert (mine["text_pending"], mine["pending_photos"]) == (False, [photos[1]])
    moderate(client, desk, complaint, photos=[{"photo_id": photos[1], "decision": "keep_private"}])
    published = client.post(f"{PHOTOS}/{loose}/moderation", headers=desk,
                            json={"decision": "approve", "reason": "Solo se ve la obra"})
    assert published.status_code == 200, published.text
    gone = everything(client, desk)
    assert complaint["id"] not in [item["complaint"]["id"] for item in gone["items"] if item["complaint"]]
    assert gone["counts"] == before["counts"]


def test_only_the_municipality_s_moderators_see_the_queue(client, session) -> None:
    assert_error_shape(client.get(QUEUE), 401, "auth_required")
    for email in ("voluntaria@vigia.example", "coordinacion@vigia.example", "contraloria.gomez@vigia.example"):
        assert_error_shape(client.get(QUEUE, headers=staff(session, email)), 403, "forbidden")
    assert client.get(QUEUE, headers=staff(session, "admin@vigia.example")).status_code == 200
    assert client.get(QUEUE, headers=staff(session, "nacional@vigia.example")).status_code == 200
    bad = client.get(QUEUE, params={"type": "queja"}, headers=staff(session))
    assert bad.status_code == 422


def test_the_staff_copy_shows_what_the_black_boxes_hide(client, session) -> None:
    desk = staff(session)
    photo = upload(client, 8201)
    box = {"x": 0, "y": 0, "width": 400, "height": 300}  # the sky, light blue in the synthetic photo
    redacted = client.post(f"{PHOTOS}/{photo}/redactions", headers=desk, json={"rectangles": [box],
                                                                                "public_version": 1})
    assert redacted.status_code == 200, redacted.text
    public_copy = client.get(f"{PHOTOS}/{photo}/1280", headers=desk)
    assert public_copy.status_code == 200
    staff_copy = client.get(f"{PHOTOS}/{photo}/staff", headers=desk)
    assert staff_copy.status_code == 200 and staff_copy.headers["content-type"] == "image/jpeg"
    assert staff_copy.headers["cache-control"] == "private, no-store"
    hidden = Image.open(io.BytesIO(public_copy.content)).convert("RGB")
    seen = Image.open(io.BytesIO(staff_copy.content)).convert("RGB")
    assert seen.size == hidden.size == (1280, 960)
    assert max(hidden.getpixel((100, 100))) < 20  # black on the public copy
    assert seen.getpixel((100, 100))[2] > 150  # the blue sky on the staff copy
    assert b"Exif" not in staff_copy.content[:200]
    for email in ("voluntaria@vigia.example", "contraloria.gomez@vigia.example"):
        answer = client.get(f"{PHOTOS}/{photo}/staff", headers=staff(session, email))
        assert answer.status_code in (403, 404), (email, answer.status_code)
    assert_error_shape(client.get(f"{PHOTOS}/{photo}/staff"), 401, "auth_required")
