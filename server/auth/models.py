"""Accounts, roles per municipality, devices and their bearer tokens."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import Enum
from typing import Annotated

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic import Field as PField
from sqlmodel import Field, SQLModel

from server.db import IdMixin, TimestampMixin, UTCDateTime, utcnow


class Role(str, Enum):
    """What a person may do in one municipality (a person can hold several)."""

    volunteer = "volunteer"  # voluntario
    committee_member = "committee_member"  # integrante de comité
    committee_coordinator = "committee_coordinator"  # coordinador de comités
    observatory_member = "observatory_member"  # integrante de observatorio
    citizen_comptroller = "citizen_comptroller"  # contralor ciudadano acreditado
    comptroller = "comptroller"  # contraloría municipal
    student_auditor = "student_auditor"  # auditor social universitario
    audit_reviewer = "audit_reviewer"  # revisor de auditoría
    admin = "admin"  # administrador municipal


ROLE_LABELS_ES = {
    Role.volunteer: "Voluntario",
    Role.committee_member: "Integrante de comité",
    Role.committee_coordinator: "Coordinación de comités",
    Role.observatory_member: "Integrante de observatorio",
    Role.citizen_comptroller: "Contralor ciudadano",
    Role.comptroller: "Contraloría municipal",
    Role.student_auditor: "Auditor social universitario",
    Role.audit_reviewer: "Revisor de auditoría",
    Role.admin: "Administración municipal",
}

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class User(IdMixin, TimestampMixin, table=True):
    __tablename__ = "users"

    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, nullable=False)
    full_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = Field(default=True)
    # A national administrator acts in every municipality (the only role that crosses tenants).
    is_national_admin: bool = Field(default=False)
    locale: str = Field(default="es", max_length=5)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The account of one phone enrolled without anyone signing in (server/auth/anonymous.py): no name, a
    # placeholder email that identifies nobody, no password, no roles; it may only file anonymous complaints.
    is_anonymous_device: bool = Field(default=False)


class RoleGrant(IdMixin, SQLModel, table=True):
    __tablename__ = "role_grants"
    __table_args__ = (sa.UniqueConstraint("user_id", "municipality_id", "role", name="uq_role_grants_user_muni_role"),)

    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    role: Role = Field(sa_type=sa.String(32))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Device(IdMixin, SQLModel, table=True):
    """A phone or computer a person signed in from; revoking it ends every session it holds."""

    __tablename__ = "devices"

    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sync_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last push, pull or upload
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccessToken(IdMixin, SQLModel, table=True):
    """An opaque bearer token; only its keyed SHA-256 digest is stored."""

    __tablename__ = "access_tokens"

    digest: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    device_id: uuid.UUID = Field(foreign_key="devices.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# ------------------------------------------------------------------------------------------------ schemas


def normalise_email(value: str) -> str:
    value = value.strip().lower()
    if not EMAIL_PATTERN.match(value):
        raise ValueError("correo electrónico no válido")
    return value


Email = Annotated[str, PField(max_length=254, examples=["contraloria@vigia.example"]), AfterValidator(normalise_email)]


class LoginCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: str = PField(min_length=1, max_length=256)
    device_name: str = PField(min_length=1, max_length=120, examples=["Moto G de Rosa"])
    device_id: uuid.UUID | None = PField(
        None, description="The device's own id, generated on the phone; sign in again with it to keep one device."
    )


class BrowserSessionCreate(BaseModel):
    """Sign in from a browser (the desk): the session travels in an HttpOnly cookie, never in this answer."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "contraloria@vigia.example", "password": "vigia-demo-2026",
         "device_name": "Laptop de la oficina de Contraloría"}]})

    email: Email
    password: str = PField(min_length=1, max_length=256)
    device_name: str | None = PField(
        None, min_length=1, max_length=120, examples=["Laptop de la oficina de Contraloría"],
        description="how this browser shows in the list of devices (default: the browser and system it reports)")


class AnonymousDeviceCreate(BaseModel):
    """A phone asking to file anonymous complaints offline: its own id and nothing about its owner."""

    model_config = ConfigDict(extra="forbid")

    device_id: uuid.UUID = PField(description="the id the app generated for this phone (not the one it signs in with)")


class AnonymousDevicePublic(BaseModel):
    """The token of an anonymous device: keep it secret; it is shown only once."""

    token: str
    token_type: str = "bearer"
    device_id: uuid.UUID
    expires_at: datetime


class GrantPublic(BaseModel):
    municipality_code: str
    role: Role


class UserPublic(BaseModel):
    """An account as its owner and the municipality's staff see it."""

    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool
    is_national_admin: bool
    roles: list[GrantPublic]


class DevicePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    last_sync_at: datetime | None = None
    revoked_at: datetime | None
    current: bool = PField(False, description="the device (or browser session) making this request")
    active: bool = PField(True, description="it still holds a session that has not ended, expired or been revoked")
    session_expires_at: datetime | None = PField(
        None, description="when its session ends if unused (a browser session's end moves with each request)")


class SessionPublic(BaseModel):
    """A new session: keep the token secret; it is shown only once."""

    token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserPublic
    device: DevicePublic


class UserCreate(BaseModel):
    """A new account in this municipality, or new roles here for an existing account with that email."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    full_name: str = PField(min_length=1, max_length=200)
    password: str | None = PField(None, min_length=8, max_length=256)
    roles: list[Role] = PField(min_length=1)


class RolesUpdate(BaseModel):
    """The complete list of roles the account holds in this municipality (empty removes it from here)."""

    model_config = ConfigDict(extra="forbid")

    roles: list[Role]
