"""What a flaky network does to a phone (docs/pwa.md, docs/sync.md): a push whose answer is lost after the server
applied it is sent again and leaves one complaint; a photo upload whose connection drops in the middle resumes
from the server's offset, sending at most 1.25 × the file in total."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import idb, nav, wait_until
from tests.pwa.test_offline_filing import complaints_with, first_visit, photos_of

pytestmark = [pytest.mark.timeout(150), on_one_database]  # a browser story, on one database (tests/conftest.py)

UPLOADS = re.compile(r".*/api/v1/sync/uploads/.*")


def fill_complaint(page, description: str, photo=None) -> None:
    nav(page, "Nueva queja").click()
    page.get_by_label("Categoría").select_option(index=1)
    page.get_by_label("Descripción").fill(description)
    if photo is not None:
        page.locator("#photo").set_input_files(str(photo))
        expect(page.get_by_text("Foto 1:")).to_be_visible()


def test_a_push_whose_answer_is_lost_is_sent_again_and_files_one_complaint(phone, app_server):
    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    pushes = []

    def lose_the_first_answer(route):
        pushes.append(route.request.post_data_json)
        if len(pushes) == 1:
            route.fetch()  # the server receives and applies it...
            route.abort("connectionreset")  # ...and the phone never hears back
        else:
            route.continue_()

    phone.route("**/api/v1/sync/push", lose_the_first_answer)
    description = "Cortaron el agua por la obra y no avisaron a los vecinos de la calle."
    fill_complaint(page, description)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    wait_until(page, lambda: len(pushes) >= 1 and (idb(page, "meta", "sync:last") or {}).get("ok") is False,
               what="the first push to fail")
    assert len(complaints_with(database, description)) == 1  # applied, though the phone does not know it
    assert idb(page, "outbox", None)[0]["state"] == "waiting"

    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent] .code")).to_be_visible(timeout=30_000)
    assert len(pushes) >= 2 and pushes[0]["mutations"] == pushes[1]["mutations"]  # the same mutation, same id
    filed = complaints_with(database, description)
    assert len(filed) == 1
    assert page.locator("li.item .folio").inner_text() == filed[0]["folio"]


def test_a_photo_upload_cut_in_the_middle_resumes_from_the_servers_offset(phone, app_server, tmp_path):
    from PIL import Image

    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    photo = tmp_path / "ruido.jpg"
    Image.effect_noise((2400, 1800), 64).convert("RGB").save(photo, "JPEG", quality=92)  # stays large when downscaled

    sent = {"bytes": 0, "patches": 0, "heads": 0}

    def cut_the_second_chunk(route):
        request = route.request
        if request.method == "HEAD":
            sent["heads"] += 1
        body = request.post_data_buffer or b""
        sent["bytes"] += len(body)
        if request.method == "PATCH":
            sent["patches"] += 1
            if sent["patches"] == 2:
                route.fetch()  # the chunk reaches the server, then the connection drops
                route.abort("connectionreset")
                return
        route.continue_()

    phone.route(UPLOADS, cut_the_second_chunk)
    description = "Las fotos muestran el hundimiento del pavimento recién colocado en la esquina."
    fill_complaint(page, description, photo)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    size = idb(page, "outbox", None)[0]["photos"][0]["size"]
    assert size > 2 * 256 * 1024, "the photo needs three chunks or more"
    wait_until(page, lambda: sent["patches"] >= 2 and (idb(page, "meta", "sync:last") or {}).get("ok") is False,
               timeout=30, what="the upload to be cut")
    held = idb(page, "outbox", None)[0]["photos"][0]
    assert held["upload_url"] and not held["done"]

    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.get_by_text("Foto 1 de 1 enviada")).to_be_visible(timeout=30_000)
    assert sent["heads"] >= 1  # it asked the server where it stood
    assert sent["bytes"] <= 1.25 * size, (sent, size)
    folio = page.locator("li.item .folio").inner_text()
    photos = photos_of(database, folio)
    assert len(photos) == 1 and photos[0]["sha256"] == held["sha256"]
