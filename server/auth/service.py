"""Accounts, sign-in, devices and tokens, and the staff's management of accounts in their municipality."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.auth.actor import ANONYMOUS, Actor, authorize
from server.auth.credentials import (
    hash_password,
    is_session_token,
    needs_rehash,
    new_session_token,
    new_token,
    token_digest,
    verify_password,
)
from server.auth.models import (
    AccessToken,
    Device,
    DevicePublic,
    GrantPublic,
    LoginCreate,
    Role,
    RoleGrant,
    RolesUpdate,
    SessionPublic,
    User,
    UserCreate,
    UserPublic,
    normalise_email,
)
from server.config import get_settings
from server.db import UTCDateTime, new_id, utcnow
from server.errors import AppError, Conflict, Forbidden, NotFound, TooManyRequests, Unauthorized
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

LAST_SEEN_RESOLUTION = timedelta(minutes=5)
SYNC_RESOLUTION = timedelta(minutes=1)
SESSION_SLIDE_RESOLUTION = timedelta(minutes=1)


# ------------------------------------------------------------------------------------------------ accounts


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str | None,
    grants: list[tuple[uuid.UUID, Role]] = (),  # type: ignore[assignment]
    national_admin: bool = False,
) -> User:
    """A new account (no permission check: callers are the CLI, fixtures and `add_user`)."""
    user = User(
        email=normalise_email(email),
        full_name=full_name,
        password_hash=hash_password(password) if password else None,
        is_national_admin=national_admin,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("email_taken") from exc
    for municipality_id, role in grants:
        grant(session, user=user, municipality_id=municipality_id, role=role)
    return user


def grant(session: Session, *, user: User, municipality_id: uuid.UUID, role: Role) -> None:
    """Give a role (idempotent: the unique constraint decides, not a prior read)."""
    try:
        with session.begin_nested():
            session.add(RoleGrant(user_id=user.id, municipality_id=municipality_id, role=role))
            session.flush()
    except sa.exc.IntegrityError:
        pass


def holds_role(session: Session, *, user_id: uuid.UUID, municipality_id: uuid.UUID, roles: tuple[Role, ...]) -> bool:
    """Whether the account holds one of `roles` in that municipality (e.g. may a complaint be assigned to it)."""
    return bool(session.scalar(
        sa.select(sa.func.count()).select_from(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.municipality_id == municipality_id,
            RoleGrant.role.in_([role.value for role in roles]))
    ))


def user_public(session: Session, user: User, *, only_municipality: uuid.UUID | None = None) -> UserPublic:
    query = (
        sa.select(Municipality.code, RoleGrant.role)
        .join(Municipality, Municipality.id == RoleGrant.municipality_id)
        .where(RoleGrant.user_id == user.id)
        .order_by(Municipality.code, RoleGrant.role)
    )
    if only_municipality is not None:
        query = query.where(RoleGrant.municipality_id == only_municipality)
    roles = [GrantPublic(municipality_code=code, role=Role(role)) for code, role in session.execute(query)]
    return UserPublic(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_active=user.is_active,
        is_national_admin=user.is_national_admin,
        roles=roles,
    )


# ------------------------------------------------------------------------------------------------ sign-in


def _open_session(session: Session, *, user: User, device: Device, days: int | None = None) -> SessionPublic:
    now = utcnow()
    token = new_token()
    ttl = timedelta(days=days if days is not None else get_settings().token_ttl_days)
    record = AccessToken(
        digest=token_digest(token), user_id=user.id, device_id=device.id, expires_at=now + ttl, last_used_at=now
    )
    device.last_seen_at = now
    session.add(record)
    session.flush()
    return SessionPublic(
        token=token,
        expires_at=record.expires_at,
        user=user_public(session, user),
        device=DevicePublic.model_validate(device),
    )


def session_ends_at(created_at: datetime) -> datetime:
    """The latest a browser session opened then can last (SESSION_HOURS), however busy it is."""
    return created_at + timedelta(hours=get_settings().session_hours)


def _open_browser_session(session: Session, *, user: User, device: Device) -> BrowserSession:
    """A browser session: its token lives only in the HttpOnly cookie. Its record's `expires_at` slides forward
    with each request (SESSION_IDLE_MINUTES after the last one), never past SESSION_HOURS after sign-in."""
    settings = get_settings()
    now = utcnow()
    token = new_session_token()
    ends_at = session_ends_at(now)
    record = AccessToken(digest=token_digest(token), user_id=user.id, device_id=device.id, created_at=now,
                         expires_at=min(ends_at, now + timedelta(minutes=settings.session_idle_minutes)),
                         last_used_at=now)
    device.last_seen_at = now
    session.add(record)
    session.flush()
    return BrowserSession(token=token, user_id=user.id, device_id=device.id, ends_at=ends_at)


def _device_for(session: Session, *, user: User, name: str, device_id: uuid.UUID | None) -> Device:
    if device_id is not None:
        device = session.get(Device, device_id)
        if device is not None:
            if device.user_id != user.id:
                raise Conflict("device_taken")
            if device.revoked_at is not None:
                raise Forbidden("device_revoked")
            device.name = name
            return device
    device = Device(id=device_id or new_id(), user_id=user.id, name=name)
    session.add(device)
    session.flush()
    return device


@dataclass(frozen=True)
class BrowserSession:
    """A browser session just opened: the token goes in the cookie, never in a body."""

    token: str
    user_id: uuid.UUID
    device_id: uuid.UUID
    ends_at: datetime


@dataclass(frozen=True)
class LoginAttempt:
    """An attempt to sign in that has been counted: the account it is for (None: no such account)."""

    user_id: uuid.UUID | None


def claim_login(session: Session, *, data: LoginCreate) -> LoginAttempt:
    """Step one of signing in: count the attempt on the account *before* its password is checked.

    The database adds to `failed_logins` in one statement and locks the account for LOGIN_LOCKOUT_MINUTES when
    the count reaches LOGIN_MAX_FAILURES, so however many guesses arrive at once, at most that many are checked
    before the lock; every other one gets 429. Commit the claim before `finish_login` checks the password, so
    it counts whatever happens next; a right password then sets the count back to zero. An expired lock
    starts the count again."""
    settings = get_settings()
    now = utcnow()
    user = get_by_email(session, data.email)
    if user is None:
        return LoginAttempt(None)  # nothing to count; the password is still "checked" (same time, same answer)
    expired = sa.and_(User.locked_until.is_not(None), User.locked_until <= now)
    count = sa.case((expired, 1), else_=User.failed_logins + 1)
    until = sa.literal(now + timedelta(minutes=settings.login_lockout_minutes), UTCDateTime())
    claimed = session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=count,
                locked_until=sa.case((count >= settings.login_max_failures, until), else_=sa.null()))
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    session.expire(user, ["failed_logins", "locked_until"])
    if claimed is None:  # locked by an earlier attempt
        locked_until = user.locked_until or now
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise TooManyRequests("login_locked", minutes=minutes, headers={"Retry-After": str(minutes * 60)})
    return LoginAttempt(user.id)


def finish_login(
    session: Session, *, attempt: LoginAttempt, data: LoginCreate, browser: bool = False
) -> SessionPublic | BrowserSession | AppError:
    """Step two: check the password of a claimed attempt and open a session bound to a named device. The
    answer never says whether the email exists. A wrong password is returned as an error, not raised.
    `browser=True` opens a browser session (a new device of its own, its token for the cookie)."""
    user = session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if not verify_password(data.password, user.password_hash if user else None) or user is None:
        return Unauthorized("login_failed")
    if not user.is_active:
        raise Forbidden("account_disabled")
    user.failed_logins = 0
    user.locked_until = None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(data.password)
    if browser:
        device = Device(user_id=user.id, name=data.device_name)
        session.add(device)
        session.flush()
        return _open_browser_session(session, user=user, device=device)
    device = _device_for(session, user=user, name=data.device_name, device_id=data.device_id)
    return _open_session(session, user=user, device=device)


def login(session: Session, *, data: LoginCreate) -> SessionPublic | AppError:
    """Both steps in one transaction, for callers in one process (the HTTP endpoint commits the claim first).

    A wrong password is *returned* as an error, not raised, so the caller's transaction commits the claim."""
    return finish_login(session, attempt=claim_login(session, data=data), data=data)


