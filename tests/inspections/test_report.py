"""The committee's report (informe): JSON and a printable Spanish page, for the committee, coordinators, staff."""

from __future__ import annotations

from datetime import date, timedelta

from tests.factories import bearer, token_for
from tests.test_app import assert_error_shape

VISITS = "/api/v1/municipalities/10005/visits"


def _period() -> str:
    today = date.today()
    return f"since={(today - timedelta(days=30)).isoformat()}&until={(today + timedelta(days=1)).isoformat()}"


def _visit_with_complaint(client, setup) -> dict:
    visit = client.post(VISITS, json=setup.visit(observed_physical_pct=40), headers=bearer(setup.member_token)).json()
    finding = visit["findings"][0]["id"]
    filed = client.post(f"{VISITS}/{visit['id']}/findings/{finding}/complaint", json={"category": "obra-calidad"},
                        headers=bearer(setup.member_token))
    assert filed.status_code == 201, filed.text
    return filed.json()


def test_the_report_compiles_visits_findings_progress_and_complaints(client, session, setup) -> None:
    filed = _visit_with_complaint(client, setup)
    path = f"/api/v1/municipalities/10005/committees/{setup.committee_id}/report?{_period()}"
    response = client.get(path, headers=bearer(setup.member_token))
    assert response.status_code == 200, response.text
    data = response.json()
    assert len(data["visits"]) == 1
    assert data["visits"][0]["findings"] == [{"text": "La zanja no tiene señalamientos para peatones.",
                                              "severity": "high", "complaint_folio": filed["folio"]}]
    assert data["findings_by_severity"] == {"low": 0, "medium": 0, "high": 1, "critical": 0}
    assert data["progress_by_work"][0]["latest_observed_pct"] == 40
    assert data["complaints"][0]["folio"] == filed["folio"]
    assert data["meetings"] == {"count": 0, "agreements": 0, "agreements_done": 0, "agreements_overdue": 0}
    empty = client.get(f"/api/v1/municipalities/10005/committees/{setup.committee_id}/report"
                       "?since=2020-01-01&until=2020-02-01", headers=bearer(setup.member_token)).json()
    assert empty["visits"] == [] and empty["complaints"] == []


def test_the_printable_report_is_a_self_contained_spanish_page(client, session, setup) -> None:
    filed = _visit_with_complaint(client, setup)
    path = f"/api/v1/municipalities/10005/committees/{setup.committee_id}/report.html?{_period()}"
    response = client.get(path, headers=bearer(setup.coordinator_token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="es">' in page and "@media print" in page
    assert "Informe del comité de contraloría social" in page
    assert "La zanja no tiene señalamientos para peatones." in page and filed["folio"] in page
    assert "alta" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_who_may_read_the_report(client, session, setup) -> None:
    base = f"/api/v1/municipalities/10005/committees/{setup.committee_id}/report"
    for suffix in ("", ".html"):
        path = f"{base}{suffix}?{_period()}"
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer(setup.other_member_token)).status_code == 403
        assert client.get(path, headers=bearer(setup.staff_token)).status_code == 200
        assert client.get(path, headers=bearer(token_for(session, "voluntaria@vigia.example"))).status_code == 403
    other = f"/api/v1/municipalities/10007/committees/{setup.committee_id}/report?{_period()}"
    assert client.get(other, headers=bearer(token_for(session, "admin.gomez@vigia.example"))).status_code == 404
    bad = client.get(f"{base}?since=2026-05-01&until=2026-04-01", headers=bearer(setup.staff_token))
    assert_error_shape(bad, 422, "invalid_period")
    # Without a period: the year so far, in the municipality's own calendar.
    from server.complaints.service import today_in
    from tests.factories import municipality

    today = today_in(municipality(session))
    default = client.get(base, headers=bearer(setup.staff_token))
    assert default.status_code == 200
    assert default.json()["period"] == {"since": date(today.year, 1, 1).isoformat(), "until": today.isoformat()}
    assert client.get(base + ".html", headers=bearer(setup.staff_token)).status_code == 200
