"""Browser sessions through HTTP (docs/api.md, "Browser sessions"): the cookie and its flags, CSRF on every request
that changes something, foreign origins refused, bearer tokens unaffected, the lockout, revoke, expiry, sign-out.

The test client speaks plain http to `testserver`, so it would not send back a Secure cookie by itself: each
request here carries the cookies it means to send in its own `Cookie` header, which is also what makes a missing
or wrong one visible in the test."""

from __future__ import annotations

import uuid
from datetime import timedelta
from http.cookies import SimpleCookie

import sqlalchemy as sa

from server.auth.models import AccessToken, Device, User
from server.complaints.models import ComplaintNote
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
    assert _device(database, uuid.UUID(device_id)).revoked_at is not None


# ------------------------------------------------------------------------------------------------ CSRF


def _a_complaint(browser: Browser) -> str:
    queue = browser.get("/api/v1/municipalities/10005/complaints")
    assert queue.status_code == 200, queue.text
    return queue.json()["items"][0]["id"]


def _notes(database, complaint_id: str) -> list[str]:
    with database.session_scope() as session:
        return list(session.scalars(sa.select(ComplaintNote.text).where(
            ComplaintNote.complaint_id == uuid.UUID(complaint_id))))


def test_a_request_that_changes_something_needs_the_sessions_csrf_token(client, database) -> None:
    browser = sign_in(client)
    complaint = _a_complaint(browser)
    path = f"/api/v1/municipalities/10005/complaints/{complaint}/notes"
    other = sign_in(client, "admin@vigia.example")  # another session's token is no good here either
    for csrf in (None, "", "x" * 43, browser.csrf[:-1] + ("A" if browser.csrf[-1] != "A" else "B"), other.csrf,
                 browser.session):
        refused = browser.post(path, json={"text": f"Nota forjada {csrf!r}"}, csrf=csrf)
        error = assert_error_shape(refused, 403, "csrf_failed")
        assert "Recargue la página" in error["message"]
    assert not [text for text in _notes(database, complaint) if text.startswith("Nota forjada")]
    english = browser.post(path, json={"text": "Nota forjada"}, csrf=None, **{"Accept-Language": "en"})
    assert "Reload the page" in assert_error_shape(english, 403, "csrf_failed")["message"]
    added = browser.post(path, json={"text": "Nota de la contraloría desde el navegador"})
    assert added.status_code == 201, added.text
    assert "Nota de la contraloría desde el navegador" in _notes(database, complaint)


def test_reading_needs_no_csrf_token(client) -> None:
    browser = sign_in(client)
    assert browser.client.get("/api/v1/auth/me", headers=browser.headers(csrf=None)).status_code == 200
    assert browser.client.head("/api/v1/auth/me", headers=browser.headers(csrf=None)).status_code in (200, 405)


