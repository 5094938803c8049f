"""Browser sessions (the desk): the session cookie, its CSRF token and the checks on every request that uses them.

docs/api.md, "Browser sessions". The session token travels only in `vigia_session` (HttpOnly, SameSite=Strict,
Secure unless SESSION_COOKIE_SECURE=false, Path=/): page scripts never see it. Its CSRF token (an HMAC of the
session token keyed with SECRET_KEY, so bound to that session and never stored) is in `vigia_csrf`, which the
page reads and sends back as `X-CSRF-Token` on every request that is not GET, HEAD or OPTIONS. Such a request
made with the cookie is refused (403 `csrf_failed`) without the right token, or when the browser says it came
from another origin (`Origin`, `Sec-Fetch-Site`). Bearer tokens (`Authorization`) are not concerned: a request
that sends one is judged by it alone, and its session cookie is ignored.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import Response

from server.auth.credentials import csrf_matches, csrf_token_for
from server.config import get_settings
from server.errors import Forbidden

SESSION_COOKIE = "vigia_session"
CSRF_COOKIE = "vigia_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_cookie(connection: HTTPConnection) -> str | None:
    value = connection.cookies.get(SESSION_COOKIE)
    return value.strip() if value and value.strip() else None


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None


def check_origin(connection: HTTPConnection) -> None:
    """403 `csrf_failed` when the browser says the request comes from another origin: `Sec-Fetch-Site` other than
    same-origin (or none: typed by the person), or an `Origin` whose host and port are not this server's. Old
    browsers send neither; the CSRF token still protects them."""
    site = connection.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in ("same-origin", "none"):
        raise Forbidden("csrf_failed")
    origin = connection.headers.get("origin")
    if origin is not None:
        host = connection.headers.get("host", "").lower()
        if _origin_of(origin) != host or not host:
            raise Forbidden("csrf_failed")


def check_csrf(connection: HTTPConnection, session_token: str) -> None:
    """For a request signed in with the session cookie: nothing for GET, HEAD and OPTIONS (they change nothing);
    otherwise the origin as above and the session's CSRF token in `X-CSRF-Token`, compared in constant time."""
    if connection.scope.get("method", "GET").upper() in SAFE_METHODS:
        return
    check_origin(connection)
    if not csrf_matches(session_token, connection.headers.get(CSRF_HEADER)):
        raise Forbidden("csrf_failed")


def set_cookies(response: Response, *, token: str) -> str:
    """Both cookies on `response`; returns the CSRF token. Cookies of the browser's session (no Max-Age): closing
    the browser drops them; the server ends the session anyway (SESSION_IDLE_MINUTES, SESSION_HOURS)."""
    secure = get_settings().session_cookie_secure
    csrf = csrf_token_for(token)
    response.set_cookie(SESSION_COOKIE, token, path="/", secure=secure, httponly=True, samesite="strict")
    response.set_cookie(CSRF_COOKIE, csrf, path="/", secure=secure, httponly=False, samesite="strict")
    return csrf


def clear_cookies(response: Response) -> None:
    secure = get_settings().session_cookie_secure
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="strict")


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str | None) -> str:
    """A name for a browser session in the list of devices: the browser and system it reports ("Chrome · Linux"),
    or "Navegador" when it says nothing recognisable."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    if "HeadlessChrome/" in agent:
        browser = "Chrome"
    parts = [part for part in (browser, system) if part]
    return re.sub(r"\s+", " ", " · ".join(parts))[:120] or "Navegador"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
