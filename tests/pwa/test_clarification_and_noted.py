"""A request for clarification answered from the phone with text and a photo (offline, then online), and a
description corrected offline after the comptroller moved the complaint on: `noted`, shown with the server's
message, the text kept as information (docs/pwa.md, docs/sync.md)."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import camera_photo, idb, nav, sign_in, wait_until
from tests.pwa.test_account_and_fixes import file_complaint
from tests.pwa.test_follow_actions import state_of, updates_with
from tests.pwa.test_offline_filing import first_visit, photos_of

pytestmark = [pytest.mark.timeout(180), on_one_database]  # a browser story, on one database (tests/conftest.py)

COMPLAINTS = "/api/v1/municipalities/10005/complaints"


def staff(base_url: str) -> dict[str, str]:
    """The comptroller, through the API (as a person at the office would, from the staff's screens)."""
    signed = requests.post(base_url + "/api/v1/auth/login", timeout=10, json={
        "email": "contraloria@vigia.example", "password": "vigia-demo-2026", "device_name": "Oficina"}).json()
    return {"Authorization": f"Bearer {signed['token']}", "Vigia-Device": signed["device"]["id"]}


def move(base_url: str, complaint_id: str, to: str, **extra) -> None:
    moved = requests.post(f"{base_url}{COMPLAINTS}/{complaint_id}/transitions", timeout=10, headers=staff(base_url),
                          json={"to": to, "reason": "Revisión de la contraloría", **extra})
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == to


def complaint_row(database, description: str) -> dict:
    with database.session_scope() as session:
        rows = session.execute(sa.text("SELECT id, folio, state, description, version FROM complaints "
                                       "WHERE description = :d"), {"d": description}).all()
    assert len(rows) == 1, rows
    row = dict(rows[0]._mapping)
    row["id"] = str(uuid.UUID(str(row["id"])))  # SpatiaLite keeps it as hex
    return row


def file_signed_in(page, description: str) -> dict:
    """Signed in, a complaint in the person's name, sent, and pulled back into "mis quejas"."""
    file_complaint(page, description, anonymous=False)
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item").first).to_have_attribute("data-state", "sent", timeout=30_000)
    return complaint_row_wait(page, description)


def complaint_row_wait(page, description: str) -> dict:
    return wait_until(page, lambda: _pulled(page, description), timeout=30, what="the complaint pulled into 'mis quejas'")


def _pulled(page, description: str):
    for record in idb(page, "records"):
        if record["type"] == "complaint" and record["data"].get("description") == description:
            return record["data"]
    return None


def sync(page) -> None:
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()


def test_clarification_answered_offline_with_text_and_a_photo(phone, network, app_server, tmp_path):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    sign_in(page, "voluntaria@vigia.example")
    description = "La banqueta nueva de la calle Aquiles Serdán ya tiene grietas a lo largo de toda la cuadra."
    file_signed_in(page, description)
    row = complaint_row(database, description)
    move(base_url, row["id"], "needs_clarification",
         public_answer="¿Nos puede decir entre qué calles está la banqueta agrietada?")

    sync(page)  # the pull brings the request for clarification
    wait_until(page, lambda: (_pulled(page, description) or {}).get("state") == "needs_clarification",
               timeout=30, what="the request for clarification on the phone")
    nav(page, "Seguimiento").click()
    mine = page.locator("li.mine").filter(has_text=row["folio"])
    expect(mine).to_contain_text("¿Nos puede decir entre qué calles")

    network.down()
    mine.get_by_text("Agregar información").click()
    answer = "Está entre Pino Suárez y Negrete, frente a la tienda de la esquina."
    mine.get_by_label("Información para la contraloría").fill(answer)
    original = camera_photo()
    photo = tmp_path / "grieta.jpg"
    photo.write_bytes(original)
    mine.locator("input[type=file]").set_input_files(str(photo))
    expect(mine.get_by_text("Foto 1:")).to_be_visible()
    mine.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()

    [item] = [i for i in idb(page, "outbox") if i["intent"] == "complaint.add_information"]
    assert item["payload"]["text"] == answer and item["payload"]["complaint_id"] == row["id"]
    [attachment] = item["payload"]["attachments"]
    assert attachment["original_sha256"] == hashlib.sha256(original).hexdigest()
    held = item["photos"][0]
    assert held["sha256"] == attachment["sha256"] and held["blob"]["blob"] < len(original)  # downscaled on the phone
    assert state_of(database, row["folio"]) == "needs_clarification"

    network.up()
    sync(page)
    sent = page.locator("li.item").filter(has_text=row["folio"]).filter(has_text="Agregar información")
    expect(sent).to_have_attribute("data-state", "sent", timeout=30_000)
    expect(sent).to_contain_text("Foto 1 de 1 enviada", timeout=30_000)
    assert updates_with(database, answer) == 1
    assert state_of(database, row["folio"]) == "received"  # back in the queue (docs/complaints.md)
    photos = photos_of(database, row["folio"])
    assert len(photos) == 1 and photos[0]["sha256"] == attachment["sha256"]
    if "original_sha256" in photos[0]:
        assert photos[0]["original_sha256"] == attachment["original_sha256"]


def test_description_corrected_offline_after_the_complaint_moved_on_is_noted(phone, network, app_server):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    sign_in(page, "voluntaria@vigia.example")
    description = "El alumbrado de la plaza nueva no enciende desde que la inauguraron hace un mes."
    pulled = file_signed_in(page, description)
    assert pulled["version"] >= 1
    row = complaint_row(database, description)

    nav(page, "Seguimiento").click()
    mine = page.locator("li.mine").filter(has_text=row["folio"])
    network.down()
    mine.get_by_text("Corregir la descripción").click()
    corrected = "El alumbrado de la plaza nueva no enciende desde hace un mes; son las doce lámparas del lado norte."
    mine.get_by_label("Descripción (si la queja ya avanzó").fill(corrected)
    mine.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    [item] = [i for i in idb(page, "outbox") if i["intent"] == "complaint.edit_description"]
    assert item["payload"]["base_version"] == pulled["version"] == row["version"]

    move(base_url, row["id"], "admitted")  # meanwhile the comptroller moved it on

    network.up()
    sync(page)
    noted = page.locator("li.item").filter(has_text=row["folio"]).filter(has_text="Corregir la descripción")
    expect(noted).to_have_attribute("data-state", "noted", timeout=30_000)
    expect(noted).to_contain_text("Anotada")
    expect(noted.locator(".note")).to_have_text(
        "La queja ya había avanzado cuando llegó su cambio; lo agregamos como información a la queja.")
    nav(page, "Seguimiento").click()  # and on the complaint in "mis quejas"
    expect(mine.locator("p.pending[data-state=noted]")).to_contain_text("Anotada")
    expect(mine.locator("p.pending[data-state=noted]")).to_contain_text("lo agregamos como información a la queja")
    after = complaint_row(database, description)  # the description is the reporter's first text, not overwritten
    assert after["state"] == "admitted"
    assert updates_with(database, corrected) == 1


def test_clarification_answered_from_the_follow_up_of_an_anonymous_complaint(phone, network, app_server, tmp_path):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    description = "Dejaron una zanja abierta sin señalamientos frente a la escuela primaria Benito Juárez."
    file_complaint(page, description, anonymous=None)
    sync(page)
    expect(page.locator("li.item .code")).to_be_visible(timeout=30_000)
    row = complaint_row(database, description)
    move(base_url, row["id"], "needs_clarification", public_answer="¿A qué altura de la calle está la zanja?")

    nav(page, "Seguimiento").click()
    page.get_by_role("button", name=f"Consultar {row['folio']}").click()
    result = page.locator(".follow-result")
    expect(result).to_contain_text("¿A qué altura de la calle está la zanja?")
    network.down()
    result.get_by_text("Agregar información").click()
    answer = "A la altura del número 415, junto a la entrada de la escuela."
    result.get_by_label("Información para la contraloría").fill(answer)
    photo = tmp_path / "zanja.jpg"
    photo.write_bytes(camera_photo(1800, 2400))
    result.locator("input[type=file]").set_input_files(str(photo))
    expect(result.get_by_text("Foto 1:")).to_be_visible()
    result.get_by_role("button", name="Enviar", exact=True).click()
    expect(result.get_by_text("Guardado en el teléfono")).to_be_visible()
    [item] = [i for i in idb(page, "outbox") if i["intent"] == "complaint.add_information"]
    assert item["owner"] == "anon" and uuid.UUID(item["payload"]["complaint_id"]) == uuid.UUID(row["id"])

    network.up()
    sync(page)
    sent = page.locator("li.item").filter(has_text="Agregar información")
    expect(sent).to_have_attribute("data-state", "sent", timeout=30_000)
    expect(sent).to_contain_text("Foto 1 de 1 enviada", timeout=30_000)
    assert updates_with(database, answer) == 1
    assert state_of(database, row["folio"]) == "received"
    [stored] = photos_of(database, row["folio"])
    assert stored["sha256"] == item["payload"]["attachments"][0]["sha256"]
