"""Who is making a request, as the services see it, and the permission table they check against."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from server.auth.models import Role
from server.errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Actor:
    """The caller: anonymous, or a user with roles per municipality, signed in from one device."""

    user_id: uuid.UUID | None = None
    email: str | None = None
    full_name: str | None = None
    is_national_admin: bool = False
    roles: dict[uuid.UUID, frozenset[Role]] = field(default_factory=dict)
    device_id: uuid.UUID | None = None
    token_id: uuid.UUID | None = None
    # A phone enrolled without an account (server/auth/anonymous.py): only the sync endpoints, and only anonymous
    # filing and its follow-ups (server/sync/intents.py).
    anonymous_device: bool = False
    # Signed in with the browser session's cookie (docs/api.md, "Browser sessions"), not a bearer token.
    browser_session: bool = False
    # Anonymous because the session cookie sent had ended: why (token_expired, token_revoked, token_invalid), so
    # that an endpoint that needs someone signed in says so in those words.
    session_problem: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def roles_in(self, municipality_id: uuid.UUID) -> frozenset[Role]:
        return self.roles.get(municipality_id, frozenset())

    def has_role(self, municipality_id: uuid.UUID, *roles: Role) -> bool:
        return bool(self.roles_in(municipality_id) & set(roles))


ANONYMOUS = Actor()

# permission -> roles that hold it in a municipality. National administrators hold every permission everywhere.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "users.read": frozenset({Role.admin, Role.comptroller}),
    "users.manage": frozenset({Role.admin}),
    "municipality.manage": frozenset({Role.admin}),
    "works.manage": frozenset({Role.admin, Role.comptroller}),
    # triage the complaint queue: see reporters, assign, transition, answer, keep private notes
    "complaints.triage": frozenset({Role.admin, Role.comptroller}),
    "complaints.configure": frozenset({Role.admin}),
    "photos.evidence": frozenset({Role.admin, Role.comptroller}),  # a photo's EXIF date, GPS, camera and hash
    "photos.moderate": frozenset({Role.admin, Role.comptroller}),  # black out faces and plates in a photo
    # register committees, manage their membership and trainings, see every committee of the municipality
    "committees.manage": frozenset({Role.committee_coordinator, Role.comptroller, Role.admin}),
    "observatories.manage": frozenset({Role.admin, Role.comptroller}),  # observatories, members, accreditations
    "forms.manage": frozenset({Role.admin, Role.comptroller}),  # inspection checklists and their versions
    # courts, judges and their assignments, audit projects (docs/rulings.md); a project's work is its team's
    "rulings.manage": frozenset({Role.admin, Role.audit_reviewer}),
}


def require_user(actor: Actor) -> Actor:
    if not actor.is_authenticated:
        if actor.session_problem:  # a browser session that has ended: say how
            raise Unauthorized(actor.session_problem)
        raise Unauthorized("auth_required")
    return actor


def refuse_anonymous_device(actor: Actor) -> None:
    """403 for an anonymous device's token outside what it is for (an endpoint or intent not made for it)."""
    if actor.anonymous_device:
        raise Forbidden("anonymous_device_forbidden")


def authorize(actor: Actor, permission: str, municipality_id: uuid.UUID) -> None:
    """Raise unless `actor` holds `permission` in that municipality (401 if anonymous, 403 otherwise)."""
    require_user(actor)
    if actor.is_national_admin:
        return
    if actor.roles_in(municipality_id) & PERMISSIONS[permission]:
        return
    raise Forbidden("forbidden")


def can(actor: Actor, permission: str, municipality_id: uuid.UUID) -> bool:
    """Whether `actor` holds `permission` there (for choosing a view, not for refusing: use authorize)."""
    return actor.is_national_admin or bool(actor.roles_in(municipality_id) & PERMISSIONS[permission])
