"""The desk's sign-in and "Mis sesiones" in Chromium, on both databases (docs/api.md, "Browser sessions"): the
Secure session cookie works on http://127.0.0.1 and survives a reload, wrong passwords and the lockout are said in
words, ?next= only leads inside the desk, the sessions screen lists and ends sessions, and a page served from
another loopback origin that posts to Vigía (a form, a fetch) is refused and changes nothing in the database."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import AccessToken, Device, User
from server.complaints.models import Complaint, ComplaintNote
from server.municipalities.models import Municipality
from tests.conftest import on_one_database
from tests.pwa.desk.conftest import LAPTOP, PASSWORD, PHONE, desk_sign_in, serious_violations
from tests.services import free_port

pytestmark = on_one_database  # a browser story, on one database (tests/conftest.py)

EMAIL = "contraloria@vigia.example"


def _scalar(database, query):
    with database.session_scope() as session:
        return session.scalar(query)


def test_sign_in_sets_a_secure_httponly_cookie_on_loopback_and_a_reload_stays_signed_in(desk, app_server) -> None:
    _, database = app_server
    page = desk.new_page()
    page.goto("/mesa/quejas")  # not signed in: the desk sends the person to sign in, and back here after
    expect(page).to_have_url(re.compile(r"/mesa/entrar\?next=%2Fmesa%2Fquejas$"))
    expect(page.get_by_role("heading", name="Entrar a la mesa de trabajo")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Correo electrónico").fill(EMAIL)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/mesa/quejas$"))
    cookies = {cookie["name"]: cookie for cookie in desk.cookies()}
    # Chromium keeps a Secure cookie from http://127.0.0.1 (loopback is a secure context): the default works
    session = cookies["vigia_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    assert session["expires"] == -1  # a cookie of the browser's session
    assert cookies["vigia_csrf"]["secure"] and not cookies["vigia_csrf"]["httpOnly"]
    assert "vigia_session" not in page.evaluate("document.cookie")  # page scripts never see the session
    page.reload()
    expect(page.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()
    name = _scalar(database, sa.select(User.full_name).where(User.email == EMAIL))
    expect(page.locator(".desk-user")).to_have_text(name)
    # sign-out: the server ends the session, both cookies go, and the desk asks to sign in again
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_role("button", name="Entrar")).to_be_visible()
    assert {cookie["name"] for cookie in desk.cookies()} & {"vigia_session", "vigia_csrf"} == set()
    assert _scalar(database, sa.select(sa.func.count()).select_from(AccessToken).where(
        AccessToken.digest.is_not(None), AccessToken.revoked_at.is_(None),
        AccessToken.device_id.in_(sa.select(Device.id).where(Device.name == "Chrome · Linux")))) == 0
    page.goto("/mesa/quejas")
    expect(page).to_have_url(re.compile(r"/mesa/entrar"))


def test_wrong_passwords_then_the_lockout_are_said_in_words(desk, app_server) -> None:
    page = desk.new_page()
    page.goto("/mesa/entrar")
    page.get_by_label("Correo electrónico").fill("comite@vigia.example")
    for _ in range(5):  # LOGIN_MAX_FAILURES
        page.get_by_label("Contraseña").fill("no-es-la-clave")
        page.get_by_role("button", name="Entrar").click()
        expect(page.get_by_role("alert")).to_have_text("Correo o contraseña incorrectos.")
        expect(page.get_by_label("Contraseña")).to_have_value("")
    page.get_by_label("Contraseña").fill(PASSWORD)  # even the right one, while locked
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("alert")).to_contain_text("Demasiados intentos fallidos. Intente de nuevo en")
    expect(page.get_by_text("la cuenta se bloquea un rato")).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    assert serious_violations(page) == []
    assert {cookie["name"] for cookie in desk.cookies()} & {"vigia_session", "vigia_csrf"} == set()


def test_next_leads_only_inside_the_desk(desk, app_server) -> None:
    page = desk.new_page()
    desk_sign_in(page, EMAIL, then="/mesa/sesiones")
    expect(page).to_have_url(re.compile(r"/mesa/sesiones$"))
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_role("button", name="Entrar")).to_be_visible()
    for elsewhere in ("//evil.example/mesa", "https://evil.example/mesa", "/publico/10005", "/mesa/entrar"):
        page.goto("/mesa/entrar?next=" + elsewhere)
        page.get_by_label("Correo electrónico").fill(EMAIL)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/mesa/quejas$"))
        page.get_by_role("button", name="Salir").click()
        expect(page.get_by_role("button", name="Entrar")).to_be_visible()


def test_my_sessions_lists_marks_and_ends_them(desk, chromium, app_server) -> None:
    base_url, database = app_server
    other = chromium.new_context(base_url=base_url, viewport=LAPTOP, locale="es-MX")
    try:
        elsewhere = other.new_page()
        desk_sign_in(elsewhere, EMAIL)
        page = desk.new_page()
        desk_sign_in(page, EMAIL, then="/mesa/sesiones")
        expect(page.get_by_role("heading", name="Mis sesiones")).to_be_visible()
        listed = page.get_by_role("list", name="Mis sesiones").get_by_role("listitem")
        expect(listed).to_have_count(2)
        expect(listed.first).to_contain_text("Esta sesión")  # this one, first and marked
        expect(listed.nth(1)).not_to_contain_text("Esta sesión")
        assert serious_violations(page) == []
        page.set_viewport_size(PHONE)
        assert serious_violations(page) == []
        page.set_viewport_size(LAPTOP)

        # end the other browser's session: asked first, then gone from the list and from the server
        listed.nth(1).get_by_role("button", name="Cerrar sesión").click()
        dialog = page.get_by_role("dialog", name="¿Cerrar esta sesión?")
        expect(dialog).to_contain_text("tendrá que volver a entrar")
        assert serious_violations(page) == []
        dialog.get_by_role("button", name="Cancelar").click()
        expect(listed).to_have_count(2)
        listed.nth(1).get_by_role("button", name="Cerrar sesión").click()
        dialog.get_by_role("button", name="Sí, cerrar la sesión").click()
        expect(page.get_by_role("status")).to_contain_text("cerrada")
        expect(listed).to_have_count(1)
        assert _scalar(database, sa.select(sa.func.count()).select_from(Device).where(
            Device.user_id == sa.select(User.id).where(User.email == EMAIL).scalar_subquery(),
            Device.revoked_at.is_not(None))) >= 1
        elsewhere.reload()  # the other browser is signed out
        expect(elsewhere.get_by_role("button", name="Entrar")).to_be_visible()
        expect(page.get_by_text("Sesiones terminadas")).to_be_visible()

        # end this one: the desk signs out
        listed.first.get_by_role("button", name="Cerrar sesión").click()
        expect(dialog).to_contain_text("saldrá de la mesa de trabajo")
        dialog.get_by_role("button", name="Sí, cerrar la sesión").click()
        expect(page.get_by_role("button", name="Entrar")).to_be_visible()
        assert {cookie["name"] for cookie in desk.cookies()} & {"vigia_session", "vigia_csrf"} == set()
        page.goto("/mesa/sesiones")
        expect(page).to_have_url(re.compile(r"/mesa/entrar\?next="))
    finally:
        other.close()


# ------------------------------------------------------------------------------------------------ forgery


@contextmanager
def another_origin(folder: Path) -> Iterator[str]:
    """A tiny web server on another loopback port: another origin (same site, so SameSite=Strict cookies still
    travel to Vigía from its pages: only Vigía's own checks stand in the way)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


FORGED_FORM = """<!doctype html><html lang="es"><title>Premio</title>
<form id="f" method="post" enctype="text/plain" action="{vigia}/api/v1/municipalities/10005/complaints/{complaint}/notes">
<input type="hidden" name='{{"text":"Nota forjada desde otra página ' value='"}}'></form>
<script>document.getElementById('f').submit();</script></html>"""

FORGED_FETCH = """<!doctype html><html lang="es"><title>Premio</title><p id="out">…</p><script>
const vigia = '{vigia}';
const tries = [
  fetch(vigia + '/api/v1/auth/devices/{device}/revoke', {{method: 'POST', mode: 'no-cors', credentials: 'include'}}),
  fetch(vigia + '/api/v1/municipalities/10005/complaints/{complaint}/notes', {{method: 'POST', mode: 'no-cors',
    credentials: 'include', headers: {{'Content-Type': 'text/plain'}}, body: JSON.stringify({{text: 'Nota forjada por fetch'}})}}),
  fetch(vigia + '/api/v1/auth/session/end', {{method: 'POST', mode: 'no-cors', credentials: 'include'}}),
  // with a made-up CSRF header: a preflight Vigía does not grant (no CORS for this origin)
  fetch(vigia + '/api/v1/auth/devices/{device}/revoke', {{method: 'POST', credentials: 'include',
    headers: {{'X-CSRF-Token': 'adivinado'}}}}).then(() => 'answered', () => 'blocked'),
];
Promise.allSettled(tries).then((all) => {{ document.getElementById('out').textContent = 'hecho ' + all.map((r) => r.value === 'blocked' ? 'blocked' : r.status).join(','); }});
</script></html>"""


def test_pages_of_another_origin_cannot_act_with_the_session(desk, app_server, tmp_path) -> None:
    base_url, database = app_server
    page = desk.new_page()
    desk_sign_in(page, EMAIL)
    with database.session_scope() as session:
        complaint = session.scalar(sa.select(Complaint.id).join(Municipality, Municipality.id ==
                                   Complaint.municipality_id).where(Municipality.code == "10005").limit(1))
        user = session.scalar(sa.select(User.id).where(User.email == EMAIL))
        device = session.scalar(sa.select(Device.id).where(Device.user_id == user, Device.revoked_at.is_(None))
                                .order_by(Device.created_at.desc()).limit(1))
    notes_before = _scalar(database, sa.select(sa.func.count()).select_from(ComplaintNote))
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "form.html").write_text(FORGED_FORM.format(vigia=base_url, complaint=complaint), encoding="utf-8")
    (folder / "fetch.html").write_text(FORGED_FETCH.format(vigia=base_url, complaint=complaint, device=device),
                                       encoding="utf-8")
    with another_origin(folder) as evil:
        assert evil != base_url
        attacker = desk.new_page()  # the same browser, signed in to Vigía in another tab
        attacker.goto(evil + "/form.html")
        # the form's POST reached Vigía with the session cookie, and Vigía refused it in words
        expect(attacker.locator("body")).to_contain_text("csrf_failed")
        expect(attacker.locator("body")).to_contain_text("no vino de una página de Vigía")
        attacker.goto(evil + "/fetch.html")
        expect(attacker.locator("#out")).to_have_text("hecho fulfilled,fulfilled,fulfilled,blocked")
    # nothing changed: no note, the device and its session are alive, and the desk still works
    assert _scalar(database, sa.select(sa.func.count()).select_from(ComplaintNote)) == notes_before
    assert _scalar(database, sa.select(Device.revoked_at).where(Device.id == device)) is None
    assert _scalar(database, sa.select(sa.func.count()).select_from(AccessToken).where(
        AccessToken.device_id == device, AccessToken.revoked_at.is_(None))) == 1
    page.reload()
    expect(page.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()
    assert "vigia_session" in {cookie["name"] for cookie in desk.cookies()}


# ------------------------------------------------------------------------------------------------ plain http elsewhere


@pytest.fixture
def named_server(backend, tmp_path, served_dist):
    """The demo served to the name vigia.test as well (ALLOWED_HOSTS), with the default Secure cookie."""
    from tests.live import served_demo

    with served_demo(backend, tmp_path, vigia_pwa_dir=served_dist,
                     allowed_hosts=["127.0.0.1", "vigia.test"]) as served:
        yield served


def test_plain_http_on_another_address_says_the_session_was_not_kept(chromium, named_server) -> None:
    """http://vigia.test (resolved to loopback by the browser, as a LAN address would be) is not a secure context:
    Chromium drops the Secure cookie, and the sign-in says why in words instead of sending the person back to the
    form without a word."""
    from tests.pwa.conftest import CHROMIUM

    base_url, _ = named_server
    named = base_url.replace("127.0.0.1", "vigia.test")
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-dev-shm-usage", "--host-resolver-rules=MAP vigia.test 127.0.0.1"])
    try:
        context = browser.new_context(base_url=named, viewport=LAPTOP, locale="es-MX")
        page = context.new_page()
        page.goto("/mesa/entrar")
        assert page.evaluate("window.isSecureContext") is False
        page.get_by_label("Correo electrónico").fill(EMAIL)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Entrar").click()
        expect(page.get_by_role("alert")).to_contain_text("este navegador no guardó la sesión")
        assert [cookie["name"] for cookie in context.cookies()] == []
    finally:
        browser.close()


def test_signing_out_clears_the_other_open_tabs(desk, app_server) -> None:
    """QA: after «Salir» in one tab, another tab kept showing a complaint (who filed it, private notes) until
    someone touched it."""
    first = desk.new_page()
    desk_sign_in(first, "contraloria@vigia.example", then="/mesa/quejas")
    expect(first.locator(".queue-table tbody tr").first).to_be_visible()
    second = desk.new_page()
    second.goto("/mesa/quejas")
    expect(second.get_by_role("button", name="Salir")).to_be_visible()
    second.get_by_role("button", name="Salir").click()
    expect(second.get_by_label("Contraseña")).to_be_visible()
    expect(first.get_by_label("Contraseña")).to_be_visible()
    expect(first.locator(".queue-table")).to_have_count(0)
