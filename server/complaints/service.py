"""What intake and triage share: lookups, deadlines, the audit trail, and the views each kind of reader gets.

Three views of a complaint, by who reads it: the public one (never the reporter or their contact, never private
notes), the reporter's (the same: they know who they are), and the staff one (the municipality's comptrollers:
reporter, contact, assignment, priority, deadlines)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import geo
from server.auth.actor import Actor, can
from server.complaints import deadlines, workflow
from server.complaints.models import (
    Category,
    Complaint,
    ComplaintPhoto,
    ComplaintPublic,
    ComplaintStaff,
    ComplaintUpdate,
    Contact,
    DeadlineRule,
    Kind,
    UpdatePublic,
)
from server.complaints.workflow import State
from server.config import get_settings
from server.db import utcnow
from server.errors import NotFound
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality, Zone

today_in = municipalities.today_in


def moment(municipality: Municipality, day: date | None) -> datetime:
    """Now, or noon of `day` in the municipality (imports and the demo data replay past events)."""
    if day is None:
        return utcnow()
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(municipality.timezone)).astimezone(timezone.utc)


def holidays(session: Session, municipality: Municipality, start: date, end: date) -> set[date]:
    return municipalities.holidays_between(session, municipality_id=municipality.id, start=start, end=end)


def term_for(session: Session, municipality: Municipality, kind: Kind) -> int:
    """Business days to answer `kind` here: the municipality's rule, else the legal default."""
    configured = session.scalar(
        sa.select(DeadlineRule.business_days).where(
            DeadlineRule.municipality_id == municipality.id, DeadlineRule.kind == kind
        )
    )
    return configured if configured is not None else deadlines.DEFAULT_TERMS[Kind(kind).value]


def add_business_days(session: Session, municipality: Municipality, start: date, days: int) -> date:
    # Holidays of a generous window: a term of 60 business days spans under a year even with many holidays.
    window = holidays(session, municipality, start, date(start.year + 2, 12, 31))
    return deadlines.add_business_days(start, days, window)


@dataclass(frozen=True)
class TermDay:
    """Today in the municipality, and the first working day on or after it (today itself on a business day).
    Every "overdue" and "business days left" is measured from `working_day`, so they always agree: a running
    complaint is overdue exactly when its business days left are negative."""

    today: date
    working_day: date


def term_day(session: Session, municipality: Municipality, today: date | None = None) -> TermDay:
    """The municipality's TermDay (kept in the session for the rest of its transaction)."""
    today = today or today_in(municipality)
    key = ("term_day", municipality.id, today)
    if key not in session.info:
        # No run of closed days outlasts a month (Holy Week plus a weekend is the longest).
        closed = holidays(session, municipality, today, today + timedelta(days=31))
        session.info[key] = TermDay(today, deadlines.first_working_day(today, closed))
    return session.info[key]


def business_days_left(session: Session, municipality: Municipality, complaint: Complaint,
                       day: TermDay | None = None) -> int | None:
    """Business days left to answer: 0 on the last day of the term, negative once it has passed; None while the
    term does not run (paused for a clarification, or answered)."""
    if State(complaint.state) not in workflow.RUNNING_STATES:
        return None
    day = day or term_day(session, municipality)
    low, high = sorted((day.working_day, complaint.due_on))
    return deadlines.business_days_between(day.working_day, complaint.due_on,
                                           holidays(session, municipality, low, high))


def is_overdue(complaint: Complaint, day: TermDay) -> bool:
    """A complaint still waiting for an answer whose term ended before the working day (see TermDay)."""
    return State(complaint.state) in workflow.RUNNING_STATES and complaint.due_on < day.working_day


