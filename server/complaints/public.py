"""Lists of complaints for readers who are not staff: the public list and the reporter's own."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.complaints import service
from server.complaints.models import Complaint, ComplaintPublic, PublicQuery
from server.municipalities.models import Municipality


def public_list(session: Session, *, municipality: Municipality, query: PublicQuery,
                language: str) -> list[ComplaintPublic]:
    conditions = service.base_filters(municipality, kind=query.kind, category=query.category,
                                      work_id=query.work_id)
    if query.state:
        conditions.append(Complaint.state.in_([state.value for state in query.state]))
    rows = session.scalars(
        sa.select(Complaint).where(*conditions)
        .order_by(Complaint.received_on.desc(), Complaint.created_at.desc(), Complaint.id.desc())
        .offset(query.offset).limit(query.limit)
    ).all()
    return service.public_views(session, list(rows), municipality=municipality, language=language)


def mine(session: Session, *, actor: Actor, municipality: Municipality, language: str) -> list[ComplaintPublic]:
    rows = session.scalars(
        sa.select(Complaint).where(Complaint.municipality_id == municipality.id, Complaint.reporter_id == actor.user_id,
                                   Complaint.deleted_at.is_(None))
        .order_by(Complaint.created_at.desc())
    ).all()
    return [service.reporter_view(session, c, municipality=municipality, language=language) for c in rows]
