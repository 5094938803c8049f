"""A works committee in 10005 watching one work, with two members who have accounts, and a second committee
with its own member; the seed checklist (server/demo/forms.json) is published in every test database."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image

from server.auth.actor import ANONYMOUS
from server.auth.models import Role
from server.inspections.fixtures import GENERAL_VERSION
from tests.factories import CENTRO, DEMO, make_user, make_work, municipality, staff_actor, token_for

GENERAL = GENERAL_VERSION[DEMO]
SOCIAL_TEMPLATE = uuid.UUID("0193f000-0000-7000-8100-000000000002")
GENERAL_TEMPLATE = uuid.UUID("0193f000-0000-7000-8100-000000000001")


def photo_id(session, seed: int = 1, code: str = DEMO) -> uuid.UUID:
    from server.media import service as media

    image = io.BytesIO()
    Image.new("RGB", (40, 30), (seed % 255, 120, 60)).save(image, "JPEG")
    stored = media.store(session, actor=ANONYMOUS, municipality=municipality(session, code), data=image.getvalue())
    session.flush()
    return stored.photo.id


def good_answers(photo: uuid.UUID) -> dict:
    return {"letrero": True, "residente": True, "bitacora": True, "materiales": "si", "avance_corresponde": "no",
            "seguridad": False, "accesibilidad": False, "pidieron_dinero": False, "foto_general": str(photo),
            "ubicacion": {"type": "Point", "coordinates": list(CENTRO)}}


@dataclass
class Setup:
    committee_id: uuid.UUID
    other_committee_id: uuid.UUID
    work_id: uuid.UUID
    other_work_id: uuid.UUID
    member_id: uuid.UUID
    member_token: str
    member_user_id: uuid.UUID
    other_member_token: str
    outsider_token: str
    coordinator_token: str
    staff_token: str
    photo: uuid.UUID

    def visit(self, **fields) -> dict:
        body = {"id": str(uuid.uuid4()), "committee_id": str(self.committee_id), "work_id": str(self.work_id),
                "form_version_id": str(GENERAL),
                "visited_at": (datetime.now(timezone.utc) - timedelta(hours=3)).isoformat(),
                "location": {"type": "Point", "coordinates": list(CENTRO)}, "accuracy_m": 5.0,
                "captured_at": (datetime.now(timezone.utc) - timedelta(hours=3)).isoformat(),
                "observed_physical_pct": 30, "answers": good_answers(self.photo),
                "findings": [{"text": "La zanja no tiene señalamientos para peatones.", "severity": "high"}],
                "photo_ids": [str(self.photo)]}
        body.update(fields)
        return body


def make_committee(session, name: str, work_ids: list[uuid.UUID]):
    from server.committees import service as committees
    from server.committees.schemas import CommitteeCreate

    committee = committees.create(session, actor=staff_actor(session), municipality=municipality(session),
                                  data=CommitteeCreate(name=name, kind="works", work_ids=work_ids))
    session.flush()
    return committee


def add_member(session, committee, user, role: str = "chair"):
    from server.committees import members
    from server.committees.schemas import MemberCreate

    member = members.add(session, actor=staff_actor(session), municipality=municipality(session),
                         committee_id=committee.id, data=MemberCreate(
                             full_name=user.full_name, sex="F", role=role, user_id=user.id,
                             start_on=date(2026, 1, 15), contact_phone="618 123 4567"))
    session.flush()
    return member


@pytest.fixture
def setup(session) -> Setup:
    work = make_work(session, identifier=f"INSP-{uuid.uuid4().hex[:6]}", title="Pavimentación de la calle Negrete",
                     geometry={"type": "Point", "coordinates": list(CENTRO)})
    other_work = make_work(session, identifier=f"INSP-{uuid.uuid4().hex[:6]}", title="Otra obra")
    committee = make_committee(session, f"Comité {uuid.uuid4().hex[:6]}", [work.id])
    other = make_committee(session, f"Comité {uuid.uuid4().hex[:6]}", [other_work.id])
    member_user = make_user(session, Role.committee_member)
    other_user = make_user(session, Role.committee_member)
    outsider = make_user(session, Role.committee_member)
    member = add_member(session, committee, member_user)
    add_member(session, other, other_user)
    return Setup(
        committee_id=committee.id, other_committee_id=other.id, work_id=work.id, other_work_id=other_work.id,
        member_id=member.id, member_token=token_for(session, member_user.email), member_user_id=member_user.id,
        other_member_token=token_for(session, other_user.email), outsider_token=token_for(session, outsider.email),
        coordinator_token=token_for(session, "coordinacion@vigia.example"),
        staff_token=token_for(session, "contraloria@vigia.example"), photo=photo_id(session))
