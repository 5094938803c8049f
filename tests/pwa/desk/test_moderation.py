"""Moderation at /mesa/moderacion in Chromium, on both databases (docs/privacy.md): contraloria@ blacks out an area
of a demo complaint's photo with the mouse (and tries the keyboard's rectangle), previews the public copy the
server makes, publishes; the public copy's pixels under the box are black and the public API lists the photo. A
decision taken meanwhile by another moderator is shown in words, beside the one refused."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from server.complaints.fixtures import synthetic_photo
from server.complaints.models import ComplaintPhoto
from server.media.models import Photo
from server.media.storage import get_storage, sha256_hex
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import PASSWORD, PHONE, desk_sign_in, serious_violations

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

EMAIL = "contraloria@vigia.example"
BASE = "/api/v1/municipalities/10005"
# server/demo/complaints.json: the 1st and the 16th complaints of 10005 wait for moderation, each with one photo
# (made by server.complaints.fixtures.synthetic_photo(number * 10)).
WAITING = {"0192f000-0000-7000-8000-000000000001": 10, "0192f000-0000-7000-8000-000000000016": 160}


def get_json(base_url: str, path: str, headers: dict | None = None) -> dict:
    with urllib.request.urlopen(urllib.request.Request(base_url + path, headers=headers or {})) as answer:
        return json.load(answer)


def restore_original(complaint_id: str) -> None:
    """The served demo is a copy of the loaded database with an empty media folder: put the photo's original back,
    byte for byte (the demo's photos are made from a seed)."""
    data = synthetic_photo(WAITING[complaint_id])
    get_storage().put_original(sha256_hex(data), data)


def folio_of(base_url: str, complaint_id: str) -> str:
    return get_json(base_url, f"{BASE}/complaints/{complaint_id}")["folio"]


def test_a_comptroller_blacks_out_a_photo_previews_and_publishes_it(desk, app_server) -> None:
    base_url, database = app_server
    complaint_id = "0192f000-0000-7000-8000-000000000001"
    restore_original(complaint_id)
    folio = folio_of(base_url, complaint_id)
    assert get_json(base_url, f"{BASE}/complaints/{complaint_id}")["photos"] == []
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then="/mesa/moderacion")
    expect(page.get_by_role("heading", name="Moderación", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Esperan revisión")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("button", name=f"{folio} ·").click()
    expect(page.get_by_role("heading", name=f"Queja {folio}")).to_be_visible()
    photo = page.get_by_role("img", name="Foto 1, copia para el personal, sin tachaduras")
    expect(photo).to_be_visible()
    page.wait_for_function("document.querySelector('.blackout-photo').naturalWidth > 0")

    # the keyboard's way: add a rectangle, move it right, make it taller, then remove it
    page.get_by_role("button", name="Añadir rectángulo").click()
    box = page.get_by_role("button", name="Rectángulo 1: desde 640, 480; 320 × 240 píxeles")
    expect(box).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(page.get_by_role("button", name="Rectángulo 1: desde 656, 480; 320 × 256 píxeles")).to_be_focused()
    page.keyboard.press("Delete")
    expect(page.get_by_role("button", name="Rectángulo 1", exact=False)).to_have_count(0)

    # the mouse's way: drag over the top-left part of the photo (the sky)
    photo.scroll_into_view_if_needed()
    area = photo.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.05, area["y"] + area["height"] * 0.05)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.25, area["y"] + area["height"] * 0.2, steps=5)
    page.mouse.move(area["x"] + area["width"] * 0.35, area["y"] + area["height"] * 0.3, steps=5)
    page.mouse.up()
    drawn = page.locator(".blackout-box:not(.draft)")
    expect(drawn).to_have_count(1)
    expect(page.get_by_role("radio", name="Publicar con las áreas tapadas")).to_be_checked()

    page.get_by_role("button", name="Vista previa de la copia pública").click()
    preview = page.get_by_role("img", name="Foto 1 como la verá el público")
    expect(preview).to_be_visible(timeout=30_000)
    page.wait_for_function("document.querySelector('.moderation-preview img').naturalWidth > 0")
    expect(page.get_by_text("Así la verá el público (1 rectángulo negro)")).to_be_visible()
    with database.session_scope() as session:  # a preview is not a publication
        photo_id = session.scalar(sa.select(ComplaintPhoto.photo_id).where(
            ComplaintPhoto.complaint_id == uuid.UUID(complaint_id)))
        stored = session.get(Photo, photo_id)
        assert stored.publication == "pending" and len(stored.redactions) == 1
        (rectangle,) = stored.redactions
    assert 40 <= rectangle["x"] <= 120 and 30 <= rectangle["y"] <= 90  # ~5 % of 1600 × 1200
    assert 400 <= rectangle["width"] <= 560 and 250 <= rectangle["height"] <= 350

    page.get_by_role("radio", name="Publicar tal cual").first.click()  # the text
    page.get_by_label("Motivo de la decisión").fill("Se tapó una placa en la esquina superior.")
    page.get_by_role("button", name="Guardar decisión").click()
    expect(page.get_by_role("status").filter(has_text=f"Decisión guardada para la queja {folio}.")).to_be_visible()
    expect(page.get_by_role("button", name=f"{folio} ·")).to_have_count(0)

    public = get_json(base_url, f"{BASE}/complaints/{complaint_id}")
    assert public["photos"] == [str(photo_id)] and public["description"]
    shown = get_json(base_url, f"{BASE}/photos/{photo_id}")
    assert (shown["publication"], shown["redacted"]) == ("published", True)
    with urllib.request.urlopen(base_url + shown["variants"]["1280"]["url"]) as answer:
        copy = Image.open(io.BytesIO(answer.read())).convert("RGB")
    scale = copy.width / 1600
    inside = [(rectangle["x"] + rectangle["width"] * fx, rectangle["y"] + rectangle["height"] * fy)
              for fx in (0.1, 0.5, 0.9) for fy in (0.1, 0.5, 0.9)]
    for x, y in inside:
        assert max(copy.getpixel((int(x * scale), int(y * scale)))) < 24, (x, y)
    outside = copy.getpixel((int((rectangle["x"] + rectangle["width"] + 60) * scale), int(40 * scale)))
    assert outside[2] > 150  # the sky beside the box is still blue

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("heading", name="Moderación", level=1)).to_be_visible()
    assert serious_violations(page) == []


