"""/api/v1/sync/uploads/: photos over tus 1.0.0 (docs/sync.md, section 4; the use cases are in `uploads`).

Plain Starlette routes, not `server.api.endpoint`: tus speaks in headers (Upload-Offset, Upload-Length, ...),
sends raw bytes and answers HEAD and OPTIONS. Each route describes itself for /openapi.json. Every answer,
errors included, carries `Tus-Resumable: 1.0.0`; errors keep the one JSON shape.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth.actor import Actor
from server.auth.http import resolve_actor
from server.config import get_settings
from server.db import session_scope
from server.errors import AppError, NotFound, TooLarge
from server.sync import uploads
from server.sync.http import require_device
from server.sync.uploads import TUS_VERSION, UploadState

OFFSET_STREAM = "application/offset+octet-stream"
PATH = "/sync/uploads/"

Handler = Callable[[Request], Awaitable[Response]]


def tus(handler: Handler) -> Handler:
    """Check the protocol version (every request but OPTIONS) and name it on every answer, errors included."""

    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        try:
            if request.method != "OPTIONS" and request.headers.get("tus-resumable", "").strip() != TUS_VERSION:
                raise AppError("tus_version_unsupported", status=412, version=TUS_VERSION,
                               headers={"Tus-Version": TUS_VERSION})
            response = await handler(request)
        except AppError as error:
            error.headers = {"Tus-Resumable": TUS_VERSION, **error.headers}
            raise
        response.headers["Tus-Resumable"] = TUS_VERSION
        return response

    return run


# ------------------------------------------------------------------------------------------------ routes


async def collection(request: Request) -> Response:
    if request.method == "OPTIONS":
        return _options()
    return await _create(request)


async def item(request: Request) -> Response:
    if request.method == "OPTIONS":
        return _options()
    actor = await resolve_actor(request)
    device_id = require_device(request, actor)
    try:
        upload_id = uuid.UUID(request.path_params["upload_id"])
    except ValueError:
        raise NotFound("upload_not_found") from None
    if request.method == "HEAD":
        state = await run_in_threadpool(_in_transaction, uploads.status, actor=actor, device_id=device_id,
                                        upload_id=upload_id)
        headers = _state_headers(state)
        headers["Upload-Length"] = str(state.length)
        headers["Cache-Control"] = "no-store"
        if state.metadata:
            headers["Upload-Metadata"] = uploads.encode_metadata(state.metadata)
        return Response(status_code=200, headers=headers)
    if request.method == "DELETE":
        await run_in_threadpool(_in_transaction, uploads.terminate, actor=actor, device_id=device_id,
                                upload_id=upload_id)
        return Response(status_code=204)
    return await _patch(request, actor, device_id, upload_id)


async def _create(request: Request) -> Response:
    actor = await resolve_actor(request)
    device_id = require_device(request, actor)
    length = uploads.parse_length(request.headers.get("upload-length"))
    metadata = uploads.parse_metadata(request.headers.get("upload-metadata"))
    checksum = uploads.parse_checksum(request.headers.get("upload-checksum"))
    data = b""
    if _has_body(request):  # creation-with-upload: the first bytes travel with the POST
        _require_offset_stream(request)
        data = await _read_chunk(request, limit=length)
    state = await run_in_threadpool(_in_transaction, uploads.create, actor=actor, device_id=device_id,
                                    length=length, metadata=metadata, data=data, checksum=checksum)
    headers = _state_headers(state)
    headers["Location"] = request.url.path.rstrip("/") + f"/{state.id}"
    return Response(status_code=201, headers=headers)


async def _patch(request: Request, actor: Actor, device_id: uuid.UUID, upload_id: uuid.UUID) -> Response:
    _require_offset_stream(request)
    offset = uploads.parse_offset(request.headers.get("upload-offset"))
    checksum = uploads.parse_checksum(request.headers.get("upload-checksum"))
    # A short look first (404, 410, how much is left), then the body is read with no transaction open.
    state = await run_in_threadpool(_in_transaction, uploads.status, actor=actor, device_id=device_id,
                                    upload_id=upload_id)
    data = await _read_chunk(request, limit=max(state.length - offset, 0))
    state = await run_in_threadpool(_in_transaction, uploads.append, actor=actor, device_id=device_id,
                                    upload_id=upload_id, offset=offset, data=data, checksum=checksum)
    return Response(status_code=204, headers=_state_headers(state))


# ------------------------------------------------------------------------------------------------ helpers


def _in_transaction(work: Callable[..., Any], **arguments: Any) -> Any:
    """One use case, one transaction; an error the use case *returns* is raised after its transaction commits."""
    with session_scope() as session:
        result = work(session, **arguments)
    if isinstance(result, AppError):
        raise result
    return result


def _options() -> Response:
    return Response(status_code=204, headers={
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": ",".join(uploads.EXTENSIONS),
        "Tus-Max-Size": str(get_settings().max_photo_bytes),
        "Tus-Checksum-Algorithm": ",".join(uploads.CHECKSUMS),
    })


def _state_headers(state: UploadState) -> dict[str, str]:
    return {"Upload-Offset": str(state.offset), "Upload-Expires": format_datetime(state.expires_at, usegmt=True)}


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length.strip() != "0") or "transfer-encoding" in request.headers


def _require_offset_stream(request: Request) -> None:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != OFFSET_STREAM:
        raise AppError("unsupported_media_type_of", status=415, accepted=OFFSET_STREAM)


async def _read_chunk(request: Request, *, limit: int) -> bytes:
    """The body, refusing it (413) as soon as it would go past the end of the upload."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge("upload_exceeds_length", limit=limit)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge("upload_exceeds_length", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


