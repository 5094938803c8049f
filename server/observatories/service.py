"""Observatories, their members and accreditations: create and edit (staff), read (public, without contact
data), and the rule that only a validly accredited citizen comptroller acts as one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import client_ids
from server.audit import service as audit
from server.auth.actor import Actor, authorize
from server.db import new_id, utcnow
from server.errors import Conflict, Invalid, NotFound
from server.municipalities.models import Municipality
from server.observatories.models import (
    Accreditation,
    AccreditationCreate,
    AccreditationPrivate,
    AccreditationPublic,
    AccreditationStatus,
    MemberCreate,
    MemberPrivate,
    MemberPublic,
    Observatory,
    ObservatoryCreate,
    ObservatoryMember,
    ObservatoryUpdate,
    ObservatoryWork,
    RevocationCreate,
    WorkRef,
)
from server.works import service as works

MANAGE = "observatories.manage"


def today_in(municipality: Municipality) -> date:
    return works.today_in(municipality)


# ------------------------------------------------------------------------------------------------ accreditation


def status_of(accreditation: Accreditation, on: date) -> AccreditationStatus:
    """valid on `on` if valid_from ≤ on ≤ valid_to and not revoked."""
    if accreditation.revoked_at is not None:
        return "revoked"
    if on < accreditation.valid_from:
        return "not_yet_valid"
    if on > accreditation.valid_to:
        return "expired"
    return "valid"


def _best(accreditations: list[Accreditation], on: date) -> Accreditation | None:
    """The accreditation that speaks for the member: a valid one, else the most recent."""
    valid = [a for a in accreditations if status_of(a, on) == "valid"]
    pool = valid or accreditations
    return max(pool, key=lambda a: (a.valid_to, a.created_at)) if pool else None


def _valid_clause(on: date) -> sa.ColumnElement[bool]:
    return sa.and_(Accreditation.revoked_at.is_(None), Accreditation.valid_from <= on, Accreditation.valid_to >= on)


def accredited_member(session: Session, *, municipality: Municipality, user_id: uuid.UUID,
                      observatory_id: uuid.UUID | None = None, on: date | None = None) -> ObservatoryMember | None:
    """The user's membership that holds a valid accreditation on `on` (today), in one observatory or any."""
    on = on or today_in(municipality)
    statement = (
        sa.select(ObservatoryMember)
        .join(Accreditation, Accreditation.member_id == ObservatoryMember.id)
        .where(ObservatoryMember.municipality_id == municipality.id, ObservatoryMember.user_id == user_id,
               _valid_clause(on))
        .order_by(ObservatoryMember.created_at)
        .limit(1)
    )
    if observatory_id is not None:
        statement = statement.where(ObservatoryMember.observatory_id == observatory_id)
    return session.scalar(statement)


def is_accredited(session: Session, *, municipality: Municipality, user_id: uuid.UUID, on: date | None = None,
                  observatory_id: uuid.UUID | None = None) -> bool:
    """Whether the user holds, on `on` (today in the municipality by default), a valid accreditation as citizen
    comptroller there: valid_from ≤ on ≤ valid_to and not revoked. Expired or revoked: no right to act."""
    return accredited_member(session, municipality=municipality, user_id=user_id, on=on,
                             observatory_id=observatory_id) is not None


@dataclass(frozen=True)
class Membership:
    """One observatory a person belongs to, with the accreditation that speaks for them today (server.auth's
    /auth/me). `accreditation_status`: valid, expired, revoked, not_yet_valid or none."""

    observatory_id: uuid.UUID
    observatory_name: str
    theme: str
    municipality_code: str
    member_id: uuid.UUID
    accreditation_status: AccreditationStatus
    accreditation_number: str | None
    accreditation_valid_to: date | None


