"""/auth/me: the account, its roles, and the committees and observatories the person belongs to, in words."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.auth.models import Role
from server.committees.models import Committee, Member
from server.db import utcnow
from server.observatories.models import Accreditation, ObservatoryMember
from tests.factories import DEMO_ACCOUNTS, bearer, municipality, today, token_for

COMMITTEE = "Comité de Contraloría Social de la obra OP-2025-001"
SECURITY = "Observatorio Ciudadano de Seguridad Pública de Durango"


def me(client, session, email: str, language: str = "es") -> dict:
    response = client.get("/api/v1/auth/me", headers={**bearer(token_for(session, email)),
                                                      "Accept-Language": language})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_committee_member_sees_the_committee_and_their_role_in_words(client, session) -> None:
    body = me(client, session, DEMO_ACCOUNTS[Role.committee_member])
    assert body["roles"] == [{"municipality_code": "10005", "role": "committee_member"}]
    assert body["observatories"] == []
    [row] = [c for c in body["committees"] if c["name"] == COMMITTEE]
    committee = session.scalar(sa.select(Committee).where(Committee.name == COMMITTEE))
    assert row["committee_id"] == str(committee.id) and row["municipality_code"] == "10005"
    assert (row["role"], row["role_label"]) == ("secretary", "Secretaría")
    assert (row["state"], row["state_label"]) == ("active", "En funciones")
    english = next(c for c in me(client, session, DEMO_ACCOUNTS[Role.committee_member], "en")["committees"]
                   if c["name"] == COMMITTEE)
    assert (english["role_label"], english["state_label"]) == ("Secretary", "Active")


def test_only_memberships_in_force_today_are_listed(client, session) -> None:
    email = DEMO_ACCOUNTS[Role.committee_member]
    listed = {c["committee_id"] for c in me(client, session, email)["committees"]}
    user_id = session.scalar(sa.select(Member.user_id).where(Member.contact_email == email))
    others = session.scalars(sa.select(Committee).where(Committee.id.not_in([uuid.UUID(i) for i in listed]),
                                                        Committee.municipality_id == municipality(session).id)
                             .order_by(Committee.name).limit(3)).all()
    ended, future, current = others
    for committee, start, end, role in ((ended, 400, 1, "chair"), (future, -5, None, "chair"),
                                        (current, 10, None, "member_at_large")):
        session.add(Member(committee_id=committee.id, municipality_id=committee.municipality_id, user_id=user_id,
                           full_name="Joaquín Salas Ibarra", sex="M", role=role,
                           start_on=today() - timedelta(days=start),
                           end_on=today() - timedelta(days=end) if end is not None else None))
    session.flush()
    rows = {c["committee_id"]: c for c in me(client, session, email)["committees"]}
    assert set(rows) == listed | {str(current.id)}
    assert rows[str(current.id)]["role_label"] == "Vocal"
    assert rows[str(current.id)]["since"] == (today() - timedelta(days=10)).isoformat()


def test_an_accredited_citizen_comptroller_sees_the_observatory_and_the_accreditation(client, session) -> None:
    body = me(client, session, DEMO_ACCOUNTS[Role.citizen_comptroller])
    [row] = [o for o in body["observatories"] if o["name"] == SECURITY]
    assert (row["role"], row["role_label"]) == ("citizen_comptroller", "Contralor ciudadano acreditado")
    assert (row["accreditation_status"], row["accreditation_label"]) == ("valid", "Acreditación vigente")
    assert row["accreditation_number"] == "OC-DGO-2026-001" and row["municipality_code"] == "10005"
    assert row["theme"] == "public_security" and body["committees"] == []
    # Revoked today: still a member of the observatory, no longer acting as citizen comptroller.
    member = session.get(ObservatoryMember, uuid.UUID(row["member_id"]))
    session.execute(sa.update(Accreditation).where(Accreditation.member_id == member.id)
                    .values(revoked_at=utcnow(), revoked_reason="Prueba"))
    session.flush()
    row = next(o for o in me(client, session, DEMO_ACCOUNTS[Role.citizen_comptroller], "en")["observatories"]
               if o["name"] == SECURITY)
    assert (row["role"], row["role_label"]) == ("member", "Observatory member")
    assert (row["accreditation_status"], row["accreditation_label"]) == ("revoked", "Accreditation revoked")


def test_an_observatory_member_without_accreditation(client, session) -> None:
    body = me(client, session, DEMO_ACCOUNTS[Role.observatory_member])
    [row] = [o for o in body["observatories"] if o["name"] == SECURITY]
    assert (row["role_label"], row["accreditation_label"]) == ("Integrante del observatorio", "Sin acreditación")
    assert row["accreditation_number"] is None and row["accreditation_valid_to"] is None


def test_staff_belong_to_no_committee_or_observatory(client, session) -> None:
    body = me(client, session, "contraloria@vigia.example")
    assert body["committees"] == [] and body["observatories"] == []
    assert body["roles"] == [{"municipality_code": "10005", "role": "comptroller"}]
