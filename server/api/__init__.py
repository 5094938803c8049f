"""Endpoints declared once: path, method, schemas and who may call them.

`endpoint(...)` builds a Starlette Route whose wrapper parses the JSON body and query string against Pydantic
models (so every bad input gets the one error shape), runs the handler in the thread pool (services are
synchronous and open their own session), and serialises the result. The same declarations produce
`/openapi.json`, so the document covers every endpoint by construction.

This module holds the declaration and the call (`endpoint`, `Call`, who calls: `Caller`, `on_caller`); reading the
request's input is `server/api/parsing.py`, the document `server/api/openapi.py`. The names of `__all__` that live
there (`read_body`, `openapi_document`, `all_routes`) and the document's tags (`TAGS`) are re-exported here.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server import edge
from server.api.openapi import TAGS, all_routes, openapi_document
from server.api.parsing import parse_json_body, parse_query, read_body, read_raw_body
from server.i18n import negotiate

if typing.TYPE_CHECKING:
    from server.auth.actor import Actor


@dataclass
class Call:
    """What a handler gets: the caller, the parsed body and query, the path parameters and the language."""

    request: Request
    actor: "Actor"
    body: Any
    query: Any
    path: dict[str, Any]
    language: str


@dataclass
class Operation:
    method: str
    path: str
    handler: Callable[[Call], Any]
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    raw_body: tuple[str, ...] = ()
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    body_types: tuple[str, ...] = ("application/json",)
    auth: bool = False
    anonymous_device: bool = False
    errors: tuple[int, ...] = ()
    description: str = ""
    name: str = ""
    media_type: str = "application/json"
    responses: dict[int, str] = field(default_factory=dict)


def _dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_dump(item) for item in result]
    return result


@dataclass(frozen=True)
class Caller:
    """How an endpoint learns who calls it: the auth domain lends both when Vigía starts (server/assembly.py), so
    this module, which every domain's routes use, imports no domain."""

    resolve: Callable[[Request], Awaitable[Actor]]  # the caller (anonymous when no credentials came)
    require: Callable[[Actor], Actor]  # 401 unless someone signed in
    refuse_anonymous_device: Callable[[Actor], None]  # 403 for an anonymous phone's token outside sync


_CALLER: list[Caller] = []


def on_caller(caller: Caller) -> None:
    _CALLER[:] = [caller]


def _caller() -> Caller:
    if not _CALLER:
        raise RuntimeError("no caller resolver: server.assembly.assemble() registers auth's at start-up")
    return _CALLER[0]


def endpoint(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    body_types: tuple[str, ...] = ("application/json",),
    raw_body: tuple[str, ...] = (),
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    auth: bool = False,
    anonymous_device: bool = False,
    errors: tuple[int, ...] = (),
    description: str = "",
    max_bytes: Callable[[Any], int] | None = None,
    media_type: str = "application/json",
    responses: dict[int, str] | None = None,
) -> Callable[[Callable[[Call], Any]], Route]:
    """Declare an endpoint. `auth=True` means a signed-in caller is required; finer permissions are the
    service's business (they depend on the municipality and the record). The token of an anonymous device
    (server/auth/anonymous.py) is refused with 403 except where `anonymous_device=True`.

    `raw_body=("text/csv", "application/json")` hands the handler `RawBody(content_type, data)` instead of a
    parsed model (file imports), up to MAX_IMPORT_BYTES, or up to `max_bytes(settings)` when given
    (`max_bytes=lambda settings: settings.max_photo_bytes`). `max_bytes` also raises the limit of a JSON body.
    `body_types` are the JSON media types a `body` is declared with in the OpenAPI document (any JSON type is
    accepted: `("application/json", "application/ld+json")` for a W3C annotation).
    `media_type` is what a handler that returns its own Response answers (a CSV or GeoJSON download, a page);
    `responses={200: "Already there"}` declares other successes, with the same body as `status` (none for 204
    and 304)."""

    def decorate(handler: Callable[[Call], Any]) -> Route:
        op = Operation(
            method=method,
            path=path,
            handler=handler,
            summary=summary,
            tag=tag,
            body=body,
            raw_body=raw_body,
            query=query,
            response=response,
            status=status,
            body_types=body_types,
            auth=auth,
            anonymous_device=anonymous_device,
            errors=errors,
            description=description or (handler.__doc__ or "").strip(),
            name=handler.__name__,
            media_type=media_type,
            responses=dict(responses or {}),
        )

        async def run(request: Request) -> Response:
            edge.refuse_odd(request.path_params)
            actor = await _caller().resolve(request)
            if auth:
                _caller().require(actor)
            if not anonymous_device:
                _caller().refuse_anonymous_device(actor)
            limit = max_bytes(request.app.state.settings) if max_bytes is not None else None
            if raw_body:
                parsed_body: Any = await read_raw_body(request, raw_body, limit=limit)
            else:
                parsed_body = await parse_json_body(request, body, limit=limit) if body is not None else None
            parsed_query = parse_query(request, query) if query is not None else None
            call = Call(
                request=request,
                actor=actor,
                body=parsed_body,
                query=parsed_query,
                path=dict(request.path_params),
                language=negotiate(request.headers.get("accept-language")),
            )
            result = await run_in_threadpool(handler, call)
            if isinstance(result, Response):
                response = result
            elif status == 204:
                response = Response(status_code=204)
            else:
                response = JSONResponse(_dump(result), status_code=status)
            if getattr(actor, "browser_session", False) and "cache-control" not in response.headers:
                # Signed in by the cookie: what it answers may be for this person only (a staff view, their
                # devices). Unlike a request with Authorization, a shared cache may store the answer to a request
                # with a cookie, and the desk's laptops are shared: neither may keep it.
                response.headers["Cache-Control"] = "private, no-store"
            return response

        run.__name__ = handler.__name__
        route = Route(path, run, methods=[method], name=handler.__name__)
        route.operation = op  # type: ignore[attr-defined]
        return route

    return decorate


__all__ = ["Call", "endpoint", "openapi_document", "all_routes", "read_body", "TAGS"]
