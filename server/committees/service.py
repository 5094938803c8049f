"""Committees: who may see and manage them, register and edit them, link their works, move them through their
lifecycle, and show them in the public register (names only where members consented, never contact data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids, geo, i18n
from server.audit import service as audit
from server.auth.actor import Actor, authorize, can
from server.auth.models import Role
from server.committees.models import (
    MISSING_NEED,
    STEP_NEEDS,
    TRANSITIONS,
    Committee,
    CommitteeEvent,
    CommitteeWork,
    Member,
    MemberRole,
    Sex,
    State,
)
from server.committees.schemas import (
    CommitteeCreate,
    CommitteePublic,
    CommitteeQuery,
    CommitteeSummary,
    CommitteeUpdate,
    EventPublic,
    MemberListed,
    TransitionCreate,
    WorkRef,
)
from server.db import new_id, utcnow
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality
from server.works import service as works
from server.works.models import Work

ANONYMOUS_MEMBER = "Integrante"
LIFECYCLE = list(State)  # draft, constituted, registered, active, concluded, dissolved


def today_in(municipality: Municipality) -> date:
    return works.today_in(municipality)


# ------------------------------------------------------------------------------------------------ access


def get(session: Session, *, municipality: Municipality, committee_id: uuid.UUID) -> Committee:
    """The committee, if it belongs to this municipality (another municipality's id is a 404)."""
    committee = session.get(Committee, committee_id)
    if committee is None or committee.municipality_id != municipality.id:
        raise NotFound("committee_not_found")
    return committee


def active_member(session: Session, *, committee: Committee, user_id: uuid.UUID | None,
                  on: date | None = None) -> Member | None:
    """The member row of that user that is active on `on` (default: today in the municipality)."""
    if user_id is None:
        return None
    if on is None:
        on = today_in(session.get(Municipality, committee.municipality_id))
    return session.scalar(
        sa.select(Member)
        .where(Member.committee_id == committee.id, Member.user_id == user_id, Member.start_on <= on,
               sa.or_(Member.end_on.is_(None), Member.end_on > on))
        .order_by(Member.start_on.desc())
        .limit(1)
    )


def memberships(session: Session, *, user_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(committee, municipality) of every committee where the user is an active member today (server.sync)."""
    rows = session.execute(
        sa.select(Member.committee_id, Committee.municipality_id, Member.start_on, Member.end_on)
        .join(Committee, Committee.id == Member.committee_id).where(Member.user_id == user_id)
    ).all()
    today: dict[uuid.UUID, date] = {}
    found = []
    for committee_id, municipality_id, start_on, end_on in rows:
        if municipality_id not in today:
            today[municipality_id] = today_in(session.get(Municipality, municipality_id))
        on = today[municipality_id]
        if start_on <= on and (end_on is None or end_on > on):
            found.append((committee_id, municipality_id))
    return sorted(set(found))


@dataclass(frozen=True)
class Membership:
    """One committee a person sits on today, as the person's own account shows it (server.auth's /auth/me)."""

    committee_id: uuid.UUID
    committee_name: str
    committee_state: str
    municipality_code: str
    member_id: uuid.UUID
    role: str  # MemberRole: chair, secretary, member_at_large, social_comptroller
    start_on: date


def memberships_of(session: Session, *, user_id: uuid.UUID) -> list[Membership]:
    """Every committee where the account is an active member today (each in its municipality's time zone), with
    the member's role, by municipality and committee name."""
    rows = session.execute(
        sa.select(Member, Committee.name, Committee.state, Municipality)
        .join(Committee, Committee.id == Member.committee_id)
        .join(Municipality, Municipality.id == Committee.municipality_id)
        .where(Member.user_id == user_id)
        .order_by(Municipality.code, Committee.name, Member.start_on)
    ).all()
    today: dict[uuid.UUID, date] = {}
    found = []
    for member, name, state, municipality in rows:
        on = today.setdefault(municipality.id, today_in(municipality))
        if member.start_on <= on and (member.end_on is None or member.end_on > on):
            found.append(Membership(committee_id=member.committee_id, committee_name=name, committee_state=state,
                                    municipality_code=municipality.code, member_id=member.id, role=member.role,
                                    start_on=member.start_on))
    return found


def is_coordinator_or_staff(actor: Actor, municipality: Municipality) -> bool:
    """Committee coordinators, comptrollers and administrators of the municipality (and national admins)."""
    return can(actor, "committees.manage", municipality.id)


def can_read(actor: Actor, committee: Committee, session: Session) -> bool:
    """May `actor` see the committee's private data (members, meetings, agreements)? Its active members (who
    hold the committee_member role), coordinators, comptrollers and administrators of its municipality."""
    if not actor.is_authenticated:
        return False
    if can(actor, "committees.manage", committee.municipality_id):
        return True
    if not actor.has_role(committee.municipality_id, Role.committee_member):
        return False
    return active_member(session, committee=committee, user_id=actor.user_id) is not None


def require_read(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID) -> Committee:
    """The committee, or 401/403 (after 404: another municipality's committee is not found whoever asks)."""
    committee = get(session, municipality=municipality, committee_id=committee_id)
    if not can_read(actor, committee, session):
        authorize(actor, "committees.manage", municipality.id)  # 401 for anonymous
        raise Forbidden("forbidden")
    return committee


def record(session: Session, committee: Committee, action: str, actor: Actor | None, data: dict[str, Any],
           *, entity_id: uuid.UUID | None = None) -> None:
    """Log a change to the municipality's public audit chain (codes, dates and ids only, no personal data)."""
    who = audit.who(actor) if actor is not None else {"actor_id": None, "actor_kind": "system"}
    audit.append(session, municipality_id=committee.municipality_id, entity="committee",
                 entity_id=committee.id, action=action, **who,
                 data={"committee_id": str(committee.id), **({"record_id": str(entity_id)} if entity_id else {}),
                       **data})


def photo(session: Session, municipality: Municipality, photo_id: uuid.UUID | None, field: str) -> uuid.UUID | None:
    """The id of a photo of this municipality (uploaded through /photos), or 422 naming the field."""
    if photo_id is None:
        return None
    from server.media import service as media

    try:
        return media.get(session, municipality=municipality, photo_id=photo_id).id
    except NotFound as exc:
        raise Invalid.for_field(field, "committee_photo_not_found") from exc


# ------------------------------------------------------------------------------------------------ writes


def _service_area(municipality: Municipality, value: dict[str, Any] | None) -> Any:
    if value is None:
        return None
    shape = geo.as_multipolygon(geo.parse_geojson(value, allowed=geo.POLYGONAL, field="service_area"))
    municipalities.check_geometry(municipality, shape, field="service_area")
    return geo.to_db(shape)


def _link_works(session: Session, municipality: Municipality, committee: Committee, work_ids: list[uuid.UUID]) -> None:
    for position, work_id in enumerate(work_ids):
        try:
            works.get(session, municipality=municipality, work_id=work_id)
        except NotFound as exc:
            raise Invalid.for_field(f"work_ids.{position}", "committee_work_not_found") from exc
    session.execute(sa.delete(CommitteeWork).where(CommitteeWork.committee_id == committee.id))
    session.add_all(CommitteeWork(committee_id=committee.id, work_id=work_id) for work_id in dict.fromkeys(work_ids))


def create(session: Session, *, actor: Actor, municipality: Municipality, data: CommitteeCreate) -> Committee:
    authorize(actor, "committees.manage", municipality.id)
    committee = Committee(id=data.id or new_id(), municipality_id=municipality.id, name=data.name,
                          kind=data.kind.value, program=data.program,
                          service_area=_service_area(municipality, data.service_area))
    committee, created = client_ids.insert(session, committee, data, expected={"municipality_id": municipality.id},
                                           taken=Conflict("committee_name_taken", name=data.name))
    if not created:  # the same create sent again (an offline resend)
        return committee
    _link_works(session, municipality, committee, data.work_ids)
    session.add(CommitteeEvent(committee_id=committee.id, from_state=None, to_state=State.draft.value,
                               on=today_in(municipality), actor_id=actor.user_id))
    session.flush()
    record(session, committee, "created", actor, {"kind": committee.kind, "work_count": len(set(data.work_ids))})
    return committee


def update(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
           data: CommitteeUpdate) -> Committee:
    authorize(actor, "committees.manage", municipality.id)
    committee = get(session, municipality=municipality, committee_id=committee_id)
    if data.version != committee.version:
        raise Conflict("stale_version", current=committee.version, sent=data.version,
                       extra={"current": {"version": committee.version}})
    changed: list[str] = []
    values = data.model_dump(exclude_unset=True, exclude={"version", "work_ids", "service_area"})
    for name, value in values.items():
        if value is None and name in ("name", "kind"):
            raise Invalid.for_field(name, "validation_error")
        value = value.value if hasattr(value, "value") else value
        if getattr(committee, name) != value:
            setattr(committee, name, value)
            changed.append(name)
    if "service_area" in data.model_fields_set:
        committee.service_area = _service_area(municipality, data.service_area)
        changed.append("service_area")
    # The unique name decides, before anything else touches the database (a savepoint would flush the change
    # before it begins, outside itself): a name another committee has is a 409, and nothing is stored.
    name = committee.name
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("committee_name_taken", name=name) from exc
    if data.work_ids is not None:
        _link_works(session, municipality, committee, data.work_ids)
        changed.append("works")
    if changed:
        committee.version += 1
        committee.updated_at = utcnow()
        session.flush()
        record(session, committee, "edited", actor, {"fields": sorted(changed), "version": committee.version})
    return committee


def transition(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
               data: TransitionCreate) -> Committee:
    """Move the committee one step along draft → constituted → registered → active → concluded (or to
    dissolved from any step before the end), with the step's date and document."""
    authorize(actor, "committees.manage", municipality.id)
    committee = get(session, municipality=municipality, committee_id=committee_id)
    if data.version is not None and data.version != committee.version:
        raise Conflict("stale_version", current=committee.version, sent=data.version,
                       extra={"current": {"version": committee.version, "state": committee.state}})
    current, target = State(committee.state), data.to
    if target not in TRANSITIONS[current]:
        raise Conflict("committee_already_in_state" if target == current else "committee_transition_not_allowed",
                       current=i18n.term(f"committee_is_{current.value}"),
                       to=i18n.term(f"committee_to_{target.value}"))
    if data.on > today_in(municipality):
        raise Invalid.for_field("on", "committee_date_in_future")
    # The draft is the day it was entered here, which may be after the assembly that constituted it.
    last = session.scalar(sa.select(sa.func.max(CommitteeEvent.on)).where(
        CommitteeEvent.committee_id == committee.id, CommitteeEvent.to_state != State.draft.value))
    if last is not None and data.on < last:
        raise Invalid.for_field("on", "committee_date_before_previous_step", previous=last.isoformat())
    photo_id = photo(session, municipality, data.photo_id, "photo_id")
    for need in STEP_NEEDS[target]:  # what the step needs, in the order the vocabulary shows it
        if need.required and need.field in MISSING_NEED and not getattr(data, need.field):
            raise Invalid.for_field(need.field, MISSING_NEED[need.field])
    document = data.reason if target == State.dissolved else data.document
    if target == State.registered:
        taken = session.scalar(sa.select(Committee.id).where(
            Committee.municipality_id == municipality.id, Committee.registration_number == data.registration_number,
            Committee.id != committee.id))
        if taken is not None:  # the unique constraint stays the last line against a concurrent registration
            raise Conflict("committee_registration_taken", number=data.registration_number)
        committee.registration_number = data.registration_number
    committee.state = target.value
    committee.version += 1
    committee.updated_at = utcnow()
    event = CommitteeEvent(committee_id=committee.id, from_state=current.value, to_state=target.value, on=data.on,
                           document=document, photo_id=photo_id, actor_id=actor.user_id)
    session.add(event)
    session.flush()
    facts: dict[str, Any] = {"from": current.value, "to": target.value, "on": data.on.isoformat()}
    if photo_id:
        facts["photo_id"] = str(photo_id)
    if target == State.registered:
        facts["registration_number"] = data.registration_number
    record(session, committee, "transitioned", actor, facts, entity_id=event.id)
    return committee


# ------------------------------------------------------------------------------------------------ views


def work_ids(session: Session, *, committee: Committee) -> set[uuid.UUID]:
    """The works the committee watches (other domains ask this; e.g. a visit must be to one of them)."""
    return {ref.id for ref in _works_of(session, [committee.id])[committee.id]}


def _works_of(session: Session, committee_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[WorkRef]]:
    found: dict[uuid.UUID, list[WorkRef]] = {committee_id: [] for committee_id in committee_ids}
    if not committee_ids:
        return found
    rows = session.execute(
        sa.select(CommitteeWork.committee_id, Work.id, Work.identifier, Work.title)
        .join(Work, Work.id == CommitteeWork.work_id)
        .where(CommitteeWork.committee_id.in_(committee_ids), Work.deleted_at.is_(None))
        .order_by(Work.identifier)
    )
    for committee_id, work_id, identifier, title in rows:
        found[committee_id].append(WorkRef(id=work_id, identifier=identifier, title=title))
    return found


def active_members_filter(on: date) -> sa.ColumnElement[bool]:
    return sa.and_(Member.start_on <= on, sa.or_(Member.end_on.is_(None), Member.end_on > on))


def _active_rows(session: Session, committee_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """(sex, role) of each committee's members active on `on`."""
    found: dict[uuid.UUID, list[tuple[str, str]]] = {committee_id: [] for committee_id in committee_ids}
    if not committee_ids:
        return found
    rows = session.execute(sa.select(Member.committee_id, Member.sex, Member.role)
                           .where(Member.committee_id.in_(committee_ids), active_members_filter(on)))
    for committee_id, sex, role in rows:
        found[committee_id].append((sex, role))
    return found


def _holds(rows: list[tuple[str, str]], role: MemberRole) -> bool | None:
    sexes = {sex for sex, held in rows if held == role.value}
    return (Sex.female.value in sexes) if sexes else None


def _summary_fields(committee: Committee, works_: list[WorkRef], active: list[tuple[str, str]]) -> dict[str, Any]:
    return {"id": committee.id, "name": committee.name, "kind": committee.kind, "program": committee.program,
            "state": committee.state, "registration_number": committee.registration_number, "works": works_,
            "members": len(active), "women": sum(1 for sex, _ in active if sex == Sex.female.value),
            "chair_is_woman": _holds(active, MemberRole.chair),
            "secretary_is_woman": _holds(active, MemberRole.secretary)}


def _visible(actor: Actor, municipality: Municipality) -> sa.ColumnElement[bool]:
    """Drafts are internal: only coordinators and staff see them in the register."""
    return sa.true() if is_coordinator_or_staff(actor, municipality) else Committee.state != State.draft.value


def list_(session: Session, *, actor: Actor, municipality: Municipality, query: CommitteeQuery) -> list[CommitteeSummary]:
    statement = sa.select(Committee).where(Committee.municipality_id == municipality.id, _visible(actor, municipality))
    if query.state:
        statement = statement.where(Committee.state.in_([state.value for state in query.state]))
    if query.kind:
        statement = statement.where(Committee.kind.in_([kind.value for kind in query.kind]))
    if query.work_id is not None:
        statement = statement.where(Committee.id.in_(
            sa.select(CommitteeWork.committee_id).where(CommitteeWork.work_id == query.work_id)))
    committees = list(session.scalars(statement.order_by(Committee.name)))
    ids = [committee.id for committee in committees]
    linked, active = _works_of(session, ids), _active_rows(session, ids, today_in(municipality))
    return [CommitteeSummary(**_summary_fields(c, linked[c.id], active[c.id])) for c in committees]


def _timeline(session: Session, actor: Actor, municipality: Municipality,
              events: list[CommitteeEvent]) -> list[EventPublic]:
    """The lifecycle's steps. A step's photo (the registration certificate) is named only once a moderator
    published it, or to the coordinators and staff who may see it before (docs/privacy.md)."""
    from server.media import service as media

    shown = {event.photo_id for event in events if event.photo_id is not None}
    if not is_coordinator_or_staff(actor, municipality):
        shown = media.published_ids(session, list(shown))
    return [EventPublic.model_validate(event).model_copy(
        update={"photo_id": event.photo_id if event.photo_id in shown else None}) for event in events]


def public(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID) -> CommitteePublic:
    """The register's entry. Members' names appear only where they consented; contact data never."""
    committee = get(session, municipality=municipality, committee_id=committee_id)
    if committee.state == State.draft.value and not is_coordinator_or_staff(actor, municipality):
        raise NotFound("committee_not_found")
    today = today_in(municipality)
    members = list(session.scalars(
        sa.select(Member).where(Member.committee_id == committee.id, active_members_filter(today))
        .order_by(Member.role, Member.start_on, Member.id)))
    # In lifecycle order: the draft may have been entered after the assembly that constituted the committee.
    events = sorted(session.scalars(sa.select(CommitteeEvent).where(CommitteeEvent.committee_id == committee.id)),
                    key=lambda event: (LIFECYCLE.index(State(event.to_state)), event.at))
    return CommitteePublic(
        **_summary_fields(committee, _works_of(session, [committee.id])[committee.id],
                          [(m.sex, m.role) for m in members]),
        service_area=geo.to_geojson(committee.service_area),
        timeline=_timeline(session, actor, municipality, events),
        active_members=[MemberListed(name=m.full_name if m.consent_public else ANONYMOUS_MEMBER, role=m.role,
                                     start_on=m.start_on) for m in members],
        version=committee.version,
        created_at=committee.created_at,
        updated_at=committee.updated_at,
    )

