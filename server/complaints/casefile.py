"""What the desk's screen of one complaint reads besides the staff view (server/complaints/service.py): its
photos as evidence (public record, SHA-256 and what the camera recorded, and the original's bytes) and its likely
duplicates. Staff only (comptrollers and administrators of the municipality)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor, authorize
from server.complaints import publication, service
from server.complaints.models import Complaint, ComplaintPhoto
from server.complaints.schemas import ComplaintStaff
from server.complaints.workflow import State
from server.errors import NotFound
from server.media.models import PhotoEvidence, PhotoPublic
from server.municipalities.models import Municipality


class StaffPhoto(BaseModel):
    """One of a complaint's photos as staff review it."""

    photo: PhotoPublic = PField(description="the record and its copies (staff see them before publication)")
    evidence: PhotoEvidence = PField(description="SHA-256, size, capture time, GPS, camera, black boxes")
    original_url: str = PField(description="the file as received, byte for byte (staff only, never cached)")


class Duplicate(BaseModel):
    """A complaint that may be the same as this one."""

    complaint: ComplaintStaff
    distance_m: float = PField(description="metres between the two exact points")


def _for_staff(session: Session, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID) -> Complaint:
    authorize(actor, "complaints.triage", municipality.id)
    return service.get(session, municipality=municipality, complaint_id=complaint_id)


def photos(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
           base: str) -> list[StaffPhoto]:
    """Each photo of the complaint, in the order added: its public record, its evidence and the URL of its
    original (`base`: the complaint's URL)."""
    from server.media import service as media

    complaint = _for_staff(session, actor, municipality, complaint_id)
    found = []
    for photo_id, _ in publication.photos_of(session, [complaint.id])[complaint.id]:
        photo = media.get(session, municipality=municipality, photo_id=photo_id)
        found.append(StaffPhoto(
            photo=media.public(photo, municipality=municipality),
            evidence=media.evidence(session, actor=actor, municipality=municipality, photo_id=photo_id),
            original_url=f"{base}/photos/{photo_id}/original"))
    return found


def original(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
             photo_id: uuid.UUID) -> tuple[bytes, str, str]:
    """The bytes of a complaint's photo exactly as received, its type and SHA-256 (staff: `photos.evidence`)."""
    from server.media import service as media
    from server.media.storage import get_storage

    complaint = _for_staff(session, actor, municipality, complaint_id)
    authorize(actor, "photos.evidence", municipality.id)
    if session.get(ComplaintPhoto, (complaint.id, photo_id)) is None:
        raise NotFound("photo_not_in_complaint")
    photo = media.get(session, municipality=municipality, photo_id=photo_id)
    return get_storage().get_original(photo.sha256), photo.content_type, photo.sha256


def duplicates(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
               language: str) -> list[Duplicate]:
    """Likely duplicates of a complaint, by the rule the filing's suggestions use (server/complaints/duplicates.py):
    the same category, within 250 m, received within 30 days of it, neither withdrawn nor merged into another.
    Staff measure between exact points and see denuncias and confidential complaints too; nearest first, at
    most 10."""
    from server.complaints.duplicates import DUPLICATE_DAYS, DUPLICATE_RADIUS_M

    complaint = _for_staff(session, actor, municipality, complaint_id)
    shape = geo.from_db(complaint.location)
    if shape is None:
        return []
    lon, lat = shape.coords[0][:2]
    window = timedelta(days=DUPLICATE_DAYS)
    candidates = session.scalars(
        sa.select(Complaint)
        .where(Complaint.municipality_id == municipality.id, Complaint.category_id == complaint.category_id,
               Complaint.id != complaint.id, Complaint.deleted_at.is_(None),
               Complaint.received_on.between(complaint.received_on - window, complaint.received_on + window),
               Complaint.state != State.withdrawn.value, Complaint.duplicate_of_id.is_(None),
               geo.bbox_filter(session, Complaint.location, "complaints",
                               geo.box_around(lon, lat, DUPLICATE_RADIUS_M)))
        .order_by(Complaint.id)
    ).all()
    if not candidates:
        return []
    distances = geo.metres_from(lon, lat, [geo.from_db(c.location) for c in candidates])
    near = sorted((float(d), c.id.hex, c) for d, c in zip(distances, candidates, strict=True)
                  if d <= DUPLICATE_RADIUS_M)[:10]
    views = service.staff_views(session, [c for _, _, c in near], municipality=municipality, language=language)
    return [Duplicate(complaint=view, distance_m=round(d, 1)) for (d, _, _), view in zip(near, views, strict=True)]
