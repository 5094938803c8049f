"""Committee membership: add members, record their signed commitment letter, end a membership, replace a
member with a record of why. Coordinators and staff manage it; every change goes to the audit log (ids and
codes only: names and contacts are personal data)."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids, i18n
from server.auth.actor import Actor, authorize
from server.auth.models import User
from server.committees import service
from server.committees.models import FINAL_STATES, Committee, Member, State
from server.committees.schemas import CommitmentLetter, MemberCreate, MemberEnd, MemberPrivate, Replacement
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities.models import Municipality


def get(session: Session, *, committee: Committee, member_id: uuid.UUID) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.committee_id != committee.id:
        raise NotFound("committee_member_not_found")
    return member


def _manageable(session: Session, actor: Actor, municipality: Municipality, committee_id: uuid.UUID) -> Committee:
    authorize(actor, "committees.manage", municipality.id)
    committee = service.get(session, municipality=municipality, committee_id=committee_id)
    if State(committee.state) in FINAL_STATES:
        raise Conflict("committee_closed", state=i18n.term(f"committee_is_{State(committee.state).value}"))
    return committee


def _new_member(session: Session, municipality: Municipality, committee: Committee, data: MemberCreate,
                field: str = "") -> tuple[Member, bool]:
    if data.start_on > service.today_in(municipality):
        raise Invalid.for_field(f"{field}start_on", "committee_date_in_future")
    if data.user_id is not None:
        if session.get(User, data.user_id) is None:
            raise Invalid.for_field(f"{field}user_id", "committee_user_not_found")
    member = Member(id=data.id or new_id(), committee_id=committee.id, municipality_id=municipality.id,
                    user_id=data.user_id, full_name=data.full_name, sex=data.sex.value, role=data.role.value,
                    contact_phone=data.contact_phone, contact_email=data.contact_email,
                    consent_public=data.consent_public, start_on=data.start_on)
    return client_ids.insert(session, member, data, taken=Conflict("committee_member_exists"),
                             expected={"municipality_id": municipality.id, "committee_id": committee.id})


def add(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
        data: MemberCreate) -> Member:
    committee = _manageable(session, actor, municipality, committee_id)
    member, created = _new_member(session, municipality, committee, data)
    if not created:  # the same create sent again (an offline resend)
        return member
    service.record(session, committee, "member_added", actor,
                   {"member_id": str(member.id), "role": member.role, "start_on": member.start_on.isoformat()},
                   entity_id=member.id)
    return member


def commitment_letter(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
                      member_id: uuid.UUID, data: CommitmentLetter) -> Member:
    """Record the signed commitment letter (carta compromiso) and its scan (a photo uploaded through /photos)."""
    committee = _manageable(session, actor, municipality, committee_id)
    member = get(session, committee=committee, member_id=member_id)
    if data.on > service.today_in(municipality):
        raise Invalid.for_field("on", "committee_date_in_future")
    member.commitment_letter_on = data.on
    member.commitment_letter_photo_id = service.photo(session, municipality, data.photo_id, "photo_id")
    member.updated_at = utcnow()
    session.flush()
    facts = {"member_id": str(member.id), "on": data.on.isoformat()}
    if member.commitment_letter_photo_id:
        facts["photo_id"] = str(member.commitment_letter_photo_id)
    service.record(session, committee, "commitment_letter", actor, facts, entity_id=member.id)
    return member


def _end(member: Member, end_on: date, field: str) -> None:
    if member.end_on is not None and member.end_on <= end_on:
        raise Conflict("committee_member_already_ended", end_on=member.end_on.isoformat())
    if end_on < member.start_on:
        raise Invalid.for_field(field, "committee_member_end_before_start", start_on=member.start_on.isoformat())
    member.end_on = end_on
    member.updated_at = utcnow()


def end(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
        member_id: uuid.UUID, data: MemberEnd) -> Member:
    committee = _manageable(session, actor, municipality, committee_id)
    member = get(session, committee=committee, member_id=member_id)
    _end(member, data.end_on, "end_on")
    session.flush()
    service.record(session, committee, "member_ended", actor,
                   {"member_id": str(member.id), "end_on": data.end_on.isoformat()}, entity_id=member.id)
    return member


def replace(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID,
            member_id: uuid.UUID, data: Replacement) -> Member:
    """A new member takes the old one's place from `data.new.start_on`, with the replacement record."""
    committee = _manageable(session, actor, municipality, committee_id)
    old = get(session, committee=committee, member_id=member_id)
    if old.end_on is not None and old.end_on < data.new.start_on:
        raise Conflict("committee_member_already_ended", end_on=old.end_on.isoformat())
    _end(old, data.new.start_on, "new.start_on")
    new, created = _new_member(session, municipality, committee, data.new, field="new.")
    if not created:  # the new member's id is stored: the same replacement sent again, or a taken id
        if new.replaced_member_id != old.id:
            raise client_ids.id_taken()
        return new
    new.replaced_member_id = old.id
    new.replacement_document = data.document
    session.flush()
    service.record(session, committee, "member_replaced", actor,
                   {"member_id": str(new.id), "replaced_member_id": str(old.id), "role": new.role,
                    "on": data.new.start_on.isoformat()}, entity_id=new.id)
    return new


# ------------------------------------------------------------------------------------------------ views


def private_view(member: Member, *, actor: Actor, municipality: Municipality, today: date) -> MemberPrivate:
    """Contact data only for coordinators and staff of the municipality, and for the member themself."""
    sees_contact = service.is_coordinator_or_staff(actor, municipality) or (
        actor.user_id is not None and actor.user_id == member.user_id)
    return MemberPrivate(
        id=member.id, committee_id=member.committee_id, user_id=member.user_id, full_name=member.full_name,
        sex=member.sex, role=member.role, consent_public=member.consent_public, start_on=member.start_on,
        end_on=member.end_on, active=member.start_on <= today and (member.end_on is None or member.end_on > today),
        commitment_letter_on=member.commitment_letter_on,
        commitment_letter_photo_id=member.commitment_letter_photo_id,
        replaced_member_id=member.replaced_member_id, replacement_document=member.replacement_document,
        contact_phone=member.contact_phone if sees_contact else None,
        contact_email=member.contact_email if sees_contact else None,
    )


def list_(session: Session, *, actor: Actor, municipality: Municipality, committee_id: uuid.UUID) -> list[MemberPrivate]:
    """Every member, past and present, for the committee's members, coordinators and staff."""
    committee = service.require_read(session, actor=actor, municipality=municipality, committee_id=committee_id)
    today = service.today_in(municipality)
    rows = session.scalars(sa.select(Member).where(Member.committee_id == committee.id)
                           .order_by(Member.start_on, Member.full_name, Member.id))
    return [private_view(row, actor=actor, municipality=municipality, today=today) for row in rows]


def ids_in(session: Session, *, committee_ids: list[uuid.UUID] | None, municipality: Municipality,
           member_ids: list[uuid.UUID], field: str) -> list[uuid.UUID]:
    """Check that every id is a member (of one of `committee_ids`, or of any committee of the municipality)."""
    if not member_ids:
        return []
    statement = sa.select(Member.id).where(Member.id.in_(member_ids), Member.municipality_id == municipality.id)
    if committee_ids is not None:
        statement = statement.where(Member.committee_id.in_(committee_ids))
    found = set(session.scalars(statement))
    for position, member_id in enumerate(member_ids):
        if member_id not in found:
            raise Invalid.for_field(f"{field}.{position}", "committee_member_not_found")
    return list(dict.fromkeys(member_ids))
