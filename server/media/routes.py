"""/api/v1/municipalities/{code}/photos: upload a photo, see it, fetch its public copies; evidence and
redaction for staff."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from server.api import Call, endpoint
from server.config import get_settings
from server.db import read_scope, session_scope
from server.errors import Conflict, NotFound
from server.media import images, owners, service
from server.media.models import (
    PhotoEvidence,
    PhotoModeration,
    PhotoPublic,
    PhotoUploadQuery,
    Publication,
    RedactionUpdate,
)
from server.media.storage import get_storage
from server.municipalities import service as municipalities

log = logging.getLogger("vigia.media")

TAG = "photos"
BASE = "/municipalities/{code}/photos"
PHOTO = BASE + "/{photo_id:uuid}"
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp") + (("image/heic", "image/heif")
                                                              if images.HEIC_SUPPORTED else ())
A_YEAR = 365 * 86_400


class VariantQuery(BaseModel):
    # Other parameters (a cache-buster an app adds) are ignored rather than refused: this is an image URL.
    model_config = ConfigDict(extra="ignore")

    v: int | None = None


@endpoint("POST", BASE, summary="Upload a photo (JPEG, PNG, WebP or HEIC), signed in or anonymous", tag=TAG,
          raw_body=UPLOAD_TYPES, query=PhotoUploadQuery, response=PhotoPublic, status=201,
          errors=(404, 409, 413, 415, 422), max_bytes=lambda settings: settings.max_photo_bytes,
          responses={200: "The same photo was already here: its record"})
def upload_photo(call: Call) -> Response:
    """Send the file's bytes as the body. The type is read from the bytes, not from Content-Type or a file
    name. The same photo sent again to this municipality answers 200 with the record it already has (use the
    id in the answer). The public copies are made in the background: until then `variants_status` is
    `pending` and `variants` is null. At most MAX_PHOTO_BYTES (15 MB) and MAX_PHOTO_PIXELS (50 megapixels)."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        stored = service.store(session, actor=call.actor, municipality=municipality, data=call.body.data,
                               photo_id=call.query.id)
        shown = service.public(stored.photo, municipality=municipality)
    return JSONResponse(shown.model_dump(mode="json"), status_code=201 if stored.created else 200)


@endpoint("GET", PHOTO, summary="A photo: size, type and the URLs of its public copies", tag=TAG,
          response=PhotoPublic, errors=(404,))
def get_photo(call: Call) -> PhotoPublic:
    """Never the date, place or camera the photo carries (see /evidence)."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        photo = service.get_visible(session, actor=call.actor, municipality=municipality,
                                    photo_id=call.path["photo_id"])
        return service.public(photo, municipality=municipality)


@endpoint("GET", PHOTO + "/evidence", summary="What the camera recorded and the original's SHA-256 (staff)",
          tag=TAG, response=PhotoEvidence, auth=True, errors=(403, 404))
def photo_evidence(call: Call) -> PhotoEvidence:
    """Comptrollers and administrators of the municipality. The SHA-256 lets anyone holding the original file
    prove it is the one received."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        return service.evidence(session, actor=call.actor, municipality=municipality,
                                photo_id=call.path["photo_id"])


@endpoint("POST", PHOTO + "/redactions", summary="Black out faces, plates or other areas (moderators)", tag=TAG,
          body=RedactionUpdate, response=PhotoPublic, auth=True, errors=(403, 404, 409, 422))
def redact_photo(call: Call) -> PhotoPublic:
    """The list replaces the photo's black boxes (send every box, old and new; an empty list removes them).
    Boxes are in pixels of the photo as shown (its `width` × `height`). The public copies are made again with
    a new `public_version`; the original is kept unchanged as evidence."""
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        photo = service.redact(session, actor=call.actor, municipality=municipality, photo_id=call.path["photo_id"],
                               rectangles=call.body.rectangles, public_version=call.body.public_version)
        return service.public(photo, municipality=municipality)


@endpoint("POST", PHOTO + "/moderation", summary="Publish a photo or keep it private (moderators)", tag=TAG,
          body=PhotoModeration, response=PhotoPublic, auth=True, errors=(403, 404, 409, 422))
