"""After filing (docs/pwa.md): the receipt saved as an image; with folio and code, information added and the
complaint withdrawn; signed in, information added from "mis quejas" through the outbox; the device list and
"este teléfono se perdió" ending another phone's sessions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import nav, sign_in
from tests.pwa.test_account_and_fixes import file_complaint
from tests.pwa.test_offline_filing import first_visit

pytestmark = [pytest.mark.timeout(150), on_one_database]  # a browser story, on one database (tests/conftest.py)


def updates_with(database, text: str) -> int:
    with database.session_scope() as session:
        return session.execute(sa.text("SELECT count(*) FROM complaint_updates WHERE text = :t"), {"t": text}).scalar()


def state_of(database, folio: str) -> str:
    with database.session_scope() as session:
        return session.execute(sa.text("SELECT state FROM complaints WHERE folio = :f"), {"f": folio}).scalar()


def test_receipt_image_information_and_withdrawal_with_folio_and_code(phone, app_server):
    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    file_complaint(page, "Los trabajadores dejaron la llave del agua abierta toda la noche en la obra.")
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item .code")).to_be_visible(timeout=30_000)
    folio = page.locator("li.item .folio").inner_text()

    with page.expect_download() as download:
        page.get_by_role("button", name="Guardar como imagen").click()
    assert download.value.suggested_filename == f"vigia-{folio}.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_role("link", name="Ver seguimiento").click()
    expect(page.locator(".follow-result")).to_contain_text(folio)
    page.get_by_text("Agregar información").click()
    information = "Hoy en la mañana seguía abierta la llave, frente al número 120."
    page.get_by_label("Información para la contraloría").fill(information)
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(page.get_by_text("Se agregó su información.")).to_be_visible()
    assert updates_with(database, information) == 1

    page.locator("summary").filter(has_text="Retirar la queja").click()
    page.get_by_label("Motivo para retirarla").fill("Ya cerraron la llave y repararon la fuga.")
    page.get_by_role("button", name="Retirar la queja").click()
    expect(page.get_by_text("La queja quedó retirada.")).to_be_visible()
    assert state_of(database, folio) == "withdrawn"


def test_information_from_mis_quejas_and_a_lost_phone(phone, app_server):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    other = requests.post(base_url + "/api/v1/auth/login", timeout=10, json={
        "email": "voluntaria@vigia.example", "password": "vigia-demo-2026", "device_name": "Tableta perdida"}).json()
    sign_in(page, "voluntaria@vigia.example")
    lost = page.locator("li.device").filter(has_text="Tableta perdida")
    expect(lost).to_have_count(1)
    expect(page.locator("li.device").filter(has_text="(este teléfono)")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    lost.get_by_role("button", name="Este teléfono se perdió").click()
    expect(lost).to_contain_text("Dado de baja.")
    me = requests.get(base_url + "/api/v1/auth/me", timeout=10, headers={
        "Authorization": f"Bearer {other['token']}", "Vigia-Device": other["device"]["id"]})
    assert me.status_code == 401

    nav(page, "Seguimiento").click()
    mine = page.locator("li.mine").first
    expect(mine).to_be_visible(timeout=30_000)
    folio = mine.locator(".folio").inner_text()
    mine.get_by_text("Agregar información").click()
    information = "Agrego que el problema sigue igual después de dos semanas."
    mine.get_by_label("Información para la contraloría").fill(information)
    mine.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    item = page.locator("li.item").filter(has_text=folio)
    expect(item).to_have_attribute("data-state", re.compile("sent|noted"), timeout=30_000)
    assert updates_with(database, information) == 1
