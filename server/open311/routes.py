"""/open311/v2/: Open311 GeoReport v2 over the complaints domain.

Plain Starlette routes, not `server.api.endpoint`: Open311 has its own parameters (query strings and HTML forms),
two formats chosen by the URL's extension and its own error shape, which its clients expect. Each route carries
its OpenAPI description (server/open311/openapi.py), so /openapi.json still covers it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from server import db, edge
from server.api import read_body
from server.auth.actor import Actor
from server.db import read_scope, session_scope
from server.errors import AppError, BadRequest, Unavailable
from server.i18n import Language, negotiate
from server.open311 import filing, formats, openapi, service
from server.open311.models import SubmissionForm

log = logging.getLogger("vigia.open311")

PREFIX = "/open311/v2"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
# Filters that may come comma-separated or repeated (?status=open&status=closed): both are joined.
LISTS = ("service_request_id", "service_code", "status")


class Context:
    """What a route's work needs from the request, read before leaving the event loop."""

    def __init__(self, request: Request, params: dict[str, str]) -> None:
        self.params = params
        self.language: Language = negotiate(request.headers.get("accept-language"))
        self.base_url = str(request.base_url)
        self.api_key = params.get("api_key") or _bearer(request)
        self.caller: Actor | None = None


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _query(request: Request) -> dict[str, str]:
    params = {}
    for key in request.query_params.keys():
        values = request.query_params.getlist(key)
        params[key] = ",".join(values) if key in LISTS else values[-1]
    return params


async def _run(request: Request, work: Callable[[Any, Any, Context], Any], *, root: str, item: str | None,
               params: dict[str, str] | None = None, api_key_required: bool = False,
               read_only: bool = True) -> Response:
    response_format = request.path_params.get("response_format", "json")
    language = negotiate(request.headers.get("accept-language"))
    try:
        if response_format not in formats.FORMATS:
            raise BadRequest("open311_format_unknown", format=response_format[:20])
        context = Context(request, params if params is not None else _query(request))
        edge.refuse_nul({**request.path_params, **context.params})  # 400 in Open311's shape (server.edge)

        def within(session: Any, *, read_only: bool) -> Any:
            context.caller = service.client(session, api_key=context.api_key, required=api_key_required,
                                            read_only=read_only)
            municipality = service.jurisdiction(session, jurisdiction_id=context.params.get("jurisdiction_id"),
                                                caller=context.caller)
            return work(session, municipality, context)

        def unit() -> Any:
            if not read_only:
                with session_scope() as session:
                    return within(session, read_only=False)
            try:  # a read never waits for a writer (server/db/__init__.py)
                with read_scope() as session:
                    return within(session, read_only=True)
            except service.WriteDue:  # the api_key's last use is due: written in a short scope of its own, then read
                with session_scope() as session:
                    service.client(session, api_key=context.api_key, required=api_key_required)
                with read_scope() as session:
                    return within(session, read_only=True)

        result = await run_in_threadpool(unit)
        if context.caller is not None and context.caller.is_authenticated:
            request.state.actor = context.caller  # the access log names the client application
    except AppError as error:
        return formats.error_response(error, response_format=response_format, language=language)
    except Exception as exc:  # still in Open311's shape; logged like the application's own handler does
        if db.unavailable(exc):  # the database is down or busy: 503 with Retry-After, as the rest of the API
            log.warning("database_unavailable", extra={"path": request.url.path})
            error = Unavailable(seconds=db.RETRY_AFTER_SECONDS)
            return formats.error_response(error, response_format=response_format, language=language)
        request_id = request.scope.get("state", {}).get("request_id")
        log.error("unhandled_error", exc_info=exc, extra={"path": request.url.path})
        error = AppError("internal_error", status=500, request_id=request_id)
        return formats.error_response(error, response_format=response_format, language=language)
    return formats.render(result, response_format=response_format, root=root, item=item)


# ------------------------------------------------------------------------------------------------ services


async def list_services(request: Request) -> Response:
    return await _run(request, lambda session, municipality, c: service.services(
        session, municipality=municipality, language=c.language), root="services", item="service")


async def service_definition(request: Request) -> Response:
    code = request.path_params["service_code"]
    return await _run(request, lambda session, municipality, c: service.definition(
        session, municipality=municipality, service_code=code), root="service_definition", item=None)


# ------------------------------------------------------------------------------------------------ requests


async def list_requests(request: Request) -> Response:
    return await _run(request, lambda session, municipality, c: service.list_requests(
        session, municipality=municipality, params=c.params, language=c.language, base_url=c.base_url),
        root="service_requests", item="request")