# ------------------------------------------------------------------------------------------------ OpenAPI

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
_TUS_RESUMABLE = {"name": "Tus-Resumable", "in": "header", "required": True, "schema": {"const": TUS_VERSION}}
_DEVICE = {"name": "Vigia-Device", "in": "header", "required": True, "description": "The signed-in device's id",
           "schema": {"type": "string", "format": "uuid"}}
_UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
_CHECKSUM = {"name": "Upload-Checksum", "in": "header", "required": False,
             "description": "`sha1 <base64>` or `sha256 <base64>` of this request's bytes",
             "schema": {"type": "string"}}
_OFFSET_BODY = {"required": False, "content": {OFFSET_STREAM: {"schema": {"type": "string", "format": "binary"}}}}


def _errors(**described: str) -> dict[str, Any]:
    return {code: {"description": text, "content": _ERROR} for code, text in described.items()}


def _operation(name: str, summary: str, description: str, parameters: list[dict[str, Any]],
               responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": name, "summary": summary, "description": description, "tags": ["sync"],
            "parameters": parameters, "responses": responses, **extra}


_COMMON_ERRORS = dict(_errors(**{"401": "Not signed in, or the token is invalid, expired or revoked",
                                 "400": "Missing Vigia-Device, or a malformed tus header",
                                 "403": "The token is not this device's",
                                 "412": "Tus-Resumable is missing or not 1.0.0"}))
_OPTIONS = _operation("sync_upload_options", "tus capabilities: version, extensions, maximum size, checksums",
                      "No sign-in needed.", [], {"204": {"description": "Tus-Version, Tus-Extension, Tus-Max-Size, "
                                                                          "Tus-Checksum-Algorithm"}})

collection_route = Route(PATH, tus(collection), methods=["POST", "OPTIONS"], name="sync_uploads")
collection_route.openapi = {  # type: ignore[attr-defined]
    "post": _operation(
        "sync_upload_create", "Start a photo upload for a declared attachment (tus creation)",
        "Upload-Metadata names `record` (complaint:<id> or visit:<id>), `attachment` and `sha256`, in base64. "
        "The first bytes may travel in this request (creation-with-upload). An attachment already received "
        "answers an upload whose Upload-Offset equals its Upload-Length.",
        [_TUS_RESUMABLE, _DEVICE, _CHECKSUM,
         {"name": "Upload-Length", "in": "header", "required": True, "schema": {"type": "integer", "minimum": 0}},
         {"name": "Upload-Metadata", "in": "header", "required": True, "schema": {"type": "string"}}],
        {"201": {"description": "Created: Location, Upload-Offset, Upload-Expires"}, **_COMMON_ERRORS,
         **_errors(**{"409": "The attachment was not declared by this person for that record with that hash",
                      "413": "Upload-Length over Tus-Max-Size, or more bytes than Upload-Length",
                      "415": "The bytes are not application/offset+octet-stream, or the file is not an accepted image",
                      "422": "The metadata names no valid record, attachment or hash, or the photo is damaged",
                      "460": "The bytes do not match Upload-Checksum, or the file does not match its sha256"})},
        requestBody=_OFFSET_BODY, security=[{"bearer": []}]),
    "options": _OPTIONS,
}

item_route = Route(PATH + "{upload_id}", tus(item), methods=["HEAD", "PATCH", "DELETE", "OPTIONS"],
                   name="sync_upload")
item_route.openapi = {  # type: ignore[attr-defined]
    "head": _operation(
        "sync_upload_status", "Where an upload stands: resume from Upload-Offset",
        "Answers Upload-Offset, Upload-Length, Upload-Expires and Cache-Control: no-store.",
        [_UPLOAD_ID, _TUS_RESUMABLE, _DEVICE],
        {"200": {"description": "Upload-Offset and Upload-Length"}, **_COMMON_ERRORS,
         **_errors(**{"404": "No such upload of yours", "410": "The upload expired"})},
        security=[{"bearer": []}]),
    "patch": _operation(
        "sync_upload_append", "Send the next bytes of an upload at Upload-Offset",
        "With the last byte the photo is checked (SHA-256, image checks) and joins its record.",
        [_UPLOAD_ID, _TUS_RESUMABLE, _DEVICE, _CHECKSUM,
         {"name": "Upload-Offset", "in": "header", "required": True, "schema": {"type": "integer", "minimum": 0}}],
        {"204": {"description": "Stored: the new Upload-Offset"}, **_COMMON_ERRORS,
         **_errors(**{"404": "No such upload of yours", "409": "Upload-Offset is not the server's offset",
                      "410": "The upload expired", "413": "More bytes than Upload-Length",
                      "415": "The body is not application/offset+octet-stream, or the file is not an accepted image",
                      "422": "The photo is refused (damaged, too many pixels...)",
                      "460": "The bytes do not match Upload-Checksum, or the file does not match its sha256"})},
        requestBody={**_OFFSET_BODY, "required": True}, security=[{"bearer": []}]),
    "delete": _operation(
        "sync_upload_terminate", "Abandon an upload (tus termination)", "Its bytes so far are deleted.",
        [_UPLOAD_ID, _TUS_RESUMABLE, _DEVICE],
        {"204": {"description": "Deleted"}, **_COMMON_ERRORS, **_errors(**{"404": "No such upload of yours"})},
        security=[{"bearer": []}]),
    "options": {**_OPTIONS, "operationId": "sync_upload_item_options", "parameters": [_UPLOAD_ID]},
}

routes = [collection_route, item_route]
