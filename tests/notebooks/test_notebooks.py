"""Notebooks through the API as their users see them: computed by the team's reviewer from adjudicated rulings
only, reviewed, published above the minimum (withheld in words below it), the judge's reply through a one-time
secret, the printable page, the CSV; permissions, tenancy and bad input in the one error shape."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
import time_machine

from server.audit.models import AuditEntry
from server.notebooks.models import Notebook, ReplyInvitation
from tests.factories import bearer, token_for
from tests.notebooks.conftest import AUDITOR, BASE, REVIEWER, twelve_rulings
from tests.test_app import assert_error_shape


def _compute(client, session, audit, email: str = REVIEWER, **body):
    return client.post(f"{BASE}/audit-projects/{audit.project}/notebooks", json={"judge_id": audit.judge, **body},
                       headers=bearer(token_for(session, email)))


def _publish(client, session, notebook: dict) -> dict:
    headers = bearer(token_for(session, REVIEWER))
    url = f"{BASE}/notebooks/{notebook['id']}"
    reviewed = client.post(f"{url}/review", json={"version": notebook["version"], "note": "Cifras cotejadas."},
                           headers=headers)
    assert reviewed.status_code == 200, reviewed.text
    published = client.post(f"{url}/publish", json={"version": reviewed.json()["version"]}, headers=headers)
    assert published.status_code == 200, published.text
    return published.json()


def test_the_figures_come_from_adjudicated_rulings_only(client, session, audit) -> None:
    twelve_rulings(audit)
    response = _compute(client, session, audit)
    assert response.status_code == 201, response.text
    notebook = response.json()
    assert notebook["state"] == "draft" and notebook["state_label"] == "Borrador"
    figures = notebook["figures"]
    assert notebook["n_rulings"] == figures["n_rulings"] == 12
    assert figures["rulings_in_period"] == 13 and figures["rulings_without_adjudication"] == 1
    defects = {row["label"]: row for row in figures["defects"]["by_label"]}
    assert (defects["insufficient_reasoning"]["count"], defects["insufficient_reasoning"]["n"]) == (4, 12)
    assert defects["insufficient_reasoning"]["ci95"] == [0.1381, 0.6094]  # Wilson 4/12
    assert defects["apparent_reasoning"]["count"] == 1 and defects["incongruent_reasoning"]["count"] == 0
    assert figures["defects"]["any"]["count"] == 4
    time = figures["time_to_ruling"]
    assert (time["n"], time["median_days"], time["p90_days"]) == (12, 195, 327)
    consistency = figures["consistency"]
    assert (consistency["follows_modal_outcome"]["count"], consistency["follows_modal_outcome"]["n"]) == (8, 11)
    assert (consistency["departs_by_auditors"]["count"], consistency["departs_by_auditors"]["n"]) == (2, 10)
    civil = figures["line_of_decisions"]["by_matter"][0]
    assert civil["matter"] == "civil" and {"outcome": "not_upheld", "count": 3} in civil["outcomes"]
    assert figures["court_ids"] == [audit.court]
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id == uuid.UUID(notebook["id"]))).one()
    assert entry.action == "computed" and entry.data["n_rulings"] == 12


def test_a_period_limits_the_rulings_and_recomputing_makes_a_new_draft(client, session, audit) -> None:
    twelve_rulings(audit)
    first = _compute(client, session, audit, period_starts_on="2025-01-01", period_ends_on="2025-06-30")
    assert first.status_code == 201 and first.json()["n_rulings"] == 6
    audit.add_ruling(ruled_on=date(2025, 6, 20), filed_on=date(2025, 6, 1), labels=("incongruent_reasoning",))
    again = _compute(client, session, audit, period_starts_on="2025-01-01", period_ends_on="2025-06-30")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["n_rulings"] == 7
    assert again.json()["version"] == first.json()["version"] + 1
    reversed_ = _compute(client, session, audit, period_starts_on="2025-06-30", period_ends_on="2025-01-01")
    assert_error_shape(reversed_, 422, "notebook_period_reversed")


def test_publication_needs_a_review_and_the_public_sees_the_figures(client, session, audit) -> None:
    twelve_rulings(audit)
    notebook = _compute(client, session, audit).json()
    url = f"{BASE}/notebooks/{notebook['id']}"
    assert_error_shape(client.get(url), 404, "notebook_not_found")  # a draft is the team's
    headers = bearer(token_for(session, REVIEWER))
    assert_error_shape(client.post(f"{url}/publish", json={"version": notebook["version"]}, headers=headers),
                       409, "notebook_not_reviewed")
    published = _publish(client, session, notebook)
    assert published["state"] == "published" and published["withheld"] is False
    public = client.get(url).json()
    assert public["internal"] is False and public["figures"]["n_rulings"] == 12
    assert "ruling_ids" not in public["figures"] and public["review_note"] is None
    assert public["judge"]["full_name"] == "Mtra. Elena Prueba Sánchez"
    listed = client.get(f"{BASE}/notebooks", params={"project_id": audit.project}).json()
    assert [n["id"] for n in listed] == [notebook["id"]]
    assert notebook["id"] in {n["id"] for n in client.get(f"{BASE}/notebooks").json()}
    recompute = _compute(client, session, audit)
    assert_error_shape(recompute, 409, "notebook_published_recompute")
    withdrawn = client.post(f"{url}/withdraw", json={"version": published["version"],
                                                     "reason": "Se detectó un error en dos fechas."}, headers=headers)
    assert withdrawn.status_code == 200
    public = client.get(url).json()
    assert public["figures"] is None and "Se detectó un error en dos fechas." in public["withheld_reason"]
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == uuid.UUID(notebook["id"]))
                              .order_by(AuditEntry.seq)).all()
    assert actions == ["computed", "reviewed", "published", "withdrawn"]


def test_below_the_minimum_the_public_reads_why_and_no_figure(client, session, audit) -> None:
    for month in range(1, 7):
        audit.add_ruling(ruled_on=date(2025, month, 10), filed_on=date(2025, 1, 1),
                         labels=("insufficient_reasoning",))
    notebook = _publish(client, session, _compute(client, session, audit).json())
    assert notebook["withheld"] is True and notebook["figures"] is not None  # the team still sees them
    public = client.get(f"{BASE}/notebooks/{notebook['id']}").json()
    assert public["withheld"] is True and public["figures"] is None
    assert public["withheld_reason"].startswith("Este cuaderno no muestra cifras porque solo reúne 6 resoluciones")
    english = client.get(f"{BASE}/notebooks/{notebook['id']}", params={"lang": "en"}).json()
    assert "covers only 6 adjudicated rulings" in english["withheld_reason"]
    page = client.get(f"{BASE}/notebooks/{notebook['id']}.html")
    assert page.status_code == 200 and "solo reúne 6 resoluciones" in page.text
    assert "Motivación insuficiente" not in page.text  # no figure table
    assert_error_shape(client.get(f"{BASE}/notebooks/{notebook['id']}/figures.csv"), 409, "notebook_withheld")


def test_only_the_reviewers_compute_review_and_invite(client, session, audit) -> None:
    twelve_rulings(audit)
    assert_error_shape(_compute(client, session, audit, email=AUDITOR), 403, "audit_team_required")
    assert_error_shape(_compute(client, session, audit, email="contraloria@vigia.example"), 403,
                       "audit_team_required")
    assert_error_shape(client.post(f"{BASE}/audit-projects/{audit.project}/notebooks",
                                   json={"judge_id": audit.judge}), 401, "auth_required")
    notebook = _compute(client, session, audit).json()
    auditor = bearer(token_for(session, AUDITOR))
    assert client.get(f"{BASE}/notebooks/{notebook['id']}", headers=auditor).json()["internal"] is True
    assert_error_shape(client.post(f"{BASE}/notebooks/{notebook['id']}/review", json={"version": 1},
                                   headers=auditor), 403, "audit_team_required")
    admin = _compute(client, session, audit, email="admin@vigia.example")
    assert admin.status_code == 200  # municipal administrators manage projects too


def test_tenancy_and_bad_input(client, session, audit) -> None:
    twelve_rulings(audit)
    notebook = _compute(client, session, audit).json()
    headers = bearer(token_for(session, REVIEWER))
    assert_error_shape(client.get(f"/api/v1/municipalities/10007/notebooks/{notebook['id']}"), 404,
                       "notebook_not_found")
    assert_error_shape(client.post(f"/api/v1/municipalities/10007/audit-projects/{audit.project}/notebooks",
                                   json={"judge_id": audit.judge}, headers=headers), 404, "audit_project_not_found")
    assert_error_shape(_compute(client, session, audit, judge_id=str(uuid.uuid4())), 422, "judge_not_found")
    assert_error_shape(client.post(f"{BASE}/audit-projects/{audit.project}/notebooks", content=b"{\"judge_id\":",
                                   headers={**headers, "Content-Type": "application/json"}), 400, "invalid_json")
    assert_error_shape(_compute(client, session, audit, judge_id=12), 422, "validation_error")
    stale = client.post(f"{BASE}/notebooks/{notebook['id']}/review", json={"version": notebook["version"] + 5},
                        headers=headers)
    assert_error_shape(stale, 409, "notebook_version_stale")
    assert session.get(Notebook, uuid.UUID(notebook["id"])).state == "draft"  # nothing changed
    assert_error_shape(client.get(f"{BASE}/notebooks/{notebook['id']}", params={"lang": "xx"}), 422, "validation_error")


def test_the_judge_replies_once_per_invitation_and_versions_are_kept(client, session, audit) -> None:
    twelve_rulings(audit)
    notebook = _publish(client, session, _compute(client, session, audit).json())
    url = f"{BASE}/notebooks/{notebook['id']}"
    headers = bearer(token_for(session, REVIEWER))
    invited = client.post(f"{url}/reply-invitations", json={"days": 10}, headers=headers)
    assert invited.status_code == 201, invited.text
    secret = invited.json()["secret"]
    assert invited.json()["reply_url"] == f"/publico/10005/cuadernos/{notebook['id']}/responder"
    stored = session.scalars(sa.select(ReplyInvitation).where(
        ReplyInvitation.notebook_id == uuid.UUID(notebook["id"]))).one()
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64
    reply = {"secret": secret, "signed_as": "Elena Prueba Sánchez, Jueza titular",
             "text": "Las fechas de presentación de dos expedientes no corresponden a la mesa de partes."}
    first = client.post(f"{url}/replies", json=reply)  # no account
    assert first.status_code == 201 and first.json()["number"] == 1
    assert_error_shape(client.post(f"{url}/replies", json=reply), 409, "reply_secret_used")
    assert_error_shape(client.post(f"{url}/replies", json={**reply, "secret": "vgr_" + "x" * 40}), 403,
                       "reply_secret_invalid")
    second_secret = client.post(f"{url}/reply-invitations", json={}, headers=headers).json()["secret"]
    second = client.post(f"{url}/replies", json={**reply, "secret": second_secret, "text": "Segunda versión: "
                                                 "adjunto las constancias de la mesa de partes."})
    assert second.status_code == 201 and second.json()["number"] == 2
    public = client.get(url).json()
    assert [r["number"] for r in public["replies"]] == [1, 2]
    page = client.get(f"{url}.html").text
    assert "Segunda versión" in page and "Las fechas de presentación" in page
    replied = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id == uuid.UUID(notebook["id"]),
                                                          AuditEntry.action == "replied")).all()
    assert len(replied) == 2 and replied[0].actor_kind == "anonymous"
    assert "mesa de partes" not in str(replied[0].data)  # the log commits to the text, it does not copy it


def test_an_invitation_expires(client, session, audit) -> None:
    twelve_rulings(audit)
    notebook = _publish(client, session, _compute(client, session, audit).json())
    url = f"{BASE}/notebooks/{notebook['id']}"
    secret = client.post(f"{url}/reply-invitations", json={"days": 1},
                         headers=bearer(token_for(session, REVIEWER))).json()["secret"]
    later = datetime.now(timezone.utc) + timedelta(days=2)
    with time_machine.travel(later, tick=False):
        late = client.post(f"{url}/replies", json={"secret": secret, "signed_as": "Elena Prueba",
                                                   "text": "Respuesta enviada fuera de plazo."})
    assert_error_shape(late, 410, "reply_secret_expired")


def test_page_and_csv_show_the_same_figures(client, session, audit) -> None:
    twelve_rulings(audit)
    notebook = _publish(client, session, _compute(client, session, audit).json())
    url = f"{BASE}/notebooks/{notebook['id']}"
    page = client.get(f"{url}.html")
    assert page.headers["content-language"] == "es"
    assert "Cuaderno personal de decisiones jurisdiccionales" in page.text
    assert "Motivación insuficiente" in page.text and "@media print" in page.text and "<script" not in page.text
    assert "195 días" in page.text and "327 días" in page.text
    english = client.get(f"{url}.html", params={"lang": "en"})
    assert english.headers["content-language"] == "en" and "Insufficient reasoning" in english.text
    response = client.get(f"{url}/figures.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    insufficient = next(r for r in rows if r["section"] == "defect" and r["label"] == "insufficient_reasoning")
    assert (insufficient["count"], insufficient["n"], insufficient["ci95_low"]) == ("4", "12", "0.1381")
    assert float(next(r for r in rows if r["section"] == "time_to_ruling_median_days")["value"]) == 195
    assert {r["judge"] for r in rows} == {"Mtra. Elena Prueba Sánchez"}


def test_answers_match_the_api_document(client, session, audit) -> None:
    from tests.test_openapi import check_answer

    twelve_rulings(audit)
    notebook = _publish(client, session, _compute(client, session, audit).json())
    spec = client.get("/openapi.json").json()
    survey = client.post(f"{BASE}/surveys", json={"key": "doc", "title": "Encuesta", "audience": "judges"},
                         headers=bearer(token_for(session, REVIEWER))).json()
    prefix = "/api/v1/municipalities/{code}"
    checks = [
        ("/notebooks", f"{BASE}/notebooks"),
        ("/notebooks/{notebook_id}", f"{BASE}/notebooks/{notebook['id']}"),
        ("/notebooks/{notebook_id}", f"{BASE}/notebooks/{uuid.uuid4()}"),
        ("/notebooks/{notebook_id}.html", f"{BASE}/notebooks/{notebook['id']}.html"),
        ("/notebooks/{notebook_id}/figures.csv", f"{BASE}/notebooks/{notebook['id']}/figures.csv"),
        ("/surveys", f"{BASE}/surveys"),
        ("/surveys/{survey_id}", f"{BASE}/surveys/{survey['id']}"),
        ("/survey-results", f"{BASE}/survey-results"),
    ]
    problems = []
    for path, url in checks:
        for headers in ({}, bearer(token_for(session, AUDITOR))):
            problems += check_answer(spec, prefix + path, "get", client.get(url, headers=headers))
    assert not problems, "\n".join(problems)


def test_the_minimum_is_a_setting(client, session, audit, backend, monkeypatch) -> None:
    from server.config import Settings, configure_settings, get_settings

    monkeypatch.setenv("VIGIA_NOTEBOOK_MIN_RULINGS", "4")
    assert Settings().vigia_notebook_min_rulings == 4
    assert get_settings().vigia_notebook_min_rulings == 10  # the default
    for month in range(1, 7):
        audit.add_ruling(ruled_on=date(2025, month, 10), filed_on=date(2025, 1, 1))
    notebook = _publish(client, session, _compute(client, session, audit).json())
    assert client.get(f"{BASE}/notebooks/{notebook['id']}").json()["withheld"] is True
    previous = get_settings()
    configure_settings(previous.model_copy(update={"vigia_notebook_min_rulings": 6}))
    try:
        public = client.get(f"{BASE}/notebooks/{notebook['id']}").json()
    finally:
        configure_settings(previous)
    assert public["withheld"] is False and public["min_rulings"] == 6 and public["figures"]["n_rulings"] == 6


def test_a_notebook_without_adjudicated_rulings_says_so(client, session, audit) -> None:
    audit.add_ruling(ruled_on=date(2025, 3, 1), filed_on=date(2025, 1, 1), adjudicated=False)
    notebook = _compute(client, session, audit).json()
    assert notebook["n_rulings"] == 0 and notebook["figures"]["rulings_without_adjudication"] == 1
    assert notebook["figures"]["defects"]["any"] == {"count": 0, "n": 0, "rate": None, "ci95": None}
    assert notebook["figures"]["time_to_ruling"]["median_days"] is None
    page = client.get(f"{BASE}/notebooks/{notebook['id']}.html", headers=bearer(token_for(session, AUDITOR)))
    assert page.status_code == 200 and "Versión interna del equipo de auditoría" in page.text
    rows = client.get(f"{BASE}/notebooks/{notebook['id']}/figures.csv", headers=bearer(token_for(session, AUDITOR)))
    assert rows.status_code == 200 and "defect_any" in rows.text


def test_a_state_to_filter_by_is_named_in_words(client, session, audit) -> None:
    """?state= lists the states in the reader's words ("borrador, revisado, publicado o retirado"), not the codes,
    and takes the words a person reads on the page ("publicado")."""
    wrong = client.get(f"{BASE}/notebooks", params={"state": "archivado"})
    assert_error_shape(wrong, 422, "validation_error")
    assert wrong.json()["error"]["details"][0]["message"] == (
        "Debe ser uno de estos valores: borrador, revisado, publicado o retirado.")
    english = client.get(f"{BASE}/notebooks", params={"state": "archived"}, headers={"Accept-Language": "en"})
    assert "draft, reviewed, published or withdrawn" in english.json()["error"]["details"][0]["message"]
    assert client.get(f"{BASE}/notebooks", params={"state": "publicado"}).status_code == 200


def test_quarters_read_in_the_pages_language(client, session, audit) -> None:
    """A quarter is "2025-T2" (trimestre) on the Spanish page and "2025-Q2" on the English one: no Spanish
    abbreviation for an English reader. The JSON and the CSV keep the one key."""
    twelve_rulings(audit)
    notebook = _publish(client, session, _compute(client, session, audit).json())
    url = f"{BASE}/notebooks/{notebook['id']}"
    quarters = {row["period"] for row in client.get(url).json()["figures"]["line_of_decisions"]["by_quarter"]}
    assert quarters and all("-T" in quarter for quarter in quarters)
    spanish = client.get(f"{url}.html").text
    english = client.get(f"{url}.html", params={"lang": "en"}).text
    for quarter in quarters:
        year, number = quarter.split("-T")
        assert f"<td>{quarter}</td>" in spanish
        assert f"<td>{year}-Q{number}</td>" in english and f"<td>{quarter}</td>" not in english


def test_a_notebook_is_computed_within_its_project_period_only(client, session, audit) -> None:
    """A period outside the project's (1900–9999) is refused in words naming the project's period."""
    before = session.query(Notebook).count()
    wide = _compute(client, session, audit, period_starts_on="1900-01-01", period_ends_on="9999-12-31")
    detail = assert_error_shape(wide, 422, "notebook_period_outside_project")["details"][0]
    assert detail["field"] == "period_starts_on", detail
    assert "del 1 de enero de 2025 al 31 de diciembre de 2025" in detail["message"], detail
    late = _compute(client, session, audit, period_starts_on="2025-06-01", period_ends_on="2026-01-31")
    assert assert_error_shape(late, 422, "notebook_period_outside_project")["details"][0]["field"] == "period_ends_on"
    assert session.query(Notebook).count() == before
    assert _compute(client, session, audit, period_starts_on="2025-06-01",
                    period_ends_on="2025-12-31").status_code == 201


def test_the_withheld_message_and_the_time_column_read_well(client, session, audit) -> None:
    """The withheld CSV message is two sentences (no capital after a colon), and the time table's count column says
    what it counts (rulings measured from filing to ruling), not "Respuestas o resoluciones"."""
    for month in range(1, 7):
        audit.add_ruling(ruled_on=date(2025, month, 10), filed_on=date(2025, 1, 1),
                         labels=("insufficient_reasoning",))
    notebook = _publish(client, session, _compute(client, session, audit).json())
    withheld = client.get(f"{BASE}/notebooks/{notebook['id']}/figures.csv")
    message = assert_error_shape(withheld, 409, "notebook_withheld")["message"]
    assert message.startswith("Las cifras de este cuaderno no son públicas. Este cuaderno no muestra"), message
    english = client.get(f"{BASE}/notebooks/{notebook['id']}/figures.csv", headers={"Accept-Language": "en"})
    assert english.json()["error"]["message"].startswith("This notebook's figures are not public. This notebook")
    page = client.get(f"{BASE}/notebooks/{notebook['id']}.html", headers=bearer(token_for(session, REVIEWER)))
    assert "Resoluciones medidas (días de la presentación a la resolución)" in page.text, page.text
    assert "Respuestas o resoluciones</th></tr></thead><tbody><tr><td class=\"num\">" not in page.text
    english_page = client.get(f"{BASE}/notebooks/{notebook['id']}.html", params={"lang": "en"},
                              headers=bearer(token_for(session, REVIEWER)))
    assert "Rulings measured (days from filing to ruling)" in english_page.text