def issue_token(session: Session, *, email: str, device_name: str, days: int | None = None) -> str:
    """A token for scripts and client applications (an Open311 api_key, say), on a device of that name."""
    user = get_by_email(session, email)
    if user is None:
        raise NotFound("user_not_found")
    device = session.scalar(
        sa.select(Device).where(Device.user_id == user.id, Device.name == device_name, Device.revoked_at.is_(None))
    )
    if device is None:
        device = Device(user_id=user.id, name=device_name)
        session.add(device)
        session.flush()
    return _open_session(session, user=user, device=device, days=days).token


class WriteDue(Exception):
    """authenticate(read_only=True) found the token's last use (or a browser session's idle end) due to be
    written: authenticate again in a session_scope()."""


def authenticate(session: Session, *, token: str | None, browser: bool = False, read_only: bool = False) -> Actor:
    """The actor behind a bearer token (or, `browser=True`, a browser session's cookie); anonymous without one;
    401 for a wrong, expired or revoked one. Each kind is accepted only where it belongs: a browser session's
    token is not a bearer token, nor a bearer token a session cookie. The last use is written at most once per
    LAST_SEEN_RESOLUTION (SESSION_SLIDE_RESOLUTION for a browser session); with `read_only=True` (the session is a
    read_scope()) raises WriteDue instead when that write is due, so most requests never take the write lock."""
    if not token:
        return ANONYMOUS
    if is_session_token(token) != browser:
        raise Unauthorized("token_invalid")
    now = utcnow()
    row = session.execute(
        sa.select(AccessToken, Device, User)
        .join(Device, Device.id == AccessToken.device_id)
        .join(User, User.id == AccessToken.user_id)
        .where(AccessToken.digest == token_digest(token))
    ).first()
    if row is None:
        raise Unauthorized("token_invalid")
    record, device, user = row
    if record.revoked_at is not None or device.revoked_at is not None:
        raise Unauthorized("token_revoked")
    if record.expires_at <= now:
        raise Unauthorized("token_expired")
    if not user.is_active:
        raise Unauthorized("account_disabled")
    if browser:
        # idle expiry: each request moves the end to SESSION_IDLE_MINUTES from now (written at most once a
        # minute), never past SESSION_HOURS after sign-in
        idle_end = min(session_ends_at(record.created_at),
                       now + timedelta(minutes=get_settings().session_idle_minutes))
        if idle_end - record.expires_at > SESSION_SLIDE_RESOLUTION:
            if read_only:
                raise WriteDue
            record.expires_at = idle_end
            record.last_used_at = now
            device.last_seen_at = now
    elif record.last_used_at is None or now - record.last_used_at > LAST_SEEN_RESOLUTION:
        if read_only:
            raise WriteDue
        record.last_used_at = now
        device.last_seen_at = now
    roles: dict[uuid.UUID, set[Role]] = defaultdict(set)
    for municipality_id, role in session.execute(
        sa.select(RoleGrant.municipality_id, RoleGrant.role).where(RoleGrant.user_id == user.id)
    ):
        roles[municipality_id].add(Role(role))
    return Actor(
        user_id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_national_admin=user.is_national_admin,
        roles={key: frozenset(value) for key, value in roles.items()},
        device_id=device.id,
        token_id=record.id,
        anonymous_device=user.is_anonymous_device,
        browser_session=browser,
    )


