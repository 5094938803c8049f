"""Reading a request's input for `endpoint()`: the body within its size limit, a JSON body validated against its
Pydantic model, the query string, an uploaded file's bytes (`RawBody`), each refusing what the edge refuses
(server/edge.py) with the one error shape. A body or query that does not validate raises a
`RequestValidationError` (server/app.py answers it 422)."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from server import edge
from server.errors import AppError, BadRequest, TooLarge
from server.i18n import json_problem, term


@dataclass
class RawBody:
    """An uploaded file's bytes and its media type (without parameters)."""

    content_type: str
    data: bytes


async def read_raw_body(request: Request, accepted: tuple[str, ...], *, limit: int | None = None) -> RawBody:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in accepted:
        raise AppError("unsupported_media_type_of", status=415, accepted=", ".join(accepted))
    data = await read_body(request, limit=limit or request.app.state.settings.max_import_bytes)
    if not data.strip():
        raise BadRequest("empty_body")
    if "json" in content_type:  # a JSON file (OC4IDS, GeoJSON): its strings are stored as text too
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            parsed = None  # the importer explains what is wrong with it
        edge.refuse_nul(parsed)
    return RawBody(content_type, data)


async def read_body(request: Request, *, limit: int | None = None) -> bytes:
    """The raw body, refusing more than `limit` (MAX_BODY_BYTES by default) before reading it all."""
    limit = limit or request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit=limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def parse_json_body(request: Request, model: type[BaseModel], *, limit: int | None = None) -> BaseModel:
    content_type = request.headers.get("content-type", "")
    raw = await read_body(request, limit=limit)
    if content_type and "json" not in content_type.split(";")[0]:
        raise AppError("unsupported_media_type", status=415)
    if not raw.strip():
        raise BadRequest("invalid_json", reason=term("json_body_empty"))
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("invalid_json", reason=json_problem(exc)) from exc
    # A model may check some fields item by item itself (the sync push rejects one mutation, not the batch).
    own = getattr(model, "edge_checks_items_of", ())
    edge.refuse_nul({k: v for k, v in parsed.items() if k not in own} if isinstance(parsed, dict) else parsed)
    try:
        validated = model.model_validate_json(raw)
    except ValidationError as exc:
        raise BodyValidationError(exc) from exc
    edge.refuse_wide_ints({name: getattr(validated, name) for name in type(validated).model_fields
                           if name not in own})
    edge.refuse_blank(validated, skip=own)
    return validated


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    data: dict[str, Any] = {}
    for key in request.query_params.keys():
        info = model.model_fields.get(key)
        values = request.query_params.getlist(key)
        # ?status=a&status=b fills a list field; any other field takes the last value given.
        data[key] = values if info is not None and _is_list(info.annotation) else values[-1]
    edge.refuse_nul(data)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise QueryValidationError(exc) from exc
    edge.refuse_wide_ints(parsed)
    return parsed


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (list, tuple, set):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


class RequestValidationError(Exception):
    """The request's own data did not validate: a 422 for the caller. Any other ValidationError is our bug."""

    def __init__(self, error: ValidationError) -> None:
        self.error = error


class QueryValidationError(RequestValidationError):
    """A ValidationError from the query string (its field paths are query parameter names)."""


class BodyValidationError(RequestValidationError):
    """A ValidationError from the JSON body (its field paths are the body's)."""
