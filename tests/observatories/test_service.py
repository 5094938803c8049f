"""Accreditation validity, its enforcement, the audit of revocations, indicator histories and the demo data."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from server.audit.models import AuditEntry
from server.auth import service as auth
from server.auth.models import Role
from server.errors import Forbidden, Invalid
from server.observatories import service, tracking
from server.observatories.models import (
    Accreditation,
    FindingCreate,
    ObservationCreate,
    Observatory,
    ObservatoryMember,
    RevocationCreate,
)
from tests.factories import municipality, staff_actor, token_for
from tests.observatories.conftest import CITIZEN, SECURITY


def _actor(session, email):
    return auth.authenticate(session, token=token_for(session, email, "servicio"))


def test_validity_by_date_includes_both_ends() -> None:
    row = Accreditation(member_id=uuid.uuid4(), municipality_id=uuid.uuid4(), number="X", issuer="Y",
                        valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    assert service.status_of(row, date(2025, 12, 31)) == "not_yet_valid"
    assert service.status_of(row, date(2026, 1, 1)) == "valid"
    assert service.status_of(row, date(2026, 12, 31)) == "valid"
    assert service.status_of(row, date(2027, 1, 1)) == "expired"


def test_is_accredited_follows_the_dates_and_revocation(session, comptroller_with) -> None:
    demo = municipality(session)
    _, member_id, accreditation_id = comptroller_with("2026-01-01", "2026-06-30")
    user_id = session.get(ObservatoryMember, member_id).user_id
    assert service.is_accredited(session, municipality=demo, user_id=user_id, on=date(2026, 1, 1))
    assert service.is_accredited(session, municipality=demo, user_id=user_id, on=date(2026, 6, 30))
    assert not service.is_accredited(session, municipality=demo, user_id=user_id, on=date(2026, 7, 1))
    assert not service.is_accredited(session, municipality=demo, user_id=user_id, on=date(2025, 12, 31))
    service.revoke(session, actor=staff_actor(session), municipality=demo, observatory_id=uuid.UUID(SECURITY),
                   accreditation_id=accreditation_id, data=RevocationCreate(reason="Dejó de asistir"))
    assert not service.is_accredited(session, municipality=demo, user_id=user_id, on=date(2026, 3, 1))


def test_the_demo_citizen_comptroller_is_accredited_today(session) -> None:
    demo = municipality(session)
    user = auth.get_by_email(session, CITIZEN)
    assert service.is_accredited(session, municipality=demo, user_id=user.id)
    other = municipality(session, "10007")
    assert not service.is_accredited(session, municipality=other, user_id=user.id)


def test_demo_fixtures_match_the_durango_pilot(session) -> None:
    demo = municipality(session)
    assert session.scalar(sa.select(sa.func.count()).select_from(Observatory)
                          .where(Observatory.municipality_id == demo.id)) == 5
    rows = session.scalars(sa.select(Accreditation).where(Accreditation.municipality_id == demo.id,
                                                          Accreditation.number.like("OC-DGO-%"))).all()
    today = service.today_in(demo)
    statuses = sorted(service.status_of(row, today) for row in rows)
    assert len(rows) == 11
    assert statuses.count("expired") == 1 and statuses.count("revoked") == 1 and statuses.count("valid") == 9


def test_expired_accreditation_removes_the_right_while_the_role_remains(session, comptroller_with) -> None:
    demo = municipality(session)
    token, _, _ = comptroller_with("2024-01-01", "2025-01-01")
    actor = auth.authenticate(session, token=token)
    assert actor.has_role(demo.id, Role.citizen_comptroller)
    observatory = service.get(session, municipality=demo, observatory_id=uuid.UUID(SECURITY))
    with pytest.raises(Forbidden) as raised:
        tracking.publish(session, actor=actor, municipality=demo, observatory_id=observatory.id,
                         data=FindingCreate(title="Hallazgo de prueba", text="Un texto suficientemente largo."))
    assert raised.value.code == "accreditation_required"


def test_revocation_is_audited_without_personal_data(session, comptroller_with) -> None:
    demo = municipality(session)
    _, member_id, accreditation_id = comptroller_with("2026-01-01", "2028-01-01")
    service.revoke(session, actor=staff_actor(session), municipality=demo, observatory_id=uuid.UUID(SECURITY),
                   accreditation_id=accreditation_id, data=RevocationCreate(reason="Uso indebido de la credencial"))
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "accreditation",
                                                        AuditEntry.entity_id == accreditation_id,
                                                        AuditEntry.action == "revoked")).one()
    assert entry.data["member_id"] == str(member_id)
    assert set(entry.data) == {"member_id", "observatory_id", "revoked_on", "valid_to"}
    text = str(entry.data)
    assert "Contralora" not in text and "correo" not in text and "indebido" not in text


def test_indicator_history_keeps_every_observation(session) -> None:
    demo = municipality(session)
    observatory = service.get(session, municipality=demo, observatory_id=uuid.UUID(SECURITY))
    indicator = tracking.indicators(session, observatory)[0]
    before = tracking.history(session, municipality=demo, observatory_id=observatory.id, indicator_id=indicator.id)
    staff = staff_actor(session)
    day = service.today_in(demo) - timedelta(days=1)
    for value in ("10", "12.5"):
        tracking.record(session, actor=staff, municipality=demo, observatory_id=observatory.id,
                        indicator_id=indicator.id, data=ObservationCreate(observed_on=day, value=value))
    after = tracking.history(session, municipality=demo, observatory_id=observatory.id, indicator_id=indicator.id)
    assert len(after) == len(before) + 2
    assert [row.value for row in after[-2:]] == [Decimal("10"), Decimal("12.5")]
    assert tracking.indicators(session, observatory)[0].latest_value.normalize() == 12.5


def test_a_citizen_comptroller_does_not_record_official_figures(session) -> None:
    demo = municipality(session)
    observatory = service.get(session, municipality=demo, observatory_id=uuid.UUID(SECURITY))
    indicator = tracking.indicators(session, observatory)[0]
    with pytest.raises(Invalid) as raised:
        tracking.record(session, actor=_actor(session, CITIZEN), municipality=demo, observatory_id=observatory.id,
                        indicator_id=indicator.id,
                        data=ObservationCreate(observed_on=date(2026, 1, 5), value="3", source="official"))
    assert raised.value.code == "official_source_staff_only"


def test_loading_the_fixtures_twice_changes_nothing(session) -> None:
    from collections import Counter

    from server import demo_calendar
    from server.fixtures import DEFAULT_PATH as path
    from server.observatories import fixtures

    report: dict[str, Counter[str]] = {}
    fixtures.load(session, path, report, demo_calendar.for_loading(session, path))
    assert report and all(set(counts) == {"unchanged"} for counts in report.values()), report
    assert report["accreditations"]["unchanged"] == 11
