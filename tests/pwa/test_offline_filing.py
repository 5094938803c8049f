"""A neighbour files an anonymous complaint with a photo while offline (docs/pwa.md): the app opens without the
network after one visit, keeps the complaint in the phone's outbox across closing the app, and once back online
sends it exactly once, uploads the photo with its declared hash, and shows the folio and the follow-up code."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import camera_photo, idb, wait_until

pytestmark = [pytest.mark.timeout(120), on_one_database]  # a browser story, on one database (tests/conftest.py)

DESCRIPTION = "La zanja de la obra sigue abierta frente a la escuela y no hay señalamiento."


def complaints_with(database, description: str) -> list[dict]:
    with database.session_scope() as session:
        rows = session.execute(sa.text(
            "SELECT id, folio, anonymous, accuracy_m FROM complaints WHERE description = :d"), {"d": description})
        return [dict(row._mapping) for row in rows]


def photos_of(database, folio: str) -> list[dict]:
    with database.session_scope() as session:
        rows = session.execute(sa.text(
            "SELECT p.* FROM photos p JOIN complaint_photos cp ON cp.photo_id = p.id "
            "JOIN complaints c ON c.id = cp.complaint_id WHERE c.folio = :f"), {"f": folio})
        return [dict(row._mapping) for row in rows]


def first_visit(page) -> None:
    """Online: the app installs its service worker, finds where the phone is and keeps what filing needs."""
    page.goto("/")
    expect(page.get_by_role("heading", name="¿Dónde estoy?")).to_be_visible()
    page.get_by_role("button", name="Usar mi ubicación").click()
    expect(page.get_by_text("Está en Durango")).to_be_visible()
    expect(page.locator("ul.works > li").first).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready")
    wait_until(page, lambda: page.evaluate("Boolean(navigator.serviceWorker.controller)"), what="the service worker")
    wait_until(page, lambda: idb(page, "cache", "categories:10005:es"), what="the categories kept for offline")


def test_anonymous_complaint_filed_offline_reaches_the_server_once_with_its_photo(phone, network, app_server, tmp_path):
    base_url, database = app_server
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    page = phone.new_page()
    first_visit(page)

    network.down()
    page.reload()  # opens without the network: the shell comes from the service worker
    expect(page.get_by_role("heading", name="¿Dónde estoy?")).to_be_visible()
    expect(page.get_by_text("Sin conexión", exact=True)).to_be_visible()
    expect(page.locator("ul.works > li").first).to_be_visible()  # the works near me, kept on the phone

    page.get_by_role("link", name="Nueva queja").click()
    expect(page.get_by_role("heading", name="Nueva queja")).to_be_visible()
    page.get_by_label("Categoría").select_option(index=1)
    page.get_by_label("Descripción").fill(DESCRIPTION)
    photo = tmp_path / "foto.jpg"
    original = camera_photo()
    photo.write_bytes(original)
    page.locator("#photo").set_input_files(str(photo))
    expect(page.get_by_text("Foto 1:")).to_be_visible()
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()

    outbox = idb(page, "outbox")
    assert len(outbox) == 1 and outbox[0]["state"] == "waiting"
    attachment = outbox[0]["payload"]["attachments"][0]
    assert attachment["original_sha256"] == hashlib.sha256(original).hexdigest()
    held = outbox[0]["photos"][0]
    assert held["blob"]["blob"] < len(original) and held["sha256"] == attachment["sha256"]
    assert complaints_with(database, DESCRIPTION) == []  # nothing reached the server

    # The app is closed and opened again, still offline: the complaint waits in the outbox.
    page.close()
    page = phone.new_page()
    page.goto("/bandeja")
    expect(page.get_by_role("heading", name="Bandeja de salida")).to_be_visible()
    expect(page.locator("li.item[data-state=waiting]")).to_have_count(1)
    assert complaints_with(database, DESCRIPTION) == []

    network.up()
    page.get_by_role("button", name="Enviar ahora").click()
    item = page.locator("li.item").first
    expect(item.locator(".code")).to_be_visible(timeout=30_000)
    expect(item.get_by_text("Foto 1 de 1 enviada")).to_be_visible(timeout=30_000)
    folio = item.locator(".folio").inner_text()
    code = item.locator(".code").inner_text()

    filed = complaints_with(database, DESCRIPTION)
    assert len(filed) == 1 and filed[0]["anonymous"] and filed[0]["folio"] == folio
    photos = photos_of(database, folio)
    assert len(photos) == 1 and photos[0]["sha256"] == attachment["sha256"]
    if "original_sha256" in photos[0]:
        assert photos[0]["original_sha256"] == attachment["original_sha256"]

    # Sending again (the button, the timer) changes nothing on the server.
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.get_by_text("Enviando…")).to_have_count(0)
    page.reload()
    expect(page.locator("li.item .code")).to_have_text(code)
    assert len(complaints_with(database, DESCRIPTION)) == 1
    receipts = idb(page, "receipts")
    assert [(r["folio"], r["code"]) for r in receipts] == [(folio, code)]  # kept on the phone

    assert requested and all(url.startswith(base_url + "/") for url in requested)  # no third-party request

    # The folio and code open the complaint's follow-up.
    page.get_by_role("link", name="Ver seguimiento").click()
    expect(page.get_by_role("heading", name="Seguimiento de una queja")).to_be_visible()
    expect(page.locator(".follow-result")).to_contain_text(folio)