def test_a_foreign_origin_is_refused_even_with_the_right_token(client, database) -> None:
    browser = sign_in(client)
    complaint = _a_complaint(browser)
    path = f"/api/v1/municipalities/10005/complaints/{complaint}/notes"
    for origin in ({"Origin": "http://127.0.0.1:9999"}, {"Origin": "https://evil.example"}, {"Origin": "null"},
                   {"Origin": "http://testserver.evil.example"},
                   {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                   {"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"}):
        refused = browser.post(path, json={"text": f"Nota desde {origin}"}, origin=origin)
        assert_error_shape(refused, 403, "csrf_failed")
    assert not [text for text in _notes(database, complaint) if text.startswith("Nota desde")]
    # an old browser that sends neither header: the token alone decides
    assert browser.post(path, json={"text": "Sin cabeceras de origen"}, origin={}).status_code == 201


def test_signing_in_from_another_origin_is_refused(client) -> None:
    for origin in ({"Origin": "http://127.0.0.1:9999"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post("/api/v1/auth/session", json={"email": EMAIL, "password": DEMO_PASSWORD},
                               headers=origin)
        assert_error_shape(response, 403, "csrf_failed")
        assert "set-cookie" not in response.headers
    form = client.post("/api/v1/auth/session", content=f"email={EMAIL}&password={DEMO_PASSWORD}",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415 and "set-cookie" not in form.headers  # what a plain HTML form can send


# ------------------------------------------------------------------------------------------------ bearer tokens


def test_bearer_tokens_are_unaffected_and_win_over_the_cookie(client, database) -> None:
    browser = sign_in(client)
    complaint = _a_complaint(browser)
    path = f"/api/v1/municipalities/10005/complaints/{complaint}/notes"
    login = client.post("/api/v1/auth/login", json={"email": "admin@vigia.example", "password": DEMO_PASSWORD,
                                                     "device_name": "Script de integración"})
    token = login.json()["token"]
    # an integrator: no cookie, no CSRF token, any origin
    plain = client.post(path, json={"text": "Nota de un integrador"},
                        headers={**bearer(token), "Origin": "https://integrador.example"})
    assert plain.status_code == 201, plain.text
    # a bearer token beside the session cookie: the token decides (admin), the cookie is not looked at
    both = client.post(path, json={"text": "Nota con token y cookie"},
                       headers={**bearer(token), "Cookie": f"vigia_session={browser.session}"})
    assert both.status_code == 201 and both.json()["author_id"] != browser.body["user"]["id"]
    me = client.get("/api/v1/auth/me", headers={**bearer(token), "Cookie": f"vigia_session={browser.session}"})
    assert me.json()["email"] == "admin@vigia.example"


def test_each_kind_of_token_is_accepted_only_where_it_belongs(client) -> None:
    browser = sign_in(client)
    token = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": DEMO_PASSWORD,
                                                     "device_name": "Moto G"}).json()["token"]
    assert_error_shape(client.get("/api/v1/auth/me", headers=bearer(browser.session)), 401, "token_invalid")
    as_cookie = client.get("/api/v1/auth/me", headers={"Cookie": f"vigia_session={token}"})
    assert_error_shape(as_cookie, 401, "token_invalid")


# ------------------------------------------------------------------------------------------------ lockout


def test_the_lockout_of_auth_login_applies_to_browser_sessions(client, backend, database) -> None:
    email = "comite@vigia.example"
    for _ in range(backend.settings.login_max_failures):
        wrong = open_session(client, email, "mala")
        assert assert_error_shape(wrong, 401, "login_failed")["message"] == "Correo o contraseña incorrectos."
        assert "set-cookie" not in wrong.headers
    locked = open_session(client, email)  # even the right password, while locked
    error = assert_error_shape(locked, 429, "login_locked")
    assert "Demasiados intentos" in error["message"] and int(locked.headers["retry-after"]) > 0
    assert "set-cookie" not in locked.headers
    with database.session_scope() as session:
        user = session.scalar(sa.select(User).where(User.email == email))
        assert user.failed_logins == backend.settings.login_max_failures and user.locked_until is not None
    unknown = open_session(client, "nadie@vigia.example", "mala")
    assert assert_error_shape(unknown, 401, "login_failed")["message"] == "Correo o contraseña incorrectos."


def test_a_disabled_account_cannot_open_a_session(client, database) -> None:
    with database.session_scope() as session:
        session.execute(sa.update(User).where(User.email == "coordinacion@vigia.example").values(is_active=False))
    assert_error_shape(open_session(client, "coordinacion@vigia.example"), 403, "account_disabled")


# ------------------------------------------------------------------------------------------------ devices and expiry


def test_revoking_the_browser_session_from_a_phone_ends_it(client, database) -> None:
    browser = sign_in(client)
    phone = client.post("/api/v1/auth/login", json={"email": EMAIL, "password": DEMO_PASSWORD,
                                                     "device_name": "Moto G"}).json()["token"]
    listed = client.get("/api/v1/auth/devices", headers=bearer(phone)).json()
    session_row = next(device for device in listed if device["id"] == browser.body["device"]["id"])
    assert session_row["current"] is False and session_row["active"] is True
    revoked = client.post(f"/api/v1/auth/devices/{session_row['id']}/revoke", headers=bearer(phone))
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert "set-cookie" not in revoked.headers  # a phone's answer: no cookies to clear there
    assert_error_shape(browser.get("/api/v1/auth/me"), 401, "token_revoked")
    assert _device(database, uuid.UUID(session_row["id"])).revoked_at is not None


def test_revoking_this_browser_session_from_itself_signs_out(client) -> None:
    browser = sign_in(client)
    own = browser.body["device"]["id"]
    refused = browser.post(f"/api/v1/auth/devices/{own}/revoke", csrf=None)
    assert_error_shape(refused, 403, "csrf_failed")
    revoked = browser.post(f"/api/v1/auth/devices/{own}/revoke")
    assert revoked.status_code == 200 and revoked.json()["current"] is True and revoked.json()["active"] is False
    assert set_cookies(revoked)["vigia_session"]["value"] == ""
    assert_error_shape(browser.get("/api/v1/auth/me"), 401, "token_revoked")


def _session_record(database, browser: Browser) -> tuple[uuid.UUID, object, object]:
    with database.session_scope() as session:
        record = session.scalar(sa.select(AccessToken).where(
            AccessToken.device_id == uuid.UUID(browser.body["device"]["id"])))
        return record.id, record.created_at, record.expires_at


def _move(database, token_id, **values) -> None:
    with database.session_scope() as session:
        session.execute(sa.update(AccessToken).where(AccessToken.id == token_id).values(**values))


def test_a_session_ends_after_the_idle_time_and_the_public_still_answers(client, database) -> None:
    browser = sign_in(client)
    token_id, created, expires = _session_record(database, browser)
    assert timedelta(minutes=29) < expires - created <= timedelta(minutes=30)
    _move(database, token_id, expires_at=utcnow() - timedelta(seconds=1))  # 30 minutes without a request
    expired = assert_error_shape(browser.get("/api/v1/auth/me"), 401, "token_expired")
    assert expired["message"] == "La sesión expiró; inicie sesión de nuevo."
    public = browser.get("/api/v1/municipalities")  # a stale cookie does not spoil a public answer
    assert public.status_code == 200, public.text
    listed = client.get("/api/v1/auth/devices", headers=bearer(client.post("/api/v1/auth/login", json={
        "email": EMAIL, "password": DEMO_PASSWORD, "device_name": "Moto G"}).json()["token"])).json()
    assert next(d for d in listed if d["id"] == browser.body["device"]["id"])["active"] is False
    # signing in again over the stale cookie works, and signing out of an ended session still clears the cookies
    again = Browser(client, client.post("/api/v1/auth/session", json={"email": EMAIL, "password": DEMO_PASSWORD},
                                        headers=browser.headers(csrf=None)))
    assert again.get("/api/v1/auth/me").status_code == 200
    ended = browser.post("/api/v1/auth/session/end", csrf=None)
    assert ended.status_code == 204 and set_cookies(ended)["vigia_session"]["value"] == ""


def test_each_request_moves_the_idle_end_but_never_past_the_sessions_hours(client, database, backend) -> None:
    browser = sign_in(client)
    token_id, created, _ = _session_record(database, browser)
    hours = backend.settings.session_hours
    _move(database, token_id, expires_at=utcnow() + timedelta(minutes=5))  # 25 minutes since the last request
    assert browser.get("/api/v1/auth/me").status_code == 200
    _, _, slid = _session_record(database, browser)
    assert slid - utcnow() > timedelta(minutes=29)
    # a session opened almost SESSION_HOURS ago: busy or not, it ends at that mark
    started = utcnow() - timedelta(hours=hours) + timedelta(minutes=2)
    _move(database, token_id, created_at=started, expires_at=utcnow() + timedelta(seconds=10))
    assert browser.get("/api/v1/auth/me").status_code == 200
    _, _, capped = _session_record(database, browser)
    assert abs((capped - (started + timedelta(hours=hours))).total_seconds()) < 1
    _move(database, token_id, created_at=utcnow() - timedelta(hours=hours, seconds=1),
          expires_at=utcnow() - timedelta(seconds=1))
    assert_error_shape(browser.get("/api/v1/auth/me"), 401, "token_expired")


def test_signing_in_again_in_the_same_browser_ends_the_previous_session(client, database) -> None:
    first = sign_in(client)
    second = Browser(client, client.post("/api/v1/auth/session", json={
        "email": "admin@vigia.example", "password": DEMO_PASSWORD}, headers=first.headers()))
    assert second.get("/api/v1/auth/me").json()["email"] == "admin@vigia.example"
    assert_error_shape(first.get("/api/v1/auth/me"), 401, "token_revoked")
    assert _device(database, uuid.UUID(first.body["device"]["id"])).revoked_at is not None


def test_what_the_cookie_reads_is_kept_by_no_cache(client) -> None:
    """A shared cache may store the answer to a request with a cookie (not one with Authorization), and the desk
    runs on shared laptops: a staff view read with the session cookie says `no-store`; what says otherwise on
    purpose (the vocabulary, the same for everyone) keeps its own Cache-Control."""
    browser = sign_in(client)
    complaint = _a_complaint(browser)
    for path in ("/api/v1/auth/me", "/api/v1/auth/devices", "/api/v1/municipalities/10005/complaints",
                 f"/api/v1/municipalities/10005/complaints/{complaint}"):
        answer = browser.get(path)
        assert answer.status_code == 200 and answer.headers.get("cache-control") == "private, no-store", path
    assert browser.get("/api/v1/complaints/vocabulary").headers["cache-control"] == "public, max-age=3600"
    # without the cookie, the public answer (the same for every anonymous reader; server/http_cache.py)
    public = client.get("/api/v1/municipalities/10005/works", headers={"Cookie": ""})
    assert public.headers["cache-control"] == "public, no-cache"