def moderate_photo(call: Call) -> PhotoPublic:
    """For photos that are not a complaint's (an inspection visit's, a committee's): until a moderator publishes
    one, only staff and its uploader can fetch it. A complaint's photo is decided with its complaint (`POST
    .../complaints/{id}/moderation`): here it is 409 photo_of_complaint. docs/privacy.md."""
    body = call.body
    with session_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        photo = service.get(session, municipality=municipality, photo_id=call.path["photo_id"])
        if owners.decided_elsewhere(session, photo.id):
            raise Conflict("photo_of_complaint")
        photo = service.moderate(session, actor=call.actor, municipality=municipality, photo_id=photo.id,
                                 decision=body.decision, rectangles=body.rectangles,
                                 public_version=body.public_version, reason=body.reason)
        return service.public(photo, municipality=municipality)


@endpoint("GET", PHOTO + "/staff", summary="The photo for moderators, without its black boxes (JPEG, no metadata)",
          tag=TAG, auth=True, errors=(403, 404), media_type="image/jpeg")
def photo_staff_copy(call: Call) -> Response:
    """Comptrollers and administrators of the municipality: the photo upright, 1280 px on its long side at most,
    without the black boxes the public copies carry, so a moderator sees what is under them and draws the boxes
    again (in pixels of the photo's `width` × `height`: scale by the copy's size). No metadata; never cached."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        data = service.staff_copy(session, actor=call.actor, municipality=municipality,
                                  photo_id=call.path["photo_id"])
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store",
                                                            "X-Content-Type-Options": "nosniff"})


@endpoint("GET", PHOTO + "/{variant}", summary="A public copy of a photo (JPEG, no metadata)", tag=TAG,
          query=VariantQuery, errors=(404, 409), media_type="image/jpeg",
          responses={304: "Not modified (ETag)", 307: "With MEDIA_PRESIGNED_REDIRECT: the copy at the object store, "
                     "a URL valid for MEDIA_PRESIGNED_EXPIRY_SECONDS"})
def photo_variant(call: Call) -> Response:
    """`variant` is the long side in pixels (320 or 1280). While the copy is being made: 409
    `photo_variant_pending` with Retry-After. Use the URL from the photo's `variants`: it carries
    `?v=<public_version>` and is cached for a year; without it (or with an old one) the copy must be revalidated,
    so a redaction shows at once. Where the photos are in an object store with MEDIA_PRESIGNED_REDIRECT, a
    published copy answers 307 to a short-lived URL of the store, which serves the same bytes."""
    with read_scope() as session:
        municipality = municipalities.get_by_code(session, call.path["code"])
        photo, size, key = service.variant(session, actor=call.actor, municipality=municipality,
                                           photo_id=call.path["photo_id"], variant=call.path["variant"])
        published = photo.publication == Publication.published.value
    etag = f'"{photo.id}-v{photo.public_version}-{size}"'
    current = call.query.v == photo.public_version
    headers = {
        "ETag": etag,
        # A copy not yet published is for staff and its uploader only: no shared cache may keep it.
        "Cache-Control": (("public, max-age=%d, immutable" % A_YEAR if current else "public, no-cache")
                          if published else "private, no-store"),
        "X-Content-Type-Options": "nosniff",
    }
    if etag in [tag.strip() for tag in call.request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    settings = get_settings()
    storage = get_storage()
    if published and settings.media_presigned_redirect:
        # The store serves the bytes (docs/media.md, "Serving copies from the store"). Only published copies: a
        # presigned URL works for whoever holds it, and a private copy must not travel in one. The store's answer
        # carries the same Cache-Control; the redirect itself is cached for less than the URL lives.
        expires = settings.media_presigned_expiry_seconds
        url = storage.presigned_url(key, expires=expires, cache_control=headers["Cache-Control"])
        if url is not None:
            return RedirectResponse(url, status_code=307, headers={
                "Cache-Control": f"public, max-age={expires // 2}" if current else "public, no-cache",
                "X-Content-Type-Options": "nosniff"})
    try:
        streamed = storage.stream_derived(key)
    except FileNotFoundError:  # the record says ready but the file is gone (storage moved or restored)
        log.error("photo_variant_missing", extra={"photo_id": str(photo.id), "key": key})
        raise NotFound("photo_variant_not_found", variant=size, available="") from None
    if streamed.length is not None:
        headers["Content-Length"] = str(streamed.length)
    # Sent as it is read (64 KiB at a time), from the disk or the store: no copy is held whole in memory.
    return StreamingResponse(streamed.chunks, media_type="image/jpeg", headers=headers)


routes = [upload_photo, get_photo, photo_evidence, photo_staff_copy, redact_photo, moderate_photo, photo_variant]
