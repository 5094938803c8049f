"""Before filing, what to suggest (works nearby, likely duplicates), so people support an existing complaint
instead of filing it again; supporting one; and the support count a merge adds to (server/complaints/triage.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from server import counters, geo
from server.auth.actor import Actor
from server.complaints import publication, service
from server.complaints.models import Complaint, Kind, Support
from server.complaints.schemas import ComplaintPublic, Suggestions, SupportCreate
from server.complaints.workflow import OPEN_STATES, State
from server.db import utcnow
from server.errors import Conflict, Invalid
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

DUPLICATE_RADIUS_M = 250
DUPLICATE_DAYS = 30
WORK_RADIUS_M = 100


def suggestions(session: Session, *, municipality: Municipality, lon: float, lat: float,
                category: str | None, language: str) -> Suggestions:
    """Before filing: the works within 100 m (nearest first) and likely duplicates (same category, within
    250 m, filed in the last 30 days and not withdrawn), so people can support instead of filing again."""
    from server.works import search

    municipalities.check_point(municipality, lon=lon, lat=lat, field="location")
    works = search.near(session, municipality=municipality, lon=lon, lat=lat, radius_m=WORK_RADIUS_M, limit=5,
                        language=language)
    duplicates: list[ComplaintPublic] = []
    if category is not None:
        found = service.category_by_code(session, municipality, category, field="category")
        since = service.today_in(municipality) - timedelta(days=DUPLICATE_DAYS)
        # Measured to each complaint's public (rounded) point, never its exact one: otherwise asking from many
        # points would trace the 250 m circle around the exact point. Restricted complaints (denuncias,
        # confidential ones) are never suggested: that would tell where they are.
        margin = DUPLICATE_RADIUS_M + 2 * publication.PRECISION_M
        candidates = session.scalars(
            sa.select(Complaint)
            .where(Complaint.municipality_id == municipality.id, Complaint.category_id == found.id,
                   Complaint.deleted_at.is_(None), Complaint.received_on >= since,
                   Complaint.state != State.withdrawn.value, Complaint.duplicate_of_id.is_(None),
                   Complaint.kind != Kind.report.value, Complaint.confidential.is_(False),
                   geo.bbox_filter(session, Complaint.location, "complaints", geo.box_around(lon, lat, margin)))
            .order_by(Complaint.id)
        ).all()
        public_points = [Point(*publication.approximate(*geo.from_db(c.location).coords[0][:2]))
                         for c in candidates]
        distances = geo.metres_from(lon, lat, public_points) if candidates else []
        near = sorted((float(d), c.id.hex, c) for d, c in zip(distances, candidates, strict=True)
                      if d <= DUPLICATE_RADIUS_M)
        duplicates = service.public_views(session, [c for _, _, c in near[:5]], municipality=municipality,
                                          language=language)
    return Suggestions(works=[w.model_dump(mode="json") for w in works], duplicates=duplicates)


def support(session: Session, *, actor: Actor, municipality: Municipality, complaint_id: uuid.UUID,
            data: SupportCreate) -> Complaint:
    """One support per person (per account, or per anonymous device key); only while the complaint is open."""
    # Locked (PostgreSQL) before its state is read: a merge closing it at this moment waits, or is waited for.
    complaint = service.get(session, municipality=municipality, complaint_id=complaint_id, lock=True)
    if State(complaint.state) not in OPEN_STATES:
        raise Conflict("complaint_not_open")
    if actor.is_authenticated:
        if complaint.reporter_id == actor.user_id:
            raise Conflict("own_complaint")
        key = str(actor.user_id)
    elif data.supporter_key:
        key = "anon:" + data.supporter_key
    else:
        raise Invalid.for_field("supporter_key", "supporter_key_required")
    try:
        with session.begin_nested():
            session.add(Support(complaint_id=complaint.id, supporter_key=key[:64]))
            session.flush()
    except sa.exc.IntegrityError:
        return complaint  # already supported: supporting twice counts once
    add_supports(session, complaint, 1)
    service.record(session, complaint, "supported", None, by="reporter",
                   data={"support_count": complaint.support_count})
    return complaint


def add_supports(session: Session, complaint: Complaint, amount: int) -> None:
    """Add to a complaint's support count in the database (`support_count = support_count + n`), so supports
    arriving at once all count; the instance gets the new count, and the change goes into the sync log."""
    table = Complaint.__table__
    count = counters.bump(session, table, where=[table.c.id == complaint.id], column="support_count", amount=amount)
    set_committed_value(complaint, "support_count", count)
    complaint.updated_at = utcnow()