async def get_request(request: Request) -> Response:
    request_id = request.path_params["service_request_id"]
    return await _run(request, lambda session, municipality, c: [service.get_request(
        session, municipality=municipality, request_id=request_id, language=c.language, base_url=c.base_url)],
        root="service_requests", item="request")


async def get_token(request: Request) -> Response:
    token_id = request.path_params["token"]
    return await _run(request, lambda session, municipality, c: [service.token(
        session, municipality=municipality, token_id=token_id)], root="service_requests", item="request")


async def create_request(request: Request) -> Response:
    """Form fields (or query parameters, which some clients use) → a complaint; answers 200 with the folio."""
    response_format = request.path_params.get("response_format", "json")
    language = negotiate(request.headers.get("accept-language"))
    try:
        fields, media = await _read_form(request)
        edge.refuse_nul(fields)
    except AppError as error:
        return formats.error_response(error, response_format=response_format, language=language)
    params = {**_query(request), **{key: values[-1] for key, values in fields.items()}}
    form = _submission(params, fields, media)

    def work(session: Any, municipality: Any, context: Context) -> Any:
        assert context.caller is not None
        return [filing.file(session, caller=context.caller, municipality=municipality, form=form,
                            language=context.language).receipt]

    return await _run(request, work, root="service_requests", item="request", params=params,
                      api_key_required=True, read_only=False)


async def _read_form(request: Request) -> tuple[dict[str, list[str]], bytes | None]:
    settings = request.app.state.settings
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    multipart = content_type == "multipart/form-data"
    limit = settings.max_body_bytes + (settings.max_photo_bytes if multipart else 0)
    body = await read_body(request, limit=limit)
    fields: dict[str, list[str]] = {}
    if not body.strip():
        return fields, None
    if content_type not in FORM_TYPES:
        raise AppError("open311_form_required", status=415)
    if not multipart:
        try:
            pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=500)
        except ValueError as exc:
            raise BadRequest("open311_form_invalid", reason=str(exc)) from None
        for key, value in pairs:
            fields.setdefault(key, []).append(value)
        return fields, None

    async def chunks() -> AsyncIterator[bytes]:
        yield body

    try:
        parsed = await MultiPartParser(request.headers, chunks(), max_files=1, max_fields=500).parse()
    except MultiPartException as exc:
        raise BadRequest("open311_form_invalid", reason=exc.message) from None
    media = None
    try:
        for key, value in parsed.multi_items():
            if isinstance(value, UploadFile):
                if key == "media":
                    media = await value.read()
            else:
                fields.setdefault(key, []).append(value)
    finally:
        await parsed.close()
    return fields, media


def _submission(params: dict[str, str], fields: dict[str, list[str]], media: bytes | None) -> SubmissionForm:
    form = SubmissionForm(media=media or None)
    for name in ("service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
                 "account_id", "first_name", "last_name", "phone", "description", "media_url"):
        setattr(form, name, params.get(name))
    for key, values in fields.items():
        match = _ATTRIBUTE.match(key)
        if match:
            form.attributes.setdefault(match.group(1), []).extend(values)
    return form


# ------------------------------------------------------------------------------------------------ the rest


async def not_found(request: Request) -> Response:
    """Anything else under /open311/v2/ answers in Open311's error shape: 405 for a known path with another
    method, 404 otherwise."""
    response_format = "xml" if request.url.path.endswith(".xml") else "json"
    language = negotiate(request.headers.get("accept-language"))
    allowed = sorted({method for route in routes[:-1] if route.matches(request.scope)[0] == Match.PARTIAL
                      for method in route.methods or ()})
    if allowed:
        error = AppError("method_not_allowed", status=405, method=request.method,
                         headers={"Allow": ", ".join(allowed)})
    else:
        error = AppError("open311_not_found", status=404)
    return formats.error_response(error, response_format=response_format, language=language)


def _route(path: str, endpoint: Callable[[Request], Any], method: str, name: str) -> Route:
    route = Route(PREFIX + path, endpoint, methods=[method], name=name)
    route.openapi = {method.lower(): openapi.OPERATIONS[name]}  # type: ignore[attr-defined]
    return route


routes = [
    _route("/services.{response_format}", list_services, "GET", "open311_services"),
    _route("/services/{service_code}.{response_format}", service_definition, "GET", "open311_service_definition"),
    _route("/requests.{response_format}", list_requests, "GET", "open311_requests"),
    _route("/requests.{response_format}", create_request, "POST", "open311_create_request"),
    _route("/requests/{service_request_id}.{response_format}", get_request, "GET", "open311_request"),
    _route("/tokens/{token}.{response_format}", get_token, "GET", "open311_token"),
    Route(PREFIX + "/{rest:path}", not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
          include_in_schema=False),
]
