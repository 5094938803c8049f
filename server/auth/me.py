"""`GET /auth/me`: the signed-in account, its roles, and the committees and observatories it belongs to.

Committees and observatories build on accounts, not the other way round: each lends auth the function that lists
a person's memberships (`on_memberships`, called by server/assembly.py), so auth imports neither.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PField
from sqlalchemy.orm import Session

from server.auth.actor import Actor
from server.auth.models import User
from server.auth.service import UserPublic, user_public
from server.i18n import N_, Language, translate

MembershipsOf = Callable[..., Iterable[Any]]  # (session, *, user_id) -> rows
_MEMBERSHIPS: dict[str, MembershipsOf] = {}


def on_memberships(kind: str, memberships_of: MembershipsOf) -> None:
    """`memberships_of(session, user_id=...)` lists a person's `kind` ("committees", "observatories")."""
    _MEMBERSHIPS[kind] = memberships_of


def _listed(kind: str, session: Session, user_id: uuid.UUID) -> Iterable[Any]:
    memberships_of = _MEMBERSHIPS.get(kind)
    return [] if memberships_of is None else memberships_of(session, user_id=user_id)


class CommitteeMembershipPublic(BaseModel):
    """A committee the person sits on today, with their role in it."""

    municipality_code: str
    committee_id: uuid.UUID
    name: str
    state: str = PField(description="draft, constituted, registered, active, concluded or dissolved")
    state_label: str = PField(description="the state in words, in the language asked for")
    member_id: uuid.UUID
    role: str = PField(description="chair, secretary, member_at_large or social_comptroller")
    role_label: str = PField(description="the role in words: Presidencia, Secretaría, Vocal, Contralor social")
    since: date


class ObservatoryMembershipPublic(BaseModel):
    """An observatory the person belongs to, with their accreditation as citizen comptroller (if any)."""

    municipality_code: str
    observatory_id: uuid.UUID
    name: str
    theme: str
    member_id: uuid.UUID
    role: str = PField(description="citizen_comptroller (holds a valid accreditation today) or member")
    role_label: str
    accreditation_status: str = PField(description="valid, expired, revoked, not_yet_valid or none")
    accreditation_label: str
    accreditation_number: str | None
    accreditation_valid_to: date | None


class MePublic(UserPublic):
    """The signed-in account: its roles per municipality, and the committees and observatories it belongs to."""

    committees: list[CommitteeMembershipPublic] = PField(
        description="committees where the person is an active member today")
    observatories: list[ObservatoryMembershipPublic]


def me(session: Session, *, actor: Actor, language: Language = "es") -> MePublic:
    user = session.get(User, actor.user_id)
    assert user is not None  # authenticate() just read it
    committee_rows = [
        CommitteeMembershipPublic(
            municipality_code=row.municipality_code, committee_id=row.committee_id, name=row.committee_name,
            state=row.committee_state, state_label=translate(f"membership_committee_{row.committee_state}", language),
            member_id=row.member_id, role=row.role, role_label=translate(f"membership_role_{row.role}", language),
            since=row.start_on)
        for row in _listed("committees", session, user.id)
    ]
    observatory_rows = []
    for row in _listed("observatories", session, user.id):
        role = "citizen_comptroller" if row.accreditation_status == "valid" else "member"
        observatory_rows.append(ObservatoryMembershipPublic(
            municipality_code=row.municipality_code, observatory_id=row.observatory_id, name=row.observatory_name,
            theme=row.theme, member_id=row.member_id, role=role,
            role_label=translate(f"membership_observatory_{role}", language),
            accreditation_status=row.accreditation_status,
            accreditation_label=translate(f"membership_accreditation_{row.accreditation_status}", language),
            accreditation_number=row.accreditation_number, accreditation_valid_to=row.accreditation_valid_to))
    return MePublic(**user_public(session, user).model_dump(), committees=committee_rows,
                    observatories=observatory_rows)

# Codes looked up by a name built at run time (f"{prefix}{value}"), marked for `pybabel extract`.
LOOKED_UP = (
    N_("membership_accreditation_expired"), N_("membership_accreditation_none"),
    N_("membership_accreditation_not_yet_valid"), N_("membership_accreditation_revoked"),
    N_("membership_accreditation_valid"), N_("membership_committee_active"), N_("membership_committee_concluded"),
    N_("membership_committee_constituted"), N_("membership_committee_dissolved"), N_("membership_committee_draft"),
    N_("membership_committee_registered"), N_("membership_observatory_citizen_comptroller"),
    N_("membership_observatory_member"), N_("membership_role_chair"), N_("membership_role_member_at_large"),
    N_("membership_role_secretary"), N_("membership_role_social_comptroller"),
)
