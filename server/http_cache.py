"""HTTP caching for every GET, API and pages alike (docs/api.md, "Caching"): one validator, one 304, one rule for
who may keep a copy.

- `ETag`: a weak tag of the body's SHA-256 (weak: the same answer travels gzipped or not, equal in meaning, not
  byte for byte), unless the handler set its own (photo variants name their version).
- `If-None-Match` (or, without it, `If-Modified-Since` against the answer's `Last-Modified`) matching: `304 Not
  Modified`, the validators and caching headers only, no body. A phone on 2G pays a few hundred bytes to learn that
  its copy is still good.
- `Cache-Control`, when the handler said nothing: `public, no-cache` for an anonymous caller's answer (any cache may
  keep it, and revalidates it before each use, so a withdrawn photo or a corrected record shows at once), with
  `Vary: Accept-Language` since messages and labels follow it; `private, no-cache` for a caller who signed in (a
  bearer token: their phone may keep it, a shared cache never). A handler's own choice stands (the browser
  session's `private, no-store`, a photo's `immutable`, a page's five minutes).
- `HEAD`: Starlette runs the GET's handler, so the tag, Cache-Control, the compression and Content-Length are
  the GET's; uvicorn sends no body.

Only whole answers (one body message: JSON, pages, CSV) are tagged; streamed ones (files, exports written in parts)
pass through untouched, as do answers that set a cookie or say `no-store`."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GZIP_MINIMUM_BYTES = 512  # below, gzip's 18-byte frame and a short text's poor ratio save little (docs/api.md)
PUBLIC = "public, no-cache"
PERSONAL = "private, no-cache"
# What a 304 repeats of the full answer (RFC 9110 15.4.5): the validators and what caches key and keep it by.
_KEPT_ON_304 = ("etag", "last-modified", "cache-control", "vary", "content-location", "expires", "date",
                "content-language", "x-request-id")


_KEPT_ON_304_BYTES = frozenset(name.encode() for name in _KEPT_ON_304)


def etag_of(body: bytes) -> str:
    """The answer's validator: weak, 128 bits of its SHA-256."""
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request_headers: Headers, etag: str | None, last_modified: str | None) -> bool:
    """Whether the client's copy is this answer: If-None-Match by weak comparison (RFC 9110 13.1.2), or, only
    when the request has no If-None-Match, If-Modified-Since against Last-Modified."""
    offered = request_headers.get("if-none-match")
    if offered is not None:
        if etag is None:
            return False
        tags = [tag.strip().removeprefix("W/") for tag in offered.split(",")]
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request_headers.get("if-modified-since")
    if since and last_modified:
        try:
            return _date(last_modified) <= _date(since)
        except (TypeError, ValueError):
            return False
    return False


def kept_on_304(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers of a full answer that its 304 repeats."""
    return [(name, value) for name, value in headers if name.lower() in _KEPT_ON_304_BYTES]


def _date(value: str) -> datetime:
    return parsedate_to_datetime(value)


def _personal(scope: Scope, request_headers: Headers) -> bool:
    """Whether the answer may be for this caller only: credentials came (a bearer token, or an actor the auth
    domain or Open311 resolved as someone)."""
    if "authorization" in request_headers:
        return True
    actor = scope.get("state", {}).get("actor")
    return bool(getattr(actor, "is_authenticated", False) or getattr(actor, "browser_session", False))


class ConditionalGetMiddleware:
    """ETag, Cache-Control and 304 for GET (see the module's docstring). Place it inside the compression."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        start: Message | None = None
        passing = False

        async def wrapped(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    passing = True
                    await send(message)
                return
            if message["type"] != "http.response.body" or start is None or message.get("more_body", False):
                # streamed (a file, an export in parts), or anything else: untouched
                passing = True
                if start is not None:
                    await send(start)
                await send(message)
                return
            passing = True
            await self._whole(scope, request_headers, start, message, send)

        await self.app(scope, receive, wrapped)

    async def _whole(self, scope: Scope, request_headers: Headers, start: Message, message: Message,
                     send: Send) -> None:
        headers = MutableHeaders(raw=start.setdefault("headers", []))
        control = headers.get("cache-control")
        if "set-cookie" in headers or (control is not None and "no-store" in control):
            await send(start)
            await send(message)
            return
        if control is None:
            headers["Cache-Control"] = PERSONAL if _personal(scope, request_headers) else PUBLIC
            headers.add_vary_header("Accept-Language")
        etag = headers.get("etag")
        if etag is None:
            etag = etag_of(message.get("body", b""))
            headers["ETag"] = etag
        if not_modified(request_headers, etag, headers.get("last-modified")):
            await send({"type": "http.response.start", "status": 304, "headers": kept_on_304(start["headers"])})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send(message)
