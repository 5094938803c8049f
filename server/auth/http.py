"""Bearer tokens on requests: who is calling."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.auth import service
from server.auth.actor import ANONYMOUS, Actor
from server.db import session_scope
from server.errors import Unauthorized


def bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("token_invalid")
    return token.strip()


def _authenticate(token: str) -> Actor:
    with session_scope() as session:
        return service.authenticate(session=session, token=token)


async def resolve_actor(connection: HTTPConnection) -> Actor:
    """The caller, once per request (kept on request.state for the access log)."""
    cached = getattr(connection.state, "actor", None)
    if cached is not None:
        return cached
    token = bearer_token(connection)
    actor = ANONYMOUS if token is None else await run_in_threadpool(_authenticate, token)
    connection.state.actor = actor
    return actor
