"""Open311 GeoReport v2 shapes (field order as the specification lists them) and the one table Open311 owns.

The shapes are what leaves the server: built field by field from public data only, so a new private column on a
complaint can never leak through them. `Submission` keeps what an Open311 client sent that has no place in a
complaint: which client application filed it and the `media_url` it pointed to (never fetched, never published).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from server.db import UTCDateTime, utcnow

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")


class Submission(SQLModel, table=True):
    """A complaint filed through Open311: the client application (the device of its api_key) and the media URL
    it sent. Private: for the comptroller and the administrators, never in an Open311 or public answer."""

    __tablename__ = "open311_submissions"

    complaint_id: uuid.UUID = Field(foreign_key="complaints.id", primary_key=True, ondelete="CASCADE")
    client_device_id: uuid.UUID | None = Field(default=None, foreign_key="devices.id", index=True,
                                               ondelete="SET NULL")
    media_url: str | None = Field(default=None, max_length=2000)  # a reference only: Vigía does not download it
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# ------------------------------------------------------------------------------------------------ answers


class Service(BaseModel):
    """GET services: one complaint category."""

    service_code: str
    service_name: str
    description: str | None
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"] = "realtime"
    keywords: str | None
    group: str | None


class AttributeValue(BaseModel):
    key: str
    name: str


class Attribute(BaseModel):
    variable: bool
    code: str
    datatype: Datatype
    required: bool
    datatype_description: str | None
    order: int | None
    description: str | None
    values: list[AttributeValue] | None = None  # lists only; left out otherwise


class ServiceDefinition(BaseModel):
    """GET services/{service_code}: the extra fields a category asks for."""

    service_code: str
    attributes: list[Attribute]


class ServiceRequest(BaseModel):
    """GET requests: one complaint as the public may see it (never who filed it, never private notes)."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None
    service_name: str | None
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime | None
    expected_datetime: datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class Receipt(BaseModel):
    """POST requests: the folio at once (no token step)."""

    service_request_id: str
    service_notice: str | None
    account_id: str | None


class TokenAnswer(BaseModel):
    """GET tokens/{token}: Vigía's tokens are the folios themselves."""

    service_request_id: str
    token: str


# ------------------------------------------------------------------------------------------------ input


@dataclass
class SubmissionForm:
    """A POST requests form, as sent (strings), before any check."""

    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str | None = None
    media_url: str | None = None
    media: bytes | None = None  # a file sent as the multipart part `media` (an extension many clients use)


@dataclass(frozen=True)
class Filing:
    """What filing produced: the receipt and whether it was a new complaint (False: a repeat of one)."""

    receipt: Receipt
    created: bool
