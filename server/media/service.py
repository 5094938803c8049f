"""Photos as a use case: upload, public view, evidence for staff, redaction by moderators.

Any domain that takes photos (complaints, inspection visits) stores them through `store()` and shows them
with `public()`. The original is written once and never changed; everything the public sees is a copy made
in a background job (`server.media.jobs.make_variants`) after the record is committed.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import jobs
from server.auth.actor import Actor, authorize, can
from server.config import get_settings
from server.db import new_id
from server.errors import Conflict, Invalid, NotFound
from server.media import images
from server.media.jobs import make_variants, variants_job_id
from server.media.models import (
    Decision,
    GpsPoint,
    Photo,
    PhotoEvidence,
    PhotoPublic,
    PhotoVariantPublic,
    Publication,
    Rectangle,
    VariantsStatus,
)
from server.media.storage import derived_key, get_storage, sha256_hex
from server.municipalities.models import Municipality

API_PREFIX = "/api/v1"
RETRY_AFTER_SECONDS = 5  # how long a client waits before asking again for a copy being made


@dataclass(frozen=True)
class Stored:
    """The photo an upload resolved to, and whether this upload created it (False: the same bytes were
    already there, and this is that record)."""

    photo: Photo
    created: bool


def store(session: Session, *, actor: Actor, municipality: Municipality, data: bytes,
          photo_id: uuid.UUID | None = None) -> Stored:
    """Check an upload, keep the original once, and record the photo; its public copies are made after commit.

    Anyone may upload (anonymous citizens file complaints with photos). The same bytes in the same
    municipality are the same photo: the existing record is returned, whatever id the app proposed."""
    settings = get_settings()
    info = images.inspect(data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels,
                          local_timezone=_zone(municipality))
    sha256 = sha256_hex(data)
    existing = _by_hash(session, municipality.id, sha256)
    if existing is not None:
        return Stored(existing, created=False)
    # The file before the row: a record never points at a missing original. If the transaction then rolls
    # back, the file stays as an unreferenced original (docs/media.md: sweeping them).
    get_storage().put_original(sha256, data)
    photo = Photo(
        id=photo_id or new_id(),
        municipality_id=municipality.id,
        sha256=sha256,
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        size_bytes=len(data),
        taken_at=info.taken_at,
        gps_lat=info.gps_lat,
        gps_lon=info.gps_lon,
        camera=info.camera,
        uploaded_by=actor.user_id,
    )
    try:
        with session.begin_nested():  # the unique keys decide, also between two simultaneous uploads
            session.add(photo)
    except IntegrityError:
        existing = _by_hash(session, municipality.id, sha256)
        if existing is not None:
            return Stored(existing, created=False)
        raise Conflict("photo_id_taken", id=str(photo.id)) from None
    jobs.enqueue(make_variants, photo.id, photo.public_version, session=session,
                 job_id=variants_job_id(photo.id, photo.public_version))
    return Stored(photo, created=True)


def _zone(municipality: Municipality) -> ZoneInfo | None:
    try:
        return ZoneInfo(municipality.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def by_hash(session: Session, *, municipality: Municipality, sha256: str) -> Photo | None:
    """The municipality's photo with exactly these bytes, if it has one."""
    return _by_hash(session, municipality.id, sha256)


def held_hashes(session: Session, wanted: list[tuple[uuid.UUID, str]]) -> set[tuple[uuid.UUID, str]]:
    """Which of these (municipality id, SHA-256) the municipality holds a photo of (one query per 500)."""
    held: set[tuple[uuid.UUID, str]] = set()
    towns = sorted({town for town, _digest in wanted}, key=str)
    for start in range(0, len(wanted), 500):
        digests = sorted({digest for _town, digest in wanted[start:start + 500]})
        held.update(tuple(row) for row in session.execute(sa.select(Photo.municipality_id, Photo.sha256).where(
            Photo.municipality_id.in_(towns), Photo.sha256.in_(digests))))
    return held & set(wanted)


def _by_hash(session: Session, municipality_id: uuid.UUID, sha256: str) -> Photo | None:
    return session.scalar(sa.select(Photo).where(Photo.municipality_id == municipality_id, Photo.sha256 == sha256))


def get(session: Session, *, municipality: Municipality, photo_id: uuid.UUID, for_update: bool = False) -> Photo:
    """The photo, if it belongs to this municipality (another municipality's id is a 404)."""
    photo = session.get(Photo, photo_id, with_for_update=for_update or None)
    if photo is None or photo.municipality_id != municipality.id:
        raise NotFound("photo_not_found")
    return photo


