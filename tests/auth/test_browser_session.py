"""Browser sessions through HTTP (docs/api.md, "Browser sessions"): the cookie and its flags, CSRF on every request
that changes something, foreign origins refused, bearer tokens unaffected, the lockout, revoke, expiry, sign-out.

The test client speaks plain http to `testserver`, so it would not send back a Secure cookie by itself: each
request here carries the cookies it means to send in its own `Cookie` header, which is also what makes a missing
or wrong one visible in the test."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import sqlalchemy as sa

from server.auth.models import AccessToken, Device, User
from server.db import utcnow
from tests.factories import DEMO_PASSWORD, bearer
from tests.test_app import assert_error_shape

EMAIL = "contraloria@vigia.example"
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def set_cookies(response) -> dict[str, dict]:
    """Each Set-Cookie of a response: name -> {value, attributes in lower case}."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            found[name] = {"value": morsel.value, **{key: morsel[key] for key in morsel.keys() if morsel[key]},
                           "raw": header.lower()}
    return found


def open_session(client, email: str = EMAIL, password: str = DEMO_PASSWORD, **extra):
    client.cookies.clear()
    response = client.post("/api/v1/auth/session", json={"email": email, "password": password, **extra},
                           headers=SAME_ORIGIN)
    client.cookies.clear()  # each request below says which cookies it sends
    return response


class Browser:
    """What a browser holding the session sends: the cookie always, the CSRF header when the page adds it."""

    def __init__(self, client, response) -> None:
        assert response.status_code == 200, response.text
        cookies = set_cookies(response)
        self.client = client
        self.session = cookies["vigia_session"]["value"]
        self.csrf = cookies["vigia_csrf"]["value"]
        self.body = response.json()

    def headers(self, *, csrf: str | None = "right", origin: dict | None = None, **extra) -> dict:
        headers = {"Cookie": f"vigia_session={self.session}; vigia_csrf={self.csrf}", **(origin or SAME_ORIGIN)}
        if csrf == "right":
            headers["X-CSRF-Token"] = self.csrf
        elif csrf is not None:
            headers["X-CSRF-Token"] = csrf
        return {**headers, **extra}

    def get(self, path: str, **options):
        return self.client.get(path, headers=self.headers(csrf=None))

    def post(self, path: str, json=None, **options):
        return self.client.post(path, json=json, headers=self.headers(**options))


def sign_in(client, email: str = EMAIL) -> Browser:
    return Browser(client, open_session(client, email))


def _device(database, device_id) -> Device:
    with database.session_scope() as session:
        device = session.get(Device, device_id)
        session.expunge(device)
        return device


def test_sign_in_sets_an_httponly_strict_secure_cookie_and_a_readable_csrf_cookie(client) -> None:
    response = open_session(client)
    assert response.status_code == 200, response.text
    body = response.json()
    cookies = set_cookies(response)
    session, csrf = cookies["vigia_session"], cookies["vigia_csrf"]
    for cookie in (session, csrf):
        assert "samesite=strict" in cookie["raw"] and "secure" in cookie["raw"] and "path=/" in cookie["raw"]
        assert "max-age" not in cookie["raw"] and "expires" not in cookie["raw"]  # gone when the browser closes
    assert "httponly" in session["raw"] and "httponly" not in csrf["raw"]
    assert session["value"].startswith("vgs_") and len(session["value"]) > 40
    assert body["csrf_token"] == csrf["value"] and session["value"] not in response.text  # no token in the body
    assert body["user"]["email"] == EMAIL and body["user"]["roles"] == [
        {"municipality_code": "10005", "role": "comptroller"}]
    assert "committees" in body["user"]  # the user as /auth/me shows it
    assert body["idle_minutes"] == 30 and body["device"]["current"] is True
    assert response.headers["cache-control"] == "no-store"


def test_the_cookie_signs_in_every_endpoint_and_the_session_is_a_device_marked_current(client) -> None:
    browser = sign_in(client)
    me = browser.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["email"] == EMAIL
    devices = browser.get("/api/v1/auth/devices").json()
    current = [device for device in devices if device["current"]]
    assert len(current) == 1 and current[0]["id"] == browser.body["device"]["id"] and current[0]["active"]
    assert current[0]["name"] == "Navegador"  # the test client says nothing of its browser
    queue = browser.get("/api/v1/municipalities/10005/complaints")
    assert queue.status_code == 200, queue.text


def test_a_named_browser_keeps_its_name(client) -> None:
    browser = Browser(client, open_session(client, device_name="Laptop de Contraloría"))
    assert browser.body["device"]["name"] == "Laptop de Contraloría"


def test_sign_out_with_the_csrf_token_revokes_the_session_and_clears_both_cookies(client, database) -> None:
    browser = sign_in(client)
    device_id = browser.body["device"]["id"]
    refused = browser.post("/api/v1/auth/session/end", csrf=None)
    assert assert_error_shape(refused, 403, "csrf_failed")["message"].startswith("La solicitud no se aceptó")
    assert browser.get("/api/v1/auth/me").status_code == 200  # still signed in
    ended = browser.post("/api/v1/auth/session/end")
    assert ended.status_code == 204, ended.text
    cleared = set_cookies(ended)
    assert cleared["vigia_session"]["value"] == "" and cleared["vigia_csrf"]["value"] == ""
    assert 'max-age=0' in cleared["vigia_session"]["raw"] and "httponly" in cleared["vigia_session"]["raw"]
    gone = assert_error_shape(browser.get("/api/v1/auth/me"), 401, "token_revoked")
    assert "sesión" in gone["message"]
    assert _device(database, __import__("uuid").UUID(device_id)).revoked_at is not None
