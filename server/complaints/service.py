"""What intake and triage share: lookups, the audit trail, and the views each kind of reader gets (deadlines:
server/complaints/deadlines.py).

Three views of a complaint, by who reads it: the public one (the publication policy applied: docs/privacy.md and
server/complaints/publication.py), the reporter's (everything they sent, no staff fields), and the staff one (the
municipality's comptrollers: reporter, contact, moderation, assignment, priority, deadlines)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import geo, lookups
from server.auth.actor import Actor, can
from server.complaints import deadlines, publication, workflow
from server.complaints.models import Category, Complaint, ComplaintUpdate, Kind
from server.complaints.schemas import ComplaintPublic, ComplaintStaff, Contact, Move, ReporterAccount, UpdatePublic
from server.complaints.workflow import State
from server.config import get_settings
from server.db import utcnow
from server.errors import NotFound, stale_version
from server.i18n import N_, translate
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality, Zone

today_in = municipalities.today_in


def moment(municipality: Municipality, day: date | None) -> datetime:
    """Now, or noon of `day` in the municipality (imports and the demo data replay past events)."""
    if day is None:
        return utcnow()
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(municipality.timezone)).astimezone(timezone.utc)


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

    category = lookups.remembered(session, ("category", municipality.id, service_code), lambda: session.scalar(
        sa.select(Category).where(Category.municipality_id == municipality.id,
                                  Category.service_code == service_code, Category.active.is_(True))
    ))
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


PUBLIC, REPORTER, STAFF = "public", "reporter", "staff"  # who reads a view


def _views(session: Session, complaints: list[Complaint], municipality: Municipality, language: str,
           reader: str, timeline: bool = True) -> list[dict[str, Any]]:
    """The fields of ComplaintPublic for many complaints at once (a constant number of queries). `reader`:
    PUBLIC applies the publication policy (server.complaints.publication, docs/privacy.md); the REPORTER (their
    own complaint) and STAFF read everything the schema holds. Without `timeline`, `updates` is None (not read)."""
    if not complaints:
        return []
    day = deadlines.term_day(session, municipality)
    ids = [c.id for c in complaints]
    categories = {c.id: c for c in session.scalars(
        sa.select(Category).where(Category.id.in_({c.category_id for c in complaints})))}
    zone_ids = {c.zone_id for c in complaints if c.zone_id}
    zones = {z.id: z for z in session.scalars(sa.select(Zone).where(Zone.id.in_(zone_ids)))} if zone_ids else {}
    photos = publication.photos_of(session, ids)
    updates: dict[uuid.UUID, list[ComplaintUpdate] | None] = {cid: [] if timeline else None for cid in ids}
    if timeline:
        for update in session.scalars(sa.select(ComplaintUpdate).where(ComplaintUpdate.complaint_id.in_(ids))
                                      .order_by(ComplaintUpdate.at, ComplaintUpdate.id)):
            updates[update.complaint_id].append(update)  # type: ignore[union-attr]
    return [_fields(c, categories[c.category_id], zones.get(c.zone_id), photos[c.id], updates[c.id], language,
                    day, reader) for c in complaints]


def _fields(complaint: Complaint, category: Category, zone: Zone | None, photos: list[tuple[uuid.UUID, str]],
            updates: list[ComplaintUpdate] | None, language: str, day: deadlines.TermDay,
            reader: str) -> dict[str, Any]:
    state = State(complaint.state)
    public = reader == PUBLIC
    hidden = public and publication.restricted(complaint)
    point = geo.to_geojson(complaint.location)
    if public:
        description = publication.public_text(complaint)
        point = None if hidden else publication.approximate_geojson(point)
        photo_ids = [photo_id for photo_id, state_ in photos if publication.photo_is_public(complaint, state_)]
    else:
        description = complaint.description
        photo_ids = [photo_id for photo_id, _ in photos]

    def update_text(update: ComplaintUpdate) -> str | None:
        # What the reporter added later was never reviewed: public readers do not get it, nor any text of a
        # restricted complaint.
        if public and (hidden or update.by_reporter):
            return None
        return update.text

    return {
        "id": complaint.id,
        "folio": complaint.folio,
        "kind": complaint.kind,
        "category": category.service_code,
        "category_name": (category.name_en or category.name) if language == "en" else category.name,
        "restricted": publication.restricted(complaint),
        "text_publication": complaint.text_publication,
        "description": description,
        "location": point,
        "location_exact": not public,
        "address": None if public else complaint.address,
        "work_id": None if hidden else complaint.work_id,
        "zone": zone.name if zone else None,
        "state": state,
        "state_label": workflow.label(state, language),
        "open311_status": workflow.open311_status(state),
        "outcome": complaint.outcome,
        "public_answer": None if hidden else complaint.public_answer,
        "support_count": complaint.support_count,
        "duplicate_of": complaint.duplicate_of_id,
        "photos": photo_ids,
        "received_on": complaint.received_on,
        "due_on": complaint.due_on,
        "overdue": deadlines.is_overdue(complaint, day),
        "updates": [
            UpdatePublic(kind=u.kind, label=update_label(u, language), from_state=u.from_state,
                         from_label=_state_label(u.from_state, language), to_state=u.to_state,
                         to_label=_state_label(u.to_state, language), text=update_text(u),
                         by_reporter=u.by_reporter, at=u.at)
            for u in updates
        ] if updates is not None else None,
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
    }


def _state_label(state: str | None, language: str) -> str | None:
    return workflow.label(State(state), language) if state else None


UPDATE_LABELS = {"information": N_("update_information"), "merge": N_("update_merge")}


def update_label(update: ComplaintUpdate, language: str) -> str:
    """A timeline entry in words: the state a move reached ("Admitida"), or what happened ("La persona que la
    presentó agregó información")."""
    if update.kind in UPDATE_LABELS:
        return translate(UPDATE_LABELS[update.kind], language)
    if update.from_state is None and update.to_state == State.received.value:
        return translate(N_("update_filed"), language)
    if update.to_state:
        return workflow.label(State(update.to_state), language)
    return update.kind


def public_views(session: Session, complaints: list[Complaint], *, municipality: Municipality,
                 language: str) -> list[ComplaintPublic]:
    """What anyone may see of these complaints, the publication policy applied (docs/privacy.md): never the
    reporter or their contact, never the exact point or the address; the text and each photo only once a
    moderator published them; of a denuncia or a confidential complaint only category, zone, state and dates.
    Every public surface shows complaints through this function (or `public_view`)."""
    return [ComplaintPublic(**fields) for fields in _views(session, complaints, municipality, language, PUBLIC)]


def public_view(session: Session, complaint: Complaint, *, municipality: Municipality,
                language: str) -> ComplaintPublic:
    """One complaint as the public sees it (see public_views)."""
    return public_views(session, [complaint], municipality=municipality, language=language)[0]


def reporter_view(session: Session, complaint: Complaint, *, municipality: Municipality,
                  language: str) -> ComplaintPublic:
    """The reporter's own complaint (signed in as its reporter, or with its folio and secret code): everything
    they sent, exact point and photos included, and whether it is public yet; no staff fields."""
    return reporter_views(session, [complaint], municipality=municipality, language=language)[0]


def reporter_views(session: Session, complaints: list[Complaint], *, municipality: Municipality,
                   language: str) -> list[ComplaintPublic]:
    """`reporter_view` of many complaints of one municipality at once (a constant number of queries)."""
    return [ComplaintPublic(**fields) for fields in _views(session, complaints, municipality, language, REPORTER)]


def live_by_ids(session: Session, *, municipality: Municipality, ids: list[uuid.UUID]) -> dict[uuid.UUID, Complaint]:
    """The complaints among `ids` that `get` would return (this municipality's, not deleted), in one query."""
    return {c.id: c for c in session.scalars(sa.select(Complaint).where(
        Complaint.id.in_(ids), Complaint.municipality_id == municipality.id, Complaint.deleted_at.is_(None)))}


def staff_view(session: Session, complaint: Complaint, *, municipality: Municipality, language: str,
               actor: Actor | None = None) -> ComplaintStaff:
    return staff_views(session, [complaint], municipality=municipality, language=language, actor=actor)[0]


def handles(actor: Actor | None, complaint: Complaint, municipality: Municipality) -> bool:
    """Whether `actor` is the comptroller handling the complaint: its assignee, still staff of the
    municipality. Only they see who filed it and how to reach them (docs/complaints.md, "Who sees the
    reporter")."""
    return (actor is not None and actor.is_authenticated and complaint.assignee_id is not None
            and complaint.assignee_id == actor.user_id and is_staff(actor, municipality))


def staff_views(session: Session, complaints: list[Complaint], *, municipality: Municipality, language: str,
                actor: Actor | None = None, timeline: bool = True, row: type[ComplaintStaff] = ComplaintStaff,
                extra: Callable[[Complaint], dict[str, Any]] | None = None) -> list[ComplaintStaff]:
    """The comptroller's view: everything, with moderation, deadlines and the moves allowed now. The reporter
    (account and contact) only for the comptroller handling each complaint (`handles`); without an `actor`
    (lists, 409 bodies) never. A list (the queue) asks for its own `row` model, with `extra` fields per
    complaint, and may leave the `timeline` out."""
    from server.auth.models import User

    day = deadlines.term_day(session, municipality)
    photos = publication.photos_of(session, [c.id for c in complaints])
    originals = publication.originals_of(session, [c.id for c in complaints])
    visible = {c.id for c in complaints if handles(actor, c, municipality)}
    reporter_ids = {c.reporter_id for c in complaints if c.id in visible and c.reporter_id and not c.anonymous}
    accounts = {u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(reporter_ids)))} \
        if reporter_ids else {}
    views = []
    for complaint, fields in zip(complaints, _views(session, complaints, municipality, language, STAFF, timeline),
                                 strict=True):
        shown = complaint.id in visible
        given = bool(complaint.contact_name or complaint.contact_email or complaint.contact_phone)
        # An anonymous complaint names no account (one filed by an anonymous device has one, of the phone).
        reporter_id = None if complaint.anonymous else complaint.reporter_id
        contact = account = None
        if shown and given:
            contact = Contact(name=complaint.contact_name, email=complaint.contact_email,
                              phone=complaint.contact_phone)
        if shown and reporter_id in accounts:
            account = ReporterAccount(full_name=accounts[reporter_id].full_name, email=accounts[reporter_id].email)
        views.append(row(
            **fields,
            **(extra(complaint) if extra is not None else {}),
            reporter_id=reporter_id if shown else None,
            reporter=account,
            anonymous=complaint.anonymous,
            contact=contact,
            reporter_visible=shown,
            contact_given=given or reporter_id is not None,
            moves=[Move(**move) for move in workflow.moves_for(State(complaint.state), workflow.STAFF,
                                                               extended=complaint.extended, language=language)],
            confidential=complaint.confidential,
            public_description=complaint.public_description,
            photo_publication={str(photo_id): state for photo_id, state in photos[complaint.id]},
            photo_original_sha256=originals[complaint.id],
            priority=complaint.priority,
            assignee_id=complaint.assignee_id,
            extended=complaint.extended,
            clarification_due_on=complaint.clarification_due_on,
            referral_due_on=complaint.referral_due_on,
            business_days_left=deadlines.business_days_left(session, municipality, complaint, day),
            accuracy_m=complaint.accuracy_m,
            attributes=complaint.attributes,
            version=complaint.version,
        ))
    return views