def public(photo: Photo, *, municipality: Municipality) -> PhotoPublic:
    """What anyone may see: size, type, the copies that can be fetched (null until ready) and whether
    something was blacked out. Never the date, place, camera or uploader."""
    variants = None
    if photo.variants_status == VariantsStatus.ready.value:
        base = f"{API_PREFIX}/municipalities/{municipality.code}/photos/{photo.id}"
        variants = {
            size: PhotoVariantPublic(url=f"{base}/{size}?v={photo.public_version}", width=made["width"],
                                     height=made["height"], bytes=made["bytes"])
            for size, made in sorted(photo.variants.items(), key=lambda item: int(item[0]))
        }
    return PhotoPublic(
        id=photo.id,
        width=photo.width,
        height=photo.height,
        content_type=photo.content_type,
        variants_status=VariantsStatus(photo.variants_status),
        variants=variants,
        redacted=bool(photo.redactions),
        public_version=photo.public_version,
        publication=Publication(photo.publication),
    )


# ------------------------------------------------------------------------------------------------ publication


def may_see(actor: Actor, photo: Photo) -> bool:
    """Whether `actor` may fetch the photo and its copies (docs/privacy.md): anyone once a moderator published
    it; before that only the municipality's moderators (comptrollers, administrators) and the account that
    uploaded it. Nothing a citizen sends is public before a person reviews it."""
    if photo.publication == Publication.published.value:
        return True
    if can(actor, "photos.moderate", photo.municipality_id):
        return True
    return actor.is_authenticated and photo.uploaded_by is not None and photo.uploaded_by == actor.user_id


def get_visible(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID) -> Photo:
    """The photo if `actor` may see it; otherwise 404, as if it did not exist (its id tells nothing)."""
    photo = get(session, municipality=municipality, photo_id=photo_id)
    if not may_see(actor, photo):
        raise NotFound("photo_not_found")
    return photo