def memberships_of(session: Session, *, user_id: uuid.UUID) -> list[Membership]:
    """Every observatory the account is a member of, by municipality and name, each with its best accreditation
    (a valid one, else the most recent) on today's date in that municipality."""
    rows = session.execute(
        sa.select(ObservatoryMember, Observatory.name, Observatory.theme, Municipality)
        .join(Observatory, Observatory.id == ObservatoryMember.observatory_id)
        .join(Municipality, Municipality.id == Observatory.municipality_id)
        .where(ObservatoryMember.user_id == user_id)
        .order_by(Municipality.code, Observatory.name, ObservatoryMember.created_at)
    ).all()
    held: dict[uuid.UUID, list[Accreditation]] = {member.id: [] for member, *_ in rows}
    if held:
        for accreditation in session.scalars(sa.select(Accreditation).where(Accreditation.member_id.in_(list(held)))):
            held[accreditation.member_id].append(accreditation)
    found = []
    for member, name, theme, municipality in rows:
        on = today_in(municipality)
        best = _best(held[member.id], on)
        found.append(Membership(
            observatory_id=member.observatory_id, observatory_name=name, theme=theme,
            municipality_code=municipality.code, member_id=member.id,
            accreditation_status=status_of(best, on) if best is not None else "none",
            accreditation_number=best.number if best is not None else None,
            accreditation_valid_to=best.valid_to if best is not None else None))
    return found


# ------------------------------------------------------------------------------------------------ observatories


def get(session: Session, *, municipality: Municipality, observatory_id: uuid.UUID) -> Observatory:
    """The observatory, if it belongs to this municipality (another municipality's id is a 404)."""
    observatory = session.get(Observatory, observatory_id)
    if observatory is None or observatory.municipality_id != municipality.id:
        raise NotFound("observatory_not_found")
    return observatory


def list_(session: Session, *, municipality: Municipality, theme: str | None = None) -> list[Observatory]:
    statement = sa.select(Observatory).where(Observatory.municipality_id == municipality.id)
    if theme:
        statement = statement.where(Observatory.theme == theme)
    return list(session.scalars(statement.order_by(Observatory.name)))


def _set_works(session: Session, municipality: Municipality, observatory: Observatory,
               work_ids: list[uuid.UUID]) -> None:
    for position, work_id in enumerate(work_ids):
        try:
            works.get(session, municipality=municipality, work_id=work_id)
        except NotFound as exc:
            raise Invalid.for_field(f"work_ids.{position}", "observatory_work_unknown", id=str(work_id)) from exc
    session.execute(sa.delete(ObservatoryWork).where(ObservatoryWork.observatory_id == observatory.id))
    session.add_all(ObservatoryWork(observatory_id=observatory.id, work_id=work_id) for work_id in dict.fromkeys(work_ids))


def _programs(names: list[str]) -> list[str]:
    cleaned = [" ".join(name.split()) for name in names]
    for position, name in enumerate(cleaned):
        if not 2 <= len(name) <= 200:
            raise Invalid.for_field(f"programs.{position}", "observatory_program_invalid")
    return list(dict.fromkeys(cleaned))


def create(session: Session, *, actor: Actor, municipality: Municipality, data: ObservatoryCreate) -> Observatory:
    authorize(actor, MANAGE, municipality.id)
    observatory = Observatory(id=data.id or new_id(), municipality_id=municipality.id, name=data.name.strip(),
                              theme=data.theme, description=data.description, programs=_programs(data.programs))
    observatory, created = client_ids.insert(session, observatory, data, expected={"municipality_id": municipality.id},
                                             taken=Conflict("observatory_name_taken", name=observatory.name))
    if not created:  # the same create sent again (an offline resend)
        return observatory
    _set_works(session, municipality, observatory, data.work_ids)
    session.flush()
    return observatory