def follow_up_digest(folio: str, code: str) -> str:
    """What is stored for an anonymous reporter's secret code: a keyed hash, bound to the folio."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{folio}:{code}".encode(), hashlib.sha256).hexdigest()


def get(session: Session, *, municipality: Municipality, complaint_id: uuid.UUID, lock: bool = False) -> Complaint:
    """The complaint if it belongs to this municipality (another municipality's id is a 404). `lock`: read it
    again with its row locked until the transaction ends (PostgreSQL; SQLite serialises writers anyway)."""
    complaint = session.get(Complaint, complaint_id, with_for_update=lock or None, populate_existing=lock)
    if complaint is None or complaint.municipality_id != municipality.id or complaint.deleted_at is not None:
        raise NotFound("complaint_not_found")
    return complaint


def category_by_code(session: Session, municipality: Municipality, service_code: str,
                     *, field: str = "category") -> Category:
    from server.errors import Invalid

    category = session.scalar(
        sa.select(Category).where(Category.municipality_id == municipality.id,
                                  Category.service_code == service_code, Category.active.is_(True))
    )
    if category is None:
        raise Invalid.for_field(field, "unknown_category", code=service_code)
    return category


def base_filters(municipality: Municipality, *, kind: list[Any], category: list[str],
                 work_id: uuid.UUID | None) -> list[Any]:
    """The conditions every complaint list shares: this municipality, not deleted, and the kind, category and
    work filters the reader chose."""
    conditions: list[Any] = [Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None)]
    if kind:
        conditions.append(Complaint.kind.in_([Kind(value).value for value in kind]))
    if category:
        conditions.append(Complaint.category_id.in_(
            sa.select(Category.id).where(Category.municipality_id == municipality.id,
                                         Category.service_code.in_(category))))
    if work_id is not None:
        conditions.append(Complaint.work_id == work_id)
    return conditions


def is_staff(actor: Actor, municipality: Municipality) -> bool:
    return can(actor, "complaints.triage", municipality.id)


def record(session: Session, complaint: Complaint, action: str, actor: Actor | None, data: dict[str, Any],
           *, by: str = "staff") -> None:
    """Append the change to the municipality's hash-chained audit log, in the same transaction. The log is
    public: staff act under their account; a reporter's own actions are logged without who they are."""
    from server.audit import service as audit

    if by == "staff" and actor is not None and actor.is_authenticated:
        actor_id, kind = actor.user_id, "user"
    else:
        actor_id, kind = None, ("system" if by == "system" else "anonymous")
    audit.append(session, municipality_id=complaint.municipality_id, entity="complaint", entity_id=complaint.id,
                 action=action, actor_id=actor_id, actor_kind=kind, data={"folio": complaint.folio, **data})


def commit_text(text: str | None) -> str | None:
    """A keyed commitment to text kept out of the public log (a reason, a note, an answer): the server can show
    that a stored text is the one logged, while the public cannot guess short texts from the hash."""
    if text is None:
        return None
    return hmac.new(get_settings().secret_key.encode(), text.encode(), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------------------------ views


def _public_fields(session: Session, complaint: Complaint, municipality: Municipality, language: str,
                   day: TermDay) -> dict[str, Any]:
    category = session.get(Category, complaint.category_id)
    zone = session.get(Zone, complaint.zone_id) if complaint.zone_id else None
    photos = session.scalars(
        sa.select(ComplaintPhoto.photo_id).where(ComplaintPhoto.complaint_id == complaint.id)
        .order_by(ComplaintPhoto.added_at, ComplaintPhoto.photo_id)
    ).all()
    updates = session.scalars(
        sa.select(ComplaintUpdate).where(ComplaintUpdate.complaint_id == complaint.id)
        .order_by(ComplaintUpdate.at, ComplaintUpdate.id)
    ).all()
    state = State(complaint.state)
    return {
        "id": complaint.id,
        "folio": complaint.folio,
        "kind": complaint.kind,
        "category": category.service_code,
        "category_name": (category.name_en or category.name) if language == "en" else category.name,
        "description": complaint.description,
        "location": geo.to_geojson(complaint.location),
        "address": complaint.address,
        "work_id": complaint.work_id,
        "zone": zone.name if zone else None,
        "state": state,
        "state_label": workflow.label(state, language),
        "open311_status": workflow.open311_status(state),
        "outcome": complaint.outcome,
        "public_answer": complaint.public_answer,
        "support_count": complaint.support_count,
        "duplicate_of": complaint.duplicate_of_id,
        "photos": list(photos),
        "received_on": complaint.received_on,
        "due_on": complaint.due_on,
        "overdue": is_overdue(complaint, day),
        "updates": [
            UpdatePublic(kind=u.kind, from_state=u.from_state, to_state=u.to_state, text=u.text,
                         by_reporter=u.by_reporter, at=u.at)
            for u in updates
        ],
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
    }


def public_view(session: Session, complaint: Complaint, *, municipality: Municipality,
                language: str) -> ComplaintPublic:
    return ComplaintPublic(**_public_fields(session, complaint, municipality, language,
                                            term_day(session, municipality)))


def staff_view(session: Session, complaint: Complaint, *, municipality: Municipality,
               language: str) -> ComplaintStaff:
    contact = None
    if complaint.contact_name or complaint.contact_email or complaint.contact_phone:
        contact = Contact(name=complaint.contact_name, email=complaint.contact_email, phone=complaint.contact_phone)
    day = term_day(session, municipality)
    return ComplaintStaff(
        **_public_fields(session, complaint, municipality, language, day),
        reporter_id=complaint.reporter_id,
        anonymous=complaint.anonymous,
        contact=contact,
        priority=complaint.priority,
        assignee_id=complaint.assignee_id,
        extended=complaint.extended,
        clarification_due_on=complaint.clarification_due_on,
        referral_due_on=complaint.referral_due_on,
        business_days_left=business_days_left(session, municipality, complaint, day),
        accuracy_m=complaint.accuracy_m,
        attributes=complaint.attributes,
        version=complaint.version,
    )


def view_for(session: Session, complaint: Complaint, *, actor: Actor, municipality: Municipality,
             language: str) -> ComplaintPublic:
    """The staff view for the municipality's comptrollers, the public view for everyone else."""
    if is_staff(actor, municipality):
        return staff_view(session, complaint, municipality=municipality, language=language)
    return public_view(session, complaint, municipality=municipality, language=language)