def published_ids(session: Session, photo_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of these photos, the ones a moderator published: what a public view of another domain may list."""
    if not photo_ids:
        return set()
    return set(session.scalars(sa.select(Photo.id).where(Photo.id.in_(photo_ids),
                                                         Photo.publication == Publication.published.value)))


def set_publication(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID,
                    publication: Publication) -> Photo:
    """Publish a photo or keep it private (moderators); the change goes into the audit log. Its black boxes are
    set apart (`redact`): a photo approved with blackout is redacted first, then published."""
    authorize(actor, "photos.moderate", municipality.id)
    photo = get(session, municipality=municipality, photo_id=photo_id, for_update=True)
    if photo.publication != publication.value:
        photo.publication = publication.value
        session.flush()
        from server.audit import service as audit

        audit.append(session, municipality_id=municipality.id, entity="photo", entity_id=photo.id,
                     action="published" if publication == Publication.published else "withheld",
                     actor_id=actor.user_id, actor_kind="user",
                     data={"publication": publication.value, "boxes": len(photo.redactions),
                           "public_version": photo.public_version, "sha256": photo.sha256})
    return photo


def evidence(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID) -> PhotoEvidence:
    """For comptrollers and administrators: the original's SHA-256 and what the camera recorded."""
    authorize(actor, "photos.evidence", municipality.id)
    photo = get(session, municipality=municipality, photo_id=photo_id)
    gps = GpsPoint(lat=photo.gps_lat, lon=photo.gps_lon) if photo.gps_lat is not None and \
        photo.gps_lon is not None else None
    return PhotoEvidence(
        id=photo.id,
        sha256=photo.sha256,
        original_sha256=photo.original_sha256,
        size_bytes=photo.size_bytes,
        content_type=photo.content_type,
        width=photo.width,
        height=photo.height,
        taken_at=photo.taken_at,
        gps=gps,
        camera=photo.camera,
        received_at=photo.created_at,
        redactions=[Rectangle(**box) for box in photo.redactions],
    )


STAFF_COPY_SIDE = 1280  # the staff copy moderators draw black boxes on: as large as the largest public copy


def staff_copy(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID) -> bytes:
    """For moderators: the photo upright, at most 1280 px on its long side, WITHOUT its black boxes (they draw
    the boxes on it, in the same pixels scaled), and like every copy without metadata. Made on request from the
    original, never stored: it shows what the public copies hide."""
    authorize(actor, "photos.moderate", municipality.id)
    photo = get(session, municipality=municipality, photo_id=photo_id)
    original = get_storage().get_original(photo.sha256)
    return images.render_variants(original, sizes=[STAFF_COPY_SIDE], redactions=[])[STAFF_COPY_SIDE]


def note_original(session: Session, *, photo_id: uuid.UUID, original_sha256: str) -> None:
    """Keep the hash of the camera's original that a phone declared for a photo it downscaled (the first one
    declared stays: the same copy declared again from another original does not rewrite the evidence)."""
    photo = session.get(Photo, photo_id)
    if photo is not None and photo.original_sha256 is None:
        photo.original_sha256 = original_sha256


def redact(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID,
           rectangles: list[Rectangle], public_version: int | None = None) -> Photo:
    """Replace the photo's black boxes (moderators): every public copy is made again with them, under a new
    public_version; until then the copies answer 409 photo_variant_pending. The original is never touched."""
    authorize(actor, "photos.moderate", municipality.id)
    # Row lock on PostgreSQL (SQLite's write lock does the same): two moderators get two versions, in order.
    photo = get(session, municipality=municipality, photo_id=photo_id, for_update=True)
    if public_version is not None and public_version != photo.public_version:
        raise Conflict("stale_version", current=photo.public_version, sent=public_version)
    problems = [
        {"field": f"rectangles.{index}", "code": "redaction_outside_photo",
         "params": {"index": index + 1, "width": photo.width, "height": photo.height}}
        for index, box in enumerate(rectangles)
        if box.x + box.width > photo.width or box.y + box.height > photo.height
    ]
    if problems:
        raise Invalid("redaction_outside_photo", details=problems, **problems[0]["params"])
    boxes = [box.model_dump() for box in rectangles]
    if boxes == photo.redactions and photo.variants_status != VariantsStatus.failed.value:
        return photo  # the same request again changes nothing (after a failure, it tries again)
    photo.redactions = boxes
    photo.public_version += 1
    photo.variants_status = VariantsStatus.pending.value
    photo.variants = {}
    session.flush()
    from server.audit import service as audit

    audit.append(session, municipality_id=municipality.id, entity="photo", entity_id=photo.id, action="redacted",
                 actor_id=actor.user_id, actor_kind="user",
                 data={"boxes": len(boxes), "public_version": photo.public_version, "sha256": photo.sha256})
    jobs.enqueue(make_variants, photo.id, photo.public_version, session=session,
                 job_id=variants_job_id(photo.id, photo.public_version))
    return photo


def variant(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID, variant: str
            ) -> tuple[Photo, int, str]:
    """The photo, the size and the storage key of its current public copy `variant` (the long side in pixels,
    as text from the URL), or why there is none: 404 photo_variant_not_found (no such size), 409
    photo_variant_pending (being made: ask again after Retry-After seconds) or 409 photo_variant_failed. A photo
    `actor` may not see yet (not published) is 404 photo_not_found."""
    photo = get_visible(session, actor=actor, municipality=municipality, photo_id=photo_id)
    sizes = get_settings().photo_variants
    size = int(variant) if variant.isdigit() and len(variant) < 6 else None
    if size not in sizes:
        raise NotFound("photo_variant_not_found", variant=variant[:20], available=", ".join(map(str, sizes)))
    if photo.variants_status == VariantsStatus.pending.value:
        raise Conflict("photo_variant_pending", variant=size, seconds=RETRY_AFTER_SECONDS,
                       headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if photo.variants_status == VariantsStatus.failed.value:
        raise Conflict("photo_variant_failed")
    if str(size) not in photo.variants:  # a size configured after this photo's copies were made
        raise NotFound("photo_variant_not_found", variant=size, available=", ".join(sorted(photo.variants, key=int)))
    key = derived_key(municipality_id=photo.municipality_id, sha256=photo.sha256, version=photo.public_version,
                      variant=size)
    return photo, size, key


def moderate(session: Session, *, actor: Actor, municipality: Municipality, photo_id: uuid.UUID,
             decision: Decision, rectangles: list[Rectangle] | None, public_version: int | None,
             reason: str) -> Photo:
    """A moderator's decision on a photo that is not a complaint's: approve, approve with black boxes, or keep
    private. The reason's commitment goes to the audit log (the log is public; the reason may name people)."""
    authorize(actor, "photos.moderate", municipality.id)
    if decision == Decision.approve_with_blackout:
        if not rectangles:
            raise Invalid.for_field("rectangles", "moderation_boxes_required")
        redact(session, actor=actor, municipality=municipality, photo_id=photo_id, rectangles=rectangles,
               public_version=public_version)
    elif rectangles:
        raise Invalid.for_field("rectangles", "moderation_boxes_only_with_blackout")
    outcome = Publication.withheld if decision == Decision.keep_private else Publication.published
    photo = set_publication(session, actor=actor, municipality=municipality, photo_id=photo_id,
                            publication=outcome)
    from server.audit import service as audit

    # A keyed commitment, as the complaints' reasons (server.complaints.service.commit_text): provable, not readable.
    reason_hmac = hmac.new(get_settings().secret_key.encode(), reason.encode(), hashlib.sha256).hexdigest()
    audit.append(session, municipality_id=municipality.id, entity="photo", entity_id=photo.id, action="moderated",
                 actor_id=actor.user_id, actor_kind="user", data={"decision": decision.value,
                                                                   "reason_hmac": reason_hmac})
    return photo