def update(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
           data: ObservatoryUpdate) -> Observatory:
    authorize(actor, MANAGE, municipality.id)
    observatory = get(session, municipality=municipality, observatory_id=observatory_id)
    if data.version != observatory.version:
        raise Conflict("stale_version", current=observatory.version, sent=data.version)
    values = data.model_dump(exclude_unset=True, exclude={"version", "work_ids"})
    if "programs" in values:
        values["programs"] = _programs(values["programs"] or [])
    for name in ("name", "theme"):
        if name in values and values[name] is None:
            raise Invalid.for_field(name, "validation_error")
    for name, value in values.items():
        setattr(observatory, name, value.strip() if name == "name" else value)
    observatory.version += 1
    observatory.updated_at = utcnow()
    # The unique name decides before the works are touched (a savepoint would flush the change before it
    # begins, outside itself): a name another observatory has is a 409, and nothing is stored.
    name = observatory.name
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("observatory_name_taken", name=name) from exc
    if data.work_ids is not None:
        _set_works(session, municipality, observatory, data.work_ids)
        session.flush()
    return observatory


def followed_works(session: Session, observatory: Observatory) -> list[WorkRef]:
    from server.works.models import Work  # only to read the followed works' names, joined to our link table

    rows = session.execute(
        sa.select(Work.id, Work.identifier, Work.title)
        .join(ObservatoryWork, ObservatoryWork.work_id == Work.id)
        .where(ObservatoryWork.observatory_id == observatory.id, Work.deleted_at.is_(None))
        .order_by(Work.identifier)
    )
    return [WorkRef(id=row.id, identifier=row.identifier, title=row.title) for row in rows]


# ------------------------------------------------------------------------------------------------ members


def members_of(session: Session, observatory: Observatory) -> list[tuple[ObservatoryMember, list[Accreditation]]]:
    members = list(session.scalars(
        sa.select(ObservatoryMember).where(ObservatoryMember.observatory_id == observatory.id)
        .order_by(ObservatoryMember.full_name, ObservatoryMember.id)
    ))
    accreditations: dict[uuid.UUID, list[Accreditation]] = {member.id: [] for member in members}
    if members:
        for row in session.scalars(sa.select(Accreditation).where(Accreditation.member_id.in_(list(accreditations)))
                                   .order_by(Accreditation.valid_from)):
            accreditations[row.member_id].append(row)
    return [(member, accreditations[member.id]) for member in members]


def public_member(member: ObservatoryMember, accreditations: list[Accreditation], on: date) -> MemberPublic:
    best = _best(accreditations, on)
    status: AccreditationStatus = status_of(best, on) if best is not None else "none"
    shown = None
    if best is not None and member.consent_public:
        shown = AccreditationPublic(number=best.number, issuer=best.issuer, valid_from=best.valid_from,
                                    valid_to=best.valid_to, status=status)
    return MemberPublic(id=member.id, name=member.full_name if member.consent_public else None,
                        accreditation_status=status, accreditation=shown)


def private_member(member: ObservatoryMember, accreditations: list[Accreditation], on: date) -> MemberPrivate:
    best = _best(accreditations, on)
    return MemberPrivate(
        id=member.id, observatory_id=member.observatory_id, user_id=member.user_id, full_name=member.full_name,
        contact_email=member.contact_email, contact_phone=member.contact_phone,
        consent_public=member.consent_public,
        accreditation_status=status_of(best, on) if best is not None else "none",
        accreditations=[AccreditationPrivate(id=a.id, number=a.number, issuer=a.issuer, valid_from=a.valid_from,
                                             valid_to=a.valid_to, status=status_of(a, on), revoked_at=a.revoked_at,
                                             revoked_reason=a.revoked_reason) for a in accreditations],
        created_at=member.created_at,
    )


def list_members(session: Session, *, actor: Actor, municipality: Municipality,
                 observatory_id: uuid.UUID) -> list[MemberPrivate]:
    """Every member with contact data and accreditations: staff only."""
    authorize(actor, MANAGE, municipality.id)
    observatory = get(session, municipality=municipality, observatory_id=observatory_id)
    on = today_in(municipality)
    return [private_member(member, rows, on) for member, rows in members_of(session, observatory)]