def logout(session: Session, *, actor: Actor) -> None:
    record = session.get(AccessToken, actor.token_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()


def end_browser_session(session: Session, *, actor: Actor) -> None:
    """Sign out of a browser session: its token and its device end together (the device was the session)."""
    logout(session, actor=actor)
    device = session.get(Device, actor.device_id) if actor.device_id else None
    if device is not None and device.revoked_at is None and actor.browser_session:
        device.revoked_at = utcnow()


def sync_mark_due(session: Session, *, device_id: uuid.UUID) -> bool:
    """Whether mark_synced() would write now: lets a read (an empty pull) take a writing scope only then."""
    last = session.scalar(sa.select(Device.last_sync_at).where(Device.id == device_id))
    return last is None or last < utcnow() - SYNC_RESOLUTION


def mark_synced(session: Session, *, device_id: uuid.UUID) -> None:
    """The device just pushed, pulled or uploaded (shown as its last sync in the device list). Written at most
    once a minute, so that a phone polling with empty pulls does not write every time."""
    now = utcnow()
    session.execute(sa.update(Device).where(
        Device.id == device_id,
        sa.or_(Device.last_sync_at.is_(None), Device.last_sync_at < now - SYNC_RESOLUTION)).values(last_sync_at=now))


def _device_public(session: Session, device: Device, *, actor: Actor) -> DevicePublic:
    now = utcnow()
    live = session.scalar(
        sa.select(sa.func.max(AccessToken.expires_at)).where(
            AccessToken.device_id == device.id, AccessToken.revoked_at.is_(None), AccessToken.expires_at > now))
    public = DevicePublic.model_validate(device)
    return public.model_copy(update={
        "current": device.id == actor.device_id,
        "active": device.revoked_at is None and live is not None,
        "session_expires_at": live if device.revoked_at is None else None,
    })


def list_devices(session: Session, *, actor: Actor) -> list[DevicePublic]:
    """The caller's devices, oldest first; the one making this request has `current`, the ones still holding a
    session that has not ended `active`."""
    rows = session.scalars(sa.select(Device).where(Device.user_id == actor.user_id).order_by(Device.created_at))
    return [_device_public(session, row, actor=actor) for row in rows]


def revoke_device(session: Session, *, actor: Actor, device_id: uuid.UUID) -> DevicePublic:
    """A lost phone: end every session it holds. Only its owner can do this here."""
    device = session.get(Device, device_id)
    if device is None or device.user_id != actor.user_id:
        raise NotFound("device_not_found")
    now = utcnow()
    if device.revoked_at is None:
        device.revoked_at = now
    session.execute(
        sa.update(AccessToken)
        .where(AccessToken.device_id == device.id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return _device_public(session, device, actor=actor)


# ------------------------------------------------------------------------------------------------ staff


def list_users(session: Session, *, actor: Actor, code: str) -> list[UserPublic]:
    municipality = municipalities.get_by_code(session, code)
    authorize(actor, "users.read", municipality.id)
    users = session.scalars(
        sa.select(User)
        .where(User.id.in_(sa.select(RoleGrant.user_id).where(RoleGrant.municipality_id == municipality.id)))
        .order_by(User.email)
    )
    return [user_public(session, user, only_municipality=municipality.id) for user in users]


def add_user(session: Session, *, actor: Actor, code: str, data: UserCreate) -> UserPublic:
    """Create the account, or give an existing account (same email) roles in this municipality."""
    municipality = municipalities.get_by_code(session, code)
    authorize(actor, "users.manage", municipality.id)
    user = get_by_email(session, data.email)
    if user is None:
        user = create_user(session, email=data.email, full_name=data.full_name, password=data.password)
    for role in data.roles:
        grant(session, user=user, municipality_id=municipality.id, role=role)
    return user_public(session, user, only_municipality=municipality.id)


def set_roles(session: Session, *, actor: Actor, code: str, user_id: uuid.UUID, data: RolesUpdate) -> UserPublic:
    municipality = municipalities.get_by_code(session, code)
    authorize(actor, "users.manage", municipality.id)
    user = session.get(User, user_id)
    in_here = session.scalar(
        sa.select(sa.func.count())
        .select_from(RoleGrant)
        .where(RoleGrant.user_id == user_id, RoleGrant.municipality_id == municipality.id)
    )
    if user is None or not in_here:
        raise NotFound("user_not_found")
    if actor.user_id == user.id and Role.admin not in data.roles and not actor.is_national_admin:
        # An administrator removing their own admin role could leave the municipality with none.
        raise AppError("cannot_demote_self", status=409)
    session.execute(
        sa.delete(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.municipality_id == municipality.id,
            RoleGrant.role.not_in([role.value for role in data.roles]),
        )
    )
    for role in data.roles:
        grant(session, user=user, municipality_id=municipality.id, role=role)
    return user_public(session, user, only_municipality=municipality.id)
