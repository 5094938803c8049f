"""Builders for test data. The demo fixtures (municipalities 10005 and 10007, their zones and one account
per role) are loaded for every backend; these add what a test needs on top."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shapely import geometry as sg
from sqlalchemy.orm import Session

from server import geo
from server.auth import service as auth
from server.auth.models import Role, User
from server.municipalities import service as municipalities
from server.municipalities.models import Municipality

DEMO = "10005"
OTHER = "10007"
DEMO_PASSWORD = "vigia-demo-2026"
# A point in Zona Centro, Victoria de Durango.
CENTRO = (-104.6657, 24.0277)

# One demo account per role in 10005 (see server/demo/users.json).
DEMO_ACCOUNTS = {
    Role.volunteer: "voluntaria@vigia.example",
    Role.committee_member: "comite@vigia.example",
    Role.committee_coordinator: "coordinacion@vigia.example",
    Role.observatory_member: "observatorio@vigia.example",
    Role.citizen_comptroller: "contralor.ciudadano@vigia.example",
    Role.comptroller: "contraloria@vigia.example",
    Role.student_auditor: "auditor@vigia.example",
    Role.audit_reviewer: "revision@vigia.example",
    Role.admin: "admin@vigia.example",
}
OTHER_ADMIN = "admin.gomez@vigia.example"
NATIONAL_ADMIN = "nacional@vigia.example"


def municipality(session: Session, code: str = DEMO) -> Municipality:
    return municipalities.get_by_code(session, code)


def make_municipality(session: Session, *, code: str | None = None, name: str = "Municipio de Prueba") -> Municipality:
    """A small square municipality somewhere in the Pacific (far from the demo ones)."""
    record = Municipality(
        code=code or str(uuid.uuid4().int)[:5],
        name=name,
        state="Prueba",
        country="MX",
        timezone="America/Mexico_City",
        boundary=geo.to_db(sg.MultiPolygon([sg.box(-120.0, 10.0, -119.9, 10.1)])),
    )
    session.add(record)
    session.flush()
    return record


def make_user(
    session: Session,
    *roles: Role,
    code: str = DEMO,
    email: str | None = None,
    password: str = "una-clave-segura",
    national: bool = False,
) -> User:
    target = municipality(session, code)
    return auth.create_user(
        session,
        email=email or f"persona-{uuid.uuid4().hex[:8]}@vigia.example",
        full_name="Persona de Prueba",
        password=password,
        grants=[(target.id, role) for role in roles],
        national_admin=national,
    )


def token_for(session: Session, email: str, device: str = "pruebas") -> str:
    token = auth.issue_token(session, email=email, device_name=device)
    session.flush()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def staff_actor(session: Session, email: str = "contraloria@vigia.example"):
    """The actor behind a demo staff account, for service-level tests."""
    return auth.authenticate(session, token=token_for(session, email, "servicio"))


def make_work(session: Session, *, code: str = DEMO, **fields):
    """A work registered through the service (as the comptroller of that municipality would)."""
    from server.works import service
    from server.works.models import WorkCreate

    values = {"identifier": f"T-{uuid.uuid4().hex[:8]}", "title": "Obra de prueba", "status": "implementation"}
    values.update(fields)
    email = "contraloria@vigia.example" if code == DEMO else "contraloria.gomez@vigia.example"
    work = service.create(session, actor=staff_actor(session, email), municipality=municipality(session, code),
                          data=WorkCreate(**values))
    session.flush()
    return work


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def line(*positions: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in positions]}


def complaint_body(**fields) -> dict:
    """What a phone sends to file a complaint in Zona Centro."""
    body = {"kind": "complaint", "category": "obra-calidad",
            "description": "El concreto de la banqueta nueva ya está agrietado frente a la tienda.",
            "location": {"type": "Point", "coordinates": list(CENTRO)}, "accuracy_m": 6.5}
    body.update(fields)
    return body


# ------------------------------------------------------------------------------------------------ dates
# Tests never name a calendar date that depends on when they run: they count from today, or map a date written
# in the demo files to where the demo was loaded (server/demo_calendar.py).

DEMO_TIME_ZONE = ZoneInfo("America/Monterrey")


def today() -> date:
    """Today in the demo municipality."""
    return datetime.now(DEMO_TIME_ZONE).date()


def ago(days: int) -> str:
    """The day `days` before today (negative: after), as the API takes it."""
    return (today() - timedelta(days=days)).isoformat()


def demo_day(session: Session, written: str) -> date:
    """A date as written in the demo files (server/demo/*.json), on the calendar the demo was loaded with."""
    from server import demo_calendar, fixtures

    return demo_calendar.for_loading(session, fixtures.DEFAULT_PATH).day(written)
