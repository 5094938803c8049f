"""Lists of complaints for readers who are not staff: the public list and the reporter's own, and what the public
pages (server/pages, docs/public-pages.md) read: one complaint by its folio, a work's complaints."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.complaints import service
from server.complaints.models import Complaint, Kind
from server.complaints.schemas import ComplaintPublic, PublicQuery
from server.errors import NotFound
from server.municipalities.models import Municipality


def not_restricted() -> sa.ColumnElement[bool]:
    """Complaints that are neither a denuncia nor confidential (publication.restricted, in SQL): the only ones a
    list filtered by work may show, since a restricted complaint's work is not public (docs/privacy.md)."""
    return sa.and_(Complaint.kind != Kind.report.value, sa.not_(Complaint.confidential))


def public_list(session: Session, *, municipality: Municipality, query: PublicQuery,
                language: str) -> list[ComplaintPublic]:
    conditions = service.base_filters(municipality, kind=query.kind, category=query.category,
                                      work_id=query.work_id)
    if query.work_id is not None:
        # Listing a denuncia or a confidential complaint under its work would tell which work it concerns.
        conditions.append(not_restricted())
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


def by_folio(session: Session, *, municipality: Municipality, folio: str, language: str) -> ComplaintPublic:
    """The public view of the complaint with this folio in this municipality (another municipality's folio, or
    one that does not exist, is a 404)."""
    complaint = session.scalar(sa.select(Complaint).where(
        Complaint.municipality_id == municipality.id, Complaint.folio == folio.strip().upper(),
        Complaint.deleted_at.is_(None)))
    if complaint is None:
        raise NotFound("complaint_not_found")
    return service.public_view(session, complaint, municipality=municipality, language=language)


def folio_of(session: Session, *, municipality: Municipality, complaint_id: uuid.UUID) -> str | None:
    """The folio of a complaint of this municipality (folios are public), or None."""
    return session.scalar(sa.select(Complaint.folio).where(
        Complaint.id == complaint_id, Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None)))


@dataclass
class WorkComplaints:
    """A work's complaints as the public sees them: how many in each state (labels in the reader's language, in
    workflow order) and the latest ones. Denuncias and confidential complaints are left out (their work is not
    public), as in the statistics' count per work."""

    total: int
    by_state: list[tuple[str, int]]
    latest: list[ComplaintPublic]


def for_work(session: Session, *, municipality: Municipality, work_id: uuid.UUID, language: str,
             latest: int = 10) -> WorkComplaints:
    from server.complaints.workflow import State, label

    conditions = [*service.base_filters(municipality, kind=[], category=[], work_id=work_id), not_restricted()]
    counts = Counter(dict(session.execute(
        sa.select(Complaint.state, sa.func.count()).where(*conditions).group_by(Complaint.state)).all()))
    rows = session.scalars(sa.select(Complaint).where(*conditions).order_by(
        Complaint.received_on.desc(), Complaint.created_at.desc(), Complaint.id.desc()).limit(latest)).all()
    return WorkComplaints(
        total=sum(counts.values()),
        by_state=[(label(state, language), counts[state.value]) for state in State if counts[state.value]],
        latest=service.public_views(session, list(rows), municipality=municipality, language=language))


def folios(session: Session, *, municipality: Municipality, limit: int = 10_000) -> list[tuple[str, object]]:
    """The newest complaints' folios with when each last changed (the public pages' sitemap)."""
    return [(folio, updated) for folio, updated in session.execute(
        sa.select(Complaint.folio, Complaint.updated_at)
        .where(Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None))
        .order_by(Complaint.received_on.desc(), Complaint.created_at.desc()).limit(limit))]
