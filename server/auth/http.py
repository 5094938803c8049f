"""Who is calling: a bearer token (`Authorization`), else the browser session's cookie (server/auth/browser.py)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.auth import browser, service
from server.auth.actor import ANONYMOUS, Actor
from server.db import read_scope, session_scope
from server.errors import AppError, Unauthorized


def bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("token_invalid")
    return token.strip()


def _authenticate(token: str, *, browser: bool = False) -> Actor:
    """Read in a read_scope() (never waiting for a writer on SQLite); only when the last use is due to be
    written (once every few minutes per token), again in a writing scope."""
    try:
        with read_scope() as session:
            return service.authenticate(session=session, token=token, browser=browser, read_only=True)
    except service.WriteDue:
        pass
    with session_scope() as session:
        return service.authenticate(session=session, token=token, browser=browser)


def _authenticate_browser(token: str) -> Actor:
    """The actor behind a session cookie; one whose session has ended is anonymous, with the reason kept (a
    public page still answers; one that needs someone signed in says the session expired)."""
    try:
        return _authenticate(token, browser=True)
    except AppError as error:
        if error.status != 401:
            raise
        return Actor(session_problem=error.code)


async def resolve_actor(connection: HTTPConnection) -> Actor:
    """The caller, once per request (kept on request.state for the access log). A bearer token decides alone;
    without one, the session cookie does, and a request that changes something must then carry the session's
    CSRF token and come from this origin (403 `csrf_failed` otherwise)."""
    cached = getattr(connection.state, "actor", None)
    if cached is not None:
        return cached
    token = bearer_token(connection)
    if token is not None:
        actor = await run_in_threadpool(_authenticate, token)
    elif (cookie := browser.session_cookie(connection)) is not None:
        actor = await run_in_threadpool(_authenticate_browser, cookie)
        if actor.is_authenticated:
            browser.check_csrf(connection, cookie)
    else:
        actor = ANONYMOUS
    connection.state.actor = actor
    return actor
