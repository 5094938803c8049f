"""The committee's report (informe), through HTTP: the internal version (JSON and a printable page) for the
committee, coordinators and staff, with the findings as written; the public version for anyone without signing
in, with the publication policy applied (members' names only with consent and never their contact data,
complaints through their public view, only published photos, no exact point); every label in Spanish, English
with Accept-Language or ?lang=en; printable on A4."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from server.committees import members
from server.committees import service as committees
from server.committees.schemas import MemberCreate, TransitionCreate
from server.complaints.service import today_in
from tests.factories import bearer, municipality, staff_actor, today, token_for
from tests.test_app import assert_error_shape

BASE = "/api/v1/municipalities/10005"
VISITS = f"{BASE}/visits"
FINDING = "La zanja no tiene señalamientos para peatones."
# A member who consented to publish her name, with contact data that must never be public.
NAMED = {"full_name": "Rosalba Cháirez Olvera", "contact_phone": "618 765 4321",
         "contact_email": "rosalba.chairez@correo.example"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
EXACT_POINT = ("-104.6657", "24.0277")  # where the visit (and the complaint made from its finding) was recorded


def _period() -> str:
    return f"since={today() - timedelta(days=30)}&until={today() + timedelta(days=1)}"


def _visit_with_complaint(client, setup) -> dict:
    visit = client.post(VISITS, json=setup.visit(observed_physical_pct=40), headers=bearer(setup.member_token))
    assert visit.status_code == 201, visit.text
    visit = visit.json()
    finding = visit["findings"][0]["id"]
    filed = client.post(f"{VISITS}/{visit['id']}/findings/{finding}/complaint", json={"category": "obra-calidad"},
                        headers=bearer(setup.member_token))
    assert filed.status_code == 201, filed.text
    return filed.json()


@pytest.fixture
def public_committee(session, setup):
    """The setup's committee, constituted (in the public register), with a second member who consented to
    publish her name; the first member did not."""
    place = municipality(session)
    committees.transition(session, actor=staff_actor(session), municipality=place,
                          committee_id=setup.committee_id, data=TransitionCreate(
                              to="constituted", on=today() - timedelta(days=40),
                              document="Acta de constitución del comité"))
    members.add(session, actor=staff_actor(session), municipality=place, committee_id=setup.committee_id,
                data=MemberCreate(**NAMED, sex="F", role="secretary", consent_public=True,
                                  start_on=today() - timedelta(days=40)))
    session.flush()
    return setup


def _public(client, setup, suffix: str = "", query: str = "", **headers):
    path = f"{BASE}/committees/{setup.committee_id}/public-report{suffix}?{_period()}{query}"
    return client.get(path, headers=headers)


def _member_email(session, setup) -> str:
    from server.auth.models import User

    return session.get(User, setup.member_user_id).email


# ------------------------------------------------------------------------------------------------ internal


def test_the_internal_report_has_the_findings_as_written(client, session, setup) -> None:
    filed = _visit_with_complaint(client, setup)
    path = f"{BASE}/committees/{setup.committee_id}/report?{_period()}"
    response = client.get(path, headers=bearer(setup.member_token))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["version"] == "internal" and data["language"] == "es"
    assert len(data["visits"]) == 1 and data["visits"][0]["id"]
    assert data["visits"][0]["findings"] == [{"text": FINDING, "severity": "high", "severity_label": "Alta",
                                              "complaint_folio": filed["folio"]}]
    assert data["visits"][0]["photos"] == 1
    assert {item["severity"]: (item["label"], item["count"]) for item in data["findings_by_severity"]} == {
        "low": ("Baja", 0), "medium": ("Media", 0), "high": ("Alta", 1), "critical": ("Crítica", 0)}
    assert data["progress_by_work"][0]["latest_observed_pct"] == 40
    complaint = data["complaints"][0]
    assert (complaint["folio"], complaint["state"], complaint["state_label"]) == (filed["folio"], "received",
                                                                                  "Recibida")
    assert complaint["finding"] == FINDING
    assert data["committee"]["state_label"] == "En preparación" and data["committee"]["kind_label"] == "Comité de obra"
    assert data["meetings"] == {"count": 0, "agreements": 0, "agreements_done": 0, "agreements_overdue": 0}
    empty = client.get(f"{BASE}/committees/{setup.committee_id}/report?since=2020-01-01&until=2020-02-01",
                       headers=bearer(setup.member_token)).json()
    assert empty["visits"] == [] and empty["complaints"] == []


def test_the_internal_page_is_printable_and_says_not_to_publish_it(client, session, setup) -> None:
    filed = _visit_with_complaint(client, setup)
    path = f"{BASE}/committees/{setup.committee_id}/report.html?{_period()}"
    response = client.get(path, headers=bearer(setup.coordinator_token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="es">' in page and "@media print" in page and "size:A4" in page
    assert "Informe del comité de contraloría social" in page and "Versión interna del comité" in page
    assert "no debe publicarse" in page and f"/committees/{setup.committee_id}/public-report.html" in page
    assert FINDING in page and filed["folio"] in page and ">Alta<" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_who_may_read_the_internal_report(client, session, setup) -> None:
    base = f"{BASE}/committees/{setup.committee_id}/report"
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
    day = today_in(municipality(session))
    default = client.get(base, headers=bearer(setup.staff_token))
    assert default.status_code == 200
    period = default.json()["period"]
    assert (period["since"], period["until"]) == (date(day.year, 1, 1).isoformat(), day.isoformat())
    assert client.get(base + ".html", headers=bearer(setup.staff_token)).status_code == 200


# ------------------------------------------------------------------------------------------------ public


def test_anyone_reads_the_public_report_in_spanish_without_contact_data(client, session, public_committee) -> None:
    setup = public_committee
    filed = _visit_with_complaint(client, setup)
    response = _public(client, setup)  # nobody signed in
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["version"] == "public" and data["language"] == "es"
    committee = data["committee"]
    assert (committee["state"], committee["state_label"], committee["kind_label"]) == (
        "constituted", "Constituido", "Comité de obra")
    assert [(m["name"], m["named"], m["role_label"]) for m in committee["members"]] == [  # chair first
        ("Integrante (no autorizó publicar su nombre)", False, "Presidencia"),
        (NAMED["full_name"], True, "Secretaría")]
    assert [w["id"] for w in committee["works"]] == [str(setup.work_id)]
    assert data["period"]["text"].startswith("Periodo: del ")
    visit = data["visits"][0]
    assert "id" not in visit and visit["observed_physical_pct"] == 40
    # The finding's text is not public (nobody reviewed it); its severity and the complaint's folio are.
    assert visit["findings"] == [{"severity": "high", "severity_label": "Alta", "text": None,
                                  "complaint_folio": filed["folio"]}]
    assert (visit["photos"], visit["published_photo_ids"]) == (1, [])  # the photo waits for a moderator
    assert [(c["folio"], c["state_label"], c["kind_label"], c["description"], c["photo_ids"])
            for c in data["complaints"]] == [(filed["folio"], "Recibida", "Queja", None, [])]
    assert {s["severity"]: s["label"] for s in data["findings_by_severity"]}["critical"] == "Crítica"
    assert "datos de contacto" in data["note"]
    text = response.text
    for secret in (*NAMED.values(), "618 123 4567", "Persona de Prueba", _member_email(session, setup),
                   str(setup.member_id), str(setup.member_user_id), FINDING, *EXACT_POINT, "\"contact", "@"):
        if secret != NAMED["full_name"]:
            assert secret not in text, secret


def test_the_public_page_is_printable_spanish_and_has_no_contact_data(client, session, public_committee) -> None:
    setup = public_committee
    filed = _visit_with_complaint(client, setup)
    response = _public(client, setup, ".html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == "es"
    page = response.text
    assert '<html lang="es">' in page and "Versión pública" in page and "Versión interna" not in page
    assert "@page{size:A4" in page and "@media print" in page and "break-inside:avoid" in page
    assert "thead{display:table-header-group}" in page  # table headers repeat on every printed page
    for label in ("Constituido", "Comité de obra", "Presidencia", "Secretaría", NAMED["full_name"], "Alta",
                  "Recibida", "Hallazgos por gravedad", "Integrante (no autorizó publicar su nombre)",
                  "Texto no publicado", "Pendiente de revisión por la contraloría", filed["folio"]):
        assert label in page, label
    for secret in (NAMED["contact_phone"], NAMED["contact_email"], "618 123 4567", "Persona de Prueba",
                   _member_email(session, setup), FINDING, *EXACT_POINT):
        assert secret not in page, secret
    assert not EMAIL.search(page)
    for code in (">high<", ">constituted<", ">chair<", ">received<", "works"):
        assert code not in page, code
    assert "<script" not in page and "<nav" not in page and "http://" not in page and "https://" not in page


def test_the_public_report_shows_what_a_moderator_published(client, session, public_committee) -> None:
    setup = public_committee
    filed = _visit_with_complaint(client, setup)
    staff = bearer(setup.staff_token)
    complaint = client.get(f"{BASE}/complaints/{filed['complaint_id']}", headers=staff).json()
    # The visit's photo went with the complaint: the moderator decides on both there.
    approved = client.post(f"{BASE}/complaints/{filed['complaint_id']}/moderation", headers=staff, json={
        "version": complaint["version"], "text": "approve", "reason": "Describe la obra, sin datos personales",
        "photos": [{"photo_id": str(setup.photo), "decision": "approve"}]})
    assert approved.status_code == 200, approved.text
    data = _public(client, setup).json()
    assert data["visits"][0]["published_photo_ids"] == [str(setup.photo)]
    row = data["complaints"][0]
    assert row["description"] and FINDING in row["description"]  # the complaint's text, once published
    assert row["photo_ids"] == [str(setup.photo)]
    assert data["visits"][0]["findings"][0]["text"] is None  # the finding itself still goes through its complaint
    page = _public(client, setup, ".html").text
    assert FINDING in page and "Pendiente de revisión" not in page


def test_the_public_report_in_english(client, session, public_committee) -> None:
    setup = public_committee
    _visit_with_complaint(client, setup)
    for extra, headers in (("&lang=en", {}), ("", {"Accept-Language": "en"})):
        data = _public(client, setup, query=extra, **headers).json()
        assert data["language"] == "en"
        assert (data["committee"]["state_label"], data["committee"]["kind_label"]) == (
            "Constituted", "Public works committee")
        assert sorted(m["role_label"] for m in data["committee"]["members"]) == ["Chair", "Secretary"]
        assert data["visits"][0]["findings"][0]["severity_label"] == "High"
        assert data["complaints"][0]["state_label"] == "Received" and data["complaints"][0]["kind_label"] == \
            "Complaint"
        assert data["period"]["text"].startswith("Period: ")
        page = _public(client, setup, ".html", query=extra, **headers)
        assert page.headers["content-language"] == "en"
        assert '<html lang="en">' in page.text and "Public version" in page.text and "Findings by severity" in \
            page.text and "Member (did not consent to publish their name)" in page.text
        assert "Versión pública" not in page.text and "Periodo" not in page.text
    # ?lang wins over the header; an unknown language is refused naming the parameter.
    spanish = _public(client, setup, query="&lang=es", **{"Accept-Language": "en"}).json()
    assert spanish["committee"]["state_label"] == "Constituido"
    error = assert_error_shape(_public(client, setup, query="&lang=fr"), 422, "validation_error")
    assert [d["field"] for d in error["details"]] == ["lang"]
    assert error["details"][0]["message"] == "No hay textos en el idioma «fr»; use uno de estos: es, en."


def test_a_draft_committee_has_no_public_report(client, session, setup) -> None:
    # The setup's committee is a draft: not in the public register, so not here either (404, as there).
    for suffix in ("", ".html"):
        assert_error_shape(_public(client, setup, suffix), 404, "committee_not_found")
    other = f"/api/v1/municipalities/10007/committees/{setup.committee_id}/public-report"
    assert_error_shape(client.get(other), 404, "committee_not_found")


def test_the_public_report_needs_no_sign_in_in_the_api_document(client, session, public_committee) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for suffix in ("", ".html"):
        operation = paths[f"/api/v1/municipalities/{{code}}/committees/{{committee_id}}/public-report{suffix}"]["get"]
        assert "security" not in operation
        assert {p["name"] for p in operation["parameters"]} == {"code", "committee_id", "since", "until", "lang"}
    internal = paths["/api/v1/municipalities/{code}/committees/{committee_id}/report"]["get"]
    assert internal.get("security")
    assert_error_shape(client.get(f"{BASE}/committees/{public_committee.committee_id}/public-report"
                                  "?since=2026-05-01&until=2026-04-01"), 422, "invalid_period")


def test_the_demo_committees_public_report(client, session) -> None:
    """The demo's first committee (server/demo/committees.json: active, with visits, findings and members, about
    70 % of whom consented to show their name): what the docs' example shows, with no contact data."""
    import json

    from server import fixtures

    committee = "0192f100-0001-7000-8000-000000000001"
    path = f"{BASE}/committees/{committee}/public-report"
    # The last twelve months: by default the report covers the year so far, which has no visits yet in early
    # January (the demo's visits are in the weeks before the day it was loaded).
    since = (today() - timedelta(days=365)).isoformat()
    data = client.get(f"{path}?lang=en&since={since}").json()
    assert data["committee"]["state"] == "active" and data["committee"]["state_label"] == "Active"
    assert data["committee"]["members"] and data["visits"]
    roles = [m["role"] for m in data["committee"]["members"]]  # listed as minutes list them
    order = ["chair", "secretary", "member_at_large", "social_comptroller"]
    assert {"secretary", "member_at_large"} <= set(roles) and roles == sorted(roles, key=order.index)
    page = client.get(f"{path}.html").text
    written = json.loads((fixtures.DEFAULT_PATH / "committees.json").read_text("utf-8"))
    people = next(item["members"] for item in written["10005"]["committees"] if item["id"] == committee)
    hidden = [p["full_name"] for p in people if not p["consent_public"]]
    shown = [p["full_name"] for p in people if p["consent_public"] and not p.get("end_on")]
    assert hidden and shown and all(p["contact_phone"] for p in people)
    for text in (json.dumps(data, ensure_ascii=False), page):
        assert not EMAIL.search(text)
        for person in people:
            assert person["contact_phone"] not in text
        assert not [name for name in hidden if name in text]
        assert all(name in text for name in shown)
