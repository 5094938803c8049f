"""Anonymous devices: a phone that files anonymous complaints offline, with nobody signing in (docs/sync.md, 1).

Pushing needs a bearer token bound to a device, and a neighbour without an account has neither. Enrolling
gives the phone an account of its own that holds nothing about the person: no name, no password, no roles, an
email that is a random placeholder under `.invalid` (a domain that never receives mail), and the device id the
app made. The token may push `complaint.file` with `"anonymous": true` and the attachments, information and
withdrawal of the complaints that device filed, upload their photos, and pull them back (scope `mine`); any
other endpoint or intent is `403 anonymous_device_forbidden`. Staff never see which device filed an anonymous
complaint (server/complaints/service.py). Enrolments are limited per client address (counted in the database
as keyed hashes: no address is kept). Once none of its tokens can be used any more (expired, signed out or
revoked), `vigia tick` deletes the account with its device: its complaints stay, anonymous, with no account, as
if a signed-in person had filed them anonymously."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server import limits
from server.auth.credentials import new_token, token_digest
from server.auth.models import AccessToken, AnonymousDeviceCreate, AnonymousDevicePublic, Device, User
from server.config import get_settings
from server.db import new_id, utcnow
from server.errors import Conflict
from server.i18n import N_

DEVICE_NAME = "Teléfono anónimo"
PLACEHOLDER_DOMAIN = "anonimo.invalid"
LIMITED = N_("anonymous_device_rate_limited")


def claim(session: Session, *, client: str | None) -> limits.Claim:
    """Count one enrolment from this client address (ANONYMOUS_DEVICE_MAX_PER_ADDRESS per
    ANONYMOUS_DEVICE_WINDOW_MINUTES; `429 anonymous_device_rate_limited` past it). Commit before enrolling."""
    if not client:
        return limits.Claim()
    settings = get_settings()
    rule = limits.Rule("anonymous-device:address", settings.anonymous_device_max_per_address,
                       settings.anonymous_device_window_minutes * 60, LIMITED)
    return limits.claim(session, [(rule, client)])


def enrol(session: Session, *, data: AnonymousDeviceCreate) -> AnonymousDevicePublic:
    """A new anonymous account, its device and a token for TOKEN_TTL_DAYS. A device id already enrolled (by
    anyone, signed in or not) is `409 device_taken`: a device id is not a secret, so it never gets a token
    again; a phone whose token expired enrols again with a new device id."""
    if session.get(Device, data.device_id) is not None:
        raise Conflict("device_taken")
    user_id = new_id()
    user = User(id=user_id, email=f"{user_id.hex}@{PLACEHOLDER_DOMAIN}", full_name="", password_hash=None,
                is_anonymous_device=True)
    device = Device(id=data.device_id, user_id=user_id, name=DEVICE_NAME)
    try:
        with session.begin_nested():  # the same device id enrolled at once from two connections: one wins
            session.add(user)
            session.flush()
            session.add(device)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("device_taken") from exc
    now = utcnow()
    token = new_token()
    record = AccessToken(digest=token_digest(token), user_id=user.id, device_id=device.id, last_used_at=now,
                         expires_at=now + timedelta(days=get_settings().token_ttl_days))
    session.add(record)
    session.flush()
    return AnonymousDevicePublic(token=token, device_id=device.id, expires_at=record.expires_at)


# What the domains that point at accounts do when anonymous ones go (complaints forget their reporter): each lends
# its function when Vigía starts (server/assembly.py), so auth imports none of them.
_FORGETTING: list[Callable[[Session, list[uuid.UUID]], None]] = []


def on_forget(forget: Callable[[Session, list[uuid.UUID]], None]) -> None:
    """`forget(session, user_ids)` unlinks the domain's records from those accounts, through the ORM."""
    if forget not in _FORGETTING:
        _FORGETTING.append(forget)


def prune(session: Session) -> int:
    """Delete the anonymous accounts whose every token has expired or was revoked (`vigia tick`): nothing can act
    through them again, so the link from their complaints to the phone goes too. Their devices, tokens and stored
    push results go with them; the complaints stay, anonymous, with no account. How many accounts went."""
    now = utcnow()
    usable = sa.select(AccessToken.id).join(Device, Device.id == AccessToken.device_id).where(
        AccessToken.user_id == User.id, AccessToken.revoked_at.is_(None), AccessToken.expires_at > now,
        Device.revoked_at.is_(None))
    dead = list(session.scalars(sa.select(User.id).where(User.is_anonymous_device.is_(True), ~usable.exists())))
    if not dead:
        return 0
    for forget in _FORGETTING:  # explicitly, not only by the foreign keys' SET NULL, so the change log sees it
        forget(session, dead)
    session.flush()
    return session.execute(sa.delete(User).where(User.id.in_(dead)).execution_options(
        synchronize_session=False)).rowcount or 0