def test_a_decision_taken_meanwhile_by_another_moderator_is_shown_in_words(desk, app_server) -> None:
    base_url, _ = app_server
    complaint_id = "0192f000-0000-7000-8000-000000000016"
    restore_original(complaint_id)
    folio = folio_of(base_url, complaint_id)
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then="/mesa/moderacion")
    page.get_by_role("button", name=f"{folio} ·").click()
    expect(page.get_by_role("heading", name=f"Queja {folio}")).to_be_visible()

    login = urllib.request.Request(base_url + "/api/v1/auth/login", method="POST", headers={
        "Content-Type": "application/json"}, data=json.dumps({"email": "admin@vigia.example", "password": PASSWORD,
                                                              "device_name": "otra mesa"}).encode())
    with urllib.request.urlopen(login) as answer:
        token = json.load(answer)["token"]
    staff = get_json(base_url, f"{BASE}/complaints/{complaint_id}", {"Authorization": f"Bearer {token}"})
    decide = urllib.request.Request(base_url + f"{BASE}/complaints/{complaint_id}/moderation", method="POST",
                                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                                    data=json.dumps({"version": staff["version"], "text": "keep_private",
                                                     "reason": "Trae el nombre de un vecino"}).encode())
    urllib.request.urlopen(decide).close()

    page.get_by_role("radio", name="Publicar tal cual").first.click()
    page.get_by_label("Motivo de la decisión").fill("Sin datos personales")
    page.get_by_role("button", name="Guardar decisión").click()
    stale = page.get_by_role("alert").filter(has_text="Alguien cambió este registro mientras usted lo editaba")
    expect(stale).to_be_visible()
    row = stale.locator("tr", has=page.get_by_role("rowheader", name="Texto", exact=True))
    expect(row).to_contain_text("Publicar tal cual")
    expect(row).to_contain_text("privada")
    assert serious_violations(page) == []
