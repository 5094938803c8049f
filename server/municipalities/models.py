"""Tenancy: every record belongs to one municipality. Its boundary, time zone, holiday calendar and zones
(colonias and fraccionamientos) are what deadlines and spatial checks depend on."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PField
from sqlmodel import Field, SQLModel

from server.db import IdMixin, SoftDeleteMixin, TimestampMixin, UTCDateTime, utcnow
from server.geo import geometry_column


class Municipality(IdMixin, TimestampMixin, table=True):
    __tablename__ = "municipalities"

    # INEGI clave (Mexico, 5 digits: state + municipality) or UBIGEO (Peru, 6 digits).
    code: str = Field(max_length=12, sa_column_kwargs={"unique": True}, nullable=False)
    name: str = Field(max_length=200)
    state: str = Field(max_length=120)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    timezone: str = Field(max_length=64)
    boundary: Any = Field(sa_column=geometry_column("MULTIPOLYGON"))


class Holiday(IdMixin, SQLModel, table=True):
    """A non-business day (día inhábil) in a municipality's calendar; deadlines skip it."""

    __tablename__ = "holidays"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "day", name="uq_holidays_municipality_day"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    day: date
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Zone(IdMixin, TimestampMixin, SoftDeleteMixin, table=True):
    """A colonia, fraccionamiento or quadrant: the areas people name when they say where something is."""

    __tablename__ = "zones"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "code", name="uq_zones_municipality_code"),)

    municipality_id: uuid.UUID = Field(foreign_key="municipalities.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)  # colonia, fraccionamiento, barrio, quadrant...
    geometry: Any = Field(sa_column=geometry_column("MULTIPOLYGON"))


# ------------------------------------------------------------------------------------------------ schemas


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"zona horaria desconocida: {value}") from exc
    return value


class MunicipalitySummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    state: str
    country: str
    timezone: str


class MunicipalityPublic(MunicipalitySummary):
    boundary: dict[str, Any] = PField(description="GeoJSON MultiPolygon, WGS84")
    bbox: list[float] = PField(description="[west, south, east, north]")


class MunicipalityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = PField(None, min_length=1, max_length=200)
    state: str | None = PField(None, min_length=1, max_length=120)
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else check_timezone(value)


class HolidayPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    name: str


class HolidayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date
    name: str = PField(min_length=1, max_length=200)


class HolidayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = PField(None, ge=1900, le=2200, description="Only the holidays of this year")


class ZoneFeature(BaseModel):
    type: str = "Feature"
    id: str
    geometry: dict[str, Any]
    properties: dict[str, Any]


class ZoneCollection(BaseModel):
    """The municipality's zones as a GeoJSON FeatureCollection."""

    type: str = "FeatureCollection"
    features: list[ZoneFeature]


class ZoneImportRow(BaseModel):
    row: int = PField(description="Position of the feature in the collection, from 1")
    code: str | None
    result: str = PField(description="created, updated, unchanged or rejected")
    errors: list[dict[str, Any]] = []


class ZoneImportReport(BaseModel):
    created: int
    updated: int
    unchanged: int
    rejected: int
    rows: list[ZoneImportRow]
