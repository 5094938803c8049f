"""The demo data: seed checklists and visits with photos for demo committees, loaded once."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from server import demo_calendar
from server.fixtures import DEFAULT_PATH
from server.inspections import fixtures
from server.inspections.models import FormTemplate, Visit, VisitFinding, VisitPhoto
from server.works.models import ProgressObservation


def test_demo_visits_have_photos_findings_and_feed_progress(session) -> None:
    visits = session.scalars(sa.select(Visit)).all()
    assert len(visits) >= 10
    ids = [v.id for v in visits]
    with_photos = set(session.scalars(sa.select(VisitPhoto.visit_id).where(VisitPhoto.visit_id.in_(ids))))
    assert with_photos == set(ids)
    assert session.scalar(sa.select(sa.func.count()).select_from(VisitFinding)) >= len(ids)
    references = set(session.scalars(sa.select(ProgressObservation.reference)
                                     .where(ProgressObservation.source == "committee")))
    assert any(f"visita {v.id}" in references for v in visits)


def test_loading_again_changes_nothing(session) -> None:
    before = session.scalar(sa.select(sa.func.count()).select_from(Visit))
    report: dict[str, Counter[str]] = {}
    fixtures.load(session, DEFAULT_PATH, report, demo_calendar.for_loading(session, DEFAULT_PATH))
    assert report["form templates"] == Counter({"unchanged": 4})
    assert set(report["visits"]) == {"unchanged"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Visit)) == before
    assert session.scalar(sa.select(sa.func.count()).select_from(FormTemplate)) == 4
