"""Builders shared by the committee tests."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

from PIL import Image

from server.auth.actor import ANONYMOUS
from server.committees import members, service
from server.committees.schemas import CommitteeCreate, MemberCreate, TransitionCreate
from tests.factories import CENTRO, municipality, staff_actor

COORDINATOR = "coordinacion@vigia.example"
# The demo committee of the demo committee member (server/demo/committees.json): active, Joaquín is its secretary.
DEMO_COMMITTEE = "0192f100-0001-7000-8000-000000000001"
DEMO_MEMBER = "0192f100-0002-7000-8000-000000000001"  # its chair (not linked to an account)
DEMO_MEETING = "0192f100-0003-7000-8000-000000000001"
DEMO_AGREEMENT = "0192f100-0004-7000-8000-000000000001"
DEMO_TRAINING = "0192f100-0005-7000-8000-000000000001"


def coordinator(session):
    return staff_actor(session, COORDINATOR)


def today(session) -> date:
    return service.today_in(municipality(session))


def days_ago(session, days: int) -> date:
    return today(session) - timedelta(days=days)


def area(lon: float = CENTRO[0], lat: float = CENTRO[1], size: float = 0.003) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon - size, lat - size], [lon + size, lat - size],
                                                [lon + size, lat + size], [lon - size, lat + size],
                                                [lon - size, lat - size]]]}


def photo_id(session) -> uuid.UUID:
    from server.media import service as media

    image = io.BytesIO()
    Image.new("RGB", (40, 30), (uuid.uuid4().int % 255, 120, 80)).save(image, "JPEG")
    stored = media.store(session, actor=ANONYMOUS, municipality=municipality(session), data=image.getvalue())
    session.flush()
    return stored.photo.id


def make_committee(session, *, state: str = "draft", **fields):
    """A committee created by the coordinator and moved to `state` with valid documents."""
    values = {"name": f"Comité de prueba {uuid.uuid4().hex[:6]}", "kind": "works", "service_area": area()}
    values.update(fields)
    actor = coordinator(session)
    target = municipality(session)
    committee = service.create(session, actor=actor, municipality=target, data=CommitteeCreate(**values))
    steps = ["constituted", "registered", "active", "concluded"]
    for step in steps[: steps.index(state) + 1] if state in steps else []:
        extra = {"registration_number": f"CS-{uuid.uuid4().hex[:6]}", "photo_id": photo_id(session)} \
            if step == "registered" else {}
        service.transition(session, actor=actor, municipality=target, committee_id=committee.id,
                           data=TransitionCreate(to=step, on=days_ago(session, 30), document="Acta de la asamblea",
                                                 **extra))
    session.flush()
    return committee


def add_member(session, committee, *, sex: str = "F", role: str = "member_at_large", start: int = 20, **fields):
    values = {"full_name": f"Persona {uuid.uuid4().hex[:6]} Sintética", "sex": sex, "role": role,
              "start_on": days_ago(session, start), "contact_phone": "618 555 0101",
              "contact_email": f"p{uuid.uuid4().hex[:6]}@correo.example"}
    values.update(fields)
    return members.add(session, actor=coordinator(session), municipality=municipality(session),
                       committee_id=committee.id, data=MemberCreate(**values))
