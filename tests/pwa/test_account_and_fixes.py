"""Signed in, rejected and followed (docs/pwa.md): a volunteer signs in, files a complaint under their name and
signs out leaving nothing of theirs on the phone; a complaint the server rejects shows its Spanish message and is
fixed and sent again as a new mutation; a folio and code typed on /seguimiento show the complaint."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.conftest import on_one_database
from tests.pwa.conftest import idb, nav, sign_in, wait_until
from tests.pwa.test_offline_filing import complaints_with, first_visit

pytestmark = [pytest.mark.timeout(120), on_one_database]  # a browser story, on one database (tests/conftest.py)


def file_complaint(page, description: str, *, anonymous: bool | None = None, lat: str | None = None) -> None:
    nav(page, "Nueva queja").click()
    expect(page.get_by_role("heading", name="Nueva queja")).to_be_visible()
    page.get_by_label("Categoría").select_option(index=1)
    page.get_by_label("Descripción").fill(description)
    if lat is not None:
        page.get_by_label("Latitud").fill(lat)
    if anonymous is not None:
        page.get_by_label("Enviar de forma anónima").set_checked(anonymous)
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()


def test_signed_in_complaint_then_sign_out_leaves_nothing_of_the_account(phone, app_server):
    base_url, database = app_server
    page = phone.new_page()
    first_visit(page)
    sign_in(page, "voluntaria@vigia.example", device_name="Moto G de Rosa")
    expect(page.get_by_text("Sesión iniciada como Rosa Elena Quiñones")).to_be_visible()
    session = idb(page, "meta", "session:user")
    assert session["token"] and session["device_id"] == idb(page, "meta", "device:user")
    assert session["token"] not in page.url

    description = "Las luminarias nuevas de la calle no encienden desde la semana pasada."
    file_complaint(page, description, anonymous=False)
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent]")).to_have_count(1, timeout=30_000)
    with database.session_scope() as db_session:
        rows = db_session.execute(sa.text(
            "SELECT c.anonymous, u.email, c.folio FROM complaints c JOIN users u ON u.id = c.reporter_id "
            "WHERE c.description = :d"), {"d": description}).all()
    assert [tuple(row)[:2] for row in rows] == [(False, "voluntaria@vigia.example")]
    folio = rows[0][2]
    wait_until(page, lambda: idb(page, "records", None), what="the pulled records")  # the account's scopes
    nav(page, "Seguimiento").click()  # "mis quejas": the account's complaints, pulled
    expect(page.locator("li.mine").filter(has_text=folio)).to_have_count(1)

    nav(page, "Mi cuenta").click()
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_text("Sesión cerrada")).to_be_visible()
    user_id = session["user"]["id"]
    assert idb(page, "meta", "session:user") is None
    assert idb(page, "meta", f"cursor:{user_id}") is None
    assert [item for item in idb(page, "outbox", None) if item["owner"] == user_id] == []
    assert idb(page, "records", None) == []
    nav(page, "Seguimiento").click()
    expect(page.get_by_role("heading", name="Seguimiento de una queja")).to_be_visible()
    expect(page.locator("li.mine")).to_have_count(0)
    assert all(name.startswith("vigia-app-") for name in page.evaluate("caches.keys()"))  # only the app's files
    me = requests.get(base_url + "/api/v1/auth/me", timeout=10, headers={  # the token was revoked on the server too
        "Authorization": f"Bearer {session['token']}", "Vigia-Device": session["device_id"]})
    assert me.status_code == 401


def test_a_pull_still_on_its_way_at_sign_out_keeps_nothing_of_the_account(phone, app_server):
    """On 2G a pull can take seconds: a page that arrives after the person signed out must not put their records
    or cursor back on the phone."""
    page = phone.new_page()
    first_visit(page)
    sign_in(page, "voluntaria@vigia.example", device_name="Moto G de Rosa")
    expect(page.get_by_text("Sesión iniciada como Rosa Elena Quiñones")).to_be_visible()
    user_id = idb(page, "meta", "session:user")["user"]["id"]
    wait_until(page, lambda: idb(page, "records", None) and idb(page, "meta", f"cursor:{user_id}"), what="the first pull")
    held = []
    page.route("**/api/v1/sync/pull*",  # the server answers at once; the answer reaches the phone late (2G)
               lambda route: held.append((route, route.fetch())))
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    wait_until(page, lambda: held, what="a pull on its way")

    nav(page, "Mi cuenta").click()
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_text("Sesión cerrada")).to_be_visible()
    assert idb(page, "records", None) == []
    released_at = page.evaluate("new Date().toISOString()")
    route, answer = held[0]
    route.fulfill(response=answer)  # the account's cursor (and any change), answered before the sign-out
    wait_until(page, lambda: (idb(page, "meta", "sync:last") or {}).get("at", "") >= released_at,
               what="the run holding the pull to end")
    assert idb(page, "meta", f"cursor:{user_id}") is None
    assert idb(page, "records", None) == []
    assert idb(page, "meta", "session:user") is None


def test_a_rejected_complaint_shows_the_server_message_and_is_fixed_and_sent_again(phone, app_server):
    _, database = app_server
    page = phone.new_page()
    first_visit(page)
    description = "El bache de la avenida sigue sin taparse y ya causó dos accidentes."
    file_complaint(page, description, lat="25.5400")  # a point outside Durango (Gómez Palacio's latitude)
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    rejected = page.locator("li.item[data-state=rejected]")
    expect(rejected).to_have_count(1, timeout=30_000)
    expect(rejected.locator(".problem").first).not_to_be_empty()
    message = rejected.inner_text()
    assert "Rechazada" in message
    assert complaints_with(database, description) == []

    rejected.get_by_role("button", name="Corregir y enviar de nuevo").click()
    expect(page.get_by_role("heading", name="Nueva queja")).to_be_visible()
    expect(page.get_by_label("Descripción")).to_have_value(description)
    page.get_by_label("Latitud").fill("24.0277")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Guardado en el teléfono")).to_be_visible()
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    expect(page.locator("li.item[data-state=sent] .code")).to_be_visible(timeout=30_000)
    assert len(complaints_with(database, description)) == 1


def test_follow_up_by_typed_folio_and_code(phone, app_server):
    page = phone.new_page()
    first_visit(page)
    file_complaint(page, "Dejaron escombro de la obra sobre la banqueta y no se puede pasar.")
    nav(page, "Bandeja").click()
    page.get_by_role("button", name="Enviar ahora").click()
    code = page.locator("li.item .code")
    expect(code).to_be_visible(timeout=30_000)
    folio, secret = page.locator("li.item .folio").inner_text(), code.inner_text()

    page.goto("/seguimiento")
    page.get_by_label("Folio").fill(folio)
    page.get_by_label("Código de seguimiento").fill(secret.replace("-", "").lower())
    page.get_by_role("button", name="Consultar", exact=True).click()
    expect(page.locator(".follow-result")).to_contain_text(folio)
    expect(page.locator(".follow-result .state-label")).not_to_be_empty()

    page.get_by_label("Código de seguimiento").fill("ZZZ-ZZZ-ZZZ")
    page.get_by_role("button", name="Consultar", exact=True).click()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.locator(".follow-result")).to_have_count(0)