def get_member(session: Session, *, municipality: Municipality, member_id: uuid.UUID,
               observatory_id: uuid.UUID | None = None) -> ObservatoryMember:
    member = session.get(ObservatoryMember, member_id)
    if member is None or member.municipality_id != municipality.id or (
            observatory_id is not None and member.observatory_id != observatory_id):
        raise NotFound("observatory_member_not_found")
    return member


def add_member(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
               data: MemberCreate) -> ObservatoryMember:
    authorize(actor, MANAGE, municipality.id)
    observatory = get(session, municipality=municipality, observatory_id=observatory_id)
    if data.user_id is not None:
        from server.auth.models import User  # an account is global; only its existence matters here

        if session.get(User, data.user_id) is None:
            raise Invalid.for_field("user_id", "observatory_user_unknown")
    member = ObservatoryMember(id=data.id or new_id(), observatory_id=observatory.id, municipality_id=municipality.id,
                               user_id=data.user_id, full_name=" ".join(data.full_name.split()),
                               contact_email=data.contact_email, contact_phone=data.contact_phone,
                               consent_public=data.consent_public)
    member, _ = client_ids.insert(session, member, data, taken=Conflict("conflict"),
                                  expected={"municipality_id": municipality.id, "observatory_id": observatory.id})
    return member


def member_view(session: Session, *, municipality: Municipality, member: ObservatoryMember) -> MemberPrivate:
    rows = list(session.scalars(sa.select(Accreditation).where(Accreditation.member_id == member.id)
                                .order_by(Accreditation.valid_from)))
    return private_member(member, rows, today_in(municipality))


def accredit(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
             member_id: uuid.UUID, data: AccreditationCreate) -> Accreditation:
    """Grant an accreditation (its number is unique in the municipality: a repeated number is a 409)."""
    authorize(actor, MANAGE, municipality.id)
    member = get_member(session, municipality=municipality, member_id=member_id, observatory_id=observatory_id)
    accreditation = Accreditation(id=data.id or new_id(), member_id=member.id, municipality_id=municipality.id, number=data.number.strip(),
                                  issuer=data.issuer.strip(), valid_from=data.valid_from, valid_to=data.valid_to)
    accreditation, created = client_ids.insert(
        session, accreditation, data, expected={"municipality_id": municipality.id, "member_id": member.id},
        taken=Conflict("accreditation_number_taken", number=accreditation.number))
    if not created:  # the same create sent again (an offline resend)
        return accreditation
    audit.append(session, municipality_id=municipality.id, entity="accreditation", entity_id=accreditation.id,
                 action="granted", **audit.who(actor),
                 data={"member_id": str(member.id), "observatory_id": str(member.observatory_id),
                       "valid_from": accreditation.valid_from.isoformat(),
                       "valid_to": accreditation.valid_to.isoformat()})
    return accreditation


def revoke(session: Session, *, actor: Actor, municipality: Municipality, observatory_id: uuid.UUID,
           accreditation_id: uuid.UUID, data: RevocationCreate) -> Accreditation:
    """Revoke with a reason; logged in the audit chain (ids and dates only: the reason stays private)."""
    authorize(actor, MANAGE, municipality.id)
    accreditation = session.get(Accreditation, accreditation_id)
    if accreditation is None or accreditation.municipality_id != municipality.id:
        raise NotFound("accreditation_not_found")
    member = get_member(session, municipality=municipality, member_id=accreditation.member_id,
                        observatory_id=observatory_id)
    if accreditation.revoked_at is not None:
        raise Conflict("accreditation_already_revoked")
    accreditation.revoked_at = utcnow()
    accreditation.revoked_reason = data.reason.strip()
    accreditation.updated_at = utcnow()
    session.flush()
    audit.append(session, municipality_id=municipality.id, entity="accreditation", entity_id=accreditation.id,
                 action="revoked", **audit.who(actor),
                 data={"member_id": str(member.id), "observatory_id": str(member.observatory_id),
                       "revoked_on": today_in(municipality).isoformat(),
                       "valid_to": accreditation.valid_to.isoformat()})
    return accreditation
