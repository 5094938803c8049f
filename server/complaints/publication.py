"""The publication policy of complaints (docs/privacy.md), in one place: what of a complaint the public may see.

Nothing a citizen sends is public before a person reviews it: a complaint's text waits for a moderator (unless
its municipality publishes that kind's text at once), each photo too (never at once). A denuncia (Kind.report) and
a complaint whose reporter asked for confidentiality are *restricted*: the public sees category, zone, state and
dates only. The public never sees the exact point (it is rounded to a grid) nor the address the reporter typed.

`server.complaints.service.public_view` / `public_views` build the public view with these rules; every public
surface (the API, Open311, the committee's public report) goes through them.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import lookups
from server.complaints.models import Complaint, ComplaintPhoto, Kind, PublicationRule
from server.media.models import Photo, Publication
from server.municipalities.models import Municipality

# The public point is the complaint's point rounded to 0.001° of longitude and latitude: a grid of about 111 m
# north-south and 100-105 m east-west in Mexico, so the public point lies within about 75 m of the real one and
# names a block, never a house (docs/privacy.md). Staff see the exact point.
GRID_DEGREES = 0.001
GRID_DECIMALS = 3
PRECISION_M = 111  # the grid's cell, north-south, in metres (what docs/privacy.md and the API state)


def approximate(lon: float, lat: float) -> tuple[float, float]:
    """The public point of (lon, lat): the nearest node of the 0.001° grid."""
    return round(lon, GRID_DECIMALS) + 0.0, round(lat, GRID_DECIMALS) + 0.0


def approximate_geojson(point: dict[str, Any] | None) -> dict[str, Any] | None:
    if point is None:
        return None
    lon, lat = point["coordinates"][:2]
    return {"type": "Point", "coordinates": list(approximate(lon, lat))}


def restricted(complaint: Complaint) -> bool:
    """A denuncia or a confidential complaint: only its category, zone, state and dates are public."""
    return Kind(complaint.kind) == Kind.report or bool(complaint.confidential)


def text_is_public(complaint: Complaint) -> bool:
    return not restricted(complaint) and Publication(complaint.text_publication) == Publication.published


def public_text(complaint: Complaint) -> str | None:
    """The text the public reads: the moderator's public version, else the text as sent; None until published."""
    if not text_is_public(complaint):
        return None
    return complaint.public_description or complaint.description


def photo_is_public(complaint: Complaint, publication: str) -> bool:
    return not restricted(complaint) and publication == Publication.published.value


def photos_of(session: Session, complaint_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Each complaint's photos in the order they were added, with their publication state."""
    found: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {cid: [] for cid in complaint_ids}
    if not complaint_ids:
        return found
    rows = session.execute(
        sa.select(ComplaintPhoto.complaint_id, ComplaintPhoto.photo_id, Photo.publication)
        .join(Photo, Photo.id == ComplaintPhoto.photo_id)
        .where(ComplaintPhoto.complaint_id.in_(complaint_ids))
        .order_by(ComplaintPhoto.added_at, ComplaintPhoto.photo_id)
    ).all()
    for complaint_id, photo_id, publication in rows:
        found[complaint_id].append((photo_id, publication))
    return found


def originals_of(session: Session, complaint_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, str]]:
    """For staff: the SHA-256 of the camera's original of each photo a phone downscaled before sending it
    (declared with the photo, docs/sync.md), by complaint and photo id."""
    found: dict[uuid.UUID, dict[str, str]] = {cid: {} for cid in complaint_ids}
    if not complaint_ids:
        return found
    rows = session.execute(
        sa.select(ComplaintPhoto.complaint_id, ComplaintPhoto.photo_id, Photo.original_sha256)
        .join(Photo, Photo.id == ComplaintPhoto.photo_id)
        .where(ComplaintPhoto.complaint_id.in_(complaint_ids), Photo.original_sha256.is_not(None))
    ).all()
    for complaint_id, photo_id, original in rows:
        found[complaint_id][str(photo_id)] = original
    return found


def text_public_at_once(session: Session, municipality: Municipality, kind: Kind) -> bool:
    """Whether the municipality publishes this kind's text without moderation (never a denuncia's)."""
    if Kind(kind) == Kind.report:
        return False
    return lookups.remembered(session, ("text_public_at_once", municipality.id, Kind(kind).value), lambda: bool(
        session.scalar(sa.select(PublicationRule.text_public_at_once).where(
            PublicationRule.municipality_id == municipality.id, PublicationRule.kind == Kind(kind).value))))


def awaiting_moderation() -> Any:
    """SQL condition: a complaint with something a moderator has not decided yet (its text, or a photo). A
    restricted complaint awaits nothing: none of it can be published."""
    pending_photo = sa.exists().where(ComplaintPhoto.complaint_id == Complaint.id, Photo.id == ComplaintPhoto.photo_id,
                                      Photo.publication == Publication.pending.value)
    not_restricted = sa.and_(Complaint.kind != Kind.report.value, Complaint.confidential.is_(False))
    return sa.and_(not_restricted, sa.or_(Complaint.text_publication == Publication.pending.value, pending_photo))
