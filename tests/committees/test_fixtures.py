"""The demo committees of the Durango pilot: the scale of the pilot, and loading twice changes nothing."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from server import fixtures
from server.committees import parity
from server.committees.models import Agreement, Committee, Meeting, Member, Training, TrainingAttendance
from server.municipalities import service as municipalities
from tests.factories import municipality

COMMITTEE_KINDS = ("committees", "committee events", "committee members", "committee works", "trainings",
                   "training attendance", "meetings", "meeting attendance", "agreements")


def test_pilot_scale(session) -> None:
    demo = municipality(session)
    committees = session.scalars(sa.select(Committee).where(Committee.municipality_id == demo.id)).all()
    assert 20 <= len(committees) <= 30
    states = Counter(c.state for c in committees)
    assert states["dissolved"] >= 1 and states["concluded"] >= 2 and states["active"] >= 10
    members = session.scalars(sa.select(Member).where(Member.municipality_id == demo.id)).all()
    assert 130 <= len(members) <= 170
    assert 0.6 <= sum(m.consent_public for m in members) / len(members) <= 0.8
    assert sum(1 for m in members if m.replaced_member_id) >= 2
    assert {m.role for m in members} == {"chair", "secretary", "member_at_large", "social_comptroller"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Training)) >= 4
    assert session.scalar(sa.select(sa.func.count()).select_from(TrainingAttendance)) >= 30
    assert session.scalar(sa.select(sa.func.count()).select_from(Meeting)) >= 20
    overdue = session.scalar(sa.select(sa.func.count()).select_from(Agreement).where(
        Agreement.status == "pending", Agreement.due_on < municipalities.today_in(demo)))
    assert overdue >= 1
    report = parity.for_municipality(session, municipality=demo)
    assert report.members >= 80 and 0.3 <= report.women_share <= 0.7


def test_loading_twice_changes_nothing(session) -> None:
    report = fixtures.load(session)
    for kind in COMMITTEE_KINDS:
        assert set(report[kind]) == {"unchanged"}, (kind, report[kind])
