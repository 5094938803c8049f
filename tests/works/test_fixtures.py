"""The demo works register (server/demo/works.json): varied enough to show every feature, and every risk signal
on purpose, so a demo or a screenshot never depends on luck."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from server import fixtures, geo
from server.works import risks, search, service
from server.works.models import ProgressObservation, Work, WorkQuery
from tests.factories import municipality


def demo_works(session) -> list[Work]:
    return search.all_matching(session, municipality=municipality(session), query=WorkQuery())


def test_the_demo_register_is_varied(session) -> None:
    works = demo_works(session)
    assert len(works) >= 40
    sectors = {sector for work in works for sector in work.sector}
    assert len(sectors) >= 5
    assert {geo.from_db(work.geometry).geom_type for work in works} == set(geo.ALL_TYPES)
    assert {"identification", "preparation", "implementation", "completion", "cancelled"} <= {
        work.status for work in works}
    assert len({work.funding_source for work in works}) >= 5
    for work in works:
        roles = Counter(role for party in work.parties for role in party["roles"])
        assert roles["publicAuthority"] == 1, work.identifier
        if work.contract_number:
            suppliers = [party for party in work.parties if "supplier" in party["roles"]]
            assert suppliers and all(party["identifier"]["scheme"] == "MX-RFC" for party in suppliers)
            assert work.contractor == suppliers[0]["name"]
            assert any(document["documentType"] == "contractSigned" for document in work.documents)
        if work.status == "completion":
            assert work.completion and work.completion["end_date"] == work.actual_end.isoformat()
    assert any(work.contract_modifications for work in works)


def test_every_work_is_in_a_colonia_or_at_least_in_the_municipality(session) -> None:
    durango = municipality(session)
    boundary = geo.from_db(durango.boundary)
    works = demo_works(session)
    summaries = service.summaries(session, works, municipality=durango, language="es")
    outside_colonias = []
    for work, summary in zip(works, summaries, strict=True):
        assert boundary.covers(geo.from_db(work.geometry)), work.identifier
        if not summary.zones:
            outside_colonias.append(work.title)
    # Only the rural works (in a localidad, not a colonia of the city) have no zone.
    assert outside_colonias and all("localidad" in title for title in outside_colonias)
    assert len(outside_colonias) <= 5


@pytest.mark.parametrize("code", risks.RISK_CODES)
def test_every_risk_signal_shows_in_the_record_and_in_the_filter(session, code: str) -> None:
    durango = municipality(session)
    today = service.today_in(durango)
    explained = {work.id for work in demo_works(session)
                 if code in [risk.code for risk in risks.evaluate(work, today=today)]}
    filtered = {item.id for item in search.list_(session, municipality=durango,
                                                  query=WorkQuery(risk=[code], limit=200), language="es").items}
    assert len(explained) >= 2
    assert filtered == explained


@pytest.mark.parametrize("code", risks.RISK_CODES)
def test_the_signals_do_not_depend_on_the_year_the_demo_runs(session, code: str) -> None:
    """Stalled works stopped in 2025; nothing else depends on the date. Years from now, the same demo."""
    durango = municipality(session)
    for today in (date(2027, 6, 30), date(2031, 1, 1)):
        explained = {work.id for work in demo_works(session)
                     if code in [risk.code for risk in risks.evaluate(work, today=today)]}
        matched = set(session.scalars(sa.select(Work.id).where(Work.municipality_id == durango.id,
                                                               risks.condition(code, today=today))))
        assert len(explained) >= 2 and matched == explained


def test_most_demo_works_show_no_risk(session) -> None:
    today = service.today_in(municipality(session))
    works = demo_works(session)
    quiet = [work for work in works if not risks.evaluate(work, today=today)]
    assert len(quiet) >= len(works) // 2


def test_loading_the_fixtures_twice_changes_nothing(session) -> None:
    def snapshot() -> tuple:
        works = session.execute(
            sa.select(Work.identifier, Work.version, Work.updated_at, Work.physical_official_pct,
                      Work.financial_official_pct, Work.physical_observed_pct, Work.last_progress_on,
                      Work.current_contract_value).order_by(Work.identifier)
        ).all()
        observations = session.scalar(sa.select(sa.func.count()).select_from(ProgressObservation))
        return works, observations

    before = snapshot()
    report = fixtures.load(session)
    session.flush()
    works, observations = before
    assert report["works"] == Counter(unchanged=len(works))
    # demo inspection visits add their own committee observations (reference "visita <id>"), not works.json's
    from_visits = session.scalar(sa.select(sa.func.count()).select_from(ProgressObservation)
                                 .where(ProgressObservation.reference.like("visita %")))
    assert report["progress"] == Counter(unchanged=observations - from_visits)
    assert snapshot() == before