def check_version(session: Session, complaint: Complaint, sent: int | None, *, municipality: Municipality,
                  language: str) -> None:
    """A stale write (the `version` read is not the one saved now) is `409 stale_version`, carrying the record as
    saved now, so the desk shows both versions field by field: in `error.details[0].current` and, as before,
    `error.current`. The saved record is the staff view without the reporter (whoever sent it)."""
    if sent is None or sent == complaint.version:
        return
    raise stale_version(complaint.version, sent,
                        staff_view(session, complaint, municipality=municipality, language=language)
                        .model_dump(mode="json"))


def is_reporter(actor: Actor, complaint: Complaint) -> bool:
    return actor.is_authenticated and complaint.reporter_id is not None and complaint.reporter_id == actor.user_id


def view_for(session: Session, complaint: Complaint, *, actor: Actor, municipality: Municipality,
             language: str) -> ComplaintPublic:
    """The staff view for the municipality's comptrollers, the reporter's for its signed-in reporter, the public
    view for everyone else."""
    if is_staff(actor, municipality):
        return staff_view(session, complaint, municipality=municipality, language=language, actor=actor)
    if is_reporter(actor, complaint):
        return reporter_view(session, complaint, municipality=municipality, language=language)
    return public_view(session, complaint, municipality=municipality, language=language)


def forget_reporters(session: Session, user_ids: list[uuid.UUID]) -> None:
    """Anonymous accounts that went (server/auth/anonymous.py prune): their complaints stay, anonymous, with no
    account; through the ORM, so the change log sees it."""
    for complaint in session.scalars(sa.select(Complaint).where(Complaint.reporter_id.in_(user_ids))):
        complaint.reporter_id = None
