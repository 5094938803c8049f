"""Shared names for the observatory tests: the demo observatories of server/demo/observatories.json."""

from __future__ import annotations

import uuid

import pytest

from server.auth import service as auth
from server.auth.models import Role
from server.observatories import service
from server.observatories.models import AccreditationCreate, MemberCreate
from tests.factories import municipality, staff_actor, token_for

BASE = "/api/v1/municipalities/10005/observatories"
SECURITY = "0192f0b5-0000-7000-8000-000000000001"  # Lucía Herrera (contralor.ciudadano@) is accredited here
SCHOLARSHIPS = "0192f0b5-0000-7000-8000-000000000002"
CITIZEN = "contralor.ciudadano@vigia.example"


@pytest.fixture
def comptroller_with(session):
    """A new citizen comptroller account (role granted) who is a member of SECURITY with the given accreditation
    period; returns (token, member id, accreditation id)."""

    def make(valid_from: str, valid_to: str, *, email: str | None = None) -> tuple[str, uuid.UUID, uuid.UUID]:
        demo = municipality(session)
        email = email or f"cc-{uuid.uuid4().hex[:8]}@vigia.example"
        user = auth.create_user(session, email=email, full_name="Contralora de Prueba", password="una-clave-segura",
                                grants=[(demo.id, Role.citizen_comptroller), (demo.id, Role.observatory_member)])
        staff = staff_actor(session)
        member = service.add_member(session, actor=staff, municipality=demo, observatory_id=uuid.UUID(SECURITY),
                                    data=MemberCreate(full_name="Contralora de Prueba", user_id=user.id,
                                                      contact_email="contralora.prueba@correo.example"))
        accreditation = service.accredit(session, actor=staff, municipality=demo, observatory_id=uuid.UUID(SECURITY),
                                         member_id=member.id, data=AccreditationCreate(
                                             number=f"T-{uuid.uuid4().hex[:8]}", issuer="Contraloría Municipal",
                                             valid_from=valid_from, valid_to=valid_to))
        session.flush()
        return token_for(session, email), member.id, accreditation.id

    return make
