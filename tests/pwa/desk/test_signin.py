"""The desk's sign-in and "Mis sesiones" in Chromium, on both databases (docs/api.md, "Browser sessions"): the
session cookie survives a reload, the sessions screen lists and ends sessions, and a page of another origin (another
loopback port) that posts to Vigía is refused and changes nothing in the database."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from server.auth.models import Device, User
from tests.pwa.desk.conftest import PASSWORD, PHONE, desk_sign_in, serious_violations

EMAIL = "contraloria@vigia.example"


def test_sign_in_sets_a_secure_httponly_cookie_on_loopback_and_a_reload_stays_signed_in(desk, app_server) -> None:
    page = desk.new_page()
    desk_sign_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/mesa/quejas$"))
    cookies = {cookie["name"]: cookie for cookie in desk.cookies()}
    # Chromium keeps a Secure cookie from http://127.0.0.1 (loopback is a secure context): the default setting works
    session = cookies["vigia_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    assert cookies["vigia_csrf"]["secure"] and not cookies["vigia_csrf"]["httpOnly"]
    assert page.evaluate("document.cookie").count("vigia_session") == 0  # page scripts never see the session
    page.reload()
    expect(page.get_by_role("navigation", name="Secciones de la mesa")).to_be_visible()
    _, database = app_server
    with database.session_scope() as session:
        name = session.scalar(sa.select(User.full_name).where(User.email == EMAIL))
    expect(page.locator(".desk-user")).to_have_text(name)
